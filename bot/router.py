"""Which handler answers which webhook event: registered by event and action.

Handlers live in the module of their concern (``intake``, ``approval``) and
register themselves here, so the web app can tell at once, without doing any
work, whether a delivery is for us.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from github import Github


@dataclass(frozen=True)
class Event:
    """One webhook delivery, as a handler needs it."""

    name: str
    payload: dict[str, Any]
    delivery_id: str = ""

    @property
    def action(self) -> str | None:
        return self.payload.get("action")


Handler = Callable[[Event, Github], None]

_handlers: dict[tuple[str, str | None], list[Handler]] = defaultdict(list)


def register(event: str, *actions: str) -> Callable[[Handler], Handler]:
    """Decorator: call the handler for ``event`` with any of ``actions`` (none: every action)."""

    def decorate(handler: Handler) -> Handler:
        for action in actions or (None,):
            _handlers[event, action].append(handler)
        return handler

    return decorate


def handlers_for(event: str, action: str | None) -> list[Handler]:
    return [*_handlers.get((event, action), []), *_handlers.get((event, None), [])]
