"""``python -m bot``: the list's commands (render, check, form) and the service's.

The list's CI runs ``check``; a deployment runs ``worker`` (and gunicorn, see
the Procfile); a developer runs ``sandbox`` and drives it with ``send``.
"""

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot import github_app, paths, sandbox, send, service
from bot.issue_form import form_problems, write_form
from bot.papers import DataFileError, duplicate_pairs, load_papers, schema_problems
from bot.table import ReadmeError, update_readme


def data_problems(papers: list) -> list[str]:
    """Every reason the list is not publishable, naming the paper and the field."""
    problems = []
    for number, paper in enumerate(papers, start=1):
        name = _name(paper, number)
        problems += [f"{name}: {p.field or 'paper'}: {p.message}" for p in schema_problems(paper)]
    for first, second, field in duplicate_pairs(papers):
        problems.append(
            f"{_name(papers[second], second + 1)}: {field}: same paper as "
            f"{_name(papers[first], first + 1)}"
        )
    return problems


def _name(paper: object, number: int) -> str:
    title = paper.get("title") if isinstance(paper, dict) else None
    return f"paper {number} ({title!r})" if isinstance(title, str) else f"paper {number}"


def _read(root: Path, name: str) -> str:
    return (root / name).read_text(encoding="utf-8")


def render(root: Path) -> int:
    papers = load_papers(_read(root, paths.DATA_IN_REPO))
    problems = data_problems(papers)
    if problems:
        return _fail(problems, "fix the data before rendering")
    readme = _read(root, paths.README_IN_REPO)
    (root / paths.README_IN_REPO).write_text(update_readme(readme, papers), encoding="utf-8")
    print(f"README.md: table rendered with {len(papers)} papers")
    return 0


def check(root: Path) -> int:
    papers = load_papers(_read(root, paths.DATA_IN_REPO))
    problems = [f"{paths.DATA_IN_REPO}: {problem}" for problem in data_problems(papers)]
    problems += form_problems(schema=root / paths.SCHEMA_IN_REPO, form=root / paths.FORM_IN_REPO)
    if not problems:
        readme = _read(root, paths.README_IN_REPO)
        if update_readme(readme, papers) != readme:
            problems.append("README.md: the table is out of date; run `python -m bot render`")
    if problems:
        return _fail(problems, "check failed")
    print(f"ok: {len(papers)} papers, README.md in sync")
    return 0


def form(root: Path) -> int:
    write_form(schema=root / paths.SCHEMA_IN_REPO, form=root / paths.FORM_IN_REPO)
    print(f"{paths.FORM_IN_REPO}: generated from {paths.SCHEMA_IN_REPO}")
    return 0


def _fail(problems: list[str], summary: str) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{summary}: {len(problems)} problem(s)", file=sys.stderr)
    return 1


def _on_checkout(command: Callable[[Path], int]) -> Callable[[argparse.Namespace], int]:
    return lambda args: command(args.root)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


@dataclass(frozen=True)
class Command:
    run: Callable[[argparse.Namespace], int]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments


COMMANDS = {
    "render": Command(_on_checkout(render), "rewrite the table in README.md from data/papers.yaml"),
    "check": Command(
        _on_checkout(check),
        "fail when the data is invalid or duplicated, or README/form are stale",
    ),
    "form": Command(_on_checkout(form), "regenerate the New paper issue form from the schema"),
    "worker": Command(
        service.worker,
        "run the job queue's worker (reconciles at start-up and every 10 minutes)",
        service.add_worker_arguments,
    ),
    "serve": Command(
        service.serve,
        "run the Procfile's processes (web and worker) with this environment",
        service.add_serve_arguments,
    ),
    "reconcile": Command(
        service.reconcile,
        "complete what missed deliveries left undone on the open intake issues",
        service.add_reconcile_arguments,
    ),
    "sandbox": Command(
        sandbox.sandbox,
        "run the service against a local GitHub stand-in seeded from this checkout; "
        "`sandbox show N` prints issue N's comments and pull request",
        sandbox.add_arguments,
    ),
    "send": Command(
        send.send,
        "sign and post a webhook delivery to a running bot (sandbox or any deployment)",
        send.add_arguments,
    ),
    "app-link": Command(
        github_app.app_link,
        "print the link that registers the GitHub App from app-manifest.json",
        github_app.add_app_link_arguments,
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--root", type=Path, default=paths.ROOT, help="the list's checkout (default: this one)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        command.arguments(commands.add_parser(name, help=command.help))
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except (DataFileError, ReadmeError) as error:
        where = paths.DATA_IN_REPO if isinstance(error, DataFileError) else "README.md"
        return _fail([f"{where}: {error}"], f"{args.command} failed")
