"""Read an issue body filed through one of the forms back into its typed values.

GitHub renders an issue filed through a form as Markdown: for every field a
``### <label>`` line, a blank line, then the value (``_No response_`` for an
empty optional field, ``None`` for an unselected optional dropdown). Then people
edit that text by hand. So sections are found by the form's own labels only (a
``### Something`` typed inside a value stays part of the value), in any order,
whatever the line endings and stray spaces; and the raw strings are typed after
the schema (year -> int, datasets -> list, code available -> bool) so that the
result is ready for schema validation. Problems come back as plain-words
``FieldError``s in the words of the form's labels, never as exceptions.
"""

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from bot.core import messages
from bot.core.forms import CLEAR_ANSWER, CLEAR_OPTION, build_form
from bot.core.schema import load_schema, resolve
from bot.core.table import escape_text

NO_RESPONSE = "_No response_"
NO_SELECTION = "None"

# Surrounding characters people cannot see and never mean: white space (every
# character of str.isspace(), the same set as a pattern's \s), the byte order
# mark, zero-width spaces and joiners. Removed with str.strip, which is linear
# (a pattern anchored at the end rescans each inner run of blanks: 20 s on a
# value holding 60,000 spaces) and quick enough for a dataset list of 65,000
# one-character entries (bench/hostile.py).
BLANKS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
    "\ufeff\u200b\u200c\u200d\u2060"
)
_HEADING = re.compile(r" {0,3}###(?P<text>.*)")
# Possessive fences: a line of backticks that is not a fence fails at once
# instead of being retried with every shorter fence.
_EMPTY_FENCE = re.compile(r"(?P<fence>`{3,}+|~{3,}+)[^\n]*\n\s*(?P=fence)")
_CHECKBOX = re.compile(r"[-*] \[(?P<mark>[ xX]?)\] (?P<option>.*)")
# A link pasted as Markdown: ``<URL>`` or ``[text](URL)``, whole (linear: one start, and
# the URL's run backs off at most to its last ")").
_WRAPPED_LINK = re.compile(r"<(?P<angled>[^<>\s]+)>|\[[^\[\]\n]*\]\((?P<inline>\S+)\)")
# A section heading typed by hand is shown at most this long in a message.
_HEADING_SHOWN = 80
_LIST_SEPARATORS = re.compile(r"[,;\n]")
_BOOLEANS = {"yes": True, "true": True, "no": False, "false": False}
_CLEAR_ANSWERS = {CLEAR_ANSWER, CLEAR_OPTION.casefold()}


class Clear:
    """The value of a field answered ``none`` in an update: clear the listed value."""

    def __repr__(self) -> str:
        return "CLEAR"


CLEAR = Clear()


@dataclass(frozen=True)
class FieldError:
    """One thing to fix, for a person: ``field``/``label`` are None for whole-body problems."""

    field: str | None
    label: str | None
    message: str


class _BadValue(ValueError):
    """A value that cannot be typed; its text is the message shown to the contributor."""


def field_labels(form: dict[str, Any] | None = None) -> dict[str, str]:
    """Field id -> the label the contributor sees, in form order (for messages elsewhere)."""
    form = form if form is not None else build_form(load_schema())
    return {element["id"]: element["attributes"]["label"] for element in _fields(form)}


def render_body(values: dict[str, Any], form: dict[str, Any] | None = None) -> str:
    """An issue body as GitHub renders the form for these answers, empty sections included.

    The inverse of ``parse_issue``, for the sandbox's example and the tests' bodies.
    """
    form = form if form is not None else build_form(load_schema())
    sections = []
    for element in _fields(form):
        value = values.get(element["id"])
        if value is None:
            value = NO_SELECTION if element["type"] == "dropdown" else NO_RESPONSE
        sections.append(f"### {element['attributes']['label']}\n\n{value}")
    return "\n\n".join(sections)


def parse_issue(
    body: str | None,
    form: dict[str, Any] | None = None,
    schema: dict[str, Any] | None = None,
    *,
    clear: bool = False,
) -> tuple[dict[str, Any], list[FieldError]]:
    """The typed paper in an issue body, and what is wrong with the body.

    ``schema`` (default: the committed one) types the values; ``form`` (default:
    generated from ``schema``) gives the labels. Empty optional fields and fields
    with an error are absent from the paper. Errors come in form order. With
    ``clear`` (an update), a schema property answered ``none`` is ``CLEAR``.
    """
    schema = schema if schema is not None else load_schema()
    form = form if form is not None else build_form(schema)
    fields = _fields(form)
    sections, counts, strays = _split_sections(_normalise(body or ""), fields)
    if not counts:
        return {}, [_not_a_form_error(form, fields)]

    paper: dict[str, Any] = {}
    errors: list[FieldError] = []
    properties = schema.get("properties", {})
    for element in fields:
        field, label = element["id"], element["attributes"]["label"]
        try:
            if field in strays:
                raise _BadValue(messages.unknown_section(_shown_heading(strays[field])))
            prop = resolve(schema, properties.get(field, {}))
            clearable = clear and field in properties
            value = _field_value(element, sections, counts, prop, clearable)
        except _BadValue as problem:
            errors.append(FieldError(field, label, str(problem)))
            continue
        if value is not None:
            paper[field] = value
    return paper, errors


def _fields(form: dict[str, Any]) -> list[dict[str, Any]]:
    """The form elements that produce a section in the body (markdown ones do not)."""
    return [element for element in form["body"] if element["type"] != "markdown"]


def _normalise(body: str) -> str:
    """LF line endings only, and no byte order mark: GitHub keeps whatever the browser sent."""
    return body.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _key(label: str) -> str:
    """How a heading is compared with a label: case and runs of white space do not matter."""
    return " ".join(label.split()).casefold()


def _split_sections(
    body: str, fields: list[dict[str, Any]]
) -> tuple[dict[str, list[str]], Counter[str], dict[str, str]]:
    """The lines under each form heading, how often each heading occurs, and stray headings.

    A line that is exactly ``### <a label of this form>`` starts a section. Any
    other ``###`` line typed in a text area (Relevance, Notes) is part of its
    value: people write headings there. Below a one-line field (or a choice),
    where no value spans lines, it is a section the form does not have: its
    text is left out, and the field it follows is mapped to the heading (the
    first such), so the contributor is told instead of finding the text glued
    onto that field. Text before the first heading belongs to no field.
    """
    ids_by_key = {_key(element["attributes"]["label"]): element["id"] for element in fields}
    kinds = {element["id"]: element["type"] for element in fields}
    sections: dict[str, list[str]] = {}
    counts: Counter[str] = Counter()
    strays: dict[str, str] = {}
    current: list[str] = []
    above: str | None = None  # the form field whose section (or stray sections) we are in
    for line in body.split("\n"):
        heading = _HEADING.fullmatch(line)
        field = ids_by_key.get(_key(heading["text"])) if heading else None
        if field is not None:
            counts[field] += 1
            current, above = sections.setdefault(field, []), field
        elif heading and above is not None and kinds[above] != "textarea":
            strays.setdefault(above, heading["text"])
            current = []
        else:
            current.append(line)
    return sections, counts, strays


def _shown_heading(text: str) -> str:
    """A heading someone typed, as the status comment may quote it: escaped, and short."""
    text = " ".join(text.split())
    if len(text) > _HEADING_SHOWN:
        text = text[: _HEADING_SHOWN - 1] + "…"
    return escape_text(text)


def _field_value(
    element: dict[str, Any],
    sections: dict[str, list[str]],
    counts: Counter[str],
    prop: dict[str, Any],
    clearable: bool = False,
) -> Any:
    """The typed value of one field, None when it is empty, CLEAR when it clears the listed
    value (``clearable``: an update's field); raises _BadValue."""
    field, label = element["id"], element["attributes"]["label"]
    required = element.get("validations", {}).get("required", False)
    if counts[field] > 1:
        raise _BadValue(
            f"The heading `### {label}` appears {counts[field]} times. Edit the issue and "
            f"keep one `### {label}` section with the value."
        )
    if field not in sections:
        if required:
            raise _BadValue(
                f"The `### {label}` section is missing. Edit the issue and add it back: "
                f"a line `### {label}`, then the value below it."
            )
        return None
    text = _clean(sections[field], element)
    if clearable and text.casefold() in _CLEAR_ANSWERS:
        return CLEAR
    value = _typed(text, element, prop) if text else None
    if value == []:  # e.g. only commas, or no box ticked
        value = None
    if value is None and required:
        raise _BadValue(f"This is required. Edit the issue and fill it in under `### {label}`.")
    return value


def _clean(lines: list[str], element: dict[str, Any]) -> str:
    """The text of a section as typed: trailing spaces, outer blank lines and GitHub's
    placeholders for "nothing" (``_No response_``, ``None``, an empty code fence) removed."""
    text = _strip("\n".join(line.rstrip() for line in lines))
    if text == NO_RESPONSE or _EMPTY_FENCE.fullmatch(text):
        return ""
    if element["type"] == "dropdown" and text == NO_SELECTION:
        return ""
    return text


def _strip(text: str) -> str:
    """Remove surrounding white space and invisible characters, nothing inside (linear time)."""
    return text.strip(BLANKS)


def _typed(text: str, element: dict[str, Any], prop: dict[str, Any]) -> Any:
    """The value the schema expects: checkbox -> checked options, else by schema type."""
    if element["type"] == "checkboxes":
        return _checked_options(text)
    kind = prop.get("type")
    if kind == "integer":
        return _integer(text)
    if kind == "array":
        return _items(text)
    if kind == "boolean":
        return _boolean(text)
    if prop.get("format") == "uri":
        return _link(text)
    return text


def _link(text: str) -> str:
    """The URL of a link pasted as Markdown (``<URL>``, ``[arXiv](URL)``), else the text."""
    wrapped = _WRAPPED_LINK.fullmatch(text)
    return (wrapped["angled"] or wrapped["inline"]) if wrapped else text


def _checked_options(text: str) -> list[str]:
    """The options ticked in a checkboxes section (``- [X] option``), in order."""
    checked = []
    for line in text.split("\n"):
        box = _CHECKBOX.fullmatch(line.strip())
        if box and box["mark"] in ("x", "X"):
            checked.append(_strip(box["option"]))
    return checked


def _integer(text: str) -> int:
    """A whole number written in digits (any script's, e.g. full-width ones from an IME);
    anything else (2023.5, MMXXIII, -1) is a mistake worth pointing out, not guessing at."""
    if text.isdecimal():
        try:
            return int(text)
        except ValueError:  # more digits than Python converts: no sane year anyway
            pass
    raise _BadValue("Write a whole number in digits only, e.g. 2023.")


def _items(text: str) -> list[str]:
    """A list typed as text: split on commas, semicolons or lines; blanks dropped, and
    repeats, whatever their case (``OVIS, ovis``), the first spelling kept."""
    items = (_strip(item) for item in _LIST_SEPARATORS.split(text))
    first: dict[str, str] = {}
    for item in items:
        if item:
            first.setdefault(item.casefold(), item)
    return list(first.values())


def _boolean(text: str) -> bool:
    """Yes/No as the dropdown offers it, or true/false as people sometimes type it."""
    try:
        return _BOOLEANS[text.casefold()]
    except KeyError:
        raise _BadValue("Choose Yes or No.") from None


def _not_a_form_error(form: dict[str, Any], fields: list[dict[str, Any]]) -> FieldError:
    """One error for a body without any of the form's headings, saying how to recover."""
    headings = ", ".join(f"`### {element['attributes']['label']}`" for element in fields[:3])
    return FieldError(
        None,
        None,
        f'This issue does not look like the "{form["name"]}" form: none of its headings '
        f"({headings}, ...) are in the issue's text. Edit the issue so that each value sits "
        f'below its heading from the form, or open a new issue with the "{form["name"]}" form.',
    )
