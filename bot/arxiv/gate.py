"""arXiv's rate limit for the whole deployment: one request every 3 seconds, one at a time.

arXiv's terms of use count every machine of a deployment together, so with
a Redis queue (several workers, maybe several machines) the turn is taken in
Redis: a lock for "one connection at a time" and, under it, the time before
which the next request may not start, on Redis's own clock so that the
machines' clocks do not matter. With the SQLite queue the deployment is one
machine and its worker one process, so a lock in the process does.

The pause is counted from the end of a request, so requests are never closer
than 3 seconds however long one took; a 429 or 503 lengthens the pause for
everyone to what arXiv asked for. A job that would wait longer than
``WAIT_LIMIT_SECONDS`` for its turn gives up on arXiv for this time instead.
"""

import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import redis
from redis.exceptions import LockError

INTERVAL_SECONDS = 3.0
WAIT_LIMIT_SECONDS = 30.0
# Longest pause arXiv's Retry-After may impose (a nonsense value must not stop autofill for good).
LONGEST_PAUSE_SECONDS = 3600.0
KEY_PREFIX = "awesome-vis-bot:arxiv:"
# A turn lasts the wait for it plus one request (seconds); the Redis lock expires after
# this much, should its holder die, so that a crashed worker cannot stop autofill.
_TURN_LIFETIME_SECONDS = 60


class Busy(RuntimeError):
    """arXiv's turn did not come within the wait limit (many lookups, or arXiv asked to wait)."""


@dataclass
class Turn:
    """One request's turn; ``hold_off`` makes the next one wait longer (arXiv asked so)."""

    pause: float = INTERVAL_SECONDS

    def hold_off(self, seconds: float) -> None:
        self.pause = min(max(self.pause, seconds), LONGEST_PAUSE_SECONDS)


class Gate(ABC):
    """Turns at arXiv; subclasses say where the lock and the next allowed time live."""

    @contextmanager
    def turn(self) -> Iterator[Turn]:
        """Wait for the turn, hold it while the block sends its request; raises Busy."""
        deadline = time.monotonic() + WAIT_LIMIT_SECONDS
        if not self._acquire(WAIT_LIMIT_SECONDS):
            raise Busy(f"no turn at arXiv within {WAIT_LIMIT_SECONDS:.0f} s")
        try:
            wait = self._next_at() - self._now()
            if wait > deadline - time.monotonic():
                raise Busy(f"arXiv's next turn is {wait:.0f} s away")
            if wait > 0:
                time.sleep(wait)
            turn = Turn()
            try:
                yield turn
            finally:
                self._set_next_at(self._now() + turn.pause)
        finally:
            self._release()

    @abstractmethod
    def _acquire(self, timeout: float) -> bool: ...

    @abstractmethod
    def _release(self) -> None: ...

    @abstractmethod
    def _now(self) -> float: ...

    @abstractmethod
    def _next_at(self) -> float: ...

    @abstractmethod
    def _set_next_at(self, moment: float) -> None: ...


class LocalGate(Gate):
    """The turn within one process (the SQLite deployment: one worker process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    def _acquire(self, timeout: float) -> bool:
        return self._lock.acquire(timeout=timeout)

    def _release(self) -> None:
        self._lock.release()

    def _now(self) -> float:
        return time.monotonic()

    def _next_at(self) -> float:
        return self._next

    def _set_next_at(self, moment: float) -> None:
        self._next = moment


class RedisGate(Gate):
    """The turn in Redis, shared by every worker of the deployment."""

    def __init__(self, connection: redis.Redis) -> None:
        self._redis = connection
        self._held = threading.local()

    def _acquire(self, timeout: float) -> bool:
        lock = self._redis.lock(
            f"{KEY_PREFIX}turn", timeout=_TURN_LIFETIME_SECONDS, blocking_timeout=timeout
        )
        self._held.lock = lock
        return lock.acquire()

    def _release(self) -> None:
        with suppress(LockError):  # it expired meanwhile: nothing of ours left to release
            self._held.lock.release()

    def _now(self) -> float:
        seconds, microseconds = self._redis.time()
        return seconds + microseconds / 1_000_000

    def _next_at(self) -> float:
        return float(self._redis.get(f"{KEY_PREFIX}next") or 0)

    def _set_next_at(self, moment: float) -> None:
        self._redis.set(f"{KEY_PREFIX}next", repr(moment), ex=int(LONGEST_PAUSE_SECONDS) + 60)
