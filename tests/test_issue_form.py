"""The issue forms (new paper, update, removal): generated from the schema, valid for GitHub,
never stale."""

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.core.forms import (
    ARXIV_FILLS,
    CLEAR_OPTION,
    FORM_PATHS,
    INTAKE_LABEL,
    PLACEHOLDERS,
    build_form,
    form_problems,
    render_form,
    write_form,
)
from bot.core.kinds import Kind
from bot.core.metadata import FILLED_FROM_ARXIV
from bot.core.paths import FORM, ROOT
from bot.core.schema import read_schema

CONFIG = ROOT / ".github" / "ISSUE_TEMPLATE" / "config.yml"


def fields(form: dict) -> list[dict]:
    return [element for element in form["body"] if element["type"] != "markdown"]


def check_jsonschema(builtin: str, path: Path) -> subprocess.CompletedProcess:
    """Run the check-jsonschema CLI of this venv, as a CI job would."""
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def scratch(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the schema and a form generated from it, to change without touching the repo."""
    schema = tmp_path / "paper.schema.json"
    schema.write_text(json.dumps(read_schema()), encoding="utf-8")
    form = tmp_path / "ISSUE_TEMPLATE" / "new-paper.yml"
    write_form(schema=schema, form=form)
    return schema, form


def test_committed_form_is_up_to_date():
    assert form_problems() == []
    assert FORM.read_text(encoding="utf-8") == render_form(read_schema())


@pytest.mark.parametrize("kind", list(Kind))
def test_every_committed_form_is_what_the_schema_generates(kind):
    form = ROOT / FORM_PATHS[kind]
    assert form_problems(form=form, kind=kind) == []
    assert yaml.safe_load(form.read_text(encoding="utf-8"))["labels"] == [kind.value]


@pytest.mark.parametrize(
    ("builtin", "path"),
    [
        ("vendor.github-issue-forms", FORM),
        ("vendor.github-issue-forms", ROOT / FORM_PATHS[Kind.UPDATE]),
        ("vendor.github-issue-forms", ROOT / FORM_PATHS[Kind.REMOVE]),
        ("vendor.github-issue-config", CONFIG),
    ],
    ids=["new-paper", "update-paper", "remove-paper", "config"],
)
def test_committed_files_validate_against_githubs_schemas(builtin, path):
    result = check_jsonschema(builtin, path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_rendered_text_is_the_form_data_behind_a_do_not_edit_header():
    text = render_form(read_schema())
    assert text.startswith("# Generated from schema/paper.schema.json by `python -m bot form`.")
    assert "Do not edit by hand" in text.splitlines()[1]
    assert yaml.safe_load(text) == build_form(read_schema())


def test_form_metadata():
    form = build_form(read_schema())
    assert form["name"] == "New paper"
    assert form["title"] == "[Paper]: "
    assert form["labels"] == [INTAKE_LABEL] == ["new paper"]
    intro = form["body"][0]
    assert intro["type"] == "markdown"
    assert "/approve" in intro["attributes"]["value"]


def test_one_field_per_property_in_schema_order_with_the_schemas_words():
    schema = read_schema()
    form_fields = fields(build_form(schema))
    assert [f["id"] for f in form_fields] == list(schema["properties"])
    for field in form_fields:
        prop = schema["properties"][field["id"]]
        assert field["attributes"]["label"] == prop["title"]
        assert field["attributes"]["description"].startswith(prop["description"])
        required = field["id"] in schema["required"] and field["id"] not in FILLED_FROM_ARXIV
        assert field["validations"]["required"] == required


def test_title_year_and_venue_are_optional_for_an_arxiv_link_and_the_form_says_so():
    """The contributor sees them unrequired, with a description saying arXiv fills them."""
    by_id = {f["id"]: f for f in fields(build_form(read_schema()))}
    for name in ("title", "year", "venue"):
        assert by_id[name]["validations"]["required"] is False
        assert by_id[name]["attributes"]["description"].endswith(ARXIV_FILLS)
    assert by_id["paper_url"]["validations"]["required"] is True
    assert ARXIV_FILLS not in by_id["paper_url"]["attributes"]["description"]


def test_field_types():
    types = {f["id"]: f["type"] for f in fields(build_form(read_schema()))}
    assert types == {
        "title": "input",
        "year": "input",
        "venue": "input",
        "problem": "input",
        "relevance": "textarea",
        "tracking": "input",
        "datasets": "input",
        "code_available": "dropdown",
        "paper_url": "input",
        "code_url": "input",
        "project_url": "input",
        "notes": "textarea",
    }


def test_code_available_is_an_optional_yes_no_dropdown():
    by_id = {f["id"]: f for f in fields(build_form(read_schema()))}
    code = by_id["code_available"]
    assert code["attributes"]["options"] == ["Yes", "No"]
    assert code["validations"]["required"] is False
    assert "comma" in by_id["datasets"]["attributes"]["description"]


def test_placeholders_only_name_schema_properties():
    assert set(PLACEHOLDERS) <= set(read_schema()["properties"])


def test_a_new_schema_property_changes_the_form():
    schema = read_schema()
    committed = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    grown = copy.deepcopy(schema)
    grown["properties"]["backbone"] = {
        "title": "Backbone",
        "description": "The image backbone.",
        "type": "string",
    }
    form = build_form(grown)
    assert form != committed
    assert fields(form)[-1] == {
        "type": "textarea",
        "id": "backbone",
        "attributes": {"label": "Backbone", "description": "The image backbone."},
        "validations": {"required": False},
    }


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s["properties"]["year"].update(title="Publication year"),
        lambda s: s["properties"]["venue"].update(description="Where it appeared."),
        lambda s: s["required"].remove("paper_url"),
        lambda s: s["properties"].pop("notes"),
        lambda s: s["properties"]["tracking"].pop("pattern"),
        lambda s: s["properties"].update(is_survey={"title": "Survey", "type": "boolean"}),
    ],
    ids=["label", "description", "required", "removed", "multi-line", "boolean"],
)
def test_stale_form_is_reported_with_the_command_that_fixes_it(scratch, change):
    schema_path, form_path = scratch
    assert form_problems(schema=schema_path, form=form_path) == []
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    change(schema)
    schema_path.write_text(json.dumps(schema), encoding="utf-8")

    [problem] = form_problems(schema=schema_path, form=form_path)
    assert "out of date" in problem
    assert "python -m bot form" in problem

    write_form(schema=schema_path, form=form_path)
    assert form_problems(schema=schema_path, form=form_path) == []


def test_hand_edited_form_is_reported(scratch):
    schema_path, form_path = scratch
    text = form_path.read_text(encoding="utf-8")
    form_path.write_text(text.replace("label: Year", "label: Year of publication"), "utf-8")
    assert "python -m bot form" in form_problems(schema=schema_path, form=form_path)[0]


def test_missing_form_is_reported(scratch):
    schema_path, form_path = scratch
    form_path.unlink()
    [problem] = form_problems(schema=schema_path, form=form_path)
    assert "missing" in problem
    assert "python -m bot form" in problem


def test_generated_form_of_a_changed_schema_still_validates(scratch):
    schema_path, form_path = scratch
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["is_survey"] = {"title": "Survey", "type": "boolean"}
    schema["properties"]["backbone"] = {"title": "Backbone", "type": "string"}
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    write_form(schema=schema_path, form=form_path)
    result = check_jsonschema("vendor.github-issue-forms", form_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_property_without_title_cannot_become_a_field():
    schema = read_schema()
    del schema["properties"]["venue"]["title"]
    with pytest.raises(ValueError, match="venue"):
        build_form(schema)


def test_the_update_form_names_the_paper_then_offers_every_field_optional_by_its_schema_id():
    """A contributor names the listed paper (required), then fills in only what changes; each
    field says that empty keeps the listed value, and the optional ones how to clear them."""
    schema = read_schema()
    form = build_form(schema, Kind.UPDATE)
    assert form["labels"] == ["update paper"]
    first, *rest = fields(form)
    assert (first["id"], first["type"], first["validations"]) == (
        "paper",
        "input",
        {"required": True},
    )
    assert "link" in first["attributes"]["description"]
    assert [f["id"] for f in rest] == list(schema["properties"])
    for field in rest:
        prop = schema["properties"][field["id"]]
        description = field["attributes"]["description"]
        assert field["attributes"]["label"] == prop["title"]
        assert field["validations"]["required"] is False
        assert description.startswith(prop["description"])
        assert "Leave empty to keep the listed value." in description
        clears = field["id"] not in schema["required"]
        assert ("none" in description) is clears, field["id"]
    by_id = {f["id"]: f for f in rest}
    assert by_id["code_available"]["attributes"]["options"] == ["Yes", "No", CLEAR_OPTION]
    assert "placeholder" not in by_id["title"]["attributes"]  # no example value to keep by mistake


def test_the_remove_form_asks_for_the_paper_and_a_reason_both_required():
    form = build_form(read_schema(), Kind.REMOVE)
    assert form["labels"] == ["remove paper"]
    assert [(f["id"], f["type"], f["validations"]["required"]) for f in fields(form)] == [
        ("paper", "input", True),
        ("reason", "textarea", True),
    ]


@pytest.mark.parametrize("kind", [Kind.UPDATE, Kind.REMOVE])
def test_a_missing_or_hand_edited_update_or_remove_form_is_reported(scratch, kind):
    schema_path, _ = scratch
    form_path = schema_path.parent / "ISSUE_TEMPLATE" / f"{kind.name.lower()}.yml"
    assert "missing" in form_problems(schema=schema_path, form=form_path, kind=kind)[0]
    write_form(schema=schema_path, form=form_path, kind=kind)
    assert form_problems(schema=schema_path, form=form_path, kind=kind) == []
    text = form_path.read_text(encoding="utf-8")
    form_path.write_text(text.replace("label: Listed paper", "label: Paper"), "utf-8")
    [problem] = form_problems(schema=schema_path, form=form_path, kind=kind)
    assert "out of date" in problem and "python -m bot form" in problem


def test_a_schema_change_makes_the_update_form_stale(scratch):
    """The update form's fields are the schema's properties, as the new-paper form's are."""
    schema_path, _ = scratch
    form_path = schema_path.parent / "ISSUE_TEMPLATE" / "update-paper.yml"
    write_form(schema=schema_path, form=form_path, kind=Kind.UPDATE)
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["properties"]["venue"]["title"] = "Venue"
    schema_path.write_text(json.dumps(schema), encoding="utf-8")
    [problem] = form_problems(schema=schema_path, form=form_path, kind=Kind.UPDATE)
    assert "out of date" in problem
