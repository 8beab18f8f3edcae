"""Which handler answers which webhook event.

Each event module (``issues``, ``comments``, ``push``) owns a ``Router`` and
registers its handlers on it; ``bot.github.handlers`` combines them, in one
place and explicitly, as python/bedevere does.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
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
        action = self.payload.get("action")
        return action if isinstance(action, str) else None


Lock = Callable[[str], AbstractContextManager[object]]


def no_lock(name: str) -> AbstractContextManager[object]:
    """For one-shot runs where nothing else works on the repository at once."""
    return nullcontext()


@dataclass(frozen=True)
class Context:
    """What a handler works with: the client, and the lock that serialises work per issue."""

    github: Github
    lock: Lock = no_lock


Handler = Callable[[Event, Context], None]


class Router:
    """Handlers by (event, action); an action of None means every action of the event."""

    def __init__(self, *others: "Router") -> None:
        self._handlers: dict[tuple[str, str | None], list[Handler]] = defaultdict(list)
        for other in others:
            for key, handlers in other._handlers.items():
                self._handlers[key].extend(handlers)

    def register(self, event: str, *actions: str) -> Callable[[Handler], Handler]:
        """Decorator: call the handler for ``event`` with any of ``actions`` (none: every one)."""

        def decorate(handler: Handler) -> Handler:
            for action in actions or (None,):
                self._handlers[event, action].append(handler)
            return handler

        return decorate

    def handlers_for(self, event: str, action: str | None) -> list[Handler]:
        return [*self._handlers.get((event, action), []), *self._handlers.get((event, None), [])]

    def routes(self) -> Iterable[tuple[str, str | None]]:
        """Every (event, action) with a handler, for the web app's table of handled events."""
        return [key for key, handlers in self._handlers.items() if handlers]

    def dispatch(self, event: Event, context: Context) -> None:
        for handler in self.handlers_for(event.name, event.action):
            handler(event, context)
