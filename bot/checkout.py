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
from bot.core.papers import DataFileError, Paper, locate_papers
from bot.core.table import ReadmeError, update_readme


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
        readme = _read(root, paths.README_IN_REPO)
        table = update_readme(readme, papers)
    except (_Unreadable, ReadmeError) as error:
        return _fail([_where(error)], "render refused, README.md left as it was")
    (root / paths.README_IN_REPO).write_text(table, encoding="utf-8")
    print(f"README.md: table rendered with {len(papers)} papers")
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
            readme = _read(root, paths.README_IN_REPO)
            if update_readme(readme, papers) != readme:
                problems.append("README.md: the table is out of date; run `python -m bot render`")
    except (_Unreadable, ReadmeError) as error:
        return _fail([_where(error)], "check failed")
    if problems:
        return _fail(problems, "check failed")
    print(f"ok: {len(papers)} papers, README.md in sync")
    return 0


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
