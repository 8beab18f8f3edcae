"""Checks each request against GitHub's published REST description.

A request must match a documented operation (method + path template, path
parameters of the documented type), use only documented query parameters
with valid values, carry a JSON body valid against the operation's request
schema, and accept JSON or a media type the operation documents. The stand-in
dispatches on the matched ``operationId``, so a route the description does
not document cannot be served by accident.

The description is OpenAPI 3.0: schemas are JSON Schema draft 4 plus
``nullable``, which is rewritten into draft-4 terms when the file is loaded.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

DESCRIPTION = Path(__file__).with_name("openapi") / "api.github.com.json"

# What an Accept header may name for GitHub's default answer, JSON; anything
# else must be one of the operation's own media types (its x-media-types).
JSON_MEDIA_TYPES = frozenset(
    {
        "*/*",
        "application/*",
        "application/json",
        "application/vnd.github+json",
        "application/vnd.github.v3+json",
    }
)
# API previews, which PyGithub still names for some calls: GitHub has retired
# them into the default and answers JSON.
PREVIEW = re.compile(r"application/vnd\.github\.[\w.-]+-preview(\+json)?")


class CheckFailure(Exception):
    """A request GitHub's description does not allow; ``status`` is what to answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Operation:
    """One documented operation, ready for matching and validation."""

    operation_id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    path_params: dict[str, dict[str, Any]]
    query_params: dict[str, dict[str, Any]]
    body_schema: dict[str, Any] | None
    body_required: bool
    media_types: frozenset[str]

    def specificity(self) -> tuple[int, ...]:
        """Literal segments beat parameters, left to right (``/issues/comments`` first)."""
        return tuple(0 if part.startswith("{") else 1 for part in self.template.split("/"))


@dataclass(frozen=True)
class Match:
    """A request matched to an operation, with its decoded, typed parameters."""

    operation: Operation
    path_params: dict[str, Any]
    query: dict[str, Any]
    body: Any
    media_type: str | None  # a custom media type asked for, None for JSON


def _allow_null(node: Any) -> Any:
    """Rewrite OpenAPI's ``nullable: true`` as draft-4 JSON Schema, recursively."""
    if isinstance(node, list):
        return [_allow_null(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _allow_null(value) for key, value in node.items()}
    if not out.pop("nullable", False):
        return out
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    if isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
        return out
    return {"anyOf": [out, {"type": "null"}]}


def _path_pattern(template: str, params: dict[str, dict[str, Any]]) -> re.Pattern[str]:
    """Regex for a template; a trailing multi-segment parameter may contain ``/``."""
    parts = re.split(r"(\{[^}]+\})", template)
    regex = ""
    for index, part in enumerate(parts):
        if part.startswith("{"):
            name = part[1:-1]
            greedy = params[name].get("x-multi-segment") and index == len(parts) - 2
            regex += f"(?P<{name}>{'.+' if greedy else '[^/]+'})"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


class Checker:
    """Matches requests to operations of a (trimmed) GitHub OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = _allow_null(document)
        self.components = self.document.get("components", {})
        self.operations = sorted(self._operations(), key=lambda op: op.specificity(), reverse=True)

    @classmethod
    def load(cls, path: Path = DESCRIPTION) -> Checker:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _deref(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            _, section, name = node["$ref"].removeprefix("#/").split("/")
            node = self.document["components"][section][name]
        return node

    def _operations(self) -> Iterable[Operation]:
        for template, methods in self.document["paths"].items():
            for method, spec in methods.items():
                params = [self._deref(p) for p in spec.get("parameters", [])]
                path_params = {p["name"]: p for p in params if p["in"] == "path"}
                query_params = {p["name"]: p for p in params if p["in"] == "query"}
                body = spec.get("requestBody")
                media = (body or {}).get("content", {}).get("application/json")
                yield Operation(
                    operation_id=spec["operationId"],
                    method=method.upper(),
                    template=template,
                    pattern=_path_pattern(template, path_params),
                    path_params=path_params,
                    query_params=query_params,
                    body_schema=media["schema"] if media else None,
                    body_required=bool(body and body.get("required")),
                    media_types=frozenset(spec.get("x-media-types", [])) - JSON_MEDIA_TYPES,
                )

    # -- matching -------------------------------------------------------------

    def check(
        self,
        method: str,
        raw_path: str,
        query: Iterable[tuple[str, str]],
        body: bytes,
        accept: str | None = None,
    ) -> Match:
        """The operation and typed inputs of a request, or CheckFailure saying why not."""
        operation, path_params = self._match(method, raw_path)
        return Match(
            operation=operation,
            path_params=path_params,
            query=self._check_query(operation, query),
            body=self._check_body(operation, body),
            media_type=self._check_accept(operation, accept),
        )

    @staticmethod
    def _check_accept(operation: Operation, accept: str | None) -> str | None:
        """The operation's own media type the Accept header names first, or None for JSON."""
        named = [part.split(";")[0].strip().lower() for part in (accept or "*/*").split(",")]
        custom = [media for media in named if media in operation.media_types]
        if custom:
            return custom[0]
        if any(media in JSON_MEDIA_TYPES or PREVIEW.fullmatch(media) for media in named):
            return None
        documented = ", ".join(sorted(operation.media_types | {"application/json"}))
        answers = f"{operation.operation_id} answers {documented}"
        raise CheckFailure(415, f"Unsupported 'Accept' header {accept!r}: {answers}")

    def _match(self, method: str, raw_path: str) -> tuple[Operation, dict[str, Any]]:
        path_matched = False
        for operation in self.operations:
            found = operation.pattern.match(raw_path)
            if not found:
                continue
            params = self._typed_path_params(operation, found.groupdict())
            if params is None:
                continue
            path_matched = True
            if operation.method == method:
                return operation, params
        if path_matched:
            raise CheckFailure(404, f"{method} is not a documented method for {raw_path}")
        raise CheckFailure(404, f"no documented operation matches {method} {raw_path}")

    def _typed_path_params(
        self, operation: Operation, raw: dict[str, str]
    ) -> dict[str, Any] | None:
        """Decoded path parameters, or None when one is not of the documented type."""
        typed = {}
        for name, value in raw.items():
            decoded = urllib.parse.unquote(value)
            converted = self._convert(decoded, operation.path_params[name]["schema"])
            if converted is None or self._invalid(converted, operation.path_params[name]["schema"]):
                return None
            typed[name] = converted
        return typed

    def _check_query(
        self, operation: Operation, query: Iterable[tuple[str, str]]
    ) -> dict[str, Any]:
        typed: dict[str, Any] = {}
        for name, value in query:
            spec = operation.query_params.get(name)
            if spec is None:
                raise CheckFailure(
                    422, f"query parameter {name!r} is not documented for {operation.operation_id}"
                )
            converted = self._convert(value, spec["schema"])
            problem = (
                "has the wrong type"
                if converted is None
                else self._invalid(converted, spec["schema"])
            )
            if problem:
                raise CheckFailure(422, f"query parameter {name}={value!r}: {problem}")
            typed[name] = converted
        return typed

    def _check_body(self, operation: Operation, body: bytes) -> Any:
        if not body.strip():
            if operation.body_required:
                raise CheckFailure(422, f"{operation.operation_id} requires a JSON body")
            return None
        try:
            parsed = json.loads(body)
        except ValueError as error:
            raise CheckFailure(400, f"Problems parsing JSON: {error}") from None
        if operation.body_schema is None:
            if parsed in ({}, None):
                return None
            raise CheckFailure(422, f"{operation.operation_id} documents no request body")
        problem = self._invalid(parsed, operation.body_schema)
        if problem:
            raise CheckFailure(422, f"request body {problem}")
        return parsed

    # -- schema helpers -------------------------------------------------------

    @staticmethod
    def _convert(value: str, schema: dict[str, Any]) -> Any:
        """A query/path string as the schema's type; None when it cannot be."""
        kind = schema.get("type")
        kind = kind[0] if isinstance(kind, list) else kind
        if kind == "integer":
            return int(value) if re.fullmatch(r"-?\d+", value) else None
        if kind == "boolean":
            return {"true": True, "false": False}.get(value)
        return value

    def _invalid(self, value: Any, schema: dict[str, Any]) -> str | None:
        """Why ``value`` fails ``schema`` (refs resolved in the document), or None."""
        root = {**schema, "components": self.components}
        error = best_match(jsonschema.Draft4Validator(root).iter_errors(value))
        if error is None:
            return None
        where = "/".join(str(part) for part in error.absolute_path)
        return f"at '{where or '(root)'}': {error.message}"
