"""Sandbox mode: the real service, against a local GitHub seeded from this checkout.

``python -m bot sandbox`` starts the GitHub stand-in on 127.0.0.1, creates
the list's repository from this checkout's README, data, schema and form,
gives the bot a token and ``alice`` write access, then runs the Procfile's
processes (gunicorn and the worker, same code, same SQLite queue) pointed at
it. Nothing leaves the machine. What a driver needs (the webhook URL and
secret, the stand-in's URL, the users' tokens) is written to
``var/sandbox/sandbox.json``, which ``python -m bot send`` and ``sandbox
show`` read, next to the queue and an example issue body.
"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from bot.core import paths
from bot.core.change import branch_for
from bot.core.form_parser import render_body
from bot.service import procfile
from standin import Standin, remote_client

# Where the running sandbox leaves its state and queue (SANDBOX_STATE: another file).
STATE = Path(os.environ.get("SANDBOX_STATE") or paths.ROOT / "var" / "sandbox" / "sandbox.json")
QUEUE = STATE.with_name("queue.db")
EXAMPLE = STATE.with_name("new-paper.md")
# A paper the list lacks, for the first try: the body GitHub renders from the form.
EXAMPLE_PAPER = {
    "title": "DVIS: Decoupled Video Instance Segmentation Framework",
    "year": "2023",
    "venue": "ICCV",
    "tracking": "Online and offline",
    "datasets": "YouTube-VIS 2019, YouTube-VIS 2021, OVIS",
    "code_available": "Yes",
    "paper_url": "https://arxiv.org/abs/2306.03413",
    "code_url": "https://github.com/zhang-tao-whu/DVIS",
}
REPO = "octo/awesome-vis"
BOT_LOGIN = "vis-bot[bot]"
SECRET = "sandbox-webhook-secret"
# The people of the sandbox: a maintainer, a contributor, and someone without access.
ROLES = {"alice": "write", "carol": "read", "mallory": "none"}
LIST_FILES = (paths.README_IN_REPO, paths.DATA_IN_REPO, paths.SCHEMA_IN_REPO, paths.FORM_IN_REPO)


def token_of(login: str) -> str:
    return f"sandbox-token-{login}"


def seed(github: Standin, root: Path = paths.ROOT) -> None:
    """The list's repository as this checkout has it, the bot's token and the people."""
    github.add_token(token_of("bot"), BOT_LOGIN)
    github.create_repo(REPO, files={name: (root / name).read_bytes() for name in LIST_FILES})
    for login, role in ROLES.items():
        github.add_token(token_of(login), login)
        github.set_permission(REPO, login, role)


def service_environment(github: Standin, port: int) -> dict[str, str]:
    """This shell's environment, with the bot's settings pointing at the stand-in."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    env.pop("REDIS_URL", None)
    return env | {
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_TOKEN": token_of("bot"),
        "GITHUB_API_URL": github.base_url,
        "GITHUB_REPOSITORY": REPO,
        "QUEUE_URL": f"sqlite:///{QUEUE}",
        "PORT": str(port),
    }


def example_body() -> str:
    """An issue body as GitHub renders the form, for ``EXAMPLE_PAPER``."""
    return render_body(EXAMPLE_PAPER) + "\n"


def run(args: argparse.Namespace) -> int:
    """Start the stand-in and the service; stop both on Ctrl-C."""
    shutil.rmtree(STATE.parent, ignore_errors=True)  # a fresh world, a fresh queue
    STATE.parent.mkdir(parents=True)
    EXAMPLE.write_text(example_body(), encoding="utf-8")
    github = Standin.start(port=args.github_port)
    try:
        seed(github)
        state = {
            "webhook_url": f"http://127.0.0.1:{args.port}/webhook",
            "secret": SECRET,
            "api_url": github.base_url,
            "repository": REPO,
            "tokens": {login: token_of(login) for login in ROLES},
        }
        STATE.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        print(instructions(state), file=sys.stderr, flush=True)
        code = procfile.run_all(service_environment(github, args.port))
    finally:
        STATE.unlink(missing_ok=True)
        github.stop()
    for violation in github.violations:
        print(f"stand-in: a request GitHub would refuse: {violation}", file=sys.stderr)
    return code


def instructions(state: dict[str, Any]) -> str:
    example = os.path.relpath(EXAMPLE)
    return f"""
Sandbox: the bot runs against a local GitHub stand-in ({state["api_url"]}),
repository {state["repository"]}; nothing leaves this machine.
  webhook  {state["webhook_url"]}   (secret: {state["secret"]})
  people   alice (maintainer, write), carol (contributor), mallory (no access)

In another shell, drive it:
  .venv/bin/python -m bot send issue {example}   # carol files a paper
  .venv/bin/python -m bot sandbox show 1            # the bot's answer
  .venv/bin/python -m bot send edit 1 FILE.md       # carol edits the issue's body
  .venv/bin/python -m bot send approve 1            # alice (maintainer) approves
  .venv/bin/python -m bot sandbox show 1            # comments, the PR and its diff
  .venv/bin/python -m bot send comment 1 "/reject off topic"
Ctrl-C stops everything; the sandbox starts afresh each time.
"""


def load_state() -> dict[str, Any]:
    """What the running sandbox wrote; a clear error when none is running."""
    if not STATE.exists():
        raise SystemExit(
            "Error: no sandbox is running (start one with `make run` or `python -m bot sandbox`)"
        )
    return json.loads(STATE.read_text(encoding="utf-8"))


def client(state: dict[str, Any], login: str) -> Any:
    """PyGithub on the sandbox's stand-in, as one of its people."""
    if login not in state["tokens"]:
        known = ", ".join(state["tokens"])
        raise SystemExit(f"Error: no sandbox user {login!r}; the sandbox has {known}")
    return remote_client(state["api_url"], state["tokens"][login])


def show(args: argparse.Namespace) -> int:
    """An issue's comments and labels, and its pull request with the diff."""
    state = load_state()
    repo = client(state, "alice").get_repo(state["repository"])
    issue = repo.get_issue(args.number)
    labels = ", ".join(label.name for label in issue.labels) or "none"
    print(f"#{issue.number} {issue.title} [{issue.state}] labels: {labels}")
    for comment in issue.get_comments():
        print(f"\n--- {comment.user.login} (comment {comment.id}):\n{comment.body.rstrip()}")
    owner = state["repository"].split("/")[0]
    for pull in repo.get_pulls(state="all", head=f"{owner}:{branch_for(args.number)}"):
        print(f"\n=== pull request #{pull.number} [{pull.state}] {pull.title}\n{pull.body}")
        for changed in pull.get_files():
            print(f"\n+++ {changed.filename} ({changed.status})\n{changed.patch or ''}")
    return 0


def sandbox(args: argparse.Namespace) -> int:
    return show(args) if args.sandbox_action == "show" else run(args)
