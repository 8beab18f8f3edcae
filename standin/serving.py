"""What every local server of the stand-ins shares: a WSGI app on a thread, stopped cleanly.

The GitHub stand-in, the arXiv stand-in and the test sites each subclass
``Served``: ``_serve`` starts the app on ``host`` (an ephemeral port by
default) in a daemon thread, ``stop`` releases requests a fault is holding
(``_stopping``) and shuts the server down, and each is a context manager.
Each keeps a log of the requests it answered (``_logged`` from its request
threads; ``requests`` and ``clear_requests`` for tests), of its own kind.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without one stderr line per request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


Logged = TypeVar("Logged")


class Served(Generic[Logged]):
    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._log: list[Logged] = []
        self._log_lock = threading.Lock()

    @property
    def requests(self) -> list[Logged]:
        """A snapshot of the request log, oldest first."""
        with self._log_lock:
            return list(self._log)

    def clear_requests(self) -> None:
        with self._log_lock:
            self._log.clear()

    def _logged(self, request: Logged) -> None:
        with self._log_lock:
            self._log.append(request)

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        raise NotImplementedError

    def _serve(self, host: str, port: int, name: str, **options: Any) -> BaseWSGIServer:
        server = make_server(
            host, port, self._wsgi, threaded=True, request_handler=QuietHandler, **options
        )
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.02,), name=name, daemon=True
        )
        self._thread.start()
        return server

    def stop(self) -> None:
        """Stop serving; requests held by a fault (a timeout, a slow answer) end at once."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
