"""A job's way to arXiv: the cache, then a turn at the gate, then the API.

The process builds one ``Source`` from its settings (``bot.service.queue.Jobs``)
and puts it in place around each job with ``serving``; the handlers then ask
``record_for(body)`` at the point where they assess a submission. A context
variable, rather than one more argument of every handler, since only the two
that assess need it and the handlers' signature is the router's. Outside
``serving`` (autofill off, or a direct call of a handler) nothing is asked.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import redis
import requests

from bot.arxiv.api import BATCH, BUSY_STATUSES, Api, NoRecord, listed_ids, read_record, retry_after
from bot.arxiv.cache import Cache, MemoryCache, RedisCache
from bot.arxiv.gate import Busy, Gate, LocalGate, RedisGate
from bot.core.metadata import ArxivRecord, Lookup, Unfetched
from bot.core.submission import linked_arxiv_id
from bot.service import logs
from bot.service.config import Settings

# Tries after the first when arXiv answers 429 or 503; without Retry-After the
# pause doubles from 3 s.
RETRIES = 2
BACKOFF_SECONDS = 3.0
PROJECT_URL = "https://github.com/awesome-vis/awesome-video-instance-segmentation"


class Source:
    """Records from arXiv for one process: cached, rate-limited, never raising for arXiv."""

    def __init__(self, api: Api, gate: Gate, cache: Cache) -> None:
        self.api, self.gate, self.cache = api, gate, cache

    @classmethod
    def from_settings(cls, settings: Settings) -> "Source | None":
        """The process's source for intake; None with ``AUTOFILL=off``."""
        return cls.for_deployment(settings) if settings.autofill else None

    @classmethod
    def for_deployment(cls, settings: Settings) -> "Source":
        """A source whatever AUTOFILL says (the watch's). Redis queue: gate and cache there."""
        api = Api(settings.arxiv_api_url, user_agent(settings.repository))
        if settings.queue_url.startswith(("redis://", "rediss://")):
            connection = redis.Redis.from_url(settings.queue_url)
            return cls(api, RedisGate(connection), RedisCache(connection))
        return cls(api, LocalGate(), MemoryCache())

    def lookup(self, arxiv_id: str) -> ArxivRecord | Unfetched:
        """arXiv's record of the paper, or Unfetched saying why not (and logged)."""
        start = time.perf_counter()
        try:
            record = self.cache.get(arxiv_id)
            if record is not None:
                _log(arxiv_id, "cached", start)
                return record
            record = self._fetch(arxiv_id)
            self.cache.put(record)
        except (requests.RequestException, redis.RedisError, NoRecord, Busy) as error:
            reason = f"{type(error).__name__}: {error}"[:300]
            _log(arxiv_id, "unfetched", start, reason=reason)
            return Unfetched(arxiv_id, reason)
        _log(arxiv_id, "fetched", start)
        return record

    def listed(self, arxiv_ids: list[str]) -> dict[str, bool | None]:
        """Whether arXiv has a record of each id (the watch's check), BATCH ids a request;
        None for the ids of a batch arXiv did not answer (busy, down, garbage)."""
        found: dict[str, bool | None] = {}
        for start in range(0, len(arxiv_ids), BATCH):
            batch = arxiv_ids[start : start + BATCH]
            begun = time.perf_counter()
            try:
                listed = listed_ids(self._asked(lambda batch=batch: self.api.get_many(batch)))
            except (requests.RequestException, redis.RedisError, NoRecord, Busy) as error:
                reason = f"{type(error).__name__}: {error}"[:300]
                _log(",".join(batch)[:200], "unfetched", begun, reason=reason)
                found.update(dict.fromkeys(batch))
                continue
            _log(",".join(batch)[:200], "fetched", begun)
            found.update({arxiv_id: arxiv_id in listed for arxiv_id in batch})
        return found

    def _fetch(self, arxiv_id: str) -> ArxivRecord:
        return read_record(arxiv_id, self._asked(lambda: self.api.get(arxiv_id)))

    def _asked(self, send: Callable[[], requests.Response]) -> requests.Response:
        """One request per turn; a 429 or 503 pauses everyone, then is tried again."""
        for attempt in range(RETRIES + 1):
            with self.gate.turn() as turn:
                response = send()
                busy = response.status_code in BUSY_STATUSES
                if busy:
                    asked = retry_after(response)
                    turn.hold_off(asked if asked is not None else BACKOFF_SECONDS * 2**attempt)
            if not busy:
                break
        return response


def user_agent(repository: str | None) -> str:
    """Who asks, as arXiv wants to know: the bot, and the list it keeps (or the project)."""
    where = f"https://github.com/{repository}" if repository else PROJECT_URL
    return f"awesome-vis-bot (paper-intake bot of an awesome list; +{where})"


_serving: ContextVar[Source | None] = ContextVar("arxiv_source", default=None)


@contextmanager
def serving(source: Source | None) -> Iterator[None]:
    """Make ``source`` the one ``record_for`` uses while the block runs (None: none)."""
    token = _serving.set(source)
    try:
        yield
    finally:
        _serving.reset(token)


def record_for(body: str | None) -> Lookup:
    """What arXiv says about the paper a submission links to; None if nothing was asked.

    Nothing is asked when no source is serving (autofill off) or the paper link
    is not an arXiv link.
    """
    source = _serving.get()
    if source is None:
        return None
    identifier = linked_arxiv_id(body)
    return source.lookup(identifier) if identifier else None


def _log(arxiv_id: str, outcome: str, start: float, **fields: str) -> None:
    logs.event(
        "arxiv",
        arxiv_id=arxiv_id,
        outcome=outcome,
        duration_ms=logs.milliseconds_since(start),
        **fields,
    )
