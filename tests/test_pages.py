"""The generated pages: the README keeps the table while it fits, older years get pages.

A reader on GitHub sees README.md with the newest papers, then a link per
older year; a year too big for one page is split into numbered parts. A
maintainer's ``render`` writes every page, ``check`` fails on a stale, a
missing or a stray one, and an approval changes exactly the pages whose
text changes.
"""

import shutil

import pytest
from helpers import table_cells
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import synthetic_papers
from bot.cli import main
from bot.core import paths
from bot.core.change import add_to_list
from bot.core.pages import PAGES_DIR, Published, blob_sha, generated_pages
from bot.core.papers import dump_papers
from bot.core.schema import field_order
from bot.core.table import END, START, render_row, update_readme

README = f"# A list\n\nIntro kept as it is.\n\n{START}\n{END}\n\nTail kept too.\n"


def papers_of(years: dict[int, int]) -> list[dict]:
    """``count`` synthetic papers for each year, distinct across years."""
    out, start = [], 0
    for year, count in years.items():
        out += [{**paper, "year": year} for paper in synthetic_papers(start + count)[start:]]
        start += count
    return out


ROW = len(render_row(papers_of({2020: 1})[0]).encode()) + 1  # one row's bytes, about 580


def rows_in(markdown: str) -> list[str]:
    """The table rows' titles, as a GFM parser reads them (header row left out)."""
    cells = table_cells(markdown)
    assert {len(row) for row in cells} <= {len(field_order())}
    return [row[0] for row in cells[1:]]


def published(pages: dict[str, str]) -> Published:
    """A branch holding exactly these generated files."""
    shas = {path: blob_sha(text) for path, text in pages.items() if path != paths.README_IN_REPO}
    return Published(pages[paths.README_IN_REPO], shas)


def test_a_list_within_the_budget_keeps_the_whole_table_in_the_readme():
    papers = papers_of({2023: 3, 2022: 2})
    assert generated_pages(papers, README) == {"README.md": update_readme(README, papers)}


def test_past_the_budget_the_readme_keeps_the_newest_years_and_links_each_older_one():
    papers = papers_of({2023: 10, 2022: 10, 2021: 10})
    pages = generated_pages(papers, README, budget=15 * ROW)
    assert list(pages) == ["README.md", "papers/2022.md", "papers/2021.md"]
    readme = pages["README.md"]
    assert readme.startswith("# A list\n\nIntro kept as it is.\n\n" + START)
    assert readme.endswith(END + "\n\nTail kept too.\n")
    assert rows_in(readme) == [p["title"] for p in papers if p["year"] == 2023]
    assert "- [2022](papers/2022.md)\n- [2021](papers/2021.md)\n" in readme
    for year in (2022, 2021):
        page = pages[f"papers/{year}.md"]
        assert f"# Papers of {year}\n" in page
        assert "[Back to the list](../README.md)" in page
        assert rows_in(page) == [p["title"] for p in papers if p["year"] == year]
    assert all(
        len(text.encode()) <= 15 * ROW for path, text in pages.items() if path != "README.md"
    )


def test_when_not_even_the_newest_year_fits_the_readme_only_links_the_years():
    papers = papers_of({2023: 10, 2022: 10})
    readme = generated_pages(papers, README, budget=8 * ROW)["README.md"]
    assert rows_in(readme) == []
    assert "One page per year, newest first:" in readme
    assert "- 2023: [part 1](papers/2023-1.md), [part 2](papers/2023-2.md)" in readme


def test_a_year_too_big_for_one_page_is_split_in_two_in_the_data_files_order():
    papers = papers_of({2023: 5, 2021: 30})
    pages = generated_pages(papers, README, budget=20 * ROW)
    assert list(pages) == ["README.md", "papers/2021-1.md", "papers/2021-2.md"]
    first, second = pages["papers/2021-1.md"], pages["papers/2021-2.md"]
    assert "# Papers of 2021 (part 1 of 2)" in first
    assert "[Back to the list](../README.md) · [Next part](2021-2.md)" in first
    assert "[Back to the list](../README.md) · [Previous part](2021-1.md)" in second
    titles = [p["title"] for p in papers if p["year"] == 2021]
    assert rows_in(first) + rows_in(second) == titles
    assert len(rows_in(first)) > len(rows_in(second))  # filled in order
    assert "- 2021: [part 1](papers/2021-1.md), [part 2](papers/2021-2.md)" in pages["README.md"]
    assert all(len(text.encode()) <= 20 * ROW for text in pages.values())


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(st.integers(1990, 2030), st.integers(1, 12), min_size=1, max_size=6),
    st.integers(3, 30),
)
def test_every_page_fits_the_budget_and_every_paper_is_on_exactly_one(years, budget_rows):
    papers = papers_of(dict(sorted(years.items(), reverse=True)))
    budget = budget_rows * ROW
    pages = generated_pages(papers, README, budget)
    shown = [title for text in pages.values() for title in rows_in(text)]
    assert shown == [p["title"] for p in papers]  # newest year first, none twice
    generated = pages["README.md"].split(START)[1].split(END)[0]
    assert len(generated.encode()) - 1 <= budget  # the line break after the start marker
    assert all(len(text.encode()) <= budget for path, text in pages.items() if path != "README.md")


def test_adding_a_paper_to_an_old_year_changes_only_the_data_file_and_that_years_page():
    papers = papers_of({2023: 10, 2022: 10, 2021: 10})
    before = generated_pages(papers, README, budget=15 * ROW)
    new = {**papers_of({2021: 31})[-1], "title": "A late addition of 2021"}
    files = add_to_list(papers, published(before), [new], budget=15 * ROW)
    assert set(files) == {paths.DATA_IN_REPO, "papers/2021.md"}
    assert rows_in(files["papers/2021.md"])[0] == "A late addition of 2021"


def test_a_year_growing_past_one_page_replaces_its_page_by_two_parts():
    papers = papers_of({2023: 10, 2021: 10})
    budget = 12 * ROW
    before = generated_pages(papers, README, budget)
    assert "papers/2021.md" in before
    new = [{**p, "title": f"More of 2021, {p['title']}"} for p in papers_of({2021: 30})[20:]]
    files = add_to_list(papers, published(before), new, budget=budget)
    assert files["papers/2021.md"] is None  # deleted
    assert {"papers/2021-1.md", "papers/2021-2.md", "README.md"} <= set(files)


def test_a_branch_whose_readme_outgrew_the_budget_gets_every_page_in_one_approval():
    """The list grew past the budget before pages existed: its README holds everything."""
    papers = papers_of({2023: 10, 2022: 10, 2021: 10})
    stale = Published(update_readme(README, papers), {})
    new = {**papers_of({2023: 31})[-1], "title": "The paper that splits the list"}
    files = add_to_list(papers, stale, [new], budget=15 * ROW)
    assert set(files) == {paths.DATA_IN_REPO, "README.md", "papers/2022.md", "papers/2021.md"}


# -- render and check on a checkout, as a maintainer runs them -------------------------

LARGE = 1_000  # papers whose table is past the 400 KB budget: README plus pages


@pytest.fixture
def large_checkout(tmp_path):
    """The list's files with a synthetic list of 1,000 papers (about 580 KB of table)."""
    for name in (paths.README_IN_REPO, paths.SCHEMA_IN_REPO, *paths.FORMS_IN_REPO):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(paths.ROOT / name, tmp_path / name)
    (tmp_path / paths.DATA_IN_REPO).parent.mkdir()
    (tmp_path / paths.DATA_IN_REPO).write_text(dump_papers(synthetic_papers(LARGE)))
    return tmp_path


def run(root, command, capsys):
    code = main(["--root", str(root), command])
    out, err = capsys.readouterr()
    return code, out + err


def test_render_writes_the_readme_and_every_year_page_and_check_passes(large_checkout, capsys):
    code, output = run(large_checkout, "render", capsys)
    pages = sorted(p.name for p in (large_checkout / PAGES_DIR).iterdir())
    assert code == 0
    assert output == f"README.md and {len(pages)} year pages: table rendered with 1000 papers\n"
    assert pages and all(name.endswith(".md") for name in pages)
    assert run(large_checkout, "check", capsys) == (
        0,
        f"ok: 1000 papers, README.md and {len(pages)} year pages in sync\n",
    )


def test_check_fails_on_a_stale_a_missing_or_a_stray_page_and_render_fixes_all(
    large_checkout, capsys
):
    run(large_checkout, "render", capsys)
    folder = large_checkout / PAGES_DIR
    edited, deleted = sorted(folder.iterdir())[:2]
    edited.write_text(edited.read_text().replace("Synthetic", "Hand-edited"))
    deleted.unlink()
    (folder / "1989.md").write_text("# Papers of 1989\n")
    code, output = run(large_checkout, "check", capsys)
    assert code == 1
    assert f"papers/{edited.name}: the page is out of date; run `python -m bot render`" in output
    assert f"papers/{deleted.name}: missing; run `python -m bot render`" in output
    assert "papers/1989.md: not a page the data makes (a stray page)" in output
    assert run(large_checkout, "render", capsys)[0] == 0
    assert not (folder / "1989.md").exists()
    assert run(large_checkout, "check", capsys)[0] == 0
