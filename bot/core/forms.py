"""The issue forms, generated from the paper schema: New paper, Update a paper, Remove a paper.

GitHub shows contributors the forms committed in ``.github/ISSUE_TEMPLATE/`` and the
parser reads back the Markdown GitHub renders from them, so the forms' field ids,
labels and required flags must say exactly what ``schema/paper.schema.json`` says. The
forms are therefore never edited by hand: ``python -m bot form`` regenerates them from
the schema, and ``form_problems()`` (run by ``python -m bot check``) fails when a
committed copy differs from a fresh generation.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from bot.core.kinds import Kind
from bot.core.metadata import FILLED_FROM_ARXIV
from bot.core.paths import (
    FORM,
    FORM_IN_REPO,
    REMOVE_FORM_IN_REPO,
    ROOT,
    SCHEMA,
    UPDATE_FORM_IN_REPO,
)
from bot.core.schema import read_schema, resolve

INTAKE_LABEL = Kind.NEW.value
INTAKE_LABELS = frozenset(kind.value for kind in Kind)
FORM_NAME = "New paper"
TITLE_PREFIX = "[Paper]: "
BOOLEAN_OPTIONS = ["Yes", "No"]
# Where each kind's form is committed.
FORM_PATHS = {
    Kind.NEW: FORM_IN_REPO,
    Kind.UPDATE: UPDATE_FORM_IN_REPO,
    Kind.REMOVE: REMOVE_FORM_IN_REPO,
}
# The update form's answer that clears an optional field. For a Yes/No choice it is
# an option of its own: GitHub writes "None" for a choice left unselected.
CLEAR_ANSWER = "none"
CLEAR_OPTION = "Clear it (none)"
# The field naming the listed paper an update or removal is about; not a property.
TARGET_FIELD = "paper"
REASON_FIELD = "reason"
# Said of each field arXiv fills, since the form cannot require it for other links only.
ARXIV_FILLS = "Optional for an arXiv link: left empty, the bot fills it in from arXiv."

HEADER = (
    "# Generated from schema/paper.schema.json by `python -m bot form`.\n"
    "# Do not edit by hand: change the schema (or bot/core/forms.py) and regenerate.\n"
)

INTRO = """\
Thanks for suggesting a paper for **Awesome Video Instance Segmentation**! The list takes \
papers on video instance segmentation and closely related video segmentation and tracking \
tasks (e.g. VOS, VPS, MOTS) that present a method, benchmark or dataset.

For a paper on arXiv, its link is enough: the bot fills in the title, year and venue from \
arXiv (what you type wins).

Within seconds of opening this issue a bot answers it, either with a preview of the row it \
will add to the table or with what to fix. Edit the issue to fix something and the bot \
updates its answer; please keep the `###` headings, the bot reads the fields by them. When \
the preview is right, a maintainer approves with `/approve` and the bot opens the pull request.
"""

# Example values shown in empty fields, one consistent paper from the list.
PLACEHOLDERS = {
    "title": "Universal Instance Perception as Object Discovery and Retrieval",
    "year": "2023",
    "venue": "CVPR",
    "problem": "Universal - VIS, VOS, MOTS",
    "relevance": "Reformulates diverse instance perception tasks as one object discovery "
    "and retrieval paradigm, switched by prompts.",
    "tracking": "Online, post-processing free",
    "datasets": "YouTube-VIS 2019, OVIS",
    "paper_url": "https://arxiv.org/abs/2303.06674",
    "code_url": "https://github.com/MasterBin-IIAU/UNINEXT",
    "project_url": "https://",
    "notes": "Code not available yet.",
}


UPDATE_INTRO = """\
Is something in a listed paper's row wrong or missing? Name the paper, then fill in only \
what should change: **an empty field keeps the listed value**, and the answer `none` clears \
an optional field.

Within seconds of opening this issue a bot answers it, either with the row before and after \
the change or with what to fix. Edit the issue to fix something and the bot updates its \
answer; please keep the `###` headings. When the preview is right, a maintainer approves \
with `/approve` and the bot opens the pull request.
"""

REMOVE_INTRO = """\
Should a listed paper leave the list (off topic, withdrawn, listed twice under two titles)? \
Name it and say why.

Within seconds of opening this issue a bot answers it with the row that will go, or with \
what to fix. A maintainer decides: `/approve` opens the pull request that removes it.
"""

TARGET_DESCRIPTION = (
    "The listed paper's link (any form of an arXiv link) or its exact title, as the list shows it."
)
KEEP_LISTED = "Leave empty to keep the listed value."
CLEARABLE = "Write `none` to clear it."
CLEARABLE_CHOICE = f"Choose “{CLEAR_OPTION}” to clear it."


def build_form(schema: dict[str, Any], kind: Kind = Kind.NEW) -> dict[str, Any]:
    """The issue form of ``kind`` as data."""
    return _BUILDERS[kind](schema)


def _new_paper_form(schema: dict[str, Any]) -> dict[str, Any]:
    """An intro, then one field per schema property, in schema order.

    A field arXiv can fill is not required by the form, which cannot tell an
    arXiv link from another: the bot requires it when arXiv does not fill it.
    """
    required = set(schema.get("required", [])) - set(FILLED_FROM_ARXIV)
    fields = [
        _field(
            name,
            resolve(schema, prop),
            name in required,
            notes=[ARXIV_FILLS] if name in FILLED_FROM_ARXIV else [],
            placeholder=PLACEHOLDERS.get(name),
        )
        for name, prop in schema["properties"].items()
    ]
    return {
        "name": FORM_NAME,
        "description": "Suggest a Video Instance Segmentation paper for the list.",
        "title": TITLE_PREFIX,
        "labels": [INTAKE_LABEL],
        "body": [{"type": "markdown", "attributes": {"value": INTRO}}, *fields],
    }


def _update_form(schema: dict[str, Any]) -> dict[str, Any]:
    """The paper to change, then every schema property as an optional field of its own id.

    Nothing but the paper is required: an empty field keeps the listed value. A
    field the schema does not require can be cleared (a Yes/No choice by an
    option of its own); the others cannot, and say only that empty keeps them.
    """
    required = set(schema.get("required", []))
    fields = []
    for name, prop in schema["properties"].items():
        prop = resolve(schema, prop)
        choice = _element_type(prop) == "dropdown"
        clear = [] if name in required else [CLEARABLE_CHOICE if choice else CLEARABLE]
        options = BOOLEAN_OPTIONS + ([] if name in required else [CLEAR_OPTION])
        fields.append(_field(name, prop, False, notes=[KEEP_LISTED, *clear], options=options))
    return {
        "name": "Update a paper",
        "description": "Correct or complete a paper already in the list.",
        "title": "[Update]: ",
        "labels": [Kind.UPDATE.value],
        "body": [
            {"type": "markdown", "attributes": {"value": UPDATE_INTRO}},
            _target_field(),
            *fields,
        ],
    }


def _remove_form(schema: dict[str, Any]) -> dict[str, Any]:
    """The paper to remove and why: both required, the maintainer decides on the reason."""
    reason = {
        "type": "textarea",
        "id": REASON_FIELD,
        "attributes": {
            "label": "Reason",
            "description": "Why the paper should leave the list; the maintainers decide on it.",
        },
        "validations": {"required": True},
    }
    return {
        "name": "Remove a paper",
        "description": "Ask for a paper to be removed from the list.",
        "title": "[Remove]: ",
        "labels": [Kind.REMOVE.value],
        "body": [
            {"type": "markdown", "attributes": {"value": REMOVE_INTRO}},
            _target_field(),
            reason,
        ],
    }


def _target_field() -> dict[str, Any]:
    """Which listed paper an update or a removal is about."""
    return {
        "type": "input",
        "id": TARGET_FIELD,
        "attributes": {
            "label": "Listed paper",
            "description": TARGET_DESCRIPTION,
            "placeholder": PLACEHOLDERS["paper_url"],
        },
        "validations": {"required": True},
    }


_BUILDERS: dict[Kind, Callable[[dict[str, Any]], dict[str, Any]]] = {
    Kind.NEW: _new_paper_form,
    Kind.UPDATE: _update_form,
    Kind.REMOVE: _remove_form,
}


def render_form(schema: dict[str, Any], kind: Kind = Kind.NEW) -> str:
    """The exact text committed as the form file, header comment included."""
    body = yaml.dump(
        build_form(schema, kind),
        Dumper=_FormDumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,  # one line per value: diffs of the form stay readable
    )
    return HEADER + body


def form_problems(*, schema: Path = SCHEMA, form: Path = FORM, kind: Kind = Kind.NEW) -> list[str]:
    """Why the committed form of ``kind`` is not what the schema generates, or nothing if it is.

    The paths are parameters only so that tests can point them at a scratch copy.
    """
    if not form.is_file():
        return [f"{_shown(form)} is missing; run `python -m bot form` to generate it."]
    if form.read_text(encoding="utf-8") != render_form(read_schema(schema), kind):
        return [
            f"{_shown(form)} is out of date with {_shown(schema)} (or was edited by hand); "
            "run `python -m bot form` to regenerate it."
        ]
    return []


def write_form(*, schema: Path = SCHEMA, form: Path = FORM, kind: Kind = Kind.NEW) -> None:
    """Regenerate a committed form from the committed schema."""
    form.parent.mkdir(parents=True, exist_ok=True)
    form.write_text(render_form(read_schema(schema), kind), encoding="utf-8", newline="\n")


def _shown(path: Path) -> str:
    """A path as a maintainer sees it in the checkout: relative to the repository root."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _field(
    name: str,
    prop: dict[str, Any],
    required: bool,
    *,
    notes: list[str],
    placeholder: str | None = None,
    options: list[str] = BOOLEAN_OPTIONS,
) -> dict[str, Any]:
    """One form element; its id is the property name, so the parser maps it back 1:1.

    ``notes`` follow the schema's description; ``options`` are a Yes/No choice's.
    """
    if "title" not in prop:
        raise ValueError(f"schema property {name!r} needs a title: it is the form's label")
    kind = _element_type(prop)
    attributes: dict[str, Any] = {"label": prop["title"]}
    description = [prop["description"]] if "description" in prop else []
    description += notes
    if description:
        attributes["description"] = " ".join(description)
    if kind == "dropdown":
        attributes["options"] = list(options)
    elif placeholder is not None:
        attributes["placeholder"] = placeholder
    return {
        "type": kind,
        "id": name,
        "attributes": attributes,
        "validations": {"required": required},
    }


def _element_type(prop: dict[str, Any]) -> str:
    """Yes/No for booleans, a text area where the schema allows line breaks, else one line."""
    if prop.get("type") == "boolean":
        return "dropdown"
    if prop.get("type") == "string" and _allows_line_breaks(prop):
        return "textarea"
    return "input"


def _allows_line_breaks(prop: dict[str, Any]) -> bool:
    """Whether the property's pattern (if any) admits a value spanning two lines."""
    pattern = prop.get("pattern")
    return pattern is None or re.search(pattern, "line one\nline two") is not None


class _FormDumper(yaml.SafeDumper):
    """Writes multi-line strings (the intro) as literal blocks, as a person would."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FormDumper.add_representer(str, _represent_str)
