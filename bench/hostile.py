"""Hostile bodies at GitHub's size limit: how long the bot takes to assess each one.

GitHub accepts issue bodies of up to 65,536 characters, and anyone may open
an issue, so every check the bot runs on a body (the form parser, the schema
with its patterns and formats, duplicate detection, the status text) must be
linear in it: a body built to make a regular expression backtrack must be
answered as fast as any other. Each body of the corpus below is filled to
exactly 65,536 characters with a repeated piece (runs of spaces, ``#``,
backticks, brackets, headings, commas, ...) in one field, or across the whole
body; it is assessed against the committed list ``ROUNDS`` times and its
median and worst time are printed. The median of every body must be at most
``BUDGET_MS`` (the worst includes the scheduler's noise of a shared machine);
the exit status is 1 when one is over.
Run: ``.venv/bin/python bench/hostile.py``.
"""

import statistics
import sys
import time
from collections.abc import Callable, Iterator

from bot.core import paths
from bot.core.form_parser import field_labels, render_body
from bot.core.papers import load_papers
from bot.core.submission import assess, status_text

LIMIT = 65_536  # characters: the most GitHub accepts in an issue body
BUDGET_MS = 50
ROUNDS = 5

PAPER = {
    "title": "DVIS: Decoupled Video Instance Segmentation Framework",
    "year": "2023",
    "venue": "ICCV",
    "datasets": "YouTube-VIS 2019, OVIS",
    "code_available": "Yes",
    "paper_url": "https://arxiv.org/abs/2306.03413",
    "code_url": "https://github.com/zhang-tao-whu/DVIS",
}


def repeated(before: str, piece: str, after: str = "") -> Callable[[int], str]:
    """A value of at most n characters: ``before``, ``piece`` repeated, ``after``."""
    return lambda n: before + piece * ((n - len(before) - len(after)) // len(piece)) + after


def nested(n: int) -> str:
    return "[" * (n // 2) + "]" * (n // 2)


# A run of each piece fills one field.
PIECES = {
    "one line, then a line break": repeated("", "x", "\ny"),
    "spaces between two words": repeated("a", " ", "b"),
    "spaces and tabs, then a break": repeated("a", " \t", "\nb"),
    "hashes": repeated("", "#"),
    "a heading line of hashes": repeated("### ", "#"),
    "backticks": repeated("", "`"),
    "backtick fences": repeated("", "```\n"),
    "tilde fences": repeated("", "~~~ ", "\n"),
    "opening brackets": repeated("", "["),
    "nested brackets": nested,
    "link openings": repeated("", "[a]("),
    "angle brackets": repeated("", "<"),
    "at signs": repeated("", "@"),
    "www. runs": repeated("", "www."),
    "scheme separators": repeated("", "://"),
    "underscores and stars": repeated("", "_*"),
    "zero-width spaces": repeated("a", "\u200b", "b"),
    "CRLF line breaks": repeated("a", "\r\n", "b"),
    "lone CRs": repeated("a", "\r", "b"),
    "Unicode line separators": repeated("a", "\u2028", "b"),
    "pipes": repeated("", "|"),
    "commas": repeated("a", ",", "b"),
    "dataset names and commas": repeated("", "a,"),
    "semicolons and spaces": repeated("", "; "),
    "digits": repeated("", "9"),
    "Arabic-Indic digits": repeated("", "\u0663"),
    "checked boxes": repeated("", "- [X] Yes\n"),
    "_No response_": repeated("", "_No response_\n"),
}
TEXT_FIELDS = ("title", "venue", "year", "relevance", "datasets", "code_available", "notes")
LINK_FIELDS = ("paper_url", "code_url")
# Links that make a URL pattern or the RFC 3986 grammar try every split of the run.
LINK_PIECES = {
    "a host, then a space": repeated("https://", "a", " x"),
    "a host, then a line break": repeated("https://", "a", "\nx"),
    "a path, then a space": repeated("https://a.example/", "a", " x"),
    "slashes, then a space": repeated("https://a.example", "/", " "),
    "colons in the authority": repeated("https://", "a:", " "),
    "at signs in the authority": repeated("https://", "a@", " "),
    "percent signs": repeated("https://a.example/", "%"),
    "half percent escapes": repeated("https://a.example/", "%4", " "),
    "dotted digits": repeated("http://", "1.", " "),
    "question marks": repeated("https://a.example/?", "?", " "),
    "an open IPv6 bracket": repeated("https://[", "1:"),
    "an arXiv path": repeated("https://arxiv.org/abs/", "1"),
    "an old-style arXiv path": repeated("https://arxiv.org/abs/", "a-", "/1234567"),
}


def filled(field: str, value: Callable[[int], str]) -> str:
    """The form's body with ``field`` holding the longest such value within the limit."""
    return render_body({**PAPER, field: value(LIMIT - len(render_body({**PAPER, field: ""})))})


def whole_bodies() -> Iterator[tuple[str, str]]:
    """Bodies hostile as a whole: headings, blank lines and line endings across the body."""
    labels = field_labels()
    title = f"### {labels['title']}\n\n"
    yield "the title heading, repeated", title * (LIMIT // len(title))
    yield "unknown headings, repeated", "### x\n\n" * (LIMIT // 7)
    yield "empty headings, repeated", "###\n" * (LIMIT // 4)
    yield "line breaks only", "\n" * LIMIT
    yield "CRLF only", "\r\n" * (LIMIT // 2)
    yield "spaces only", " " * LIMIT
    yield "hashes only", "#" * LIMIT
    yield "backticks only", "`" * LIMIT
    body = render_body(PAPER) + "\n\n"
    yield "the whole form, repeated", (body * (LIMIT // len(body) + 1))[:LIMIT]


def corpus() -> Iterator[tuple[str, str]]:
    for field in TEXT_FIELDS:
        for name, value in PIECES.items():
            yield f"{field}: {name}", filled(field, value)
    for field in LINK_FIELDS:
        for name, value in LINK_PIECES.items():
            yield f"{field}: {name}", filled(field, value)
    yield from whole_bodies()


def milliseconds(body: str, listed: list) -> float:
    start = time.perf_counter()
    status_text(assess(body, listed, None))
    return (time.perf_counter() - start) * 1000


def main() -> int:
    listed = load_papers((paths.ROOT / paths.DATA_IN_REPO).read_text(encoding="utf-8"))
    rows = []
    for name, body in corpus():
        assert len(body) <= LIMIT, (name, len(body))
        times = [milliseconds(body, listed) for _ in range(ROUNDS)]
        rows.append((name, len(body), statistics.median(times), max(times)))
    width = max(len(name) for name, *_ in rows)
    print(f"{'body':<{width}} {'chars':>6} {'median ms':>9} {'max ms':>7}")
    for name, size, median, worst in rows:
        flag = "  OVER" if median > BUDGET_MS else ""
        print(f"{name:<{width}} {size:>6} {median:>9.1f} {worst:>7.1f}{flag}")
    slowest = max(rows, key=lambda row: row[2])
    over = [row for row in rows if row[2] > BUDGET_MS]
    print(
        f"{len(rows)} bodies of at most {LIMIT:,} characters; slowest: {slowest[0]}, "
        f"median {slowest[2]:.1f} ms (max {max(row[3] for row in rows):.1f} ms over all); "
        f"{len(over)} over {BUDGET_MS} ms"
    )
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
