"""Reconcile: the lifecycle controller run over every open submission, with no event.

GitHub does not resend a delivery that the bot missed while it was down, and
a worker killed mid-job loses that job. This pass is level-triggered: for
every open intake issue (new paper, update or removal; and every issue whose
bot PR is still open) it
brings status, labels and pull request to the state GitHub's data implies,
acting only on differences, and it carries out every command the status
record does not list as answered. A lost ``/approve`` is completed only
when the submission has not changed since the command (the status comment
was not edited after it); otherwise the maintainer is asked for a fresh one.
Once per pass it also replays a ``push`` of the default branch's head, so
stale pull requests are rebuilt.

The periodic pass leaves alone what is younger than its ``grace``, so that
it does not race the deliveries still in the queue.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from github.Issue import Issue

from bot.core import lifecycle, messages
from bot.core.commands import parse_command
from bot.core.kinds import Kind
from bot.github.client import client_for_repository, own_login
from bot.github.handlers import ROUTER
from bot.github.lifecycle import Place, converge, is_pull_request, own_pulls
from bot.github.routing import Context, Event, Lock, no_lock
from bot.service import logs
from bot.service.config import Settings


@dataclass(frozen=True)
class Replay:
    """One thing the pass did, for what (``#12``, or ``pull requests``), and how it went."""

    target: str
    event: str
    reason: str
    error: str | None = None


def run(
    settings: Settings, *, grace: timedelta = timedelta(0), lock: Lock = no_lock
) -> list[Replay]:
    """One pass over the submissions of ``settings.repository``."""
    if settings.repository is None:
        raise ValueError("reconcile needs GITHUB_REPOSITORY (owner/name)")
    github, installation_id = client_for_repository(settings, settings.repository)
    repo = github.get_repo(settings.repository)
    place = Place(repo.full_name, repo.owner.login, repo.default_branch)
    context = Context(github, lock)
    cutoff = datetime.now(UTC) - grace
    replays: list[Replay] = []
    seen = set()
    for kind in Kind:  # GitHub's label filter takes issues with all the labels: one per kind
        for issue in repo.get_issues(state="open", labels=[kind.value]):
            if issue.number in seen or is_pull_request(issue) or _aware(issue.created_at) > cutoff:
                continue
            seen.add(issue.number)
            replays += reconcile_issue(context, place, issue, cutoff)
    for number in sorted(set(own_pulls(repo, place)) - seen):
        replays.append(
            _attempt(
                f"#{number}",
                "converge",
                "open pull request",
                lambda n=number: converge(context, place, n),
            )
        )
    push: dict[str, Any] = {
        "ref": f"refs/heads/{place.default_branch}",
        "deleted": False,
        "repository": {
            "full_name": place.full_name,
            "owner": {"login": place.owner},
            "default_branch": place.default_branch,
        },
    }
    if installation_id is not None:
        push["installation"] = {"id": installation_id}
    replays.append(
        _attempt(
            "pull requests",
            "push",
            "rebuilt if stale",
            lambda: ROUTER.dispatch(Event("push", push, "reconcile:push"), context),
        )
    )
    return replays


def reconcile_issue(context: Context, place: Place, issue: Issue, cutoff: datetime) -> list[Replay]:
    """Carry out the unanswered commands of one issue, then bring it to its wanted state."""
    target = f"#{issue.number}"
    mine = own_login(context.github)
    comments = list(issue.get_comments())
    status = next(
        (c for c in comments if c.user.login == mine and c.body.startswith(messages.STATUS_MARKER)),
        None,
    )
    record = lifecycle.read_record(status.body if status else None)
    replays = []
    for comment in comments:
        command = parse_command(comment.body)
        if (
            command is None
            or comment.user.login == mine
            or comment.user.type == "Bot"
            or comment.id in record.handled
            or _aware(comment.created_at) > cutoff
        ):
            continue
        unchanged = status is not None and _aware(status.updated_at) <= _aware(comment.created_at)
        payload = {
            "comment": {
                "id": comment.id,
                "user": {"login": comment.user.login},
                "body": comment.body,
            },
            "issue": {"body": issue.body if unchanged else None},
        }
        replays.append(
            _attempt(
                target,
                "issue_comment.created",
                "unanswered command",
                lambda c=command, p=payload: converge(context, place, issue.number, (c, p)),
            )
        )
    reason = "no status" if status is None else "checked"
    replay = _attempt(
        target, "issues.opened", reason, lambda: converge(context, place, issue.number)
    )
    if status is None or replay.error:
        replays.append(replay)
    return replays


def _attempt(target: str, event: str, reason: str, work: Any) -> Replay:
    """Run one piece of the pass; a failure is recorded, and the next one goes on."""
    error = None
    try:
        work()
    except Exception as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    replay = Replay(target, event, reason, error)
    logs.event(
        "reconcile",
        target=target,
        replayed=event,
        reason=reason,
        outcome="failed" if error else "done",
        **({"error": error} if error else {}),
    )
    return replay


def _aware(stamp: datetime) -> datetime:
    """PyGithub's timestamps, compared with an aware ``now`` (older releases give naive UTC)."""
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
