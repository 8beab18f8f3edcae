"""``push`` events: keeping the bot's pull requests mergeable when the default branch moves.

Every paper PR regenerates the same README table, so merging one would leave
all the others in conflict (the top complaint about comparable bots). On a
push to the default branch, each open paper PR not based on the new head is
rebuilt there: one fresh commit re-applying the PR's OWN entry (what the
maintainer approved, not the issue's possibly newer body), force-moved onto
its branch. A paper that reached the list meanwhile closes its PR instead.
"""

from github import Github
from github.PullRequest import PullRequest
from github.Repository import Repository

from bot.core import messages, paths
from bot.core.change import BRANCH_PREFIX, add_to_list, added_papers
from bot.core.papers import find_duplicate, load_papers
from bot.github import ops
from bot.github.routing import Event, Router

router = Router()


@router.register("push")
def on_push(event: Event, github: Github) -> None:
    payload = event.payload
    if not isinstance(payload.get("repository"), dict):  # a hand-made delivery
        return
    branch = ops.default_branch(payload)
    if payload.get("ref") != f"refs/heads/{branch}" or payload.get("deleted"):
        return
    repo = ops.repository(github, payload)
    pulls = [
        pull
        for pull in repo.get_pulls(state="open", base=branch)
        if pull.head.ref.startswith(BRANCH_PREFIX) and pull.head.repo.id == pull.base.repo.id
    ]
    if not pulls:
        return
    head = ops.head_of(repo, branch)
    data = ops.read_file(repo, paths.DATA_IN_REPO, head.sha)
    readme = ops.read_file(repo, paths.README_IN_REPO, head.sha)
    for pull in pulls:
        rebuild(repo, pull, head, data, readme)


def rebuild(repo: Repository, pull: PullRequest, head: ops.Head, data: str, readme: str) -> None:
    """Re-apply one PR's entry on the new head, or close it if the paper is listed."""
    commit = repo.get_git_commit(pull.head.sha)
    parents = [parent.sha for parent in commit.parents]
    if parents == [head.sha]:
        return
    before = ops.read_file(repo, paths.DATA_IN_REPO, parents[0])
    after = ops.read_file(repo, paths.DATA_IN_REPO, pull.head.sha)
    entries = added_papers(before, after)
    listed = load_papers(data)
    already = [paper for paper in entries if find_duplicate(paper, listed)]
    if already or not entries:
        pull.create_issue_comment(messages.ALREADY_LISTED_CLOSING)
        pull.edit(state="closed")
        return
    new_data, new_readme = add_to_list(data, readme, entries)
    files = {paths.DATA_IN_REPO: new_data, paths.README_IN_REPO: new_readme}
    sha = ops.commit_files(repo, head, files, commit.message)
    ops.move_branch(repo, pull.head.ref, sha)
