"""The issue-body parser, on bodies as GitHub renders them and as people edit them."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.form_parser import BLANKS, FieldError, field_labels, parse_issue
from bot.core.forms import build_form
from bot.core.schema import read_schema

BODIES = Path(__file__).parent / "bodies"
SCHEMA = read_schema()
FORM = build_form(SCHEMA)
FIELDS = [element for element in FORM["body"] if element["type"] != "markdown"]
LABELS = {element["id"]: element["attributes"]["label"] for element in FIELDS}

FULL = {
    "title": "Universal Instance Perception as Object Discovery and Retrieval",
    "year": 2023,
    "venue": "CVPR",
    "problem": "Universal - VIS, VOS, MOTS",
    "relevance": "UNINEXT reformulates diverse instance perception tasks\n"
    "into a unified object discovery and retrieval paradigm.\n\n"
    "It can flexibly perceive different types of objects by changing the input prompts.",
    "tracking": "Online, and post-processing free",
    "datasets": ["YouTube-VIS 2019", "OVIS"],
    "code_available": True,
    "paper_url": "https://arxiv.org/abs/2303.06674",
    "code_url": "https://github.com/MasterBin-IIAU/UNINEXT",
    "project_url": "https://masterbin-iiau.github.io/UNINEXT/",
    "notes": "Code and weights for all tasks.",
}


def body(name: str) -> str:
    return (BODIES / name).read_text(encoding="utf-8")


def parse(text: str | None) -> tuple[dict, list[FieldError]]:
    return parse_issue(text, FORM, SCHEMA)


def render(values: dict, order: list[dict] = FIELDS) -> str:
    """An issue body the way GitHub renders the form, for the given typed values."""
    sections = []
    for element in order:
        value = values.get(element["id"])
        if value is None:
            text = "None" if element["type"] == "dropdown" else "_No response_"
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, list):
            text = ", ".join(value)
        else:
            text = str(value)
        sections.append(f"### {element['attributes']['label']}\n\n{text}")
    return "\n\n".join(sections)


def with_section(text: str, label: str, value: str) -> str:
    """``text`` with the value under ``### label`` replaced."""
    pattern = rf"(### {re.escape(label)}\n\n)(.*?)(\n\n### |\Z)"
    return re.sub(pattern, lambda m: m[1] + value + m[3], text, count=1, flags=re.S)


def error_for(errors: list[FieldError], field: str) -> FieldError:
    [error] = [e for e in errors if e.field == field]
    return error


# Bodies exactly as GitHub renders them


def test_all_fields_filled():
    assert parse(body("full.md")) == (FULL, [])


def test_fixture_is_what_github_renders_from_the_form():
    assert render(FULL) == body("full.md")


def test_empty_optional_fields_are_absent():
    paper, errors = parse(body("required-only.md"))
    assert errors == []
    assert paper == {
        "title": "MDQE: Mining Discriminative Query Embeddings to Segment Occluded Instances "
        "on Challenging Videos",
        "year": 2023,
        "venue": "CVPR",
        "paper_url": "https://arxiv.org/pdf/2303.14618.pdf",
    }


def test_code_available_no_is_kept_as_false():
    paper, _ = parse(with_section(body("full.md"), "Code available", "No"))
    assert paper["code_available"] is False


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_other_line_endings(newline):
    assert parse(body("full.md").replace("\n", newline)) == (FULL, [])


def test_mixed_line_endings_and_byte_order_mark():
    lines = body("full.md").split("\n")
    mixed = "".join(line + ("\r\n" if i % 2 else "\n") for i, line in enumerate(lines))
    paper, errors = parse("\ufeff" + mixed)
    assert errors == []
    assert paper == FULL
    assert all("\r" not in value for value in paper.values() if isinstance(value, str))


# Bodies edited by hand


def test_hand_edited_body():
    paper, errors = parse(body("hand-edited.md"))
    assert errors == []
    assert paper == {
        "title": "MinVIS: A Minimal Video Instance Segmentation Framework without "
        "Video-based Training",
        "year": 2022,
        "venue": "NeurIPS",
        "relevance": "Query-based image instance segmentation, tracked by bipartite matching.\n"
        "### Results\n"
        "Strong on OVIS:\n"
        "### Conference or journal maybe\n"
        "- ranks first\n"
        "- [x] no video training",
        "datasets": ["YouTube-VIS 2019", "YouTube-VIS 2021", "OVIS"],
        "code_available": False,
        "paper_url": "https://arxiv.org/abs/2208.02245",
        "notes": "- [x] Code released\n- [ ] Weights released\n* a plain list item\n"
        "1. and a numbered one",
    }


def test_reordered_sections():
    assert parse(render(FULL, order=list(reversed(FIELDS)))) == (FULL, [])


def test_heading_with_trailing_spaces_odd_case_and_extra_space():
    text = body("full.md").replace("### Year\n", "###   YEAR  \t\n")
    assert parse(text) == (FULL, [])


def test_heading_line_inside_a_textarea_stays_in_it():
    relevance = "Key idea:\n\n### Why it matters\n\nIt tracks by queries.\n#### Year\n### Yearly"
    paper, errors = parse(with_section(body("full.md"), "Relevance", relevance))
    assert errors == []
    assert paper["relevance"] == relevance
    assert paper["tracking"] == FULL["tracking"]


def test_markdown_list_in_a_textarea_is_text_not_checkboxes():
    notes = "- [X] reviewed\n- [ ] weights\n- plain item"
    paper, _ = parse(with_section(body("full.md"), "Notes", notes))
    assert paper["notes"] == notes


def test_extra_blank_lines_and_trailing_spaces_are_dropped_but_inner_lines_kept():
    relevance = "\n\n  First line.   \n\n\n  Indented second line.\t\n\n\n"
    paper, _ = parse(with_section(body("full.md"), "Relevance", relevance))
    assert paper["relevance"] == "First line.\n\n\n  Indented second line."


def test_invisible_characters_around_a_value_are_removed_not_inside():
    title = "\u200b \ufeff Zero\u200bWidth Title \u2060 \u200b"
    paper, _ = parse(with_section(body("full.md"), "Paper title", title))
    assert paper["title"] == "Zero\u200bWidth Title"


def test_every_kind_of_white_space_around_a_value_is_removed():
    """A title pasted with any Unicode space around it reads as typed: the parser's own
    list of blanks holds every character Python counts as white space."""
    spaces = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    assert set(spaces) <= set(BLANKS)
    for space in spaces:
        paper, _ = parse(with_section(body("full.md"), "Paper title", f"{space}A title{space}"))
        assert paper["title"] == "A title", repr(space)


def test_empty_code_fence_counts_as_no_response():
    paper, errors = parse(with_section(body("full.md"), "Notes", "```text\n\n```"))
    assert errors == []
    assert "notes" not in paper


def test_text_before_the_first_heading_belongs_to_no_field():
    assert parse("Please add this paper!\n\n" + body("full.md")) == (FULL, [])


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "A | B | C",
        "[click](javascript:alert(1)) @maintainers `code` <!-- x -->",
        "**bold** _No response_ None",
    ],
)
def test_hostile_values_come_back_verbatim(value):
    text = with_section(body("full.md"), "Paper title", value)
    text = with_section(text, "Notes", value + "\n" + value)
    paper, errors = parse(text)
    assert errors == []
    assert paper["title"] == value
    assert paper["notes"] == value + "\n" + value


def test_none_is_only_no_selection_in_a_dropdown():
    paper, _ = parse(with_section(body("full.md"), "Notes", "None"))
    assert paper["notes"] == "None"


# Typing


@pytest.mark.parametrize(
    ("text", "year"),
    [("2023", 2023), ("  2021 ", 2021), ("02020", 2020), ("\uff12\uff10\uff12\uff13", 2023)],
)
def test_year_written_in_digits(text, year):
    paper, errors = parse(with_section(body("full.md"), "Year", text))
    assert errors == []
    assert paper["year"] == year


@pytest.mark.parametrize(
    "text", ["2023.5", "MMXXIII", "-1", "twenty", "2,023", "+2023", "2 023", "9" * 5000]
)
def test_year_not_written_in_digits_is_a_field_error(text):
    paper, errors = parse(with_section(body("full.md"), "Year", text))
    assert "year" not in paper
    assert errors == [FieldError("year", "Year", "Write a whole number in digits only, e.g. 2023.")]


@pytest.mark.parametrize(
    ("text", "datasets"),
    [
        ("OVIS", ["OVIS"]),
        ("YouTube-VIS 2019,OVIS ; BDD100K", ["YouTube-VIS 2019", "OVIS", "BDD100K"]),
        ("OVIS\nYouTube-VIS 2021\n\nOVIS", ["OVIS", "YouTube-VIS 2021"]),
        ("a,, ,b,", ["a", "b"]),
    ],
)
def test_datasets_become_a_list(text, datasets):
    paper, _ = parse(with_section(body("full.md"), "Datasets", text))
    assert paper["datasets"] == datasets


def test_datasets_of_only_separators_are_absent():
    paper, errors = parse(with_section(body("full.md"), "Datasets", ", ;"))
    assert errors == []
    assert "datasets" not in paper


@pytest.mark.parametrize(
    ("text", "value"), [("YES", True), ("true", True), (" no ", False), ("False", False)]
)
def test_code_available_accepts_yes_no_true_false(text, value):
    paper, _ = parse(with_section(body("full.md"), "Code available", text))
    assert paper["code_available"] is value


def test_code_available_other_words_are_a_field_error():
    paper, errors = parse(with_section(body("full.md"), "Code available", "maybe"))
    assert "code_available" not in paper
    assert errors == [FieldError("code_available", "Code available", "Choose Yes or No.")]


# Errors


def test_missing_required_section_is_named_and_the_rest_still_parsed():
    text = with_section(body("full.md"), "Paper link", "https://arxiv.org/abs/2303.06674")
    text = text.replace("### Paper link\n\nhttps://arxiv.org/abs/2303.06674\n\n", "")
    paper, errors = parse(text)
    assert paper == {key: value for key, value in FULL.items() if key != "paper_url"}
    [error] = errors
    assert (error.field, error.label) == ("paper_url", "Paper link")
    assert "`### Paper link` section is missing" in error.message


def test_missing_optional_section_is_fine():
    text = body("full.md").replace("### Tracking\n\nOnline, and post-processing free\n\n", "")
    assert parse(text) == ({k: v for k, v in FULL.items() if k != "tracking"}, [])


def test_empty_required_field_is_an_error():
    paper, errors = parse(with_section(body("full.md"), "Paper link", "_No response_"))
    assert "paper_url" not in paper
    assert "required" in error_for(errors, "paper_url").message


def test_title_year_and_venue_may_be_empty_arxiv_fills_them():
    """The form leaves them optional; the assessment requires them unless arXiv fills them."""
    text = body("full.md")
    for label in ("Paper title", "Year", "Conference or journal"):
        text = with_section(text, label, "_No response_")
    paper, errors = parse(text)
    assert errors == []
    assert not {"title", "year", "venue"} & set(paper)


def test_duplicated_heading_is_an_error_naming_it():
    text = body("full.md") + "\n\n### Year\n\n2024"
    paper, errors = parse(text)
    assert "year" not in paper
    error = error_for(errors, "year")
    assert error.label == "Year"
    assert "`### Year` appears 2 times" in error.message
    assert len(errors) == 1


def test_errors_come_in_form_order():
    text = body("full.md").replace("### Paper link", "### Link").replace("\n2023\n", "\nsoon\n")
    _, errors = parse(with_section(text, "Code available", "perhaps"))
    assert [error.field for error in errors] == ["year", "code_available", "paper_url"]


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "  \r\n\t ",
        "I found this great paper: https://arxiv.org/abs/2303.06674",
        "## Paper title\n\nSomething\n\n#### Year\n\n2023",
    ],
)
def test_body_without_the_forms_headings_gets_one_clear_error(text):
    paper, errors = parse(text)
    assert paper == {}
    [error] = errors
    assert (error.field, error.label) == (None, None)
    assert '"New paper" form' in error.message
    assert "`### Paper title`" in error.message
    assert "Edit the issue" in error.message


# The form is the source of labels


def test_field_labels_are_the_forms_labels_in_form_order():
    assert field_labels() == LABELS
    assert list(LABELS) == list(SCHEMA["properties"])
    assert LABELS["venue"] == "Conference or journal"


def test_labels_are_read_from_the_given_form():
    form = build_form(SCHEMA)
    form["body"][1]["attributes"]["label"] = "Title of the paper"
    text = body("full.md").replace("### Paper title", "### Title of the paper")
    assert parse_issue(text, form, SCHEMA) == (FULL, [])
    assert field_labels(form)["title"] == "Title of the paper"


def test_default_form_and_schema_are_the_committed_ones():
    assert parse_issue(body("full.md")) == (FULL, [])


def test_checkboxes_field_gives_the_ticked_options():
    schema = {
        "properties": {"checks": {"title": "Checks", "type": "array"}},
        "required": [],
    }
    form = {
        "name": "Test",
        "body": [
            {
                "type": "checkboxes",
                "id": "checks",
                "attributes": {
                    "label": "Checks",
                    "options": [{"label": "Read the rules"}, {"label": "Not a duplicate"}],
                },
            },
            {"type": "input", "id": "other", "attributes": {"label": "Other"}},
        ],
    }
    text = "### Checks\r\n\r\n- [X] Read the rules\r\n- [] Not a duplicate\r\n- [x] Extra\r\n"
    assert parse_issue(text + "\n### Other\n\n- [x] no", form, schema) == (
        {"checks": ["Read the rules", "Extra"], "other": "- [x] no"},
        [],
    )
    assert parse_issue("### Checks\n\n- [ ] Read the rules", form, schema) == ({}, [])


# Properties


INVISIBLE = r"[\s\ufeff\u200b\u200c\u200d\u2060]"


def _heading_keys() -> set[str]:
    return {" ".join(label.split()).casefold() for label in LABELS.values()}


def settled(text: str) -> bool:
    """Text the parser gives back unchanged: nothing it trims or reads as structure."""
    lines = text.split("\n")
    headings = (re.fullmatch(r" {0,3}###(.*)", line) for line in lines)
    return (
        text not in ("", "_No response_")
        and not re.search(rf"\A{INVISIBLE}|{INVISIBLE}\Z", text)
        and all(line == line.rstrip() for line in lines)
        and not any(h and " ".join(h[1].split()).casefold() in _heading_keys() for h in headings)
        and not re.fullmatch(r"(`{3,}|~{3,}).*\n\s*\1", text, flags=re.S)
    )


CHARS = st.characters(blacklist_categories=("Cc", "Cs"))
one_line = st.text(CHARS, min_size=1, max_size=40).filter(settled)
tricky_line = st.sampled_from(
    ["", "### Notes and more", "### Something", "- [x] done", "- [ ] todo", "```", "None", "|"]
)
multi_line = (
    st.lists(st.one_of(st.text(CHARS, max_size=30), tricky_line), min_size=1, max_size=8)
    .map("\n".join)
    .filter(settled)
)
dataset = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=",;"))
papers = st.fixed_dictionaries(
    {
        "title": one_line,
        "year": st.integers(min_value=0, max_value=10**12),
        "venue": one_line,
        "paper_url": one_line,
    },
    optional={
        "problem": one_line,
        "relevance": multi_line,
        "tracking": one_line,
        "datasets": st.lists(dataset.filter(settled), min_size=1, max_size=5, unique=True),
        "code_available": st.booleans(),
        "code_url": one_line,
        "project_url": one_line,
        "notes": multi_line,
    },
)


@settings(max_examples=300)
@given(paper=papers, order=st.permutations(FIELDS), newline=st.sampled_from(["\n", "\r\n"]))
def test_round_trip_through_a_rendered_body(paper, order, newline):
    text = render(paper, order=order).replace("\n", newline)
    assert parse(text) == (paper, [])


headings = st.sampled_from([f"### {label}" for label in LABELS.values()] + ["### Other"])
bodies = st.lists(st.one_of(st.text(max_size=60), headings), max_size=30).map("\r\n".join)


@settings(max_examples=300)
@given(text=st.one_of(st.text(), bodies))
def test_parse_never_raises_and_returns_plain_data(text):
    paper, errors = parse(text)
    assert set(paper) <= set(SCHEMA["properties"])
    assert all(isinstance(error, FieldError) and error.message for error in errors)
    assert all(error.field is None or error.label == LABELS[error.field] for error in errors)
