"""A local arXiv API on 127.0.0.1, for the tests and the sandbox (nothing asks the real one).

It answers ``GET /api/query?id_list=ID`` as export.arxiv.org does: the stored
record of a paper it holds (``records/ID.xml``, arXiv's Atom answer for that
id, see ``records/NOTICE.md``), an empty feed for a well-formed id it does not
hold, and arXiv's error entry (HTTP 200, one entry titled "Error") for a
malformed id. Any version (``ID`` or ``IDv2``) gets the stored record. A
list of ids (``id_list=A,B,C``, as the watch asks) gets one feed with the
entries of the ids it holds, in the order asked, and the error entry if any
id is malformed.

Failure modes on demand, for the next N requests: ``slow`` (held, then
answered), ``503`` and ``429`` (with ``Retry-After``), ``error_entry`` and
``garbage``. Every request is logged with its arrival time, its ``id_list``
and its ``User-Agent``, and the most requests ever in flight at once is kept,
so tests can check arXiv's terms (3 s apart, one connection at a time).

Usage::

    with ArxivStandin.start() as arxiv:
        env["ARXIV_API_URL"] = arxiv.url
        arxiv.fail_next("429", seconds=2)
        arxiv.requests        # [ArxivRequest(at=..., id_list="2303.06674", user_agent=...)]
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from werkzeug.wrappers import Request, Response

from standin.serving import Served

RECORDS = Path(__file__).with_name("records")
FAULTS = ("slow", "503", "429", "error_entry", "garbage")
ATOM = "application/atom+xml; charset=utf-8"
_ENTRY = re.compile(r"<entry>.*?</entry>", re.DOTALL)
_WELL_FORMED = re.compile(r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?")

# arXiv's answers without a record, with ``{id}`` for the id asked: the feed around no
# entry (an id it does not hold) and the error entry its API manual shows (section 3.4).
ANSWERS = Path(__file__).with_name("answers")
# What a proxy in front of an overloaded API sends.
_UNAVAILABLE = b"<html><body><h1>503 Service Unavailable</h1></body></html>\n"
_GARBAGE = b"\x00\x9f<feed><entry><title>Universal Instance\xff"


@dataclass(frozen=True)
class ArxivRequest:
    """One request as the log keeps it; ``at`` is ``time.monotonic()`` on arrival."""

    at: float
    id_list: str
    user_agent: str


@dataclass
class _Fault:
    kind: str
    remaining: int
    seconds: float | None


class ArxivStandin(Served[ArxivRequest]):
    """arXiv's query API served from ``records/`` in a background thread."""

    def __init__(self) -> None:
        super().__init__()
        self.records = {path.stem: path.read_bytes() for path in RECORDS.glob("*.xml")}
        self.max_in_flight = 0
        self._in_flight = 0
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self.url = ""

    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0) -> ArxivStandin:
        """Serve on ``host`` (an ephemeral port by default); ``url`` is the ARXIV_API_URL."""
        standin = cls()
        server = standin._serve(host, port, "arxiv-standin")
        standin.url = f"http://{host}:{server.port}/api/query"
        return standin

    def fail_next(self, kind: str, count: int = 1, seconds: float | None = None) -> None:
        """Answer the next ``count`` requests with a failure.

        ``seconds``: how long ``slow`` holds a request (default 10) and the
        ``Retry-After`` of ``429`` (default 1) and ``503`` (default: none sent).
        """
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULTS)}")
        with self._lock:
            self._faults.append(_Fault(kind, count, seconds))

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        try:
            return self._answer(request)(environ, start_response)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, request: Request) -> Response:
        if request.method != "GET" or request.path != "/api/query":
            return Response("not found\n", status=404, mimetype="text/plain")
        identifier = request.args.get("id_list", "")
        with self._lock:
            self._logged(
                ArxivRequest(time.monotonic(), identifier, request.headers.get("User-Agent", ""))
            )
            fault = self._take_fault()
        if fault is not None:
            answer = self._fault_answer(fault, identifier)
            if answer is not None:
                return answer
        return self._query(identifier)

    def _take_fault(self) -> _Fault | None:
        for fault in self._faults:
            if fault.remaining > 0:
                fault.remaining -= 1
                return fault
        return None

    def _fault_answer(self, fault: _Fault, identifier: str) -> Response | None:
        """The failure's answer; None for ``slow``, which answers normally once held."""
        if fault.kind == "slow":
            self._stopping.wait(fault.seconds if fault.seconds is not None else 10)
            return None
        if fault.kind == "429":
            retry = fault.seconds if fault.seconds is not None else 1
            headers = {"Retry-After": str(int(retry))}
            return Response("Rate exceeded.\n", status=429, headers=headers, mimetype="text/plain")
        if fault.kind == "503":
            headers = {"Retry-After": str(int(fault.seconds))} if fault.seconds else {}
            return Response(_UNAVAILABLE, status=503, headers=headers, mimetype="text/html")
        if fault.kind == "error_entry":
            return _feed("error", identifier)
        return Response(_GARBAGE, content_type=ATOM)

    def _query(self, identifier: str) -> Response:
        """What arXiv answers for one id: its record, an empty feed, or the error entry."""
        if "," in identifier:
            return self._batch(identifier)
        well_formed = _WELL_FORMED.fullmatch(identifier)
        if well_formed is None:
            return _feed("error", identifier)
        record = self.records.get(well_formed["id"].replace("/", "_"))
        if record is None:
            return _feed("empty", identifier)
        return Response(record, content_type=ATOM)

    def _batch(self, id_list: str) -> Response:
        """One feed holding the entry of each id held, as arXiv answers a list of ids."""
        matched = [_WELL_FORMED.fullmatch(identifier) for identifier in id_list.split(",")]
        if not all(matched):
            return _feed("error", id_list)
        entries = [
            _ENTRY.search(record.decode("utf-8"))[0]  # type: ignore[index]
            for match in matched
            if match and (record := self.records.get(match["id"].replace("/", "_")))
        ]
        template = (ANSWERS / "empty.xml").read_text(encoding="utf-8")
        text = template.replace("{id}", escape(id_list, {'"': "&quot;"}))
        text = text.replace(
            ">0</opensearch:totalResults>", f">{len(entries)}</opensearch:totalResults>"
        )
        text = text.replace("</feed>", "".join(f"  {entry}\n" for entry in entries) + "</feed>")
        return Response(text, content_type=ATOM)


def _feed(name: str, identifier: str) -> Response:
    """One of arXiv's answers without a record, about ``identifier``."""
    template = (ANSWERS / f"{name}.xml").read_text(encoding="utf-8")
    text = template.replace("{id}", escape(identifier, {'"': "&quot;"}))
    return Response(text, content_type=ATOM)
