"""The list as data: the data file, and what makes two papers one.

``data/papers.yaml`` is written only by :func:`dump_papers`, whose output is a
fixed point of load + dump, so a pull request that adds a paper shows only
that paper's lines.
"""

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.core.schema import field_order

Paper = dict[str, Any]


class DataFileError(ValueError):
    """The data file cannot be read as a list of papers; the message says where."""


# -- the data file ---------------------------------------------------------------


# libyaml's loader when PyYAML was built with it: the same documents, several times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line text as ``|`` literals, keys in schema order."""


# YAML 1.1's other line breaks: PyYAML writes them raw and reads U+0085 back as
# a space, so a text holding one is double-quoted, where they are escaped.
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    if any(mark in text for mark in _OTHER_BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_str)


def dump_papers(papers: Iterable[Paper]) -> str:
    order = field_order()
    ordered = [{key: paper[key] for key in order if key in paper} for paper in papers]
    return yaml.dump(
        ordered,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )


@contextmanager
def _no_garbage_collection() -> Iterator[None]:
    """Pause the cycle collector while PyYAML builds many small acyclic objects.

    Its full collections, triggered again and again by the growing heap, made
    loading grow with the square of the list's length (bench/render_scale.py).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_papers(text: str) -> list[Paper]:
    """Parse the data file; a defect is reported with its line, never as a traceback."""
    try:
        with _no_garbage_collection():
            data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DataFileError(f"{where}{problem}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise DataFileError("the file must be a YAML list of papers (each item starting with '- ')")
    return data


def add_paper(papers: list[Paper], paper: Paper) -> list[Paper]:
    """Insert a paper at the top of its year, where readers look for what is new."""
    position = next(
        (i for i, other in enumerate(papers) if _year_of(other) <= paper["year"]), len(papers)
    )
    return [*papers[:position], paper, *papers[position:]]


def _year_of(paper: Paper) -> int:
    year = paper.get("year") if isinstance(paper, dict) else None
    return year if isinstance(year, int) else 0


# -- duplicates ------------------------------------------------------------------

_ARXIV = re.compile(
    r"^(?:export\.)?arxiv\.org/(?:abs|pdf|html|format)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?$"
)


def paper_key(url: str) -> str:
    """One key per paper whatever form its link takes (arXiv abs/pdf/version, www, slash)."""
    arxiv = arxiv_id(url)
    if arxiv:
        return f"arxiv:{arxiv}"
    try:
        parts = urlsplit(url.strip())
    except ValueError:  # e.g. a "[" in the host ("Invalid IPv6 URL"): text, not a link
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier (no version) an arXiv link names, in any of its forms; else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    arxiv = _ARXIV.match(f"{host}{parts.path.rstrip('/')}".lower())
    return arxiv["id"] if arxiv else None


def title_key(title: str) -> str:
    """Titles that differ only in case, accents, punctuation or spacing are the same title."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def identity_keys(paper: Paper) -> list[tuple[str, str]]:
    """What identifies a paper: its normalised link and its normalised title."""
    keys = []
    if isinstance(paper.get("paper_url"), str):
        keys.append(("paper_url", paper_key(paper["paper_url"])))
    if isinstance(paper.get("title"), str):
        keys.append(("title", title_key(paper["title"])))
    return keys


def find_duplicate(paper: Paper, papers: Iterable[Paper]) -> tuple[Paper, str] | None:
    """The listed paper that ``paper`` repeats, and which field gave it away."""
    keys = set(identity_keys(paper))
    for other in papers:
        for key in identity_keys(other):
            if key in keys:
                return other, key[0]
    return None


def duplicate_pairs(papers: list[Paper]) -> list[tuple[int, int, str]]:
    """Index pairs (earlier, later) of papers that are one paper, in one pass over the list."""
    seen: dict[tuple[str, str], int] = {}
    pairs = []
    for index, paper in enumerate(papers):
        keys = identity_keys(paper) if isinstance(paper, dict) else []
        match = next((key for key in keys if key in seen), None)
        if match:
            pairs.append((seen[match], index, match[0]))
        for key in keys:
            seen.setdefault(key, index)
    return pairs
