"""Faults on demand: GitHub's failure modes, answered instead of the real thing.

``FaultPlan.add`` arms a fault for the next N requests matching a method and
a path regex; ``take`` consumes one when a request matches. The server then
answers with ``response`` and never runs the handler, so a faulted request
changes no state. The exception is ``lost_response``: the request takes
effect and only its answer is lost (held, then 504), the case that makes a
client's blind retry create duplicates.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

KINDS = (
    "5xx",
    "primary_rate_limit",
    "secondary_rate_limit",
    "timeout",
    "lost_response",
    "misshapen",
)
# Kinds that hold the request before answering, so that the client times out.
HOLDING_KINDS = ("timeout", "lost_response")
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"


@dataclass
class Fault:
    """One armed fault; ``status``/``seconds`` refine the kind (see ``Standin.fail_next``)."""

    kind: str
    remaining: int
    method: str | None = None
    path: re.Pattern[str] | None = None
    status: int | None = None
    seconds: float | None = None
    # "misshapen": what the real answer's JSON body becomes (a proxy or a bug upstream).
    reshape: Callable[[Any], Any] | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self.path is None or self.path.search(path) is not None
        )

    def response(self) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Status, JSON body and headers GitHub sends for this kind of failure."""
        if self.kind == "5xx":
            return self.status or 502, {"message": "Server Error"}, {}
        if self.kind == "primary_rate_limit":
            reset = int(time.time() + (self.seconds if self.seconds is not None else 2)) + 1
            headers = {
                "X-RateLimit-Limit": "5000",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Used": "5000",
                "X-RateLimit-Reset": str(reset),
                "X-RateLimit-Resource": "core",
            }
            message = (
                "API rate limit exceeded for installation. If you reach out to GitHub Support "
                "for help, please include the request ID 0000:0000:0000000:0000000:00000000."
            )
            return self.status or 403, _error(message, self.status or 403), headers
        if self.kind == "secondary_rate_limit":
            retry_after = self.seconds if self.seconds is not None else 1
            message = (
                "You have exceeded a secondary rate limit. Please wait a few minutes before "
                "you try again. If you reach out to GitHub Support for help, please include "
                "the request ID 0000:0000:0000000:0000000:00000000."
            )
            headers = {"Retry-After": str(int(retry_after))}
            return self.status or 403, _error(message, self.status or 403), headers
        return self.status or 504, {"message": "We couldn't respond to your request in time."}, {}


def _error(message: str, status: int) -> dict[str, Any]:
    return {"message": message, "documentation_url": RATE_LIMIT_DOCS, "status": str(status)}


class FaultPlan:
    """The armed faults of one stand-in (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; expected one of {KINDS}")
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume and return the first armed fault matching this request."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
