"""``python -m bot action``: the bot without a server, one GitHub Actions job per event.

GitHub Actions starts a job for each event the workflow
(``.github/workflows/paper-bot.yml``) subscribes to and describes the event
in the job's environment: its name in ``GITHUB_EVENT_NAME``, its webhook
payload in the file ``GITHUB_EVENT_PATH`` names. The job runs the handlers
the worker runs for a delivery (``bot.github.handlers.run``, with an arXiv
source for autofill); the daily schedule, and a run started by hand, run the
reconcile pass instead, then the watch (SPEC 13) unless ``WATCH=off``. No
lock is taken: the workflow's concurrency group lets one job at a time work
on an issue.

A red run must mean that somebody has to look: the exit status is 0 when
the outcome is on GitHub (done, explained on the issue, or nothing to do),
2 when the environment or the event file cannot be used, and 1 when a
failure escaped the handlers, with one line saying what failed.
"""

import argparse
import json
import os
import sys
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot import arxiv
from bot.service import logs
from bot.service.config import Settings
from bot.service.events import is_handled
from bot.service.processes import EXIT_CONFIG, print_replays, settings_or_none
from bot.service.queue import logged_job

EXIT_FAILED = 1
# The events a workflow runs on a timer or by hand: they carry no submission,
# so the job reconciles every open one.
RECONCILE_EVENTS = frozenset({"schedule", "workflow_dispatch"})


class EventFileError(ValueError):
    """The job's event cannot be read; the message names the variable or file and why."""


def action(args: argparse.Namespace) -> int:
    """Handle the event of this Actions job; the exit status says whether anyone must look."""
    try:
        name, payload = read_event(os.environ)
    except EventFileError as error:
        print(f"Error: {error}", file=sys.stderr)
        return EXIT_CONFIG
    reconciling = name in RECONCILE_EVENTS
    action_name = payload.get("action")
    shown = f"{name}.{action_name}" if isinstance(action_name, str) else name
    if not reconciling and not (
        isinstance(action_name, str | None) and is_handled(name, action_name)
    ):
        print(f"nothing to do: the bot does not handle {shown}")
        return 0
    settings = settings_or_none(webhook=False)
    if settings is None:
        return EXIT_CONFIG
    if reconciling and settings.repository is None:
        print("Error: reconcile needs GITHUB_REPOSITORY=owner/name", file=sys.stderr)
        return EXIT_CONFIG
    logs.setup_logging()
    run = f"actions-run:{os.environ.get('GITHUB_RUN_ID', '')}"
    try:
        source = arxiv.Source.from_settings(settings)
        with arxiv.serving(source):
            if reconciling:
                return reconcile_all(settings, run, timedelta(seconds=args.grace), source)
            handle(name, payload, settings, run)
    except Exception as error:
        from bot.github.errors import REQUEST_FAILURES, what_github_said

        logs.log.error("unexplained failure", exc_info=True)  # the traceback, for a bug report
        said = (
            what_github_said(error)
            if isinstance(error, REQUEST_FAILURES)
            else f"{type(error).__name__}: {error}"
        )
        print(f"Error: {shown} failed: {said}"[:500], file=sys.stderr)
        return EXIT_FAILED
    return 0


def handle(name: str, payload: dict[str, Any], settings: Settings, run: str) -> None:
    """The worker's job for one delivery, logged as the worker logs it."""
    from bot.github import handlers
    from bot.github.routing import Event

    with logged_job(None, {"delivery": run, **logs.delivery_fields(name, payload)}):
        handlers.run(Event(name, payload, run), settings)


def reconcile_all(
    settings: Settings, run: str, grace: timedelta, source: arxiv.Source | None
) -> int:
    """The worker's periodic passes, printing what they did; 1 when a part of one failed.

    The watch takes arXiv's turns after reconcile's, through the same source.
    """
    from bot.github import reconcile
    from bot.service import watch

    fields = {"delivery": run, "repository": settings.repository}
    with logged_job(None, fields, "reconcile"):
        replays = reconcile.run(settings, grace=grace)
    status = print_replays(replays)
    if settings.watch:
        with logged_job(None, fields, "watch"):
            summary = watch.run(settings, source=source or arxiv.Source.for_deployment(settings))
            print("\n".join(summary.lines()))
    return status


def read_event(env: Mapping[str, str]) -> tuple[str, dict[str, Any]]:
    """The event's name and payload, as the Actions runner wrote them, or EventFileError."""
    name, path = env.get("GITHUB_EVENT_NAME", ""), env.get("GITHUB_EVENT_PATH", "")
    missing = " and ".join(
        variable
        for variable, value in (("GITHUB_EVENT_NAME", name), ("GITHUB_EVENT_PATH", path))
        if not value
    )
    if missing:
        raise EventFileError(
            f"{missing} not set: `action` runs as a step of a GitHub Actions job, which sets "
            "both (see .github/workflows/paper-bot.yml)"
        )
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not UTF-8"
        raise EventFileError(f"the event file {path} cannot be read ({reason})") from None
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise EventFileError(
            f"the event file {path} is not JSON ({error.msg} at line {error.lineno}, "
            f"column {error.colno})"
        ) from None
    if not isinstance(payload, dict):
        raise EventFileError(
            f"the event file {path} holds a JSON {type(payload).__name__}, not the event's object"
        )
    return name, payload
