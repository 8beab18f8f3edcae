"""``push`` events: keeping the bot's pull requests mergeable when the default branch moves.

Every paper PR regenerates the same README table, so merging one would leave
all the others in conflict (the top complaint about comparable bots). On a
push to the default branch, each open paper PR not based on the new head is
rebuilt there: one fresh commit re-applying the PR's OWN entry as it stands
on its branch (a maintainer's fix-up commits included, compared with the
commit the bot built on), force-moved onto its branch. A paper that reached
the list meanwhile closes its PR and its issue (as a duplicate). The issues
of PRs merged by this push are told that their paper is in the list.
"""

from itertools import islice
from typing import Any

from github.PullRequest import PullRequest
from github.Repository import Repository

from bot.core import messages, paths
from bot.core.change import add_to_list, added_papers
from bot.core.lifecycle import DUPLICATE_LABEL
from bot.core.papers import find_duplicate, load_papers
from bot.github import ops
from bot.github.lifecycle import Place, converge, issue_of_branch, lock_name, own_pulls
from bot.github.pacing import write
from bot.github.routing import Context, Event, Router

router = Router()
# How many recently closed pull requests a push looks through for the ones it merged.
RECENTLY_CLOSED = 30


@router.register("push")
def on_push(event: Event, context: Context) -> None:
    payload = event.payload
    if not isinstance(payload.get("repository"), dict):  # a hand-made delivery
        return
    place = Place.of(payload)
    if payload.get("ref") != f"refs/heads/{place.default_branch}" or payload.get("deleted"):
        return
    repo = context.github.get_repo(place.full_name)
    for number in merged_by(repo, payload):
        converge(context, place, number)
    pulls = own_pulls(repo, place)
    if not pulls:
        return
    head = ops.head_of(repo, place.default_branch)
    data = ops.read_file(repo, paths.DATA_IN_REPO, head.sha)
    readme = ops.read_file(repo, paths.README_IN_REPO, head.sha)
    for number, pull in sorted(pulls.items()):
        with context.lock(lock_name(place, number)):
            listed = rebuild(repo, pull, head, data, readme) == "listed"
            if listed:
                close_issue_as_duplicate(repo, number, pull.number)
        if listed:
            converge(context, place, number)


def merged_by(repo: Repository, payload: dict[str, Any]) -> list[int]:
    """Issues whose paper PR this push merged (the PR's merge commit is among its commits)."""
    pushed = {commit.get("id") for commit in payload.get("commits") or [] if commit}
    pushed.add(payload.get("after"))
    numbers = []
    recent = repo.get_pulls(state="closed", sort="updated", direction="desc")
    for pull in islice(recent, RECENTLY_CLOSED):
        number = issue_of_branch(pull.head.ref)
        if number is not None and pull.merged_at and pull.merge_commit_sha in pushed:
            numbers.append(number)
    return numbers


def rebuild(
    repo: Repository, pull: PullRequest, head: ops.Head, data: str, readme: str
) -> str | None:
    """Re-apply one PR's entry on the new head; "listed" when the paper is listed already."""
    commits = list(pull.get_commits())
    if not commits or not commits[0].parents:
        return None
    base = commits[0].parents[0].sha
    if base == head.sha:
        return None
    before = ops.read_file(repo, paths.DATA_IN_REPO, base)
    after = ops.read_file(repo, paths.DATA_IN_REPO, pull.head.sha)
    entries = added_papers(before, after)
    listed = load_papers(data)
    if not entries or any(find_duplicate(paper, listed) for paper in entries):
        write(pull.create_issue_comment, messages.ALREADY_LISTED_CLOSING)
        write(pull.edit, state="closed")
        return "listed"
    new_data, new_readme = add_to_list(data, readme, entries)
    files = {paths.DATA_IN_REPO: new_data, paths.README_IN_REPO: new_readme}
    sha = ops.commit_files(repo, head, files, commits[0].commit.message)
    ops.move_branch(repo, pull.head.ref, sha)
    return None


def close_issue_as_duplicate(repo: Repository, number: int, pull: int) -> None:
    """The submission's paper reached the list another way: say so, close it as a duplicate."""
    issue = repo.get_issue(number)
    if issue.state == "closed":  # merged by another PR of its own, or closed by a maintainer
        return
    write(issue.create_comment, messages.listed_meanwhile(pull))
    write(issue.add_to_labels, DUPLICATE_LABEL)
    write(issue.edit, state="closed", state_reason="not_planned")
