"""Writes to GitHub paced per installation, below its secondary rate limits.

GitHub refuses content-creating requests beyond about 80 a minute and 500 an
hour per installation (its "secondary rate limits"), and asks a client that
hit one to wait (``Retry-After``). A burst of submissions would run into them
and then wait out refusals; instead every write of the bot takes a slot
first, from windows shared by all the jobs of the deployment (``Slots``: in
the process, or in Redis when the queue is Redis), and a refusal that comes
anyway blocks every later write of that installation, not only the retried one.

The jobs set the pacer of their process (``using``); ``write`` is how the
GitHub edge makes each write.
"""

import hashlib
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from github import Auth, GithubRetry

Limits = tuple[tuple[int, float], ...]
# Below GitHub's documented 80 a minute and 500 an hour, leaving room for a maintainer's tools.
DEFAULT_LIMITS: Limits = ((70, 60.0), (450, 3600.0))
_LONGEST_SLEEP = 5.0
T = TypeVar("T")


class Slots(Protocol):
    """Where the windows of one deployment's writes are kept."""

    def reserve(self, key: str, limits: Limits) -> float:
        """Take a slot now and return 0, or return the seconds until one is free."""

    def block(self, key: str, seconds: float) -> None:
        """No slot for ``key`` for the next ``seconds`` (GitHub said so)."""


@dataclass
class LocalSlots:
    """The windows of this process (SQLite deployments run one worker process)."""

    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _blocked: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reserve(self, key: str, limits: Limits) -> float:
        now = time.time()
        with self._lock:
            blocked = self._blocked.get(key, 0.0) - now
            if blocked > 0:
                return blocked
            seen = self._seen.setdefault(key, deque())
            longest = max(seconds for _, seconds in limits)
            while seen and seen[0] <= now - longest:
                seen.popleft()
            for count, seconds in limits:
                inside = [stamp for stamp in seen if stamp > now - seconds]
                if len(inside) >= count:
                    return inside[-count] + seconds - now
            seen.append(now)
            return 0.0

    def block(self, key: str, seconds: float) -> None:
        with self._lock:
            self._blocked[key] = max(self._blocked.get(key, 0.0), time.time() + seconds)


@dataclass(frozen=True)
class Pacer:
    slots: Slots
    limits: Limits = DEFAULT_LIMITS

    def before_write(self, key: str) -> None:
        while (wait := self.slots.reserve(key, self.limits)) > 0:
            time.sleep(min(wait, _LONGEST_SLEEP))


_current: ContextVar[Pacer | None] = ContextVar("pacer", default=None)


@contextmanager
def using(pacer: Pacer | None) -> Iterator[None]:
    """Pace the writes of the code run in this block (one job)."""
    token = _current.set(pacer)
    try:
        yield
    finally:
        _current.reset(token)


def key_of(requester: Any) -> str:
    return key_for(requester.base_url, requester.auth)


def key_for(base_url: str, auth: Auth.Auth) -> str:
    """Whose writes these are: one installation, or one token, at one GitHub."""
    if isinstance(auth, Auth.AppInstallationAuth):
        who = f"installation {auth._installation_id}"  # PyGithub keeps no public accessor
    elif isinstance(auth, Auth.Token):
        who = "token " + hashlib.sha256(auth.token.encode()).hexdigest()[:16]
    else:
        who = type(auth).__name__
    return f"{base_url.rstrip('/')} {who}"


def write(method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a PyGithub method that writes, once a slot of its installation is free."""
    pacer = _current.get()
    if pacer is not None:
        pacer.before_write(key_of(method.__self__.requester))
    return method(*args, **kwargs)


class PacedRetry(GithubRetry):
    """GitHub's retry, which also tells the pacer when GitHub refused for a secondary limit."""

    def __init__(self, *, pacing_key: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pacing_key = pacing_key

    def new(self, **kw: Any) -> "PacedRetry":
        kw["pacing_key"] = self.pacing_key
        return super().new(**kw)

    def increment(self, method=None, url=None, response=None, error=None, *rest, **kw):  # type: ignore[no-untyped-def]
        pacer = _current.get()
        if pacer is not None and response is not None and response.status in (403, 429):
            wait = response.headers.get("Retry-After")
            if wait and wait.isdigit():
                pacer.slots.block(self.pacing_key, float(wait))
        return super().increment(method, url, response, error, *rest, **kw)
