"""Trim GitHub's documented webhook examples to the events the bot handles.

Source: the npm package ``@octokit/webhooks-examples`` (MIT), whose
``api.github.com/index.json`` lists, per event, the example payloads of
GitHub's webhook documentation. One example per (event, action) is kept, and
inside it only the fields a bot reads (``KEEP``), in GitHub's order and with
GitHub's values, so the fixtures keep the real shape without 10 kB of URLs.

Usage (from the repository root)::

    cd /tmp && npm pack @octokit/webhooks-examples && tar xzf octokit-webhooks-examples-*.tgz
    python scripts/trim_webhook_examples.py /tmp/package/api.github.com/index.json

Writes ``bot/standin/webhooks/<event>[.<action>].json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "bot" / "standin" / "webhooks"

# A keep-spec maps a key to True (keep the value whole) or to a nested spec
# (applied to the value, or to each item when the value is a list).
Spec = dict[str, Any]

USER: Spec = dict.fromkeys(
    ("login", "id", "node_id", "type", "site_admin", "url", "html_url"), True
)
REPOSITORY: Spec = {
    **dict.fromkeys(("id", "node_id", "name", "full_name", "private"), True),
    "owner": USER,
    **dict.fromkeys(("html_url", "url", "fork", "default_branch"), True),
}
LABEL: Spec = dict.fromkeys(("id", "node_id", "url", "name", "color", "default"), True)
ISSUE: Spec = {
    **dict.fromkeys(("url", "repository_url", "html_url", "id", "node_id", "number"), True),
    "title": True,
    "user": USER,
    "labels": LABEL,
    **dict.fromkeys(("state", "locked", "comments", "created_at", "updated_at"), True),
    **dict.fromkeys(("closed_at", "author_association", "state_reason", "body"), True),
    "pull_request": True,
}
COMMENT: Spec = {
    **dict.fromkeys(("url", "html_url", "issue_url", "id", "node_id"), True),
    "user": USER,
    **dict.fromkeys(("created_at", "updated_at", "author_association", "body"), True),
}
BRANCH: Spec = {"label": True, "ref": True, "sha": True, "user": USER, "repo": REPOSITORY}
PULL_REQUEST: Spec = {
    **dict.fromkeys(("url", "id", "node_id", "html_url", "number", "state", "locked"), True),
    "title": True,
    "user": USER,
    "body": True,
    "labels": LABEL,
    **dict.fromkeys(("created_at", "updated_at", "closed_at", "merged_at"), True),
    "merge_commit_sha": True,
    "head": BRANCH,
    "base": BRANCH,
    **dict.fromkeys(("author_association", "draft", "merged"), True),
    "merged_by": USER,
}
COMMIT: Spec = {
    **dict.fromkeys(("id", "tree_id", "distinct", "message", "timestamp", "url"), True),
    **dict.fromkeys(("author", "committer", "added", "removed", "modified"), True),
}
INSTALLATION_REF: Spec = {"id": True, "node_id": True}
INSTALLATION: Spec = {
    "id": True,
    "account": USER,
    **dict.fromkeys(("repository_selection", "app_id", "app_slug", "target_id"), True),
    **dict.fromkeys(("target_type", "permissions", "events", "created_at", "updated_at"), True),
}
COMMON: Spec = {"repository": REPOSITORY, "sender": USER, "installation": INSTALLATION_REF}

# (event, action, index of the example to take) -> what to keep of it.
KEEP: dict[tuple[str, str | None, int], Spec] = {
    ("ping", None, 0): {
        "zen": True,
        "hook_id": True,
        "hook": dict.fromkeys(("type", "id", "name", "active", "events", "config"), True),
        **COMMON,
    },
    ("issues", "opened", 0): {"action": True, "issue": ISSUE, **COMMON},
    ("issues", "edited", 0): {"action": True, "issue": ISSUE, "changes": True, **COMMON},
    ("issues", "labeled", 0): {"action": True, "issue": ISSUE, "label": LABEL, **COMMON},
    ("issue_comment", "created", 3): {
        "action": True,
        "issue": ISSUE,
        "comment": COMMENT,
        **COMMON,
    },
    ("push", None, 4): {
        **dict.fromkeys(("ref", "before", "after", "created", "deleted", "forced"), True),
        **dict.fromkeys(("base_ref", "compare"), True),
        "commits": COMMIT,
        "head_commit": COMMIT,
        "pusher": True,
        **COMMON,
    },
    ("pull_request", "closed", 0): {
        "action": True,
        "number": True,
        "pull_request": PULL_REQUEST,
        **COMMON,
    },
    ("installation", "created", 0): {
        "action": True,
        "installation": INSTALLATION,
        "repositories": True,
        "sender": USER,
    },
}


def keep(value: Any, spec: Spec | bool) -> Any:
    """Apply a keep-spec to a value (lists: to each item)."""
    if spec is True or value is None:
        return value
    if isinstance(value, list):
        return [keep(item, spec) for item in value]
    return {key: keep(item, spec[key]) for key, item in value.items() if key in spec}


def file_name(event: str, action: str | None) -> str:
    """``issues.opened.json``; ``push.json`` for events without actions."""
    return f"{event}.{action}.json" if action else f"{event}.json"


def trim(index: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """File name -> trimmed payload, for every entry of ``KEEP``."""
    by_event = {entry["name"]: entry["examples"] for entry in index}
    out = {}
    for (event, action, nth), spec in KEEP.items():
        examples = [ex for ex in by_event[event] if ex.get("action") == action]
        out[file_name(event, action)] = keep(examples[nth], spec)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="api.github.com/index.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    trimmed = trim(json.loads(args.index.read_text(encoding="utf-8")))
    for name, payload in trimmed.items():
        (args.out / name).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"{args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
