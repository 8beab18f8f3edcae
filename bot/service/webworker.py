"""The web process's gunicorn worker: gthread, with its lingering closes off the event loop.

gunicorn's gthread worker reads and answers requests on a pool of threads, but
closes each finished connection on its one event-loop thread, and gracefully:
it waits up to 2 s for the client to close its side first. A client that never
does holds the loop, and with it every connection of the process, accepting
new ones included: 8 such clients kept a signed delivery waiting 16 s. Here
that wait runs on a small pool of its own, so the loop goes straight back to
accepting and dispatching. The Procfile names this class (``--worker-class``).
"""

from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# Lingering closes at once per process; more wait their turn (each 2 s at most),
# holding only a socket, never the loop or a request thread.
CLOSERS = 4


class Worker(ThreadWorker):
    def init_process(self) -> None:
        # Before the base class's init_process, which ends by running the loop.
        self.closers = ThreadPoolExecutor(max_workers=CLOSERS, thread_name_prefix="close")
        super().init_process()

    def finish_request(self, conn: Any, fs: Any) -> None:
        """gthread's own, with the connection's graceful close handed to the closers.

        Runs on the loop; ``conn.close`` is shadowed for this call only, so a
        connection kept alive meanwhile closes as gthread would close it later.
        """
        conn.close = partial(self._close, conn)
        try:
            super().finish_request(conn, fs)
        finally:
            del conn.close

    def _close(self, conn: Any, graceful: bool = False) -> None:
        if graceful:
            self.closers.submit(type(conn).close, conn, True)
        else:
            type(conn).close(conn)
