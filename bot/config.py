"""The service's settings, read from the environment once, checked all at once.

A deployment with a missing secret or a mangled private key must not start
and then fail on the first delivery: every problem is named in one message.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_QUEUE_URL = f"sqlite:///{Path('var') / 'queue.db'}"


class ConfigError(ValueError):
    """The environment cannot run the service; the message lists every problem."""


@dataclass(frozen=True)
class Settings:
    webhook_secret: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    app_id: int | None = None
    app_private_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    queue_url: str = DEFAULT_QUEUE_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        problems = []
        secret = env.get("GITHUB_WEBHOOK_SECRET", "")
        if not secret:
            problems.append(
                "GITHUB_WEBHOOK_SECRET is not set: without it no delivery can be authenticated"
            )
        token = env.get("GITHUB_TOKEN") or None
        app_id, key = _app_settings(env, problems)
        if not token and not app_id:
            problems.append(
                "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and "
                "GITHUB_APP_PRIVATE_KEY"
            )
        queue_url = queue_url_from_env(env)
        if not queue_url.startswith(("sqlite:///", "redis://", "rediss://")):
            problems.append("QUEUE_URL must start with sqlite:/// or redis:// (or rediss://)")
        if problems:
            raise ConfigError("cannot start:\n" + "\n".join(f"- {p}" for p in problems))
        return cls(
            webhook_secret=secret,
            token=token,
            app_id=app_id,
            app_private_key=key,
            api_url=(env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            queue_url=queue_url,
        )


def queue_url_from_env(env: Mapping[str, str]) -> str:
    """QUEUE_URL, else the REDIS_URL hosting platforms set, else a SQLite file under var/."""
    return env.get("QUEUE_URL") or env.get("REDIS_URL") or DEFAULT_QUEUE_URL


def _app_settings(env: Mapping[str, str], problems: list[str]) -> tuple[int | None, str | None]:
    raw_id, key = env.get("GITHUB_APP_ID", ""), env.get("GITHUB_APP_PRIVATE_KEY", "")
    if not raw_id and not key:
        return None, None
    if not raw_id.isdigit():
        problems.append("GITHUB_APP_ID must be the App's numeric id")
    if not key:
        problems.append("GITHUB_APP_PRIVATE_KEY is not set (the App's PEM private key)")
    else:
        key = key.replace("\\n", "\n").strip() + "\n"
        try:
            load_pem_private_key(key.encode(), password=None)
        except (ValueError, TypeError):
            problems.append(
                "GITHUB_APP_PRIVATE_KEY is not a PEM private key "
                "(expected the text of the .pem file GitHub gave you)"
            )
    return (int(raw_id) if raw_id.isdigit() else None), key or None
