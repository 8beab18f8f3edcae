"""The queue: the webhook enqueues a delivery, a worker does the GitHub work.

huey gives both deployments from one code path: a SQLite file that survives
a restart on one machine (the default, no server to run) and Redis for
several machines (``QUEUE_URL=redis://...`` or the platform's ``REDIS_URL``).
The queue is built from the process's ``Settings``, once: the web app and
the worker each build their own, with the same job names.

A job that fails for a reason that may pass (GitHub 5xx or rate limit after
PyGithub's own retries, a network error) is tried again with backoff; any
other failure is a bug or a permanent refusal and is not retried, so a
broken delivery cannot cycle in the queue. Whatever is lost anyway (a worker
killed mid-job, a delivery GitHub never made) the reconcile pass completes.

Jobs wait in the queue as JSON (``JsonJobs``), never as pickles: whoever can
write to the Redis server or the SQLite file can at most queue a delivery, not
run code in the worker.

The web app never imports the GitHub edge: the jobs import it when they run.
Each process has one arXiv source (``bot.arxiv``), built with its queue, so
that all its jobs share one cache and one turn at arXiv; the daily watch
takes the same turn.
"""

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from huey import Huey, PriorityRedisExpireHuey, crontab
from huey.api import Task
from huey.registry import Message
from huey.serializer import Serializer
from huey.storage import SqliteStorage

from bot import arxiv
from bot.service import logs
from bot.service.config import Settings
from bot.service.locks import LockBusy, Locks

QUEUE_NAME = "awesome-vis-bot"
# GitHub offers a delivery for redelivery for 3 days; its id is remembered longer.
DELIVERY_MEMORY = timedelta(days=7)
# Tries after the first: 30 s, 1, 2, 4 and 8 minutes later (about a quarter of an hour).
RETRIES, RETRY_DELAY_SECONDS, RETRY_BACKOFF = 5, 30, 2
RECONCILE_SCHEDULE = crontab(minute="*/10")
# The watch's daily pass (SPEC 13), at the hour the Actions workflow's schedule runs it.
WATCH_SCHEDULE = crontab(minute="17", hour="4")
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


class UndecodableJob(ValueError):
    """An entry of the queue that is not a job this bot wrote; it is skipped."""


# huey's fields of a job that hold a time: a datetime, a timedelta or seconds.
_TIMES = ("eta", "expires", "expires_resolved")


class JsonJobs(Serializer):
    """huey's jobs as JSON: the task's name, its arguments, and huey's numbers and times.

    huey's own serializer pickles each job, and unpickling runs whatever code
    the pickle names. A job of this bot is a name and JSON data (a delivery's
    event, payload and id), so nothing else is needed; the times huey keeps
    (``eta`` of a retry) are written as ISO 8601 text. Pipelines and chords,
    which the bot does not use, are refused; so are results (the queue keeps
    none). An entry that does not decode is logged and skipped by the worker.
    """

    def _serialize(self, message: Message) -> bytes:
        if not isinstance(message, Message):
            raise TypeError(f"only jobs go through the queue, not {type(message).__name__}")
        if message.on_complete or message.on_error or message.chord_config:
            raise TypeError("the bot's jobs are single tasks, not pipelines or chords")
        fields = message._asdict()
        for name in _TIMES:
            fields[name] = _time_to_json(fields[name])
        return json.dumps(fields, separators=(",", ":")).encode()

    def _deserialize(self, data: bytes) -> Message:
        try:
            fields = json.loads(data)
            if not isinstance(fields, dict) or not set(fields) <= set(Message._fields):
                raise ValueError("not an object of huey's job fields")
            if not isinstance(fields.get("name"), str) or not isinstance(fields.get("args"), list):
                raise ValueError("no task name or no argument list")
            for name in _TIMES:
                fields[name] = _time_from_json(fields.get(name))
        except (ValueError, TypeError, AttributeError) as error:  # JSON's errors are ValueErrors
            reason = f"{type(error).__name__}: {error}"[:200]
            skipped = {"outcome": "skipped an entry that is not a job", "error": reason}
            logs.log.warning("queue", extra={"fields": skipped})
            raise UndecodableJob(reason) from None
        return Message(**{**fields, "args": tuple(fields["args"])})


def _time_to_json(value: datetime | timedelta | float | None) -> Any:
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, timedelta):
        return {"seconds": value.total_seconds()}
    return value


def _time_from_json(value: Any) -> datetime | timedelta | float | None:
    if isinstance(value, dict) and set(value) == {"datetime"}:
        return datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and set(value) == {"seconds"}:
        return timedelta(seconds=value["seconds"])
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise ValueError(f"a time that is none of a datetime, a timedelta or seconds: {value!r}")


def make_huey(queue_url: str, *, immediate: bool = False) -> Huey:
    """huey on the SQLite file or the Redis server ``queue_url`` names, jobs in JSON.

    No results are kept: nobody reads them, and a failed job's would pile up.
    """
    options: dict[str, Any] = {"immediate": immediate, "serializer": JsonJobs(), "results": False}
    if queue_url.startswith("sqlite:///"):
        path = Path(queue_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return Huey(QUEUE_NAME, storage_class=_QueueFile, filename=str(path), **options)
    # The "expire" flavour: its put_if_empty takes a TTL on any Redis version.
    seconds = int(DELIVERY_MEMORY.total_seconds())
    return PriorityRedisExpireHuey(QUEUE_NAME, url=queue_url, expire_time=seconds, **options)


class Jobs:
    """The queue of one process and the jobs it runs, built from the process's settings.

    ``immediate`` runs each job at once in the caller (tests, and one-shot runs).
    """

    def __init__(self, settings: Settings, *, immediate: bool = False) -> None:
        self.settings = settings
        self.huey = make_huey(settings.queue_url, immediate=immediate)
        self.locks = Locks(self.huey)
        # Built here, once, not on a job's first use: two threads must not build two gates.
        self.arxiv = arxiv.Source.from_settings(settings)
        self.handle_delivery = self.huey.task(
            retries=RETRIES,
            retry_delay=RETRY_DELAY_SECONDS,
            retry_backoff=RETRY_BACKOFF,
            context=True,
            name="handle_delivery",
        )(self._handle_delivery)
        self.reconcile = self.huey.periodic_task(
            RECONCILE_SCHEDULE, context=True, name="reconcile"
        )(self._reconcile)
        self.huey.periodic_task(crontab(minute="7", hour="3"), name="forget_old_deliveries")(
            self.forget_old_deliveries
        )
        if settings.watch:
            # The intake's source when autofill is on, so that both take one turn at arXiv.
            self.watch_arxiv = self.arxiv or arxiv.Source.for_deployment(settings)
            self.watch = self.huey.periodic_task(WATCH_SCHEDULE, context=True, name="watch")(
                self._watch
            )

    def pending(self) -> int:
        """Jobs waiting in the queue; raises when the queue cannot be reached."""
        return self.huey.pending_count()

    # -- duplicate deliveries --------------------------------------------------

    def first_delivery(self, delivery_id: str) -> bool:
        """Remember a delivery id atomically; False when it was seen before.

        GitHub may deliver the same event twice (same ``X-GitHub-Delivery``);
        handlers are idempotent, but a duplicate need not cost a job at all.
        """
        key, stamp = f"delivery:{delivery_id}", str(int(time.time())).encode()
        storage = self.huey.storage
        if isinstance(storage, SqliteStorage):  # no TTL there: forget_old_deliveries prunes
            return storage.put_if_empty(key, stamp)
        return storage.put_if_empty(key, stamp, ttl=int(DELIVERY_MEMORY.total_seconds()))

    def forget_delivery(self, delivery_id: str) -> None:
        """Let a redelivery through after the first attempt could not be queued."""
        self.huey.storage.delete_data(f"delivery:{delivery_id}")

    def forget_old_deliveries(self) -> int:
        """Drop remembered delivery ids older than DELIVERY_MEMORY (SQLite keeps them)."""
        storage = self.huey.storage
        if not isinstance(storage, SqliteStorage):
            return 0
        cutoff = int(time.time() - DELIVERY_MEMORY.total_seconds())
        with storage.db(commit=True) as cursor:
            cursor.execute(
                "delete from kv where queue = ? and key like 'delivery:%' "
                "and cast(value as integer) < ?",
                (storage.name, cutoff),
            )
            return cursor.rowcount

    # -- the jobs ---------------------------------------------------------------

    def _handle_delivery(
        self, name: str, payload: dict[str, Any], delivery_id: str, task: Task | None = None
    ) -> None:
        from bot.github import handlers  # the worker's side: the web app never loads it
        from bot.github.routing import Event

        fields = {"delivery": delivery_id, **logs.delivery_fields(name, payload)}
        with logged_job(task, fields), arxiv.serving(self.arxiv), self.pacing():
            handlers.run(Event(name, payload, delivery_id), self.settings, self.locks)

    def _reconcile(self, task: Task | None = None) -> None:
        """Complete what the event stream left undone (also queued at worker start-up)."""
        from bot.github import reconcile

        if self.settings.repository is None:
            return
        fields = {"repository": self.settings.repository}
        with logged_job(task, fields, job="reconcile"), arxiv.serving(self.arxiv), self.pacing():
            reconcile.run(self.settings, grace=RECONCILE_GRACE, lock=self.locks)

    def enqueue_delivery(self, name: str, payload: dict[str, Any], delivery_id: str) -> None:
        """Queue a delivery; the oldest submission first when many wait (a burst is paced)."""
        self.handle_delivery(name, payload, delivery_id, priority=priority_of(payload))

    @cached_property
    def pacer(self) -> Any:
        """The pacer of this process's writes (built on the worker's side, on first use)."""
        from bot.github.pacing import LocalSlots, Pacer

        if self.settings.queue_url.startswith(("redis://", "rediss://")):
            from bot.service.slots import RedisSlots

            return Pacer(
                RedisSlots(self.settings.queue_url, QUEUE_NAME), self.settings.write_limits
            )
        return Pacer(LocalSlots(), self.settings.write_limits)

    def pacing(self) -> AbstractContextManager[None]:
        from bot.github import pacing

        return pacing.using(self.pacer)

    def _watch(self, task: Task | None = None) -> None:
        """The daily pass over the list's links and code releases (SPEC 13)."""
        from bot.service import watch

        if self.settings.repository is None:
            return
        fields = {"repository": self.settings.repository}
        with logged_job(task, fields, job="watch"), self.pacing():
            watch.run(self.settings, source=self.watch_arxiv, lock=self.locks)


# Jobs for older issues run first; pushes (every paper PR's rebuild) before any issue.
_FIRST = 10**9


def priority_of(payload: dict[str, Any]) -> int:
    issue = payload.get("issue")
    number = issue.get("number") if isinstance(issue, dict) else None
    return _FIRST - number if isinstance(number, int) and 0 < number < _FIRST else _FIRST


@contextmanager
def logged_job(task: Task | None, fields: dict[str, Any], job: str = "delivery") -> Iterator[None]:
    """Log one line for the job: outcome, duration, GitHub requests; decide on a retry.

    A permanent failure empties the task's retries, so huey gives up at once.
    """
    from bot.github.errors import is_transient

    start = time.perf_counter()
    with logs.counting_github_requests() as calls:
        try:
            yield
        except Exception as error:
            may_pass = is_transient(error) or isinstance(error, LockBusy)
            retry = task is not None and task.retries > 0 and may_pass
            if task is not None and not retry:
                task.retries = 0
            outcome = f"retry in {task.retry_delay}s" if retry and task else "failed"
            logs.event(
                "job",
                job=job,
                **fields,
                outcome=outcome,
                error=f"{type(error).__name__}: {error}"[:300],
                duration_ms=logs.milliseconds_since(start),
                github_requests=calls[0],
            )
            raise
        logs.event(
            "job",
            job=job,
            **fields,
            outcome="done",
            duration_ms=logs.milliseconds_since(start),
            github_requests=calls[0],
        )
