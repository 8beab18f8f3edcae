"""A compiled check of the common case: is this paper valid against the schema?

jsonschema took most of ``check``'s time on a long list (bench/render_scale.py),
walking its generic validator for every keyword of every paper, while nearly
every paper is valid. The schema is compiled once into plain predicates for
the keywords it uses. A paper they pass is one jsonschema finds nothing wrong
with; a paper they fail goes to jsonschema, which words its problems, so the
messages are jsonschema's alone. Where Python's notion of a value differs
from JSON Schema's (``True == 1``, ``1 == 1.0``), and for any keyword not
compiled here, the predicate says "not sure" (False) and jsonschema decides:
the compiled check can only make a list slower to check, never let a defect
through.
"""

import re
from collections.abc import Callable
from typing import Any

from jsonschema import FormatChecker

Predicate = Callable[[Any], bool]

# Keywords that say nothing about validity.
_ANNOTATIONS = frozenset(
    {"$schema", "$id", "$comment", "$defs", "title", "description", "examples", "default"}
    | {"deprecated", "readOnly", "writeOnly"}
)

_TYPES: dict[str, Predicate] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: type(value) is int,  # 2023.0 is an integer to JSON Schema: not sure
    "number": lambda value: type(value) in (int, float),
    "boolean": lambda value: isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
    "null": lambda value: value is None,
}


def _never(value: Any) -> bool:
    return False


def compile_schema(schema: dict[str, Any], formats: FormatChecker) -> Predicate:
    """A predicate that holds only for instances valid against ``schema`` (draft 2020-12)."""
    compiled: dict[int, Predicate] = {}

    def resolve(ref: str) -> Predicate:
        """A local ``$ref`` (``#`` or ``#/$defs/name``), compiled when first called."""
        if ref == "#":
            return lambda value: compile_node(schema)(value)
        name = ref.removeprefix("#/$defs/")
        if name == ref or name not in schema.get("$defs", {}):
            return _never
        return lambda value: compile_node(schema["$defs"][name])(value)

    def compile_node(node: Any) -> Predicate:
        if node is True:
            return lambda value: True
        if not isinstance(node, dict):
            return _never
        if id(node) not in compiled:
            compiled[id(node)] = _all(
                [_keyword(key, argument, node) for key, argument in node.items()]
            )
        return compiled[id(node)]

    def _keyword(key: str, argument: Any, node: dict[str, Any]) -> Predicate | None:
        if key in _ANNOTATIONS:
            return None
        if key == "$ref":
            return resolve(argument)
        if key == "properties":
            return _properties({name: compile_node(sub) for name, sub in argument.items()})
        if key == "additionalProperties":
            if "patternProperties" in node:
                return _never
            known = frozenset(node.get("properties", {}))
            return _additional(known, compile_node(argument) if argument is not False else None)
        if key == "items":
            return _items(compile_node(argument)) if "prefixItems" not in node else _never
        if key == "allOf":
            return _all([compile_node(sub) for sub in argument])
        if key == "anyOf":
            options = [compile_node(sub) for sub in argument]
            return lambda value: any(option(value) for option in options)
        if key == "format":
            return lambda value: formats.conforms(value, argument)
        simple = _SIMPLE.get(key)
        return simple(argument) if simple else _never

    return compile_node(schema)


# The predicates below are plain loops: they run for every field of every paper,
# where generator expressions and all() would cost more than the checks themselves.


def _all(checks: list[Predicate | None]) -> Predicate:
    kept = [check for check in checks if check is not None]
    if _never in kept:
        return _never
    if len(kept) == 1:
        return kept[0]

    def check(value: Any) -> bool:
        for each in kept:  # noqa: SIM110 (see above)
            if not each(value):
                return False
        return True

    return check


def _properties(checks: dict[str, Predicate]) -> Predicate:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            each = checks.get(key)
            if each is not None and not each(item):
                return False
        return True

    return check


def _additional(known: frozenset[str], extra: Predicate | None) -> Predicate:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key, item in value.items():
            if key not in known and (extra is None or not extra(item)):
                return False
        return True

    return check


def _items(item: Predicate) -> Predicate:
    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        for entry in value:  # noqa: SIM110 (see above)
            if not item(entry):
                return False
        return True

    return check


def _type(expected: str | list[str]) -> Predicate:
    if isinstance(expected, str):
        return _TYPES.get(expected, _never)
    kinds = [_TYPES.get(kind, _never) for kind in expected]
    return lambda value: any(kind(value) for kind in kinds)


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _unique(flag: bool) -> Predicate:
    """Strings are unique as Python sets see them; any other item: not sure."""

    def check(value: Any) -> bool:
        if not flag or not isinstance(value, list):
            return True
        return all(isinstance(item, str) for item in value) and len(set(value)) == len(value)

    return check


def _equal_to(allowed: list[Any]) -> Predicate:
    """``enum``: one of the values, of the very same type (``True`` is not ``1``)."""
    plain = [(type(option), option) for option in allowed if isinstance(option, str | int | float)]
    return lambda value: any(type(value) is kind and value == option for kind, option in plain)


def _pattern(regex: str) -> Predicate:
    search = re.compile(regex).search  # jsonschema's own test: re.search
    return lambda value: not isinstance(value, str) or search(value) is not None


_SIMPLE: dict[str, Callable[[Any], Predicate]] = {
    "type": _type,
    "required": lambda names: (
        lambda value: not isinstance(value, dict) or all(name in value for name in names)
    ),
    "minLength": lambda limit: lambda value: not isinstance(value, str) or len(value) >= limit,
    "maxLength": lambda limit: lambda value: not isinstance(value, str) or len(value) <= limit,
    "pattern": _pattern,
    "minimum": lambda limit: lambda value: not _is_number(value) or value >= limit,
    "maximum": lambda limit: lambda value: not _is_number(value) or value <= limit,
    "minItems": lambda limit: lambda value: not isinstance(value, list) or len(value) >= limit,
    "maxItems": lambda limit: lambda value: not isinstance(value, list) or len(value) <= limit,
    "uniqueItems": _unique,
    "enum": _equal_to,
    "const": lambda option: _equal_to([option]),
}
