"""Trim GitHub's published REST description to the operations the project uses.

The local GitHub stand-in (``standin/``) checks every request it receives
against GitHub's own OpenAPI description. The full document is ~12 MB; the
repository keeps only the operations listed in ``OPERATIONS`` plus every
component they ``$ref``. Response bodies are dropped (the checker validates
requests; a response keeps its status code and description, so the trimmed
file stays a valid OpenAPI document), as are examples and the long prose.
The media types an operation answers besides JSON, which GitHub states in
that prose and in the responses, are kept as ``x-media-types``: the checker
refuses an ``Accept`` header naming any other.

Usage (from the repository root)::

    cd /tmp && npm pack @octokit/openapi && tar xzf octokit-openapi-*.tgz
    python scripts/trim_openapi.py /tmp/package/generated/api.github.com.json

Writes ``standin/openapi/api.github.com.json``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "standin" / "openapi" / "api.github.com.json"

REPO = "/repos/{owner}/{repo}"

# (method, path template) of every operation the bot or its tests may call.
OPERATIONS: list[tuple[str, str]] = [
    ("get", "/rate_limit"),
    ("get", "/user"),
    ("get", "/users/{username}"),
    ("get", "/app"),
    ("get", "/app/installations/{installation_id}"),
    ("post", "/app/installations/{installation_id}/access_tokens"),
    ("get", f"{REPO}"),
    ("get", f"{REPO}/installation"),
    ("get", f"{REPO}/branches"),
    ("get", f"{REPO}/branches/{{branch}}"),
    ("get", f"{REPO}/commits/{{ref}}"),
    ("get", f"{REPO}/collaborators/{{username}}/permission"),
    ("get", f"{REPO}/contents/{{path}}"),
    ("put", f"{REPO}/contents/{{path}}"),
    ("post", f"{REPO}/git/blobs"),
    ("get", f"{REPO}/git/blobs/{{file_sha}}"),
    ("post", f"{REPO}/git/trees"),
    ("get", f"{REPO}/git/trees/{{tree_sha}}"),
    ("post", f"{REPO}/git/commits"),
    ("get", f"{REPO}/git/commits/{{commit_sha}}"),
    ("get", f"{REPO}/git/ref/{{ref}}"),
    ("get", f"{REPO}/git/matching-refs/{{ref}}"),
    ("post", f"{REPO}/git/refs"),
    ("patch", f"{REPO}/git/refs/{{ref}}"),
    ("delete", f"{REPO}/git/refs/{{ref}}"),
    ("get", f"{REPO}/issues"),
    ("post", f"{REPO}/issues"),
    ("get", f"{REPO}/issues/{{issue_number}}"),
    ("patch", f"{REPO}/issues/{{issue_number}}"),
    ("get", f"{REPO}/issues/{{issue_number}}/comments"),
    ("post", f"{REPO}/issues/{{issue_number}}/comments"),
    ("get", f"{REPO}/issues/comments/{{comment_id}}"),
    ("patch", f"{REPO}/issues/comments/{{comment_id}}"),
    ("get", f"{REPO}/issues/{{issue_number}}/labels"),
    ("post", f"{REPO}/issues/{{issue_number}}/labels"),
    ("put", f"{REPO}/issues/{{issue_number}}/labels"),
    ("delete", f"{REPO}/issues/{{issue_number}}/labels"),
    ("delete", f"{REPO}/issues/{{issue_number}}/labels/{{name}}"),
    ("get", f"{REPO}/labels"),
    ("post", f"{REPO}/labels"),
    ("get", f"{REPO}/labels/{{name}}"),
    ("get", f"{REPO}/pulls"),
    ("post", f"{REPO}/pulls"),
    ("get", f"{REPO}/pulls/{{pull_number}}"),
    ("patch", f"{REPO}/pulls/{{pull_number}}"),
    ("get", f"{REPO}/pulls/{{pull_number}}/commits"),
    ("get", f"{REPO}/pulls/{{pull_number}}/files"),
    ("get", f"{REPO}/pulls/{{pull_number}}/merge"),
    ("put", f"{REPO}/pulls/{{pull_number}}/merge"),
]

# Operation keys worth keeping; the rest (description prose, x-github) is bulk.
KEPT_OPERATION_KEYS = (
    "summary",
    "operationId",
    "externalDocs",
    "parameters",
    "requestBody",
    "x-media-types",
)
# How the prose names a custom media type: "- **`application/vnd.github.raw+json`**: ...".
NAMED_MEDIA_TYPE = re.compile(r"\*\*`(application/[^`]+)`\*\*")

# Request shapes GitHub documents in prose but not in the schema. PyGithub
# sends a bare array to add/set labels ("You can also pass an `array` of
# labels directly"), so the checker must accept it too.
BARE_LABEL_ARRAY = {
    "type": "array",
    "items": {"type": "string"},
    "x-standin-note": "documented in the labels property's description, absent from the schema",
}
PROSE_AMENDMENTS = {
    ("post", f"{REPO}/issues/{{issue_number}}/labels"): BARE_LABEL_ARRAY,
    ("put", f"{REPO}/issues/{{issue_number}}/labels"): BARE_LABEL_ARRAY,
}


def trim_operation(operation: dict[str, Any]) -> dict[str, Any]:
    """Keep what the request checker reads; responses keep only code + description."""
    kept = {key: copy.deepcopy(operation[key]) for key in KEPT_OPERATION_KEYS if key in operation}
    for media in kept.get("requestBody", {}).get("content", {}).values():
        media.pop("examples", None)
        media.pop("example", None)
    kept["responses"] = {
        code: {"description": response.get("description", f"see {response.get('$ref', '')}")}
        for code, response in operation["responses"].items()
    }
    media_types = other_media_types(operation)
    if media_types:
        kept["x-media-types"] = media_types
    return kept


def other_media_types(operation: dict[str, Any]) -> list[str]:
    """The media types besides JSON that the operation's prose or success responses name."""
    if "x-media-types" in operation:  # already trimmed: the prose is gone
        return operation["x-media-types"]
    named = set(NAMED_MEDIA_TYPE.findall(operation.get("description", "")))
    for code, response in operation["responses"].items():
        if code.startswith("2"):
            named |= set(response.get("content", {}))
    return sorted(named - {"application/json"})


def amend(operation: dict[str, Any], alternative: dict[str, Any]) -> None:
    """Add a prose-documented alternative to an operation's JSON body schema (once)."""
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    if alternative not in schema["oneOf"]:
        schema["oneOf"].append(copy.deepcopy(alternative))


def refs_in(node: Any) -> set[str]:
    """Every ``$ref`` target found anywhere inside ``node``."""
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        for value in node.values():
            found |= refs_in(value)
        return found
    if isinstance(node, list):
        return set().union(*(refs_in(item) for item in node)) if node else set()
    return set()


def copy_components(full: dict[str, Any], roots: dict[str, Any]) -> dict[str, Any]:
    """Copy the referenced components, following refs inside them transitively."""
    components: dict[str, dict[str, Any]] = {}
    pending = refs_in(roots)
    seen: set[str] = set()
    while pending:
        ref = pending.pop()
        seen.add(ref)
        _, _, section, name = ref.split("/", 3)
        value = copy.deepcopy(full["components"][section][name])
        if isinstance(value, dict):
            value.pop("examples", None)
        components.setdefault(section, {})[name] = value
        pending |= refs_in(value) - seen
    return {section: dict(sorted(items.items())) for section, items in sorted(components.items())}


def trim(full: dict[str, Any]) -> dict[str, Any]:
    """Return the trimmed document."""
    paths: dict[str, dict[str, Any]] = {}
    for method, template in OPERATIONS:
        operation = trim_operation(full["paths"][template][method])
        if (method, template) in PROSE_AMENDMENTS:
            amend(operation, PROSE_AMENDMENTS[(method, template)])
        paths.setdefault(template, {})[method] = operation
    info = dict(full["info"])
    info["x-trimmed"] = (
        "Operations used by the awesome-vis bot, trimmed by scripts/trim_openapi.py "
        f"from @octokit/openapi {full['info']['version']} generated/api.github.com.json"
    )
    return {
        "openapi": full["openapi"],
        "info": info,
        "servers": full.get("servers", []),
        "paths": dict(sorted(paths.items())),
        "components": copy_components(full, paths),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("description", type=Path, help="generated/api.github.com.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    trimmed = trim(json.loads(args.description.read_text(encoding="utf-8")))
    args.out.write_text(json.dumps(trimmed, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{len(OPERATIONS)} operations -> {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
