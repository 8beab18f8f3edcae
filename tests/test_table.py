"""The generated table: valid GFM whatever the data holds, and the README around it untouched."""

import string

import pytest
from helpers import GFM, table_cells
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import paths
from bot.core.papers import add_paper, load_papers
from bot.core.schema import field_order
from bot.core.table import END, START, ReadmeError, render_row, render_table, update_readme

COLUMNS = len(field_order())


def html_of(markdown: str) -> str:
    return GFM.render(markdown)


def committed_readme() -> str:
    return (paths.ROOT / paths.README_IN_REPO).read_text(encoding="utf-8")


def generated_part(readme: str) -> str:
    return readme.split(START)[1].split(END)[0]


def committed_papers() -> list[dict]:
    return load_papers((paths.ROOT / paths.DATA_IN_REPO).read_text(encoding="utf-8"))


def test_committed_readme_is_in_sync_with_the_data():
    readme = committed_readme()
    assert update_readme(readme, committed_papers()) == readme


def test_readme_table_has_one_header_and_seventeen_full_rows():
    rows = table_cells(generated_part(committed_readme()))
    assert len(rows) == 1 + 17
    assert {len(row) for row in rows} == {COLUMNS}
    titles = {row[0] for row in rows[1:]}
    assert {paper["title"] for paper in committed_papers()} <= titles


def test_rows_are_newest_year_first_and_in_data_order_within_a_year():
    papers = [
        {"title": "old", "year": 2021, "venue": "X", "paper_url": "https://a.org/1"},
        {"title": "new one", "year": 2023, "venue": "X", "paper_url": "https://a.org/2"},
        {"title": "new two", "year": 2023, "venue": "X", "paper_url": "https://a.org/3"},
    ]
    rows = table_cells(render_table(papers))[1:]
    assert [row[0] for row in rows] == ["new one", "new two", "old"]


def test_adding_a_paper_changes_the_readme_by_exactly_one_row():
    readme = committed_readme()
    paper = {"title": "A new paper", "year": 2024, "venue": "CVPR", "paper_url": "https://x.org/p"}
    updated = update_readme(readme, add_paper(committed_papers(), paper))
    old, new = readme.splitlines(), updated.splitlines()
    assert len(new) == len(old) + 1
    added = [line for line in new if line not in old]
    assert added == [render_row(paper)]


def test_everything_outside_the_markers_is_kept_byte_for_byte():
    readme = "intro \r\n  spaces  \n" + START + "\nold table\n" + END + "\n\ttail\r\n"
    updated = update_readme(readme, [])
    assert updated.startswith("intro \r\n  spaces  \n" + START + "\n")
    assert updated.endswith(END + "\n\ttail\r\n")
    assert "old table" not in updated


@pytest.mark.parametrize(
    "readme",
    ["no markers", START + " only start", END + "\n" + START, START + START + END],
)
def test_a_readme_without_one_pair_of_markers_is_refused(readme):
    with pytest.raises(ReadmeError, match="papers:start"):
        update_readme(readme, [])


HOSTILE = {
    "title": "Pipe | <script>alert(1)</script> `code` [x](javascript:alert(1)) @octocat",
    "year": 2023,
    "venue": "CVPR\nnew | line",
    "relevance": "![img](https://evil.example/x.png) <img src=x onerror=alert(1)> **bold**",
    "notes": "see www.evil.example and https://evil.example \u202eoverride",
    "paper_url": "https://example.org/a|b (c) <d>",
    "code_url": "javascript:alert(1)",
    "project_url": "data:text/html,<script>alert(1)</script>",
}


def test_hostile_values_stay_inert_text_in_one_row():
    markdown = render_table([HOSTILE])
    rows = table_cells(markdown)
    assert len(rows) == 2
    assert len(rows[1]) == COLUMNS
    html = html_of(markdown)
    assert "<script" not in html
    assert "<img" not in html
    assert "<code>" not in html
    assert "<strong>" not in html
    assert 'href="javascript' not in html
    assert 'href="data' not in html
    assert "\u202e" not in html
    assert html.count("<a href=") == 1
    assert 'href="https://example.org/a%7Cb%20%28c%29%20%3Cd%3E"' in html


def test_mentions_and_bare_addresses_are_kept_from_becoming_pings_or_links():
    row = render_row({"title": "Thanks @octocat, see www.x.org or https://x.org"})
    assert "@octocat" not in row
    assert "www.x.org" not in row
    assert "https://x.org" not in row
    assert row.replace("\u2060", "").startswith("| Thanks @octocat, see www.x.org or https://x.org")


@pytest.mark.parametrize(
    ("typed", "live"),
    [
        ("Fixes #12", "#12"),
        ("closes octo/other#7", "#7"),
        ("see GH-3 and gh-4", "GH-3"),
        ("a :smile: and a :thumbs_up:", ":thumbs_up:"),
    ],
)
def test_references_and_emoji_in_a_cell_stay_text(typed, live):
    """What GitHub would link or draw in a comment or pull request body shows as typed."""
    row = render_row({"notes": typed})
    shown = html_of(row)
    assert live not in shown
    assert typed in shown.replace("\u2060", "")


def test_dollars_in_a_cell_are_not_math():
    assert "\\$x^2\\$ and \\$\\$y\\$\\$" in render_row({"notes": "$x^2$ and $$y$$"})
    assert "$x^2$ and $$y$$" in html_of(render_row({"notes": "$x^2$ and $$y$$"}))


def test_line_breaks_become_br_inside_the_cell():
    row = render_row({"relevance": "one\r\ntwo\rthree\nfour"})
    assert "one<br>two<br>three<br>four" in row


hostile_text = st.text(
    alphabet=st.sampled_from(list(string.printable + "\u202e\u2028\u200b\u00a0é🙂")), max_size=40
)
hostile_url = st.one_of(
    hostile_text,
    st.builds(lambda tail: "https://example.org/" + tail, hostile_text),
    st.sampled_from(["javascript:alert(1)", "data:text/html,x", "ftp://x.org", "//x.org"]),
)


@st.composite
def hostile_papers(draw):
    paper = {"year": draw(st.integers(1990, 2100))}
    for field in ("title", "venue", "problem", "relevance", "tracking", "notes"):
        paper[field] = draw(hostile_text)
    paper["datasets"] = draw(st.lists(hostile_text, max_size=3))
    paper["code_available"] = draw(st.booleans())
    for field in ("paper_url", "code_url", "project_url"):
        paper[field] = draw(hostile_url)
    return paper


@settings(max_examples=300, deadline=None)
@given(st.lists(hostile_papers(), min_size=1, max_size=4))
def test_any_values_give_a_table_of_the_right_shape_without_html_or_foreign_links(papers):
    markdown = render_table(papers)
    rows = table_cells(markdown)
    assert len(rows) == 1 + len(papers)
    assert {len(row) for row in rows} == {COLUMNS}
    tokens = [child for t in GFM.parse(markdown) if t.children for child in t.children]
    assert not [t for t in tokens if t.type in {"code_inline", "image"}]
    assert {t.content for t in tokens if t.type == "html_inline"} <= {"<br>"}
    hrefs = [t.attrs["href"] for t in tokens if t.type == "link_open"]
    assert all(href.startswith(("http://", "https://")) for href in hrefs)
    assert len(hrefs) <= 3 * len(papers)
