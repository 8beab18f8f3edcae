"""Copy GitHub's documented webhook examples for the events the stand-in builds.

Source: the npm package ``@octokit/webhooks-examples`` (MIT), whose
``api.github.com/index.json`` lists, per event, the example payloads of
GitHub's webhook documentation. One example per (event, action) is copied
whole, every field in GitHub's order and with GitHub's values:
``standin/payloads.py`` starts from it and fills in the stand-in's
repository, people, issue, comment and so on, keeping every other field, so
what the tests and the sandbox send has GitHub's full shape (checked against
``@octokit/webhooks-schemas`` by ``tests/test_standin_payloads.py``).

The example taken for an event is one that itself validates against that
schema and describes an owner that is a user (no ``organization``), as the
stand-in's repositories are. GitHub documents no ``issues.closed``; its file
is derived from ``issues.reopened`` (``DERIVED``).

Usage (from the repository root)::

    cd /tmp && npm pack @octokit/webhooks-examples@7.6.1 && tar xzf octokit-webhooks-examples-*.tgz
    python scripts/pick_webhook_examples.py /tmp/package/api.github.com/index.json

Writes ``standin/webhooks/<event>[.<action>].json``.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "standin" / "webhooks"

# (event, action) -> index of the example to take among that action's examples.
PICK: dict[tuple[str, str | None], int | None] = {
    ("ping", None): 1,  # the 1st lacks fields the schema requires
    ("issues", "opened"): 0,
    ("issues", "edited"): 1,  # the 1st lacks fields the schema requires
    ("issues", "labeled"): 0,
    ("issues", "reopened"): 0,
    ("issues", "closed"): None,  # none documented: see DERIVED
    ("issue_comment", "created"): 2,  # the 1st lacks required fields, the 2nd has an organization
    ("push", None): 4,  # a branch push with a commit
    ("pull_request", "closed"): 0,
    ("installation", "created"): 0,
}


# GitHub documents no issues.closed example: it is the issues.reopened one with
# the action and the issue's state turned around (the two payloads have the
# same fields; the schema requires a closed issue with its closed_at).
DERIVED = {("issues", "closed"): ("issues", "reopened")}


def closed(reopened: dict[str, Any]) -> dict[str, Any]:
    """The issues.closed payload of the issue an issues.reopened example describes."""
    reopened = copy.deepcopy(reopened)
    issue = reopened["issue"]
    issue.update(state="closed", closed_at=issue["updated_at"])
    if "state_reason" in issue:
        issue["state_reason"] = "completed"
    return {**reopened, "action": "closed"}


def file_name(event: str, action: str | None) -> str:
    """``issues.opened.json``; ``push.json`` for events without actions."""
    return f"{event}.{action}.json" if action else f"{event}.json"


def pick(index: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """File name -> example payload, for every entry of ``PICK``."""
    by_event = {entry["name"]: entry["examples"] for entry in index}
    out = {}
    for (event, action), nth in PICK.items():
        if nth is None:
            source, source_action = DERIVED[(event, action)]
            base = [ex for ex in by_event[source] if ex.get("action") == source_action]
            out[file_name(event, action)] = closed(base[PICK[(source, source_action)] or 0])
            continue
        examples = [ex for ex in by_event[event] if ex.get("action") == action]
        out[file_name(event, action)] = examples[nth]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("index", type=Path, help="api.github.com/index.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    picked = pick(json.loads(args.index.read_text(encoding="utf-8")))
    for name, payload in picked.items():
        (args.out / name).write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"{args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
