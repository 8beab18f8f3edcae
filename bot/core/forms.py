"""The "New paper" issue form, generated from the paper schema.

GitHub shows contributors the form committed at ``.github/ISSUE_TEMPLATE/new-paper.yml``
and the parser reads back the Markdown GitHub renders from it, so the form's field ids,
labels and required flags must say exactly what ``schema/paper.schema.json`` says. The
form is therefore never edited by hand: ``python -m bot form`` regenerates it from the
schema, and ``form_problems()`` (run by ``python -m bot check``) fails when the committed
copy differs from a fresh generation.
"""

import re
from pathlib import Path
from typing import Any

import yaml

from bot.core.metadata import FILLED_FROM_ARXIV
from bot.core.paths import FORM, ROOT, SCHEMA
from bot.core.schema import read_schema, resolve

INTAKE_LABEL = "new paper"
FORM_NAME = "New paper"
TITLE_PREFIX = "[Paper]: "
BOOLEAN_OPTIONS = ["Yes", "No"]
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


def build_form(schema: dict[str, Any]) -> dict[str, Any]:
    """The issue form as data: an intro, then one field per schema property, in schema order.

    A field arXiv can fill is not required by the form, which cannot tell an
    arXiv link from another: the bot requires it when arXiv does not fill it.
    """
    required = set(schema.get("required", [])) - set(FILLED_FROM_ARXIV)
    fields = [
        _field(name, resolve(schema, prop), name in required)
        for name, prop in schema["properties"].items()
    ]
    return {
        "name": FORM_NAME,
        "description": "Suggest a Video Instance Segmentation paper for the list.",
        "title": TITLE_PREFIX,
        "labels": [INTAKE_LABEL],
        "body": [{"type": "markdown", "attributes": {"value": INTRO}}, *fields],
    }


def render_form(schema: dict[str, Any]) -> str:
    """The exact text committed as the form file, header comment included."""
    body = yaml.dump(
        build_form(schema),
        Dumper=_FormDumper,
        sort_keys=False,
        allow_unicode=True,
        width=1_000_000,  # one line per value: diffs of the form stay readable
    )
    return HEADER + body


def form_problems(*, schema: Path = SCHEMA, form: Path = FORM) -> list[str]:
    """Why the committed form is not what the schema generates, or nothing if it is.

    The paths are parameters only so that tests can point them at a scratch copy.
    """
    if not form.is_file():
        return [f"{_shown(form)} is missing; run `python -m bot form` to generate it."]
    if form.read_text(encoding="utf-8") != render_form(read_schema(schema)):
        return [
            f"{_shown(form)} is out of date with {_shown(schema)} (or was edited by hand); "
            "run `python -m bot form` to regenerate it."
        ]
    return []


def write_form(*, schema: Path = SCHEMA, form: Path = FORM) -> None:
    """Regenerate the committed form from the committed schema."""
    form.parent.mkdir(parents=True, exist_ok=True)
    form.write_text(render_form(read_schema(schema)), encoding="utf-8", newline="\n")


def _shown(path: Path) -> str:
    """A path as a maintainer sees it in the checkout: relative to the repository root."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def _field(name: str, prop: dict[str, Any], required: bool) -> dict[str, Any]:
    """One form element; its id is the property name, so the parser maps it back 1:1."""
    if "title" not in prop:
        raise ValueError(f"schema property {name!r} needs a title: it is the form's label")
    kind = _element_type(prop)
    attributes: dict[str, Any] = {"label": prop["title"]}
    description = [prop["description"]] if "description" in prop else []
    if name in FILLED_FROM_ARXIV:
        description.append(ARXIV_FILLS)
    if description:
        attributes["description"] = " ".join(description)
    if kind == "dropdown":
        attributes["options"] = list(BOOLEAN_OPTIONS)
    elif name in PLACEHOLDERS:
        attributes["placeholder"] = PLACEHOLDERS[name]
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
