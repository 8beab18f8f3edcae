"""The generated pages: README.md's table and, for a long list, a page per year.

GitHub renders a Markdown file only up to about 2 MB (and the contents API
gives files above 1 MB only as raw bytes), so the table cannot grow in one
file without end (SPEC 4). While the whole table fits ``BUDGET`` it stays in
README.md. Beyond it, README.md keeps the newest years that fit and links
every older year to its own page ``papers/YEAR.md``; a year too big for one
page is split into ``papers/YEAR-1.md``, ``papers/YEAR-2.md``, ... in the data
file's order. The budget holds for what README.md generates between its
markers and for every page (a single row larger than the budget still gets
a page of its own).

Every page is a function of the papers and of the README's own text around
the markers, nothing else: ``render`` writes them, ``check`` compares them,
and a pull request that adds a paper changes exactly the pages whose text
changes.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate, groupby

from bot.core.papers import Paper
from bot.core.paths import DATA_IN_REPO, README_IN_REPO
from bot.core.table import header_lines, newest_first, render_row, with_generated

BUDGET = 400 * 1024  # bytes of UTF-8
PAGES_DIR = "papers"
NOTICE = f"<!-- Generated from {DATA_IN_REPO} by `python -m bot render`; do not edit by hand. -->"


@dataclass(frozen=True)
class Published:
    """The generated files as a branch has them: README.md's text, each page's blob sha.

    Blob shas are enough to tell which pages a change rewrites (see
    :func:`blob_sha`), so the pages themselves are never read.
    """

    readme: str
    pages: dict[str, str]


def is_page(path: str) -> bool:
    """Whether a file is a generated page: every Markdown file in ``papers/`` is."""
    folder, _, name = path.rpartition("/")
    return folder == PAGES_DIR and name.endswith(".md")


def blob_sha(text: str) -> str:
    """The sha git (and GitHub's trees) give a file holding exactly this text."""
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def generated_pages(papers: Iterable[Paper], readme: str, budget: int = BUDGET) -> dict[str, str]:
    """Every generated file by path: README.md first, then the year pages, newest first."""
    years = [
        (year, [render_row(paper) for paper in group])
        for year, group in groupby(newest_first(papers), key=lambda paper: paper["year"])
    ]
    head = header_lines()
    rows = [row for _, year_rows in years for row in year_rows]
    if _size(head) + _size(rows) <= budget:
        return {README_IN_REPO: with_generated(readme, _text([*head, *rows]))}
    pages = [_Year(year, _split(year, year_rows, budget)) for year, year_rows in years]
    kept = _years_that_fit(head, pages, budget)
    section = _readme_section(head, pages, kept)
    files = {README_IN_REPO: with_generated(readme, _text(section))}
    for year in pages[kept:]:
        for number, part in enumerate(year.parts, start=1):
            path = f"{PAGES_DIR}/{year.name(number)}"
            files[path] = _text([*_intro(year, number), *head, *part])
    return files


@dataclass(frozen=True)
class _Year:
    """One year's rows, cut into the parts that fit a page each."""

    year: int
    parts: list[list[str]]

    @property
    def rows(self) -> list[str]:
        return [row for part in self.parts for row in part]

    def name(self, number: int) -> str:
        """The page's file name: ``2019.md``, or ``2019-2.md`` for a year of several parts."""
        return f"{self.year}.md" if len(self.parts) == 1 else f"{self.year}-{number}.md"

    def index_line(self) -> str:
        """The year's line in README.md's list of pages."""
        if len(self.parts) == 1:
            return f"- [{self.year}]({PAGES_DIR}/{self.name(1)})"
        links = ", ".join(
            f"[part {number}]({PAGES_DIR}/{self.name(number)})"
            for number in range(1, len(self.parts) + 1)
        )
        return f"- {self.year}: {links}"


def _intro(year: _Year, number: int) -> list[str]:
    """A page's lines before its table: what it is, and the way back and on."""
    count = len(year.parts)
    title = f"# Papers of {year.year}" + (f" (part {number} of {count})" if count > 1 else "")
    links = ["[Back to the list](../README.md)"]
    if number > 1:
        links.append(f"[Previous part]({year.name(number - 1)})")
    if number < count:
        links.append(f"[Next part]({year.name(number + 1)})")
    return [NOTICE, title, "", " · ".join(links), ""]


def _split(year: int, rows: list[str], budget: int) -> list[list[str]]:
    """The fewest consecutive parts whose pages fit the budget, filled in order.

    Room is kept for the longest intro a part could have (every part numbered,
    both links), so a page fits whatever number it ends up with.
    """
    widest = _Year(year, [[]] * max(len(rows), 1))
    room = budget - _size(_intro(widest, 2)) - _size(header_lines())
    parts: list[list[str]] = [[]]
    used = 0
    for row in rows:
        cost = _size([row])
        if parts[-1] and used + cost > room:
            parts.append([])
            used = 0
        parts[-1].append(row)
        used += cost
    return parts


def _years_that_fit(head: list[str], years: list[_Year], budget: int) -> int:
    """How many of the newest years README.md keeps: as many as fit with the links to the rest."""
    tables = list(accumulate((_size(year.rows) for year in years), initial=_size(head)))
    links = list(accumulate((_size([year.index_line()]) for year in reversed(years)), initial=0))
    links.reverse()  # links[k]: the index lines of every year from the k-th on
    kept = 0
    while kept + 1 < len(years):
        section = tables[kept + 1] + _size(["", _index_intro(kept + 1), ""]) + links[kept + 1]
        if section > budget:
            break
        kept += 1
    return kept


def _index_intro(kept: int) -> str:
    return "Earlier years, one page each:" if kept else "One page per year, newest first:"


def _readme_section(head: list[str], years: list[_Year], kept: int) -> list[str]:
    """README.md's generated lines: the kept years' table, then a link to every other year."""
    table = [*head, *(row for year in years[:kept] for row in year.rows), ""] if kept else []
    index = [year.index_line() for year in years[kept:]]
    return [*table, _index_intro(kept), "", *index]


def _size(lines: list[str]) -> int:
    """Bytes of these lines in a file, each with its line break."""
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"
