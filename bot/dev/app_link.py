"""The GitHub App's registration: ``app-manifest.json``, and a link that fills it in.

The manifest is the one statement of what the App may do (contents, issues
and pull requests read/write, metadata read) and hears (issues, issue
comments, pushes). GitHub's manifest flow needs a page that POSTs it; the
same settings also fit in a registration link (GitHub's "URL parameters"),
so ``python -m bot app-link --webhook-url ...`` prints a link that opens the
"Register new GitHub App" page already filled in from the manifest.
"""

import argparse
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from bot.core import paths

MANIFEST = paths.MANIFEST


def registration_url(
    webhook_url: str,
    *,
    org: str | None = None,
    web_url: str = "https://github.com",
    manifest: Path = MANIFEST,
) -> str:
    """The link to GitHub's registration page with the manifest's settings filled in."""
    app: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    parameters: list[tuple[str, str]] = [
        ("name", app["name"]),
        ("description", app["description"]),
        ("url", app["url"]),
        ("public", str(app["public"]).lower()),
        ("webhook_active", "true"),
        ("webhook_url", webhook_url),
        *app["default_permissions"].items(),
        *(("events[]", event) for event in app["default_events"]),
    ]
    owner = f"/organizations/{quote(org)}" if org else ""
    return f"{web_url.rstrip('/')}{owner}/settings/apps/new?{urlencode(parameters)}"


def app_link(args: argparse.Namespace) -> int:
    print(registration_url(args.webhook_url, org=args.org, web_url=args.github))
    return 0
