"""``push`` events: keeping the bot's pull requests mergeable when the default branch moves.

Every paper PR regenerates the same README table, so merging one would leave
all the others in conflict (the top complaint about comparable bots). On a
push to the default branch, each open paper PR not based on the new head is
rebuilt there: one fresh commit re-applying the PR's OWN entry as it stands
on its branch (a maintainer's fix-up commits included, compared with the
commit the bot built on), force-moved onto its branch. A paper that reached
the list meanwhile closes its PR and its issue (as a duplicate). The issues
of PRs merged by this push are told that their paper is in the list. The
watch's release PR (``bot.github.watch``) is rebuilt on the new head too.

An update's or a removal's PR is re-applied only where its entry is still
exactly as the approval found it: an entry changed or removed on the default
branch meanwhile (by a maintainer, or another PR) is never overwritten. The
PR is closed instead, and its issue told why; when the change itself reached
the list, the issue is closed as for a new paper listed meanwhile.
"""

from dataclasses import dataclass
from itertools import islice
from typing import Any

from github import Github
from github.PullRequest import PullRequest
from github.Repository import Repository

from bot.core import messages, paths
from bot.core.change import (
    Amendment,
    Outcome,
    add_to_list,
    added_papers,
    amendments,
    reapply,
    written,
)
from bot.core.kinds import Kind
from bot.core.lifecycle import DUPLICATE_LABEL
from bot.core.pages import Published
from bot.core.papers import PaperList, find_duplicate, load_papers
from bot.core.table import escape_text
from bot.github import ops, watch
from bot.github.lifecycle import (
    Place,
    close_pull,
    converge,
    issue_of_branch,
    lock_name,
    own_pulls,
)
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
    release = watch.open_release(repo, place)
    if not pulls and release is None:
        return
    head = ops.head_of(repo, place.default_branch)
    files = ops.files_at(repo, head.sha)
    papers = ops.read_papers(repo, files)
    published = ops.read_published(repo, files)
    for number, pull in sorted(pulls.items()):
        with context.lock(lock_name(place, number)):
            closed = rebuild(repo, pull, head, papers, published)
            if closed is not None:
                tell(context.github, repo, place, number, closed)
        if closed is not None:
            converge(context, place, number)
    if release is not None:
        with context.lock(watch.lock_name(place)):
            data = ops.read_file(repo, files, paths.DATA_IN_REPO)
            watch.rebuild(repo, place, release, head, data, published)


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


@dataclass(frozen=True)
class Closed:
    """A PR closed instead of rebuilt: what its issue is told, and whether the issue closes
    too (``done``: its change is in the list already)."""

    pull: int
    text: str
    done: bool


def rebuild(
    repo: Repository, pull: PullRequest, head: ops.Head, papers: PaperList, published: Published
) -> Closed | None:
    """Re-apply one PR's change on the new head; what was said if it was closed instead."""
    commits = list(pull.get_commits())
    if not commits or not commits[0].parents:
        return None
    base = commits[0].parents[0].sha
    if base == head.sha:
        return None
    before = ops.read_papers(repo, ops.files_at(repo, base))
    after = load_papers(ops.read_file(repo, ops.files_at(repo, pull.head.sha), paths.DATA_IN_REPO))
    changes = amendments(before, after)
    if changes:
        files_or_closed = _reapplied(pull, changes, papers, published)
        if isinstance(files_or_closed, Closed):
            return files_or_closed
        files = files_or_closed
    else:
        entries = added_papers(before, after)
        if not entries or any(find_duplicate(paper, papers) for paper in entries):
            close_pull(pull, messages.ALREADY_LISTED_CLOSING)
            return Closed(pull.number, messages.listed_meanwhile(pull.number), done=True)
        files = add_to_list(papers, published, entries)
    sha = ops.commit_files(repo, head, files, commits[0].commit.message)
    ops.move_branch(repo, pull.head.ref, sha)
    return None


def _reapplied(
    pull: PullRequest, changes: list[Amendment], papers: PaperList, published: Published
) -> dict[str, str | None] | Closed:
    """An update's or removal's files on the new head, or the PR closed, saying why."""
    result = reapply(papers, changes)
    number = pull.number
    if result.outcome is Outcome.REAPPLIED:
        return written(result.papers, published)
    if result.outcome is Outcome.DONE:
        close_pull(pull, messages.DONE_MEANWHILE_CLOSING)
        kind = Kind.REMOVE if all(change.after is None for change in changes) else Kind.UPDATE
        return Closed(number, messages.done_meanwhile(number, kind), done=True)
    close_pull(pull, messages.CHANGED_MEANWHILE_CLOSING)
    if result.outcome is Outcome.DUPLICATE and result.clash is not None:
        title = escape_text(str(result.clash.get("title")))
        text = messages.would_duplicate_meanwhile(number, title, result.clash.get("year"))
    elif result.outcome is Outcome.VANISHED:
        text = messages.entry_vanished_meanwhile(number)
    else:
        text = messages.entry_changed_meanwhile(number)
    return Closed(number, text, done=False)


def tell(github: Github, repo: Repository, place: Place, number: int, closed: Closed) -> None:
    """Tell the issue why its PR was closed; close it too when its change is listed already.

    Keyed, so that a lost answer to the comment does not post it twice.
    """
    if closed.done:
        close_issue_as_duplicate(repo, number, closed.text)
    else:
        key = f"pull-closed pull={closed.pull}"
        ops.comment_once(github, place.full_name, number, closed.text, key)


def close_issue_as_duplicate(repo: Repository, number: int, text: str) -> None:
    """The submission's change reached the list another way: say so, close it as a duplicate."""
    issue = repo.get_issue(number)
    if issue.state == "closed":  # merged by another PR of its own, or closed by a maintainer
        return
    write(issue.create_comment, text)
    write(issue.add_to_labels, DUPLICATE_LABEL)
    write(issue.edit, state="closed", state_reason="not_planned")
