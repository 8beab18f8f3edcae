"""``render``, ``check`` and ``form``: the list's own commands, on a checkout's files.

The only part of the bot that writes the list's files on disk; what they
compute is the pure core's (``bot.core``), the same code the bot runs on GitHub.
"""

import argparse
import sys
from pathlib import Path

from bot.core import paths
from bot.core.forms import form_problems, write_form
from bot.core.listing import data_problems
from bot.core.papers import DataFileError, load_papers
from bot.core.table import ReadmeError, update_readme


def _read(root: Path, name: str) -> str:
    return (root / name).read_text(encoding="utf-8")


def render(args: argparse.Namespace) -> int:
    root = args.root
    try:
        papers = load_papers(_read(root, paths.DATA_IN_REPO))
        problems = data_problems(papers)
        if problems:
            return _fail(problems, "fix the data before rendering")
        readme = _read(root, paths.README_IN_REPO)
        (root / paths.README_IN_REPO).write_text(update_readme(readme, papers), encoding="utf-8")
    except (DataFileError, ReadmeError) as error:
        return _fail([_where(error)], "render failed")
    print(f"README.md: table rendered with {len(papers)} papers")
    return 0


def check(args: argparse.Namespace) -> int:
    root = args.root
    try:
        papers = load_papers(_read(root, paths.DATA_IN_REPO))
        problems = [f"{paths.DATA_IN_REPO}: {problem}" for problem in data_problems(papers)]
        problems += form_problems(
            schema=root / paths.SCHEMA_IN_REPO, form=root / paths.FORM_IN_REPO
        )
        if not problems:
            readme = _read(root, paths.README_IN_REPO)
            if update_readme(readme, papers) != readme:
                problems.append("README.md: the table is out of date; run `python -m bot render`")
    except (DataFileError, ReadmeError) as error:
        return _fail([_where(error)], "check failed")
    if problems:
        return _fail(problems, "check failed")
    print(f"ok: {len(papers)} papers, README.md in sync")
    return 0


def form(args: argparse.Namespace) -> int:
    root = args.root
    write_form(schema=root / paths.SCHEMA_IN_REPO, form=root / paths.FORM_IN_REPO)
    print(f"{paths.FORM_IN_REPO}: generated from {paths.SCHEMA_IN_REPO}")
    return 0


def _where(error: Exception) -> str:
    where = paths.DATA_IN_REPO if isinstance(error, DataFileError) else paths.README_IN_REPO
    return f"{where}: {error}"


def _fail(problems: list[str], summary: str) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{summary}: {len(problems)} problem(s)", file=sys.stderr)
    return 1
