"""Local web sites for the watch's link checks: one server on 127.0.0.1, any host name.

The watch asks real HTTP servers; these stand in for the sites a list links
to. The server answers for whatever host a request names (``Host``), so one
server is many sites when a test's resolver maps names to 127.0.0.1. A page
is a sequence of answers (the last one repeats): a status, a ``Location``, a
``Retry-After``, a delay before answering, another status for HEAD. An
unknown path is a 404. Every request is logged, and the most requests ever
in flight at once for each host is kept, so tests can check the pacing.

Usage::

    with Sites.start() as sites:
        sites.page("/paper")                                  # 200
        sites.page("/moved", Answer(301, location="/paper"))
        sites.page("/busy", Answer(429, retry_after=1), Answer(200))
        sites.url("/paper")                                   # http://127.0.0.1:PORT/paper
        sites.requests                                        # [SiteRequest(...), ...]
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import ClosingIterator

from standin.serving import Served

PAGE = b"<!doctype html><title>A paper</title><p>" + b"Video instance segmentation. " * 100


@dataclass(frozen=True)
class Answer:
    """One answer of a page; ``head``: the status a HEAD gets instead, when it differs;
    ``endless``: a body that never ends (a client must stop reading by itself)."""

    status: int = 200
    location: str | None = None
    retry_after: float | None = None
    delay: float = 0.0
    head: int | None = None
    body: bytes = PAGE
    endless: bool = False
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SiteRequest:
    """One request as the log keeps it; ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    host: str
    path: str
    at: float
    headers: dict[str, str]


class Sites(Served[SiteRequest]):
    """The server; ``url(path)`` links to it by its address, ``url(path, host)`` by a name."""

    def __init__(self) -> None:
        super().__init__()
        self._pages: dict[str, list[Answer]] = {}
        self._in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        self.scheme = "http"
        self.port = 0

    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0, tls: Any = None) -> Sites:
        """Serve on ``host``; ``tls``: an ``ssl.SSLContext`` (or cert and key paths) for https."""
        sites = cls()
        server = sites._serve(host, port, "sites", ssl_context=tls)
        sites.port = server.port
        sites.scheme = "https" if tls else "http"
        return sites

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def page(self, path: str, *answers: Answer) -> None:
        """Serve ``path`` with these answers in turn, the last one from then on (default 200)."""
        with self._lock:
            self._pages[path] = list(answers or (Answer(),))

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        with self._lock:
            self._logged(
                SiteRequest(
                    request.method, host, request.path, time.monotonic(), dict(request.headers)
                )
            )
            self._in_flight[host] += 1
            self.max_in_flight[host] = max(self.max_in_flight[host], self._in_flight[host])
            answers = self._pages.get(request.path)
            answer = (answers.pop(0) if len(answers) > 1 else answers[0]) if answers else None
        try:
            body = self._respond(request, answer)(environ, start_response)
        except BaseException:
            self._done(host)
            raise
        # In flight until the server has written the answer, not only until it was made.
        return ClosingIterator(body, [lambda: self._done(host)])

    def _done(self, host: str) -> None:
        with self._lock:
            self._in_flight[host] -= 1

    def _respond(self, request: Request, answer: Answer | None) -> Response:
        if answer is None:
            return Response(b"not found\n", status=404, mimetype="text/plain")
        if answer.delay:
            self._stopping.wait(answer.delay)
        status = answer.head if request.method == "HEAD" and answer.head else answer.status
        headers = dict(answer.headers)
        if answer.location is not None:
            headers["Location"] = answer.location
        if answer.retry_after is not None:
            headers["Retry-After"] = f"{answer.retry_after:g}"
        body = self._endless() if answer.endless else answer.body
        return Response(body, status=status, headers=headers, mimetype="text/html")

    def _endless(self) -> Iterator[bytes]:
        while not self._stopping.is_set():
            yield PAGE
