"""The compiled validity check: fast for valid papers, and never lets a defect through.

A maintainer's ``check`` of a long list spends its time here; what the
maintainer and the contributor read stays jsonschema's wording, since the
compiled check only ever says "valid" or "ask jsonschema".
"""

import copy

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from bench.synthetic import synthetic_papers
from bot.core import paths
from bot.core.fastcheck import compile_schema
from bot.core.papers import load_papers
from bot.core.schema import Problem, load_schema, read_schema, schema_problems

FORMATS = Draft202012Validator.FORMAT_CHECKER
SCHEMA = load_schema()
VALID = compile_schema(SCHEMA, FORMATS)


def jsonschema_errors(paper, schema=SCHEMA) -> list:
    return list(Draft202012Validator(schema, format_checker=FORMATS).iter_errors(paper))


def test_every_paper_of_the_committed_and_a_synthetic_list_takes_the_compiled_path():
    committed = load_papers((paths.ROOT / paths.DATA_IN_REPO).read_text(encoding="utf-8"))
    assert all(VALID(paper) for paper in committed + synthetic_papers(500))


# Values of every JSON type, near the schema's limits, and the Python values
# YAML can give that JSON Schema sees differently (True is not 1, 2023.0 is 2023).
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(1985, 2105),
    st.sampled_from([2023.0, 2023.5, 1, 0]),
    st.text(max_size=5),
    st.sampled_from(
        ["CVPR", "a\nb", " ", "ab", "https://x.org/p", "ftp://x.org", "http://", "x" * 301]
    ),
)
values = st.one_of(
    scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=3), scalars)
)
fields = st.sampled_from([*SCHEMA["properties"], "extra"])


@st.composite
def papers(draw):
    paper = copy.deepcopy(draw(st.sampled_from(synthetic_papers(3))))
    for _ in range(draw(st.integers(0, 3))):
        field = draw(fields)
        if draw(st.booleans()):
            paper.pop(field, None)
        else:
            paper[field] = draw(values)
    return paper


@settings(max_examples=600, deadline=None)
@given(st.one_of(papers(), values))
def test_a_paper_the_compiled_check_passes_has_nothing_jsonschema_would_report(paper):
    if VALID(paper):
        assert jsonschema_errors(paper) == []


def test_where_python_and_json_schema_see_values_differently_jsonschema_decides():
    paper = synthetic_papers(1)[0]
    for different in (
        {"year": 2023.0},  # an integer to JSON Schema, a float to Python
        {"year": True},  # a number to Python, not to JSON Schema
        {"datasets": ["OVIS", "OVIS"]},
        {"code_available": 1},
    ):
        candidate = {**paper, **different}
        assert not VALID(candidate)
        assert (schema_problems(candidate) == []) == (jsonschema_errors(candidate) == [])
    assert schema_problems({**paper, "year": True}) == [Problem("year", "must be a whole number")]


def test_a_keyword_it_does_not_compile_sends_every_paper_to_jsonschema():
    schema = read_schema()
    schema["properties"]["venue"]["oneOf"] = [{"minLength": 2}, {"maxLength": 1}]
    assert not compile_schema(schema, FORMATS)(synthetic_papers(1)[0])


def test_the_keywords_it_compiles_hold_as_json_schema_defines_them():
    schema = {
        "type": "object",
        "properties": {
            "kind": {"enum": ["a", 1]},
            "one": {"const": 3},
            "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            "both": {"allOf": [{"minimum": 1}, {"maximum": 3}]},
            "list": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/word"}},
            "more": {"type": ["string", "null"]},
        },
        "additionalProperties": {"type": "boolean"},
        "$defs": {"word": {"type": "string", "pattern": "^[a-z]+$"}},
    }
    valid = compile_schema(schema, FORMATS)
    for instance in (
        {"kind": "a", "one": 3, "either": 2, "both": 2, "list": ["ab"], "more": None, "x": True},
        {"kind": True},  # True is not 1
        {"one": 3.5},
        {"either": 2.5},
        {"both": 4},
        {"list": []},
        {"list": ["AB"]},
        {"more": 1},
        {"x": "not a boolean"},
    ):
        passed = valid(instance)
        assert passed == (jsonschema_errors(instance, schema) == []), instance
