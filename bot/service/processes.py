"""``python -m bot worker | serve | reconcile | watch``: the service's own processes.

Each checks the whole environment first and, when something is missing or
malformed, exits with status 2 and one message naming every problem, before
any queue or GitHub connection is made.
"""

import argparse
import importlib
import logging
import os
import sys
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.service import logs, procfile
from bot.service.config import ConfigError, Settings
from bot.service.locks import Locks
from bot.service.queue import Jobs, make_huey

if TYPE_CHECKING:  # the GitHub edge loads only when a pass runs
    from bot.github.reconcile import Replay

EXIT_CONFIG = 2


def settings_or_none(*, webhook: bool = True) -> Settings | None:
    """The settings, or None after printing why the environment cannot run the service.

    ``webhook=False``: events come from GitHub Actions, not as deliveries needing a secret.
    """
    try:
        return Settings.from_env(webhook=webhook)
    except ConfigError as error:
        print(f"Error: {error}", file=sys.stderr)
        return None


def worker(args: argparse.Namespace) -> int:
    """Run the queue's consumer: delivery jobs, and reconcile at start-up and periodically."""
    settings = settings_or_none()
    if settings is None:
        return EXIT_CONFIG
    logs.setup_logging()
    _route_huey_logs()
    jobs = Jobs(settings)
    _load_job_code()
    if settings.repository is None:
        logs.event("worker", warning="GITHUB_REPOSITORY is not set: reconcile is disabled")
    else:
        jobs.reconcile()
    consumer = jobs.huey.create_consumer(
        workers=args.threads,
        worker_type="thread",
        periodic=True,
        graceful_signal="TERM",  # platforms send SIGTERM and wait: let running jobs finish
        shutdown_timeout=25,
        max_delay=1.0,  # an idle worker looks at a SQLite queue every second, not every 10
    )
    consumer.run()
    return 0


def _load_job_code() -> None:
    """Import what the jobs run before the consumer's threads start.

    A job imports the GitHub edge when it first runs; two doing so at once (the
    start-up reconcile and a delivery queued while the worker was down) each found
    PyGithub half-imported by the other and failed with an ImportError, which is
    not retried: the delivery was lost until a later reconcile.
    """
    importlib.import_module("bot.github.handlers")
    importlib.import_module("bot.github.reconcile")


def _route_huey_logs() -> None:
    """huey's start-up lines and task tracebacks, as JSON lines beside the bot's own."""
    for name, level in (("huey", logging.WARNING), ("huey.consumer", logging.INFO)):
        logger = logging.getLogger(name)
        logger.handlers = logs.log.handlers
        logger.setLevel(level)
        logger.propagate = False


def serve(args: argparse.Namespace) -> int:
    """Run every process of the Procfile (web and worker) until Ctrl-C, as a platform would."""
    if settings_or_none() is None:
        return EXIT_CONFIG
    env = {"PORT": str(args.port), **os.environ}
    print(f"serving on http://127.0.0.1:{env['PORT']}/webhook (Ctrl-C stops)", file=sys.stderr)
    return procfile.run_all(env)


def reconcile(args: argparse.Namespace) -> int:
    """One reconcile pass now, printing what it replayed."""
    settings = settings_or_none()
    if settings is None:
        return EXIT_CONFIG
    if settings.repository is None:
        print("Error: reconcile needs GITHUB_REPOSITORY=owner/name", file=sys.stderr)
        return EXIT_CONFIG
    logs.setup_logging()
    from bot import arxiv
    from bot.github import reconcile as passes

    locks = Locks(make_huey(settings.queue_url))  # the worker's locks, if one runs beside
    with arxiv.serving(arxiv.Source.from_settings(settings)):
        replays = passes.run(settings, grace=timedelta(seconds=args.grace), lock=locks)
    return print_replays(replays)


def watch(args: argparse.Namespace) -> int:
    """One pass of the watch now (SPEC 13), printing what it found and did.

    No webhook secret is needed: the pass receives no deliveries. It takes
    the worker's lock on the release PR when a worker runs beside.
    """
    settings = settings_or_none(webhook=False)
    if settings is None:
        return EXIT_CONFIG
    if settings.repository is None:
        print("Error: the watch needs GITHUB_REPOSITORY=owner/name", file=sys.stderr)
        return EXIT_CONFIG
    if not settings.watch:
        print("the watch is off (WATCH=off): nothing checked")
        return 0
    logs.setup_logging()
    from bot.service import watch as passes

    summary = passes.run(settings, lock=Locks(make_huey(settings.queue_url)))
    print("\n".join(summary.lines()))
    return 0


def print_replays(replays: "list[Replay]") -> int:
    """What a reconcile pass did, a line each; the exit status, 1 when any part failed."""
    for replay in replays:
        outcome = f"failed: {replay.error}" if replay.error else "done"
        print(f"{replay.target}: {replay.reason}: replayed {replay.event}: {outcome}")
    return 1 if any(replay.error for replay in replays) else 0
