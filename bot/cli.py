"""``python -m bot``: the list's commands (render, check, form) and the service's.

The list's CI runs ``check``; a deployment runs ``worker`` (and gunicorn, see
the Procfile), or, without a server, a GitHub Actions workflow runs ``action``;
a developer runs ``sandbox`` and drives it with ``send``.

This module is the whole command line: every command's arguments are
declared here, and its implementation is imported only when it runs, so
``--help`` and ``check`` start fast and production commands never load the
developer tools (or the GitHub stand-in they drive).
"""

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core import paths


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def _worker_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=int, default=2, help="jobs run at once (default 2)")


def _serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=8000, help="web port when PORT is not set (default 8000)"
    )


def _reconcile_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--grace",
        type=float,
        default=60,
        help="leave alone issues and commands younger than this many seconds (default 60)",
    )


def _action_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--grace",
        type=float,
        default=600,
        help="on a schedule: leave alone issues and commands younger than this many seconds, "
        "whose own runs may still wait for a runner (default 600)",
    )


def _sandbox_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="the bot's port (default 8000)")
    parser.add_argument(
        "--github-port", type=int, default=0, help="the stand-in's port (default: any free one)"
    )
    actions = parser.add_subparsers(dest="sandbox_action")
    shown = actions.add_parser("show", help="an issue's comments and pull request (with diff)")
    shown.add_argument("number", type=int)


def _send_arguments(parser: argparse.ArgumentParser) -> None:
    kinds = parser.add_subparsers(dest="kind", required=True)

    def kind(name: str, help_text: str, user: str | None) -> argparse.ArgumentParser:
        sub = kinds.add_parser(name, help=help_text)
        sub.add_argument("--url", help="the bot's webhook URL (default: the sandbox's)")
        sub.add_argument("--secret", help="the webhook secret (default: sandbox, environment)")
        if user:
            sub.add_argument("--user", default=user, help=f"who acts (default {user})")
        return sub

    replay = kind("payload", "replay a saved payload against any deployment", None)
    replay.add_argument("file", help="the payload, a JSON file")
    replay.add_argument("--event", required=True, help="X-GitHub-Event, e.g. issues")
    replay.add_argument("--delivery", help="X-GitHub-Delivery (default: a new id)")
    issue = kind(
        "issue", "file an issue from a Markdown body with its form's label (sandbox)", "carol"
    )
    issue.add_argument("file", help="the issue body, e.g. tests/bodies/full.md")
    issue.add_argument("--title", help="the issue's title (default: the form's, and the paper)")
    issue.add_argument(
        "--kind",
        dest="form",
        choices=["new", "update", "remove"],
        help="the form (default: the one whose headings the body has)",
    )
    edit = kind("edit", "replace an issue's body (sandbox)", "carol")
    edit.add_argument("number", type=int)
    edit.add_argument("file")
    comment = kind("comment", "comment on an issue (sandbox)", "alice")
    comment.add_argument("number", type=int)
    comment.add_argument("text")
    approve = kind("approve", "comment /approve on an issue (sandbox)", "alice")
    approve.add_argument("number", type=int)


def _app_link_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--webhook-url", required=True, help="e.g. https://bot.example.org/webhook")
    parser.add_argument("--org", help="register the App for this organization (default: you)")
    parser.add_argument(
        "--github", default="https://github.com", help="GitHub's web URL (Enterprise: yours)"
    )


@dataclass(frozen=True)
class Command:
    """A command: where its implementation lives (``module:function``), loaded when it runs."""

    target: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments

    def run(self, args: argparse.Namespace) -> int:
        module, function = self.target.split(":")
        return getattr(importlib.import_module(module), function)(args)


COMMANDS = {
    "render": Command(
        "bot.checkout:render", "rewrite the table in README.md from data/papers.yaml"
    ),
    "check": Command(
        "bot.checkout:check",
        "fail when the data is invalid or duplicated, or README/forms are stale",
    ),
    "form": Command(
        "bot.checkout:form", "regenerate the issue forms (new, update, remove) from the schema"
    ),
    "worker": Command(
        "bot.service.processes:worker",
        "run the job queue's worker (reconciles at start-up and every 10 minutes)",
        _worker_arguments,
    ),
    "serve": Command(
        "bot.service.processes:serve",
        "run the Procfile's processes (web and worker) with this environment",
        _serve_arguments,
    ),
    "reconcile": Command(
        "bot.service.processes:reconcile",
        "complete what missed deliveries left undone on the open intake issues",
        _reconcile_arguments,
    ),
    "watch": Command(
        "bot.service.processes:watch",
        "check every link of the list now, update the link report and the pull request "
        "for released code (the worker runs it daily)",
    ),
    "action": Command(
        "bot.service.action:action",
        "handle the event of a GitHub Actions job (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH); "
        "a schedule or a manual run reconciles",
        _action_arguments,
    ),
    "sandbox": Command(
        "bot.dev.sandbox:sandbox",
        "run the service against a local GitHub stand-in seeded from this checkout; "
        "`sandbox show N` prints issue N's comments and pull request",
        _sandbox_arguments,
    ),
    "send": Command(
        "bot.dev.send:send",
        "sign and post a webhook delivery to a running bot (sandbox or any deployment)",
        _send_arguments,
    ),
    "app-link": Command(
        "bot.dev.app_link:app_link",
        "print the link that registers the GitHub App from app-manifest.json",
        _app_link_arguments,
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--root", type=Path, default=paths.ROOT, help="the list's checkout (default: this one)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        command.arguments(commands.add_parser(name, help=command.help))
    args = parser.parse_args(argv)
    return COMMANDS[args.command].run(args)
