"""A look at every link over HTTP: one request at a time per host, paced, SSRF-safe.

Each link gets a GET of its first bytes (HEAD when the GET fails: some
servers refuse one method), its redirects followed by hand up to
``Limits.redirects``, so that each target is resolved and checked like the
first. A host is asked one request at a time, ``Limits.interval`` apart
(the pause counted from the end of a request); a ``Retry-After`` on 429 or
503 lengthens the pause and the request is made once more; a host asking
for longer than ``Limits.longest_wait`` is left for the next pass. Several
hosts are asked at once, by ``Limits.workers`` threads that each take the
host whose turn comes first.

What comes back is ``bot.core.watch``'s ``Outcome``: 2xx is ok; 404 and
other client errors, no such host, a refused connection, a timeout, a bad
certificate or a refused address have failed; 429, 5xx and 401/403 (sites
that turn robots away answer so) are unknown, never broken.
"""

import heapq
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import SplitResult, urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from bot.arxiv.api import retry_after
from bot.core.watch import OK, Outcome, failed, ok, unknown
from bot.links.address import Resolver, refusal, system_resolver

REDIRECTS = frozenset({301, 302, 303, 307, 308})
BUSY = frozenset({429, 503})
# Answers of sites that refuse robots rather than say the page is gone.
REFUSING_ROBOTS = frozenset({401, 403})
_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Limits:
    """How the checker treats each host; tests shorten them."""

    timeout: float = 10.0  # seconds to connect, and between bytes of the answer
    interval: float = 1.0  # seconds between two requests to one host
    redirects: int = 5
    body_bytes: int = 16 * 1024  # what a GET reads of a body, at most
    longest_wait: float = 60.0  # a longer Retry-After leaves the host for the next pass
    busy_pause: float = 5.0  # the pause after a 429 or 503 without Retry-After
    workers: int = 8  # hosts asked at once


class _Busy(Exception):
    """The host asked to be left alone for longer than the checker waits."""


@dataclass
class _Turn:
    pause: float

    def hold_off(self, seconds: float) -> None:
        self.pause = max(self.pause, seconds)


class _Hosts:
    """Each host's turn: one request at a time, the next one ``interval`` after it ended."""

    def __init__(self, limits: Limits) -> None:
        self._limits = limits
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}

    def ready_at(self, host: str) -> float:
        with self._guard:
            return self._next.get(host, 0.0)

    @contextmanager
    def turn(self, host: str) -> Iterator[_Turn]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self.ready_at(host) - time.monotonic()
            if wait > self._limits.longest_wait:
                raise _Busy(f"the site asked the bot to wait {wait:.0f} s")
            if wait > 0:
                time.sleep(wait)
            turn = _Turn(self._limits.interval)
            try:
                yield turn
            finally:
                with self._guard:
                    self._next[host] = time.monotonic() + turn.pause


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address the URL names, speaking TLS for ``hostname`` (SNI and the
    certificate's name): the checked address is the one connected to."""

    def __init__(self, hostname: str) -> None:
        self._hostname = hostname
        super().__init__(pool_connections=1, pool_maxsize=1, max_retries=0)

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, server_hostname=self._hostname, **kwargs)


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None
    wait: float | None  # what Retry-After asked for


@dataclass(frozen=True)
class _Look:
    """One method's result for a link; ``head_may_help``: the GET failed in a way HEAD may not."""

    outcome: Outcome
    head_may_help: bool = False


class LinkChecker:
    """Checks http(s) links as ``user_agent``; ``allow_hosts`` skip the address check."""

    def __init__(
        self,
        user_agent: str,
        *,
        allow_hosts: Iterable[str] = (),
        resolve: Resolver = system_resolver,
        limits: Limits = Limits(),
        verify: bool | str = True,
    ) -> None:
        self.user_agent = user_agent
        self.allow_hosts = frozenset(host.lower() for host in allow_hosts)
        self.resolve = resolve
        self.limits = limits
        self.verify = verify  # True, or a CA bundle's path (tests' own certificates)
        self._hosts = _Hosts(limits)
        self._adapters: dict[str, _PinnedAdapter] = {}
        self._adapters_lock = threading.Lock()

    # -- many links ------------------------------------------------------------------

    def check(self, urls: Iterable[str]) -> dict[str, Outcome]:
        """Each link's outcome; hosts in parallel, each host's links one after another."""
        outcomes: dict[str, Outcome] = {}
        queues: dict[str, deque[str]] = {}
        for url in dict.fromkeys(urls):
            host = _host_of(url)
            if host is None:
                outcomes[url] = failed("not an http(s) link")
            else:
                queues.setdefault(host, deque()).append(url)
        ready = [(0.0, order, host) for order, host in enumerate(queues)]
        state = threading.Condition()
        busy = [0]
        errors: list[BaseException] = []

        def next_link() -> tuple[int, str, str] | None:
            with state:
                while True:
                    if errors or (not ready and not busy[0]):
                        state.notify_all()
                        return None
                    delay = ready[0][0] - time.monotonic() if ready else None
                    if delay is not None and delay <= 0:
                        _, order, host = heapq.heappop(ready)
                        busy[0] += 1
                        return order, host, queues[host].popleft()
                    state.wait(delay)

        def work() -> None:
            while (taken := next_link()) is not None:
                order, host, url = taken
                try:
                    outcome = self.look(url)
                except BaseException as error:  # a bug: the pass fails, saying so
                    with state:
                        errors.append(error)
                        busy[0] -= 1
                        state.notify_all()
                    return
                with state:
                    outcomes[url] = outcome
                    busy[0] -= 1
                    if queues[host]:
                        heapq.heappush(ready, (self._hosts.ready_at(host), order, host))
                    state.notify_all()

        threads = [
            threading.Thread(target=work, name=f"links-{n}", daemon=True)
            for n in range(min(self.limits.workers, len(queues)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]
        return outcomes

    # -- one link ----------------------------------------------------------------------

    def look(self, url: str) -> Outcome:
        """One link's outcome: GET, then HEAD if the GET failed in a way HEAD may not."""
        got = self._follow("GET", url)
        if got.outcome.state != OK and got.head_may_help:
            head = self._follow("HEAD", url)
            if head.outcome.state == OK:
                return head.outcome
        return got.outcome

    def _follow(self, method: str, url: str) -> _Look:
        """One method along the redirects; each hop's host resolved, checked and paced."""
        current = url
        for _ in range(self.limits.redirects + 1):
            answer = self._ask(method, current)
            if isinstance(answer, _Look):
                return answer
            if answer.status in REDIRECTS:
                if not answer.location:
                    return _Look(failed(f"HTTP {answer.status} without a Location"))
                current = urljoin(current, answer.location)
                if urlsplit(current).scheme not in _PORTS:
                    return _Look(failed("redirected to a link that is not http(s)"))
                continue
            return _Look(*_judge(answer.status))
        return _Look(failed(f"more than {self.limits.redirects} redirects"))

    def _ask(self, method: str, url: str) -> _Answer | _Look:
        """One request, made once more after the Retry-After of a busy host."""
        for attempt in range(2):
            answer = self._request(method, url)
            if isinstance(answer, _Look) or answer.status not in BUSY:
                return answer
            if attempt or answer.wait is None or answer.wait > self.limits.longest_wait:
                break
        return _Look(*_judge(answer.status))

    def _request(self, method: str, url: str) -> _Answer | _Look:
        host = _host_of(url)
        if host is None:
            return _Look(failed("not a valid http(s) link"))
        parts = urlsplit(url)
        port = parts.port or _PORTS[parts.scheme]
        try:
            with self._hosts.turn(host) as turn:
                address = self._address(host, port)
                if isinstance(address, _Look):
                    return address
                answer = self._send(method, parts, host, address)
                if isinstance(answer, _Answer) and answer.status in BUSY:
                    asked = answer.wait if answer.wait is not None else self.limits.busy_pause
                    turn.hold_off(asked)
                return answer
        except _Busy as busy:
            return _Look(unknown(str(busy)))

    def _address(self, host: str, port: int) -> str | _Look:
        """The one address to connect to, after every address of the host was checked."""
        try:
            addresses = self.resolve(host, port)
        except socket.gaierror as error:
            if error.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)):
                return _Look(failed("no such host"))
            return _Look(unknown("the host's name could not be looked up"))
        except (OSError, UnicodeError):
            return _Look(failed("no such host"))
        if not addresses:
            return _Look(failed("no such host"))
        if host.lower() not in self.allow_hosts:
            for address in addresses:
                kind = refusal(address)
                if kind:
                    return _Look(failed(f"not checked: {host} is at a {kind} address ({address})"))
        return addresses[0]

    def _send(self, method: str, parts: SplitResult, host: str, address: str) -> _Answer | _Look:
        """The request itself, to ``address``: no credentials (the URL's user and password are
        dropped with its host), no cookies (no session keeps them), no proxy."""
        literal = f"[{address}]" if ":" in address else address
        port = parts.port
        target = parts._replace(netloc=f"{literal}:{port}" if port else literal, fragment="")
        shown_host = f"[{host}]" if ":" in host else host
        headers = {
            "Host": f"{shown_host}:{port}" if port else shown_host,
            "User-Agent": self.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Encoding": "identity",
        }
        prepared = requests.Request(method, target.geturl(), headers=headers).prepare()
        try:
            response = self._adapter(host).send(
                prepared, stream=True, timeout=self.limits.timeout, verify=self.verify
            )
        except requests.exceptions.SSLError:
            return _Look(failed("its TLS certificate is not valid for it"))
        except requests.exceptions.Timeout:
            return _Look(failed(f"no answer within {self.limits.timeout:g} s"))
        except requests.exceptions.ConnectionError as error:
            if error.args and isinstance(error.args[0], urllib3.exceptions.ProtocolError):
                # Connected, but the answer broke off: a server choking on one method.
                return _Look(failed("the server broke off its answer"), head_may_help=True)
            return _Look(failed("the connection was refused"))
        try:
            if method == "GET":
                response.raw.read(self.limits.body_bytes, decode_content=False)
        except (urllib3.exceptions.HTTPError, OSError):
            pass  # the status line and headers came: the first bytes are what counts
        finally:
            response.close()
        return _Answer(
            response.status_code, response.headers.get("Location"), retry_after(response)
        )

    def _adapter(self, host: str) -> _PinnedAdapter:
        with self._adapters_lock:
            if host not in self._adapters:
                self._adapters[host] = _PinnedAdapter(host)
            return self._adapters[host]


def _judge(status: int) -> tuple[Outcome, bool]:
    """What a final status means, and whether a HEAD may tell better."""
    if 200 <= status < 300:
        return ok(), False
    if status in BUSY or status >= 500:
        return unknown(f"HTTP {status}"), False
    if status in REFUSING_ROBOTS:
        return unknown(f"HTTP {status} (the site turns robots away)"), True
    return failed(f"HTTP {status}"), 400 <= status < 500


def _host_of(url: str) -> str | None:
    """The host a link is asked of (its turn, its check), in ASCII; None for what is not
    a valid http(s) link."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    return host if parts.scheme in _PORTS and host else None
