"""What the worker made of a file, kept by the file's blob sha between jobs.

A blob's sha names its content for ever, so what was parsed from it never goes
stale: an intake event on an unchanged list asks GitHub only for the sha (one
small request) instead of downloading and parsing megabytes again. The
worker's jobs run in threads, hence the lock; a few versions are kept, since
the list changes rarely and a parsed list of 10,000 papers holds tens of MB.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class BySha(Generic[T]):
    """The ``size`` most recently used values, by blob sha."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, sha: str) -> bool:
        with self._lock:
            return sha in self._values

    def get(self, sha: str, make: Callable[[], T], keep: Callable[[T], bool] = lambda _: True) -> T:
        """The value kept for ``sha``, or ``make()``, kept from now on if ``keep`` says so.

        ``make`` runs outside the lock: two jobs that miss the same sha at once
        both make it, which costs time but never gives a wrong value.
        """
        with self._lock:
            if sha in self._values:
                self._values.move_to_end(sha)
                return self._values[sha]
        value = make()
        if not keep(value):
            return value
        with self._lock:
            self._values[sha] = value
            self._values.move_to_end(sha)
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value
