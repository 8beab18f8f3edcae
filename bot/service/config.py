"""The service's settings, read from the environment once, checked all at once.

A deployment with a missing secret or a mangled private key must not start
and then fail on the first delivery: every problem is named in one message,
and no message ever repeats a secret's value.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_ARXIV_API_URL = "https://export.arxiv.org/api/query"
_SWITCH = {"on": True, "off": False}
DEFAULT_QUEUE_URL = f"sqlite:///{Path('var') / 'queue.db'}"
_REPOSITORY = re.compile(r"\A[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+\Z")
_LOGIN = re.compile(r"\A[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?\Z")
# Anyone who knows or guesses the secret can forge deliveries (and /approve
# comments with them); GitHub's own advice is a long random string.
MIN_SECRET_LENGTH = 16
DEFAULT_WATCH_RECHECK_HOURS = 20.0
_HOURS = re.compile(r"\A\d{1,5}(?:\.\d{1,3})?\Z")
# A host name or an IP address (IPv6 without brackets), as WATCH_ALLOW_HOSTS lists them.
_HOST = re.compile(r"\A(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45})\Z")


class ConfigError(RuntimeError):
    """The environment cannot run the service; the message lists every problem.

    A RuntimeError, because gunicorn prints those as one clean line ("Error:
    ...") and exits 1 when loading the app fails, instead of a traceback.
    """


@dataclass(frozen=True)
class Settings:
    webhook_secret: str = field(repr=False)
    token: str | None = field(default=None, repr=False)
    app_id: int | None = None
    app_private_key: str | None = field(default=None, repr=False)
    api_url: str = DEFAULT_API_URL
    queue_url: str = DEFAULT_QUEUE_URL
    # The list's repository (owner/name): what ``reconcile`` looks at.
    repository: str | None = None
    # Fill and check a paper's metadata from arXiv (SPEC 11), at this API.
    autofill: bool = True
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    # The token's account, for tokens that cannot tell it (installation tokens, as
    # GitHub Actions has): without it the bot asks GitHub whose the token is.
    login: str | None = None
    # Writes per window (count, seconds) the bot allows itself per installation: below
    # GitHub's secondary rate limits of 80 a minute and 500 an hour.
    write_limits: tuple[tuple[int, float], ...] = ((70, 60.0), (450, 3600.0))
    # Keeping the list fresh (SPEC 13): the daily pass, how far apart two failures must
    # be for a link to count as broken, and the hosts exempt from the public-address rule.
    watch: bool = True
    watch_recheck_hours: float = DEFAULT_WATCH_RECHECK_HOURS
    watch_allow_hosts: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, webhook: bool = True) -> "Settings":
        """The settings, or ConfigError naming every missing or malformed variable.

        ``webhook``: whether events arrive as webhook deliveries, which need the
        secret; a GitHub Actions run reads its event from a file GitHub wrote.
        """
        env = os.environ if env is None else env
        problems: list[str] = []
        secret = env.get("GITHUB_WEBHOOK_SECRET", "")
        if webhook and not secret:
            problems.append(
                "GITHUB_WEBHOOK_SECRET is not set: without it no delivery can be authenticated"
            )
        elif webhook and len(secret.strip()) < MIN_SECRET_LENGTH:
            problems.append(
                f"GITHUB_WEBHOOK_SECRET is shorter than {MIN_SECRET_LENGTH} characters (not "
                "counting white space around it): a secret that short can be guessed and "
                "deliveries forged; make one with python -c 'import secrets; "
                "print(secrets.token_hex(32))' and set it on GitHub and here"
            )
        token = env.get("GITHUB_TOKEN") or None
        app_id, key = _app_settings(env, problems)
        if not token and not app_id:
            problems.append(
                "no GitHub credentials: set GITHUB_TOKEN, or GITHUB_APP_ID and "
                "GITHUB_APP_PRIVATE_KEY (or GITHUB_APP_PRIVATE_KEY_FILE)"
            )
        api_url = (env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
        if not api_url.startswith(("https://", "http://")):
            problems.append("GITHUB_API_URL must be an http(s) URL, e.g. https://api.github.com")
        queue_url = queue_url_from_env(env)
        if not queue_url.startswith(("sqlite:///", "redis://", "rediss://")):
            problems.append("QUEUE_URL must start with sqlite:/// or redis:// (or rediss://)")
        repository = env.get("GITHUB_REPOSITORY") or None
        if repository and not _REPOSITORY.match(repository):
            problems.append(f"GITHUB_REPOSITORY must be owner/name, not {repository!r}")
        autofill = _SWITCH.get((env.get("AUTOFILL") or "on").strip().lower())
        if autofill is None:
            problems.append(f"AUTOFILL must be on or off, not {env['AUTOFILL']!r}")
        arxiv_api_url = env.get("ARXIV_API_URL") or DEFAULT_ARXIV_API_URL
        if not arxiv_api_url.startswith(("https://", "http://")):
            problems.append(f"ARXIV_API_URL must be an http(s) URL, e.g. {DEFAULT_ARXIV_API_URL}")
        login = env.get("BOT_LOGIN") or None
        if login and not _LOGIN.match(login):
            problems.append(f"BOT_LOGIN must be a GitHub login such as my-app[bot], not {login!r}")
        write_limits = _write_limits(env.get("GITHUB_WRITE_LIMITS") or "70/60,450/3600", problems)
        watch = _SWITCH.get((env.get("WATCH") or "on").strip().lower())
        if watch is None:
            problems.append(f"WATCH must be on or off, not {env['WATCH']!r}")
        hours = (env.get("WATCH_RECHECK_HOURS") or "").strip()
        if hours and not _HOURS.match(hours):
            problems.append(
                f"WATCH_RECHECK_HOURS must be a number of hours such as 20, not {hours!r}"
            )
        allowed = tuple(
            host.strip().lower() for host in (env.get("WATCH_ALLOW_HOSTS") or "").split(",")
        )
        allowed = tuple(host for host in allowed if host)
        bad_hosts = [host for host in allowed if not _HOST.match(host)]
        if bad_hosts:
            problems.append(
                "WATCH_ALLOW_HOSTS must be host names or addresses separated by commas, "
                f"not {', '.join(repr(host) for host in bad_hosts)}"
            )
        port = env.get("PORT", "")
        if port and not (port.isdigit() and 0 < int(port) < 65536):
            problems.append(f"PORT must be a TCP port number (1-65535), not {port!r}")
        if problems:
            raise ConfigError("cannot start:\n" + "\n".join(f"- {p}" for p in problems))
        return cls(
            webhook_secret=secret,
            token=token,
            app_id=app_id,
            app_private_key=key,
            api_url=api_url,
            queue_url=queue_url,
            repository=repository,
            autofill=bool(autofill),
            arxiv_api_url=arxiv_api_url,
            login=login,
            write_limits=write_limits,
            watch=bool(watch),
            watch_recheck_hours=float(hours)
            if _HOURS.match(hours)
            else DEFAULT_WATCH_RECHECK_HOURS,
            watch_allow_hosts=allowed,
        )


def _write_limits(text: str, problems: list[str]) -> tuple[tuple[int, float], ...]:
    """``70/60,450/3600``: at most 70 writes in 60 s and 450 in 3600 s."""
    limits = []
    for part in text.split(","):
        count, _, seconds = part.strip().partition("/")
        try:
            limits.append((int(count), float(seconds)))
        except ValueError:
            problems.append(
                f"GITHUB_WRITE_LIMITS must be COUNT/SECONDS pairs such as 70/60,450/3600, "
                f"not {text!r}"
            )
            return ()
    if any(count < 1 or seconds <= 0 for count, seconds in limits):
        problems.append("GITHUB_WRITE_LIMITS needs positive counts and seconds")
    return tuple(limits)


def queue_url_from_env(env: Mapping[str, str]) -> str:
    """QUEUE_URL, else the REDIS_URL hosting platforms set, else a SQLite file under var/."""
    return env.get("QUEUE_URL") or env.get("REDIS_URL") or DEFAULT_QUEUE_URL


def _app_settings(env: Mapping[str, str], problems: list[str]) -> tuple[int | None, str | None]:
    raw_id = env.get("GITHUB_APP_ID", "")
    key = _private_key_text(env, problems)
    if not raw_id and key is None:
        return None, None
    if not raw_id.isdigit():
        problems.append("GITHUB_APP_ID must be the App's numeric id")
    if key is None:
        problems.append(
            "GITHUB_APP_PRIVATE_KEY is not set (the text of the App's .pem private key; "
            "or GITHUB_APP_PRIVATE_KEY_FILE, its path)"
        )
    elif key:
        key = key.replace("\\n", "\n").strip() + "\n"
        try:
            load_pem_private_key(key.encode(), password=None)
        except (ValueError, TypeError):
            problems.append(
                "GITHUB_APP_PRIVATE_KEY is not a PEM private key "
                "(expected the text of the .pem file GitHub gave you)"
            )
    return (int(raw_id) if raw_id.isdigit() else None), key or None


def _private_key_text(env: Mapping[str, str], problems: list[str]) -> str | None:
    """The PEM text from GITHUB_APP_PRIVATE_KEY or the file GITHUB_APP_PRIVATE_KEY_FILE names.

    None when neither is set; "" when the file cannot be read (already reported).
    """
    text, path = env.get("GITHUB_APP_PRIVATE_KEY", ""), env.get("GITHUB_APP_PRIVATE_KEY_FILE", "")
    if text and path:
        problems.append("set GITHUB_APP_PRIVATE_KEY or GITHUB_APP_PRIVATE_KEY_FILE, not both")
    if text or not path:
        return text or None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not text"
        problems.append(f"GITHUB_APP_PRIVATE_KEY_FILE {path!r} cannot be read ({reason})")
        return ""
