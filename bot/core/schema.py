"""The paper schema: one paper's fields, and what is wrong with a paper in people's words.

``schema/paper.schema.json`` is the contract (SPEC 3): the form, the parser,
the data file and the table all take their field names and order from it.
"""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from bot.core import paths
from bot.core.fastcheck import Predicate, compile_schema


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one paper, in terms a contributor can act on."""

    field: str | None
    message: str


def read_schema(path: Path = paths.SCHEMA) -> dict[str, Any]:
    """A fresh copy of a paper schema file (for generating the form, or a test to change)."""
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def load_schema() -> dict[str, Any]:
    """The committed schema, read once per process; callers must not change it."""
    return read_schema()


def resolve(schema: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """Inline a local ``$ref`` (e.g. ``#/$defs/http_url``) so the property's type is visible."""
    ref = prop.get("$ref")
    if ref is None:
        return prop
    target: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    rest = {key: value for key, value in prop.items() if key != "$ref"}
    return {**target, **rest}


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _valid() -> Predicate:
    """The compiled check of a valid paper, for the common case (bot.core.fastcheck)."""
    return compile_schema(load_schema(), Draft202012Validator.FORMAT_CHECKER)


def field_order() -> list[str]:
    """The schema's property order, which is also the key order in the data file."""
    return list(load_schema()["properties"])


def schema_problems(paper: Any) -> list[Problem]:
    """Schema violations, the first one per field, worded for people rather than validators."""
    if _valid()(paper):
        return []
    problems: dict[str | None, Problem] = {}
    for error in sorted(_validator().iter_errors(paper), key=lambda e: list(map(str, e.path))):
        field = str(error.path[0]) if error.path else _field_named_in(error)
        problems.setdefault(field, Problem(field, _human_message(error)))
    return list(problems.values())


def _field_named_in(error: Any) -> str | None:
    """The field a ``required`` or ``additionalProperties`` error is about."""
    names = re.findall(r"'([^']+)'", error.message)
    return names[0] if names else None


def _human_message(error: Any) -> str:
    limit = error.validator_value
    match error.validator:
        case "required":
            return "is required"
        case "additionalProperties":
            return "is not a field of a paper"
        case "type":
            return f"must be {_type_words(limit)}"
        case "minimum":
            return f"{error.instance!r} must be {limit} or later"
        case "maximum":
            return f"{error.instance!r} must be {limit} or earlier"
        case "minLength":
            return f"is too short ({_length(error.instance)}; at least {limit:,})"
        case "maxLength":
            return f"is too long ({_length(error.instance)}; at most {limit:,})"
        case "maxItems":
            return f"has too many entries (at most {limit})"
        case "uniqueItems":
            return "lists the same entry twice"
        case "format":
            return "must be a valid web address starting with http:// or https://"
        case "pattern":
            return _pattern_words(error)
    return error.message


def _length(text: str) -> str:
    """How long a text is, as the limit is counted: in characters."""
    return f"{len(text):,} character{'' if len(text) == 1 else 's'}"


def _type_words(expected: str) -> str:
    return {
        "integer": "a whole number",
        "string": "text",
        "boolean": "yes or no",
        "array": "a list",
        "object": "a mapping of fields",
    }.get(expected, expected)


def _pattern_words(error: Any) -> str:
    if error.schema.get("pattern", "").startswith("^https?://"):
        return "must be a web address starting with http:// or https://"
    if "," in error.schema.get("pattern", ""):
        return "must be one dataset name per entry, without commas or line breaks"
    return "must be a single line of text"
