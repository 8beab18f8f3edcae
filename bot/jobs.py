"""The queue: the webhook enqueues a delivery, a worker does the GitHub work.

huey gives both deployments from one code path: a SQLite file that survives
a restart on one machine (the default, no server to run) and Redis for
several machines (``QUEUE_URL=redis://...`` or the platform's ``REDIS_URL``).
"""

import os
from pathlib import Path
from typing import Any

from huey import Huey, RedisHuey, SqliteHuey

import bot.approval
import bot.intake
import bot.rebuild  # noqa: F401  (importing registers the handlers)
from bot import github_ops, router
from bot.config import Settings, queue_url_from_env

QUEUE_NAME = "awesome-vis-bot"


def make_queue(queue_url: str) -> Huey:
    if queue_url.startswith("sqlite:///"):
        path = Path(queue_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path))
    return RedisHuey(QUEUE_NAME, url=queue_url)


huey = make_queue(queue_url_from_env(os.environ))


def run_handlers(event: router.Event, settings: Settings) -> None:
    """Everything the bot does for one delivery, in the worker."""
    installation = event.payload.get("installation") or {}
    github = github_ops.client(settings, installation.get("id"))
    for handler in router.handlers_for(event.name, event.action):
        handler(event, github)


@huey.task()
def handle_delivery(name: str, payload: dict[str, Any], delivery_id: str) -> None:
    run_handlers(router.Event(name, payload, delivery_id), Settings.from_env())
