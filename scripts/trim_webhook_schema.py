"""Trim GitHub's published webhook schema to the payloads the stand-in builds.

The stand-in's webhook payloads (``standin/payloads.py``) are checked against
the community-maintained JSON Schema of GitHub's webhook payloads, the npm
package ``@octokit/webhooks-schemas`` (MIT). The full ``schema.json`` (~630 kB)
describes every event; the repository keeps only the definitions of the
events in ``ROOTS`` and every definition they ``$ref``, unchanged except that
annotations that never affect validation (descriptions, titles, examples,
the TypeScript-only ``tsAdditionalProperties`` and the nested ``$schema``
declarations, all draft-07) are dropped.

Usage (from the repository root)::

    cd /tmp && npm pack @octokit/webhooks-schemas@7.6.1 && tar xzf octokit-webhooks-schemas-*.tgz
    python scripts/trim_webhook_schema.py /tmp/package/schema.json

Writes ``standin/webhook_schema/schema.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "standin" / "webhook_schema" / "schema.json"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"

# The definition of each (event, action) payload the stand-in builds; keep in
# step with ``standin.payloads.SCHEMA_DEFINITIONS``.
ROOTS = (
    "ping$event",
    "issues$opened",
    "issues$edited",
    "issues$labeled",
    "issues$reopened",
    "issues$closed",
    "issue_comment$created",
    "push$event",
    "pull_request$closed",
    "installation$created",
)
ANNOTATIONS = frozenset({"description", "title", "examples", "$comment", "tsAdditionalProperties"})


def refs(node: Any) -> set[str]:
    """Names of the definitions ``node`` refers to (``#/definitions/NAME``)."""
    if isinstance(node, dict):
        found = {node["$ref"].rsplit("/", 1)[-1]} if "$ref" in node else set()
        return found.union(*(refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(refs(item) for item in node))
    return set()


def needed(definitions: dict[str, Any], roots: tuple[str, ...] = ROOTS) -> list[str]:
    """The roots and every definition reachable from them, sorted."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(refs(definitions[name]) - seen)
    return sorted(seen)


def strip(node: Any, *, names: bool = False) -> Any:
    """Drop annotation keywords; ``names`` marks a ``properties`` map, whose keys are fields."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    if names:
        return {key: strip(value) for key, value in node.items()}
    return {
        key: strip(value, names=key in ("properties", "definitions", "patternProperties"))
        for key, value in node.items()
        if key not in ANNOTATIONS and key != "$schema"
    }


def trim(schema: dict[str, Any], version: str) -> dict[str, Any]:
    """The trimmed document: the needed definitions and a ``oneOf`` over the roots."""
    if schema.get("$schema") != DRAFT_07:
        raise SystemExit(f"expected a draft-07 schema, got {schema.get('$schema')!r}")
    definitions = schema["definitions"]
    return {
        "$schema": DRAFT_07,
        "$comment": (
            f"@octokit/webhooks-schemas {version} (MIT), trimmed by "
            "scripts/trim_webhook_schema.py to the payloads the stand-in builds"
        ),
        "oneOf": [{"$ref": f"#/definitions/{name}"} for name in ROOTS],
        "definitions": {name: strip(definitions[name]) for name in needed(definitions)},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("schema", type=Path, help="schema.json of @octokit/webhooks-schemas")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    package = json.loads((args.schema.parent / "package.json").read_text(encoding="utf-8"))
    trimmed = trim(json.loads(args.schema.read_text(encoding="utf-8")), package["version"])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(trimmed, indent=1) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(trimmed['definitions'])} definitions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
