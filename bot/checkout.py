"""``render``, ``check`` and ``form``: the list's own commands, on a checkout's files.

The only part of the bot that writes the list's files on disk; what they
compute is the pure core's (``bot.core``), the same code the bot runs on GitHub.
Every problem is one line that starts with the file (and the line) it is
about and says what to do, the same for ``render`` and ``check``; ``render``
writes nothing unless the data is publishable.
"""

import argparse
import sys
from pathlib import Path

from bot.core import paths
from bot.core.forms import FORM_PATHS, form_problems, write_form
from bot.core.listing import data_problems
from bot.core.pages import PAGES_DIR, generated_pages
from bot.core.papers import DataFileError, Paper, locate_papers
from bot.core.table import ReadmeError


class _Unreadable(Exception):
    """A file of the checkout that cannot be read; the message names it and what to do."""


def _read(root: Path, name: str) -> str:
    try:
        return (root / name).read_text(encoding="utf-8")
    except OSError as error:
        raise _Unreadable(
            f"{name}: cannot be read ({error.strerror or error}); run the command in the "
            "list's checkout, or pass --root with its path"
        ) from None
    except UnicodeDecodeError as error:
        raise _Unreadable(
            f"{name}: is not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None


def _papers(root: Path) -> tuple[list[Paper], list[str]]:
    """The data file's papers, and every reason not to publish them (file and line first)."""
    try:
        papers, where = locate_papers(_read(root, paths.DATA_IN_REPO))
    except DataFileError as error:
        return [], [f"{paths.DATA_IN_REPO}: {error}"]
    return papers, [f"{paths.DATA_IN_REPO}: {problem}" for problem in data_problems(papers, where)]


def render(args: argparse.Namespace) -> int:
    root = args.root
    try:
        papers, problems = _papers(root)
        if problems:
            return _fail(problems, "render refused, README.md left as it was")
        pages = generated_pages(papers, _read(root, paths.README_IN_REPO))
    except (_Unreadable, ReadmeError) as error:
        return _fail([_where(error)], "render refused, README.md left as it was")
    for path in _page_files(root) - pages.keys():
        (root / path).unlink()
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    others = f" and {len(pages) - 1} year pages" if len(pages) > 1 else ""
    print(f"README.md{others}: table rendered with {len(papers)} papers")
    return 0


def check(args: argparse.Namespace) -> int:
    root = args.root
    try:
        papers, problems = _papers(root)
        for kind, form in FORM_PATHS.items():
            problems += form_problems(
                schema=root / paths.SCHEMA_IN_REPO, form=root / form, kind=kind
            )
        if not problems:
            pages = generated_pages(papers, _read(root, paths.README_IN_REPO))
            problems += _page_problems(root, pages)
    except (_Unreadable, ReadmeError) as error:
        return _fail([_where(error)], "check failed")
    if problems:
        return _fail(problems, "check failed")
    others = f" and {len(pages) - 1} year pages" if len(pages) > 1 else ""
    print(f"ok: {len(papers)} papers, README.md{others} in sync")
    return 0


def _page_problems(root: Path, pages: dict[str, str]) -> list[str]:
    """Each generated page that is missing or differs, and each page the data no longer makes."""
    fix = "run `python -m bot render`"
    problems = []
    for path, text in pages.items():
        if not (root / path).is_file():
            problems.append(f"{path}: missing; {fix}")
        elif _read(root, path) != text:
            what = "the table is" if path == paths.README_IN_REPO else "the page is"
            problems.append(f"{path}: {what} out of date; {fix}")
    problems += [
        f"{path}: not a page the data makes (a stray page); {fix}"
        for path in sorted(_page_files(root) - pages.keys())
    ]
    return problems


def _page_files(root: Path) -> set[str]:
    """The generated pages' files on disk (README.md aside): Markdown files in ``papers/``."""
    folder = root / PAGES_DIR
    return {p.relative_to(root).as_posix() for p in folder.glob("*.md") if p.is_file()}


def form(args: argparse.Namespace) -> int:
    root = args.root
    for kind, form in FORM_PATHS.items():
        write_form(schema=root / paths.SCHEMA_IN_REPO, form=root / form, kind=kind)
        print(f"{form}: generated from {paths.SCHEMA_IN_REPO}")
    return 0


def _where(error: Exception) -> str:
    return str(error) if isinstance(error, _Unreadable) else f"{paths.README_IN_REPO}: {error}"


def _fail(problems: list[str], summary: str) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{summary}: {len(problems)} problem(s)", file=sys.stderr)
    return 1
