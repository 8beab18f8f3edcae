"""The data file and the schema: what the committed list holds and how it round-trips."""

import pytest

from bot.core import paths
from bot.core.papers import (
    DataFileError,
    add_paper,
    dump_papers,
    duplicate_pairs,
    find_duplicate,
    load_papers,
    paper_key,
    title_key,
)
from bot.core.schema import schema_problems

SEED_TITLES = [
    "Universal Instance Perception as Object Discovery and Retrieval",
    "MDQE: Mining Discriminative Query Embeddings to Segment Occluded Instances on Challenging "
    "Videos",
    "Mask-Free Video Instance Segmentation",
    "Tube-Link: A Flexible Cross Tube Baseline for Universal Video Segmentation",
    "Video Instance Segmentation in an Open-World",
    "InstMove: Instance Motion for Object-centric Video Segmentation",
    "TarViS: A Unified Approach for Target-based Video Segmentation",
    "A Generalized Framework for Video Instance Segmentation",
    "Masked-attention Mask Transformer for Universal Image Segmentation",
    "Instance As Identity: A Generic Online Paradigm for Video Instance Segmentation",
    "Temporally Efficient Vision Transformer for Video Instance Segmentation",
    "InstanceFormer: An Online Video Instance Segmentation Framework",
    "TIVE: A Toolbox for Identifying Video Instance Segmentation Errors",
    "STC: Spatio-Temporal Contrastive Learning for Video Instance Segmentation",
    "Prototypical Cross-Attention Networks for Multiple Object Tracking and Segmentation",
    "Spatial Feature Calibration and Temporal Fusion for Effective One-stage Video Instance "
    "Segmentation",
    "Crossover Learning for Fast Online Video Instance Segmentation",
]

NEW_PAPER = {
    "title": "DVIS: Decoupled Video Instance Segmentation Framework",
    "year": 2023,
    "venue": "ICCV",
    "paper_url": "https://arxiv.org/abs/2306.03413",
}


def committed_text() -> str:
    return (paths.ROOT / paths.DATA_IN_REPO).read_text(encoding="utf-8")


def test_committed_list_holds_every_seed_paper_in_order_and_validates():
    papers = load_papers(committed_text())
    assert [paper["title"] for paper in papers] == SEED_TITLES
    assert [problem for paper in papers for problem in schema_problems(paper)] == []
    assert duplicate_pairs(papers) == []


def test_cleaned_seed_defects_stay_cleaned():
    by_title = {paper["title"]: paper for paper in load_papers(committed_text())}
    owvis = by_title["Video Instance Segmentation in an Open-World"]
    assert owvis["code_url"] == "https://github.com/OmkarThawakar/OWVISFormer"
    mask2former = by_title["Masked-attention Mask Transformer for Universal Image Segmentation"]
    assert mask2former["paper_url"] == "https://arxiv.org/pdf/2112.01527.pdf"
    assert mask2former["project_url"] == "https://bowenc0221.github.io/mask2former/"
    tube_link = by_title[SEED_TITLES[3]]
    assert tube_link["code_url"] == "https://github.com/lxtGH/Tube-Link"
    assert tube_link["notes"] == "Code Not Available Yet"


def test_load_then_dump_gives_the_committed_bytes():
    text = committed_text()
    assert dump_papers(load_papers(text)) == text


def test_adding_a_paper_adds_only_its_lines_at_the_top_of_its_year():
    papers = load_papers(committed_text())
    updated = add_paper(papers, NEW_PAPER)
    assert updated.index(NEW_PAPER) == 0
    old_lines = committed_text().splitlines()
    new_lines = dump_papers(updated).splitlines()
    added = new_lines[: len(new_lines) - len(old_lines)]
    assert new_lines[len(added) :] == old_lines
    assert added == [
        "- title: 'DVIS: Decoupled Video Instance Segmentation Framework'",
        "  year: 2023",
        "  venue: ICCV",
        "  paper_url: https://arxiv.org/abs/2306.03413",
    ]


def test_a_paper_goes_before_the_first_older_one():
    papers = [{"title": "a", "year": 2023}, {"title": "b", "year": 2021}]
    assert [p["title"] for p in add_paper(papers, {"title": "c", "year": 2022})] == ["a", "c", "b"]
    assert [p["title"] for p in add_paper(papers, {"title": "d", "year": 2019})] == ["a", "b", "d"]


def test_malformed_yaml_is_reported_with_its_line():
    with pytest.raises(DataFileError, match=r"line 4, column 8: mapping values are not allowed"):
        load_papers("- title: A\n  year: 2023\n  venue: CVPR\n  bad: : :\n- x\n")


def test_a_mapping_instead_of_a_list_is_explained():
    with pytest.raises(DataFileError, match="YAML list of papers"):
        load_papers("title: A\n")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"year": 3024}, "year", "3024 must be 2100 or earlier"),
        ({"year": "2023"}, "year", "must be a whole number"),
        ({"paper_url": "javascript:alert(1)"}, "paper_url", "http:// or https://"),
        ({"paper_url": "https://exa mple.com/x"}, "paper_url", "http:// or https://"),
        ({"code_url": "ftp://example.com/code"}, "code_url", "http:// or https://"),
        ({"title": "Two\nlines"}, "title", "single line"),
        ({"datasets": ["OVIS", "OVIS"]}, "datasets", "same entry twice"),
        ({"datasets": ["YouTube-VIS 2019, OVIS"]}, "datasets", "without commas"),
        ({"datasets": [","]}, "datasets", "without commas"),
        ({"stars": 5}, "stars", "not a field of a paper"),
    ],
)
def test_schema_problems_name_the_field_in_plain_words(change, field, words):
    problems = schema_problems({**NEW_PAPER, **change})
    assert [problem.field for problem in problems] == [field]
    assert words in problems[0].message


def test_a_missing_required_field_is_named():
    paper = {key: value for key, value in NEW_PAPER.items() if key != "title"}
    problems = schema_problems(paper)
    assert [(p.field, p.message) for p in problems] == [("title", "is required")]


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2303.06674",
        "https://arxiv.org/pdf/2303.06674v1.pdf",
        "http://www.arxiv.org/pdf/2303.06674",
        "https://arxiv.org/abs/2303.06674v3/",
        "https://export.arxiv.org/abs/2303.06674",
        "https://arxiv.org/html/2303.06674v2",
    ],
)
def test_every_form_of_an_arxiv_link_is_one_paper(url):
    assert paper_key(url) == "arxiv:2303.06674"


def test_other_links_compare_without_www_case_or_trailing_slash():
    assert paper_key("https://WWW.Example.org/paper/") == paper_key("http://example.org/paper")
    assert paper_key("https://example.org/a?id=1") != paper_key("https://example.org/a?id=2")


def test_titles_compare_without_case_accents_or_punctuation():
    assert title_key("Mask-Free Video Instance  Segmentation.") == title_key(
        "mask free video instance segmentation"
    )
    assert title_key("Café VIS") == title_key("Cafe VIS")


def test_find_duplicate_says_which_field_matched():
    listed = load_papers(committed_text())
    by_link = {**NEW_PAPER, "paper_url": "https://arxiv.org/abs/2303.06674"}
    assert find_duplicate(by_link, listed) == (listed[0], "paper_url")
    by_title = {**NEW_PAPER, "title": "mask-free video instance segmentation"}
    assert find_duplicate(by_title, listed) == (listed[2], "title")
    assert find_duplicate(NEW_PAPER, listed) is None
