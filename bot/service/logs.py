"""What the service tells its operator: one JSON line per delivery and per job.

Each line is a JSON object on stderr (where Procfile platforms and journald
collect it), so a log search can filter on ``delivery``, ``issue`` or
``outcome``. Only facts about the delivery go in: never a header other than
the event and delivery id, never a setting, so no secret can reach the logs.

GitHub requests are counted per job through PyGithub's own request log
(logger ``github.Requester``): a filter counts each record into the running
job's counter and drops it, so the bodies PyGithub would log never appear.
"""

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

LOGGER_NAME = "bot"
log = logging.getLogger(LOGGER_NAME)

# How PyGithub's Requester starts the line it logs for each request it sends.
_REQUEST_LINE = "%s %s://%s%s"
_github_requests: ContextVar[list[int] | None] = ContextVar("github_requests", default=None)


class JsonLines(logging.Formatter):
    """A record as one JSON object: time, level, message and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "msg": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class _CountGithubRequests(logging.Filter):
    """Count PyGithub's one debug line per HTTP request; drop all its debug lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.DEBUG:
            return True
        counter = _github_requests.get()
        if counter is not None and str(record.msg).startswith(_REQUEST_LINE):
            counter[0] += 1
        return False


def setup_logging() -> None:
    """JSON lines on stderr for the bot's logger (once per process), and the request counter."""
    if not any(isinstance(h.formatter, JsonLines) for h in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonLines())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    requester = logging.getLogger("github.Requester")
    if not any(isinstance(f, _CountGithubRequests) for f in requester.filters):
        requester.addFilter(_CountGithubRequests())
        requester.setLevel(logging.DEBUG)


def event(message: str, **fields: Any) -> None:
    """Log one structured line; ``fields`` become keys of the JSON object."""
    log.info(message, extra={"fields": fields})


@contextmanager
def counting_github_requests() -> Iterator[list[int]]:
    """Count the GitHub requests made in this thread while the block runs (``[n]``)."""
    counter = [0]
    token = _github_requests.set(counter)
    try:
        yield counter
    finally:
        _github_requests.reset(token)


def milliseconds_since(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


def delivery_fields(event_name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What identifies a delivery in the logs: event, action, repository, issue.

    Read defensively: a signed payload may still have any shape.
    """
    issue = _object(payload.get("issue")) or _object(payload.get("pull_request"))
    return {
        "event": event_name,
        "action": payload.get("action"),
        "repository": _object(payload.get("repository")).get("full_name"),
        "issue": issue.get("number"),
    }


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
