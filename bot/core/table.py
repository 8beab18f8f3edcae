"""The README's table of papers, generated from the data file.

Every value is untrusted (it came from an issue), so each cell is escaped to
plain text: nothing typed into a field can add a column, end the table, open
a code span, inject HTML or a link, ping someone, reference an issue, or show
as an emoji or as math. Only the three URL fields become links, and only when
they are http(s).
"""

import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from bot.core.papers import Paper
from bot.core.schema import field_order, load_schema
from bot.core.text import inert

START = "<!-- papers:start -->"
END = "<!-- papers:end -->"

LINK_TEXT = {"paper_url": "Paper", "code_url": "Code", "project_url": "Project"}

# Characters that would otherwise be read as Markdown or HTML inside a cell.
_ESCAPES = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    "\\": "&#92;",
    "`": "&#96;",
    "|": "\\|",
    "[": "\\[",
    "]": "\\]",
    "*": "\\*",
    "_": "\\_",
    "~": "\\~",
    "$": "\\$",  # GitHub shows $x^2$ as math
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
# Control characters and the bidirectional overrides that could visually
# reorder the rest of a row; line breaks are handled separately.
_INVISIBLE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"\r\n?|\n|\u2028|\u2029")


class ReadmeError(ValueError):
    """The README has no single pair of table markers to write between."""


def escape_text(value: str) -> str:
    """Plain text for one table cell, on one line, that GitHub shows exactly as typed.

    Mentions, links, references and emoji are made inert before the Markdown
    escapes, which would hide ``:thumbs_up:`` from the check (as ``:thumbs\\_up:``)
    but not from GitHub.
    """
    text = inert(_INVISIBLE.sub("", value.strip()))
    text = text.translate(_ESCAPE_TABLE)
    return "<br>".join(line.strip() for line in _LINE_BREAKS.split(text))


def link(url: str, text: str) -> str:
    """A Markdown link when the URL is http(s); otherwise the URL as inert text."""
    if not is_http_url(url):
        return escape_text(url)
    return f"[{text}]({quote(url.strip(), safe=_URL_SAFE)})"


# Everything a valid URL may hold except the characters that end a Markdown
# link target or a table cell: ( ) < > | \ ` and white space get percent-encoded.
_URL_SAFE = "!#$%&'*+,-./:;=?@_~[]"


def is_http_url(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. a "[" in the host ("Invalid IPv6 URL")
        return False
    return parts.scheme in {"http", "https"} and bool(parts.hostname)


def _cell(paper: Paper, field: str) -> str:
    value = paper.get(field)
    if value is None:
        return ""
    if field in LINK_TEXT:
        return link(str(value), LINK_TEXT[field])
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return escape_text(", ".join(str(item) for item in value))
    return escape_text(str(value))


def header() -> list[str]:
    properties = load_schema()["properties"]
    return [properties[field]["title"] for field in field_order()]


def render_row(paper: Paper) -> str:
    """One table row, exactly as the README shows it (also used in issue previews)."""
    return "| " + " | ".join(_cell(paper, field) for field in field_order()) + " |"


def header_lines() -> list[str]:
    """The table's header row and delimiter row."""
    titles = header()
    return ["| " + " | ".join(titles) + " |", "| " + " | ".join("---" for _ in titles) + " |"]


def newest_first(papers: Iterable[Paper]) -> list[Paper]:
    """The table's order: newest year first, the data file's order within a year."""
    return sorted(papers, key=lambda paper: -paper["year"])


def render_table(papers: Iterable[Paper]) -> str:
    """Header, delimiter and one row per paper, newest year first."""
    lines = [*header_lines(), *(render_row(paper) for paper in newest_first(papers))]
    return "\n".join(lines) + "\n"


def update_readme(readme: str, papers: Iterable[Paper]) -> str:
    """The README with the whole table between the markers; all else kept byte for byte."""
    return with_generated(readme, render_table(papers))


def with_generated(readme: str, generated: str) -> str:
    """The README with ``generated`` between the markers in place of what was there."""
    if (
        readme.count(START) != 1
        or readme.count(END) != 1
        or readme.index(START) > readme.index(END)
    ):
        raise ReadmeError(f"README.md must contain {START} followed by {END}, once each")
    before, rest = readme.split(START)
    _, after = rest.split(END)
    return f"{before}{START}\n{generated}{END}{after}"
