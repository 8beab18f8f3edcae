"""All the bot's handlers, combined in one place: what a delivery or a replay runs.

The worker, the reconcile pass and (without a server) the Actions job call
``run``; nothing registers itself by being imported elsewhere.
"""

from bot.github import comments, issues, push
from bot.github.client import client
from bot.github.routing import Context, Event, Lock, Router, no_lock
from bot.service.config import Settings

ROUTER = Router(issues.router, comments.router, push.router)


def run(event: Event, settings: Settings, lock: Lock = no_lock) -> None:
    """Everything the bot does for one delivery: a client for its installation, the handlers."""
    installation = event.payload.get("installation")
    installation_id = installation.get("id") if isinstance(installation, dict) else None
    ROUTER.dispatch(event, Context(client(settings, installation_id), lock))
