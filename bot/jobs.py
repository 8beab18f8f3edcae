"""The queue: the webhook enqueues a delivery, a worker does the GitHub work.

huey gives both deployments from one code path: a SQLite file that survives
a restart on one machine (the default, no server to run) and Redis for
several machines (``QUEUE_URL=redis://...`` or the platform's ``REDIS_URL``).

A job that fails for a reason that may pass (GitHub 5xx or rate limit after
PyGithub's own retries, a network error) is tried again with backoff; any
other failure is a bug or a permanent refusal and is not retried, so a
broken delivery cannot cycle in the queue. Whatever is lost anyway (a worker
killed mid-job, a delivery GitHub never made) the reconcile pass completes.
"""

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from github import GithubException, RateLimitExceededException
from huey import Huey, RedisExpireHuey, crontab
from huey.api import Task
from huey.storage import SqliteStorage
from requests.exceptions import ConnectionError as NetworkError
from requests.exceptions import RetryError, Timeout

import bot.approval
import bot.intake
import bot.rebuild  # noqa: F401  (importing registers the handlers)
from bot import github_ops, observe, reconcile, router
from bot.config import Settings, queue_url_from_env

QUEUE_NAME = "awesome-vis-bot"
# GitHub offers a delivery for redelivery for 3 days; its id is remembered longer.
DELIVERY_MEMORY = timedelta(days=7)
# Tries after the first: 30 s, 1, 2, 4 and 8 minutes later (about a quarter of an hour).
RETRIES, RETRY_DELAY_SECONDS, RETRY_BACKOFF = 5, 30, 2
RECONCILE_SCHEDULE = crontab(minute="*/10")
# The periodic pass leaves alone what the event stream may still be doing.
RECONCILE_GRACE = timedelta(minutes=2)


class _QueueFile(SqliteStorage):
    """huey's SQLite queue, committing with ``synchronous=NORMAL`` under its WAL journal.

    SQLite's default (FULL) waits for the disk on every commit, so each webhook
    answer waited for one or two flushes (bench/webhook_ack.py: p99 210 ms at
    32 concurrent deliveries). NORMAL keeps every commit through a crash of the
    process; only an OS crash or power cut can lose the last ones, and what
    they held is completed by the reconcile pass from GitHub's state.
    """

    def _create_connection(self) -> sqlite3.Connection:
        connection = super()._create_connection()
        connection.execute("pragma synchronous=NORMAL")
        return connection


def make_queue(queue_url: str) -> Huey:
    if queue_url.startswith("sqlite:///"):
        path = Path(queue_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return Huey(QUEUE_NAME, storage_class=_QueueFile, filename=str(path))
    # The "expire" flavour: its put_if_empty takes a TTL on any Redis version.
    seconds = int(DELIVERY_MEMORY.total_seconds())
    return RedisExpireHuey(QUEUE_NAME, url=queue_url, expire_time=seconds)


huey = make_queue(queue_url_from_env(os.environ))


def pending_jobs() -> int:
    """Jobs waiting in the queue; raises when the queue cannot be reached."""
    return huey.pending_count()


# -- duplicate deliveries ----------------------------------------------------------


def first_delivery(delivery_id: str, queue: Huey = huey) -> bool:
    """Remember a delivery id atomically; False when it was seen before.

    GitHub may deliver the same event twice (same ``X-GitHub-Delivery``);
    handlers are idempotent, but a duplicate need not cost a job at all.
    """
    key, stamp = f"delivery:{delivery_id}", str(int(time.time())).encode()
    if isinstance(queue.storage, SqliteStorage):  # no TTL there: forget_old_deliveries prunes
        return queue.storage.put_if_empty(key, stamp)
    return queue.storage.put_if_empty(key, stamp, ttl=int(DELIVERY_MEMORY.total_seconds()))


def forget_delivery(delivery_id: str, queue: Huey = huey) -> None:
    """Let a redelivery through after the first attempt could not be queued."""
    queue.storage.delete_data(f"delivery:{delivery_id}")


def forget_old_deliveries(queue: Huey = huey) -> int:
    """Drop remembered delivery ids older than DELIVERY_MEMORY (SQLite keeps them otherwise)."""
    if not isinstance(queue.storage, SqliteStorage):
        return 0
    cutoff = int(time.time() - DELIVERY_MEMORY.total_seconds())
    with queue.storage.db(commit=True) as cursor:
        cursor.execute(
            "delete from kv where queue = ? and key like 'delivery:%' "
            "and cast(value as integer) < ?",
            (queue.storage.name, cutoff),
        )
        return cursor.rowcount


# -- the jobs ------------------------------------------------------------------------


def run_handlers(event: router.Event, settings: Settings) -> None:
    """Everything the bot does for one delivery, in the worker."""
    installation = event.payload.get("installation") or {}
    github = github_ops.client(settings, installation.get("id"))
    for handler in router.handlers_for(event.name, event.action):
        handler(event, github)


@huey.task(
    retries=RETRIES,
    retry_delay=RETRY_DELAY_SECONDS,
    retry_backoff=RETRY_BACKOFF,
    context=True,
)
def handle_delivery(
    name: str, payload: dict[str, Any], delivery_id: str, task: Task | None = None
) -> None:
    fields = {"delivery": delivery_id, **observe.delivery_fields(name, payload)}
    with logged_job(task, fields):
        run_handlers(router.Event(name, payload, delivery_id), Settings.from_env())


@huey.periodic_task(RECONCILE_SCHEDULE, context=True)
def reconcile_periodically(task: Task | None = None) -> None:
    """Complete what the event stream left undone (also queued once at worker start-up)."""
    settings = Settings.from_env()
    if settings.repository is None:
        return
    with logged_job(task, {"repository": settings.repository}, job="reconcile"):
        reconcile.run(settings, grace=RECONCILE_GRACE)


@huey.periodic_task(crontab(minute="7", hour="3"))
def forget_old_deliveries_daily() -> None:
    forget_old_deliveries()


@contextmanager
def logged_job(task: Task | None, fields: dict[str, Any], job: str = "delivery") -> Iterator[None]:
    """Log one line for the job: outcome, duration, GitHub requests; decide on a retry.

    A permanent failure empties the task's retries, so huey gives up at once.
    """
    start = time.perf_counter()
    with observe.counting_github_requests() as calls:
        try:
            yield
        except Exception as error:
            retry = task is not None and task.retries > 0 and is_transient(error)
            if task is not None and not retry:
                task.retries = 0
            outcome = f"retry in {task.retry_delay}s" if retry and task else "failed"
            error_text = f"{type(error).__name__}: {error}"[:300]
            observe.event(
                "job",
                job=job,
                **fields,
                outcome=outcome,
                error=error_text,
                duration_ms=observe.milliseconds_since(start),
                github_requests=calls[0],
            )
            raise
        observe.event(
            "job",
            job=job,
            **fields,
            outcome="done",
            duration_ms=observe.milliseconds_since(start),
            github_requests=calls[0],
        )


def is_transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: GitHub unavailable or busy, or the network."""
    if isinstance(error, RateLimitExceededException):
        return True
    if isinstance(error, GithubException):
        return error.status >= 500 or error.status == 429
    return isinstance(error, NetworkError | Timeout | RetryError)
