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
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.core.schema import field_order

Paper = dict[str, Any]


class DataFileError(ValueError):
    """The data file cannot be read as a list of papers; the message says where and what to do."""


@dataclass(frozen=True)
class Located:
    """Where one paper of the data file is: its first line, and each key's line and text.

    ``values`` holds, for a key whose value is a plain (unquoted) scalar, the text
    as written, so a message can show how YAML read it (``title: No`` is false).
    """

    line: int
    lines: dict[str, int]
    values: dict[str, str]


class PaperList(list[Paper]):
    """The list's papers, with an index of their identities built on first use.

    A worker keeps a parsed list per version of the data file (``bot.github``)
    and asks it about duplicates on every intake event: the index makes that a
    look-up per key instead of a pass over every paper. Read-only once indexed:
    :func:`add_paper` returns a new list instead of changing this one.
    """

    @cached_property
    def identities(self) -> dict[tuple[str, str], int]:
        """Each identity key, and the position of the first paper that has it."""
        index: dict[tuple[str, str], int] = {}
        for position, paper in enumerate(self):
            for key in identity_keys(paper) if isinstance(paper, dict) else []:
                index.setdefault(key, position)
        return index


# -- the data file ---------------------------------------------------------------


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """libyaml's safe loader when PyYAML has it (several times faster), with two changes.

    A key given twice in one paper is refused: YAML keeps the last one, so a
    hand edit that adds ``year: 1999`` below ``year: 2023`` would silently win.
    And when ``located`` is set, each paper's lines are recorded for messages.
    """

    located: dict[int, Located] | None = None


def _mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[dict[Any, Any]]:
    """A mapping as PyYAML's safe constructor builds it, after the repeated-key check."""
    first: dict[str, int] = {}
    for key, _ in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.value == "<<":  # merge keys may repeat
            continue
        line = key.start_mark.line + 1
        if key.value in first:
            raise DataFileError(
                f"line {line}, column {key.start_mark.column + 1}: `{key.value}:` is given "
                f"a second time in this entry (first at line {first[key.value]}), and YAML "
                f"would keep only the last; keep one `{key.value}:` line"
            )
        first[key.value] = line
    data: dict[Any, Any] = {}
    yield data
    data.update(loader.construct_mapping(node))
    if loader.located is not None:
        values = {
            key.value: value.value
            for key, value in node.value
            if isinstance(key, yaml.ScalarNode)
            and isinstance(value, yaml.ScalarNode)
            and not value.style
        }
        loader.located[id(data)] = Located(node.start_mark.line + 1, first, values)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)


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


def load_papers(text: str) -> PaperList:
    """Parse the data file; a defect is reported with its line, never as a traceback."""
    return PaperList(_load(text, None))


def locate_papers(text: str) -> tuple[list[Paper], list[Located | None]]:
    """The papers and where each one is in the file (for messages to a maintainer)."""
    located: dict[int, Located] = {}
    papers = _load(text, located)
    return papers, [located.get(id(paper)) for paper in papers]


def _load(text: str, located: dict[int, Located] | None) -> list[Paper]:
    loader = _Loader(text)
    loader.located = located
    try:
        with _no_garbage_collection():
            data = loader.get_single_data()
    except yaml.YAMLError as error:
        raise DataFileError(_yaml_problem(error)) from None
    finally:
        loader.dispose()
    if data is None:
        raise DataFileError(
            "line 1: the file holds no papers (it is empty or only comments); restore it "
            "(e.g. `git checkout data/papers.yaml`), or write `[]` for a list of none"
        )
    if not isinstance(data, list):
        raise DataFileError(
            "line 1: the file must be a YAML list of papers; start each paper with `- `"
        )
    return data


# What to do about PyYAML's problems, by the words of its message.
_YAML_FIXES = (
    ("quoted scalar", "close the quote that opens here"),
    ("flow", "close the bracket that opens here, or put the text in quotes"),
    ("tab character", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "put a text holding `: ` in quotes, or fix the indent"),
    ("expected", "look for a quote left open or an indent that is off between the two lines"),
)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's error in one line: where the construct that failed began (an unclosed
    quote is found only at the end of the file), where the parser gave up, what to do."""
    problem = getattr(error, "problem", None) or str(error).split("\n", 1)[0]
    context = getattr(error, "context", None)
    start = getattr(error, "context_mark", None) if context else None
    end = getattr(error, "problem_mark", None)
    mark = start or end
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    what = f"{context}: {problem}" if start else problem
    if start and end and end.line != start.line:
        what += f" at line {end.line + 1}"
    words = f"{context or ''} {problem}"
    fix = next((fix for clue, fix in _YAML_FIXES if clue in words), "fix the YAML there")
    return f"{where}{what}; {fix}"


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
    """The first listed paper that ``paper`` repeats, and which of its fields gave it away."""
    listed = papers if isinstance(papers, PaperList) else PaperList(papers)
    keys = set(identity_keys(paper))
    positions = [listed.identities[key] for key in keys if key in listed.identities]
    if not positions:
        return None
    other = listed[min(positions)]
    return other, next(name for name, value in identity_keys(other) if (name, value) in keys)


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
