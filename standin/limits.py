"""GitHub's secondary rate limits on content-creating requests, as the stand-in enforces them.

GitHub documents (REST API, "Rate limits for the REST API", secondary rate
limits): no more than 80 content-generating requests per minute and no more
than 500 per hour, per user or installation; past them it answers 403 (or
429) with a ``Retry-After`` header and "You have exceeded a secondary rate
limit". POST, PATCH, PUT and DELETE are the content-generating requests.
The windows can be scaled down (``scale``) so that a benchmark of a burst
takes minutes instead of hours; ``Retry-After`` is then whole seconds, at
least 1, as GitHub sends it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
# (requests, seconds) per window, as GitHub documents them.
GITHUB_LIMITS = ((80, 60.0), (500, 3600.0))


@dataclass
class SecondaryLimits:
    """Sliding windows of content-creating requests per credential; thread-safe."""

    windows: tuple[tuple[int, float], ...] = GITHUB_LIMITS
    scale: float = 1.0
    refused: int = 0
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, credential: str, method: str) -> float | None:
        """Count a request; None when it may pass, else the seconds GitHub says to wait."""
        if method not in WRITES:
            return None
        now = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(credential, deque())
            longest = max(seconds for _, seconds in self.windows) * self.scale
            while seen and seen[0] <= now - longest:
                seen.popleft()
            for count, seconds in self.windows:
                window = seconds * self.scale
                inside = [stamp for stamp in seen if stamp > now - window]
                if len(inside) >= count:
                    self.refused += 1
                    return inside[-count] + window - now
            seen.append(now)
            return None


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
