"""Keeping the bot's pull requests mergeable when the default branch moves.

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

from bot import github_ops, paths, router
from bot.approval import add_to_list
from bot.papers import Paper, find_duplicate, identity_keys, load_papers

BRANCH_PREFIX = "paper/issue-"


def added_papers(before: str, after: str) -> list[Paper]:
    """The entries a PR's commit added to the data file (by identity, not by text)."""
    known = {key for paper in load_papers(before) for key in identity_keys(paper)}
    return [
        paper
        for paper in load_papers(after)
        if not any(key in known for key in identity_keys(paper))
    ]


@router.register("push")
def on_push(event: router.Event, github: Github) -> None:
    payload = event.payload
    if not isinstance(payload.get("repository"), dict):  # a hand-made delivery
        return
    branch = github_ops.default_branch(payload)
    if payload.get("ref") != f"refs/heads/{branch}" or payload.get("deleted"):
        return
    repo = github_ops.repository(github, payload)
    pulls = [
        pull
        for pull in repo.get_pulls(state="open", base=branch)
        if pull.head.ref.startswith(BRANCH_PREFIX) and pull.head.repo.id == pull.base.repo.id
    ]
    if not pulls:
        return
    head = github_ops.head_of(repo, branch)
    data = github_ops.read_file(repo, paths.DATA_IN_REPO, head.sha)
    readme = github_ops.read_file(repo, paths.README_IN_REPO, head.sha)
    for pull in pulls:
        rebuild(repo, pull, head, data, readme)


def rebuild(
    repo: Repository, pull: PullRequest, head: github_ops.Head, data: str, readme: str
) -> None:
    """Re-apply one PR's entry on the new head, or close it if the paper is listed."""
    commit = repo.get_git_commit(pull.head.sha)
    parents = [parent.sha for parent in commit.parents]
    if parents == [head.sha]:
        return
    before = github_ops.read_file(repo, paths.DATA_IN_REPO, parents[0])
    after = github_ops.read_file(repo, paths.DATA_IN_REPO, pull.head.sha)
    entries = added_papers(before, after)
    listed = load_papers(data)
    already = [paper for paper in entries if find_duplicate(paper, listed)]
    if already or not entries:
        pull.create_issue_comment(
            "Closing: this paper reached the list by another route meanwhile, so this "
            "pull request has nothing left to add."
        )
        pull.edit(state="closed")
        return
    new_data, new_readme = add_to_list(data, readme, entries)
    files = {paths.DATA_IN_REPO: new_data, paths.README_IN_REPO: new_readme}
    sha = github_ops.commit_files(repo, head, files, commit.message)
    github_ops.move_branch(repo, pull.head.ref, sha)
