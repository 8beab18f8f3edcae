"""Reconcile: complete, from GitHub's state alone, what the event stream left undone.

GitHub does not resend a delivery that the bot missed while it was down, and
a worker killed mid-job loses that job. This pass reads every open intake
issue of the list's repository and, where an event's effect is missing,
replays that event through the same handlers the webhook uses:

- no status comment from the bot: ``issues.opened`` (the submission is assessed);
- a command (``/approve``, ``/reject``) with no comment of the bot after it:
  ``issue_comment.created`` (the bot answers every command with a comment);
- and once per pass, a ``push`` of the default branch's head: the bot's pull
  requests that are not based on it are rebuilt (none, usually).

It is level-triggered and idempotent like the handlers: it keeps no state,
and a pass over a repository where nothing is missing only reads (one request
for the repository, one per page of issues, one per issue for its comments,
one for the open pull requests and one per bot pull request).
The periodic pass leaves alone what is younger than its ``grace``, so that it
does not race the deliveries still in the queue.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from github import Github

from bot.core import messages
from bot.core.commands import parse_command
from bot.core.forms import INTAKE_LABEL
from bot.github.client import client_for_repository, is_own
from bot.github.handlers import ROUTER
from bot.github.routing import Event
from bot.service import logs
from bot.service.config import Settings

Json = dict[str, Any]
PER_PAGE = 100


@dataclass(frozen=True)
class Replay:
    """One event replayed, for what (``#12``, or ``pull requests``), and how it went."""

    target: str
    event: str
    reason: str
    error: str | None = None


def run(settings: Settings, *, grace: timedelta = timedelta(0)) -> list[Replay]:
    """One pass over the open intake issues of ``settings.repository``."""
    if settings.repository is None:
        raise ValueError("reconcile needs GITHUB_REPOSITORY (owner/name)")
    github, installation_id = client_for_repository(settings, settings.repository)
    repository = _get(github, f"/repos/{settings.repository}")
    context = {"repository": repository}
    if installation_id is not None:
        context["installation"] = {"id": installation_id}
    cutoff = datetime.now(UTC) - grace
    replays = []
    for issue in _pages(github, f"/repos/{settings.repository}/issues", labels=INTAKE_LABEL):
        if "pull_request" in issue:
            continue
        comments = list(_pages(github, issue["comments_url"]))
        for name, payload, reason in missing_events(github, issue, comments, cutoff):
            target = f"#{issue['number']}"
            replays.append(_replay(github, target, name, payload | context, reason))
    push = {"ref": f"refs/heads/{repository['default_branch']}", "deleted": False} | context
    replays.append(_replay(github, "pull requests", "push", push, "rebuilt if stale"))
    return replays


def missing_events(
    github: Github, issue: Json, comments: list[Json], cutoff: datetime
) -> Iterator[tuple[str, Json, str]]:
    """The events whose effect is missing on this issue: (event, payload, why)."""
    own = [_is_own(github, comment) for comment in comments]
    has_status = any(
        mine and comment["body"].startswith(messages.STATUS_MARKER)
        for mine, comment in zip(own, comments, strict=True)
    )
    if not has_status and _time(issue["created_at"]) <= cutoff:
        yield "issues", {"action": "opened", "issue": issue, "sender": issue["user"]}, "no status"
    for index in range(len(comments) - 1, -1, -1):
        comment = comments[index]
        if own[index]:
            return  # the bot spoke after every earlier comment
        if parse_command(comment["body"]) and _time(comment["created_at"]) <= cutoff:
            payload = {"action": "created", "issue": issue, "comment": comment}
            yield "issue_comment", payload | {"sender": comment["user"]}, "unanswered command"
            return


def _replay(github: Github, target: str, name: str, payload: Json, reason: str) -> Replay:
    """Run the event's handlers now; a failure is recorded, and the next one goes on."""
    action = payload.get("action")
    event = Event(name, payload, delivery_id=f"reconcile:{target}:{name}")
    error = None
    try:
        ROUTER.dispatch(event, github)
    except Exception as failure:
        error = f"{type(failure).__name__}: {failure}"[:300]
    replay = Replay(target, f"{name}.{action}" if action else name, reason, error)
    logs.event(
        "reconcile",
        target=target,
        replayed=replay.event,
        reason=reason,
        outcome="failed" if error else "done",
        **({"error": error} if error else {}),
    )
    return replay


def _is_own(github: Github, comment: Json) -> bool:
    user = comment.get("user") or {}
    return is_own(github, user.get("login", ""), user.get("type", ""))


def _time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _get(github: Github, path: str, **parameters: Any) -> Any:
    """GitHub's JSON as it is: the same shapes webhook payloads carry."""
    return github.requester.requestJsonAndCheck("GET", path, parameters=parameters or None)[1]


def _pages(github: Github, path: str, **parameters: Any) -> Iterator[Json]:
    """Every item of a listing, page by page (issues: open ones, oldest first)."""
    page = 1
    while True:
        items = _get(github, path, per_page=PER_PAGE, page=page, **parameters)
        yield from items
        if len(items) < PER_PAGE:
            return
        page += 1
