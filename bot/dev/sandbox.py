"""Sandbox mode: the real service, against a local GitHub seeded from this checkout.

``python -m bot sandbox`` starts the GitHub stand-in on 127.0.0.1, creates
the list's repository from this checkout's README, data, schema and form,
gives the bot a token and ``alice`` write access, starts the arXiv stand-in
(``ARXIV_API_URL`` points at it, so autofill reads its records), then runs
the Procfile's processes (gunicorn and the worker, same code, same SQLite
queue) pointed at them, listening on 127.0.0.1 only (its webhook secret is no
secret). Nothing leaves the machine. What a driver needs (the webhook URL and
secret, the stand-in's URL, the users' tokens) is written to
``var/sandbox/sandbox.json``, which ``python -m bot send`` and ``sandbox
show`` read, next to the queue and four example issue bodies: a paper typed
in full, one given by its arXiv link alone, an update of a listed paper and
a removal of one.

The folder may be shared (``SANDBOX_STATE=$HOME/x.json``): the sandbox deletes
only the files it writes, by name, and a lock file beside the state keeps a
second sandbox from starting on top of a running one.
"""

import argparse
import fcntl
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.core import paths
from bot.core.change import branch_for
from bot.core.form_parser import render_body
from bot.core.forms import build_form
from bot.core.kinds import Kind
from bot.core.pages import PAGES_DIR
from bot.core.schema import load_schema
from bot.github.errors import REQUEST_FAILURES, status_of, what_github_said
from bot.service import procfile
from standin import Standin, remote_client
from standin.arxiv import ArxivStandin

# Where the running sandbox leaves its state and queue (SANDBOX_STATE: another file).
STATE = Path(os.environ.get("SANDBOX_STATE") or paths.ROOT / "var" / "sandbox" / "sandbox.json")
QUEUE = STATE.with_name("queue.db")
EXAMPLE = STATE.with_name("new-paper.md")
ARXIV_EXAMPLE = STATE.with_name("arxiv-link.md")
UPDATE_EXAMPLE = STATE.with_name("update-paper.md")
REMOVE_EXAMPLE = STATE.with_name("remove-paper.md")
# Held (flock) by the running sandbox; never deleted, so that two starts always lock one file.
LOCK = STATE.with_name(f"{STATE.name}.lock")
# Everything a run writes, and so all that a new run may delete: a fresh world, a fresh queue.
OWN_FILES = (
    STATE,
    EXAMPLE,
    ARXIV_EXAMPLE,
    UPDATE_EXAMPLE,
    REMOVE_EXAMPLE,
    QUEUE,
    *(QUEUE.with_name(f"{QUEUE.name}{journal}") for journal in ("-wal", "-shm")),
)
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
# A paper the arXiv stand-in holds, given by its link alone: autofill does the rest.
ARXIV_EXAMPLE_PAPER = {"paper_url": "https://arxiv.org/pdf/2306.03413v1.pdf"}
# A listed paper whose code came out, and one that is not about video: the two other forms.
UPDATE_EXAMPLE_ANSWERS = {
    "paper": "https://arxiv.org/abs/2303.14618",
    "code_available": "Yes",
    "notes": "none",
}
REMOVE_EXAMPLE_ANSWERS = {
    "paper": "Masked-attention Mask Transformer for Universal Image Segmentation",
    "reason": "An image segmentation paper; its video results are in a separate report.",
}
REPO = "octo/awesome-vis"
# The sandbox's service is for this machine only.
HOST = "127.0.0.1"
BOT_LOGIN = "vis-bot[bot]"
SECRET = "sandbox-webhook-secret"
# The people of the sandbox: a maintainer, a contributor, and someone without access.
ROLES = {"alice": "write", "carol": "read", "mallory": "none"}
LIST_FILES = (paths.README_IN_REPO, paths.DATA_IN_REPO, paths.SCHEMA_IN_REPO, *paths.FORMS_IN_REPO)


def token_of(login: str) -> str:
    return f"sandbox-token-{login}"


def seed(github: Standin, root: Path = paths.ROOT) -> None:
    """The list's repository as this checkout has it (its year pages too), the bot, the people."""
    github.add_token(token_of("bot"), BOT_LOGIN)
    files = {name: (root / name).read_bytes() for name in LIST_FILES}
    files |= {page.relative_to(root).as_posix(): page.read_bytes() for page in _pages(root)}
    github.create_repo(REPO, files=files)
    for login, role in ROLES.items():
        github.add_token(token_of(login), login)
        github.set_permission(REPO, login, role)


def _pages(root: Path) -> list[Path]:
    """The checkout's generated year pages (none while the table fits in README.md)."""
    return sorted((root / PAGES_DIR).glob("*.md"))


def service_environment(github: Standin, arxiv: ArxivStandin, port: int) -> dict[str, str]:
    """This shell's environment, with the bot's settings pointing at the stand-ins.

    AUTOFILL is left as the shell has it (on unless set), to try the bot without it.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    env.pop("REDIS_URL", None)
    return env | {
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_TOKEN": token_of("bot"),
        "GITHUB_API_URL": github.base_url,
        "GITHUB_REPOSITORY": REPO,
        "QUEUE_URL": f"sqlite:///{QUEUE}",
        "ARXIV_API_URL": arxiv.url,
        # The list links to real sites, and nothing of the sandbox leaves the machine.
        "WATCH": "off",
        "PORT": str(port),
        "WEB_HOST": HOST,
    }


def example_body(answers: dict[str, str], kind: Kind = Kind.NEW) -> str:
    """An issue body as GitHub renders the form of ``kind`` for these answers."""
    return render_body(answers, build_form(load_schema(), kind)) + "\n"


def run(args: argparse.Namespace) -> int:
    """Start the stand-in and the service; stop both on Ctrl-C."""
    STATE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(already_running()) from None
        port_is_free(args.port)
        for path in OWN_FILES:  # what a run stopped by SIGKILL left behind
            path.unlink(missing_ok=True)
        return serve(args)


def already_running() -> str:
    """Where the running sandbox listens, to say so instead of starting a second one."""
    try:
        where = json.loads(STATE.read_text(encoding="utf-8"))["webhook_url"]
    except (OSError, ValueError, KeyError):
        where = "starting"
    return (
        f"Error: a sandbox is already running ({where}, state {STATE}); "
        "it was left alone. Stop it with Ctrl-C, or start another with "
        "SANDBOX_STATE=OTHER/sandbox.json and --port."
    )


def port_is_free(port: int) -> None:
    """SystemExit with one line when the bot's port is taken, before anything starts."""
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise SystemExit(
                f"Error: port {port} on {HOST} is in use ({error.strerror}); "
                "pass --port to use another."
            ) from None


def serve(args: argparse.Namespace) -> int:
    """The stand-in and the service, until Ctrl-C; this run's files are removed after."""
    EXAMPLE.write_text(example_body(EXAMPLE_PAPER), encoding="utf-8")
    ARXIV_EXAMPLE.write_text(example_body(ARXIV_EXAMPLE_PAPER), encoding="utf-8")
    UPDATE_EXAMPLE.write_text(example_body(UPDATE_EXAMPLE_ANSWERS, Kind.UPDATE), encoding="utf-8")
    REMOVE_EXAMPLE.write_text(example_body(REMOVE_EXAMPLE_ANSWERS, Kind.REMOVE), encoding="utf-8")
    github = Standin.start(port=args.github_port)
    arxiv = ArxivStandin.start()
    try:
        seed(github)
        state = {
            "webhook_url": f"http://{HOST}:{args.port}/webhook",
            "secret": SECRET,
            "api_url": github.base_url,
            "repository": REPO,
            "tokens": {login: token_of(login) for login in ROLES},
        }
        STATE.write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")
        print(instructions(state), file=sys.stderr, flush=True)
        code = procfile.run_all(service_environment(github, arxiv, args.port))
    finally:
        STATE.unlink(missing_ok=True)
        arxiv.stop()
        github.stop()
    for violation in github.violations:
        print(f"stand-in: a request GitHub would refuse: {violation}", file=sys.stderr)
    return code


def instructions(state: dict[str, Any]) -> str:
    example, arxiv_example = os.path.relpath(EXAMPLE), os.path.relpath(ARXIV_EXAMPLE)
    update, remove = os.path.relpath(UPDATE_EXAMPLE), os.path.relpath(REMOVE_EXAMPLE)
    return f"""
Sandbox: the bot runs against a local GitHub stand-in ({state["api_url"]}),
repository {state["repository"]}, and a local arXiv; nothing leaves this machine.
  webhook  {state["webhook_url"]}   (secret: {state["secret"]})
  people   alice (maintainer, write), carol (contributor), mallory (no access)

In another shell, drive it:
  .venv/bin/python -m bot send issue {example}   # carol files a paper
  .venv/bin/python -m bot sandbox show 1            # the bot's answer
  .venv/bin/python -m bot send issue {arxiv_example}  # a paper by its arXiv link alone
  .venv/bin/python -m bot send edit 1 FILE.md       # carol edits the issue's body
  .venv/bin/python -m bot send approve 1            # alice (maintainer) approves
  .venv/bin/python -m bot sandbox show 1            # comments, the PR and its diff
  .venv/bin/python -m bot send comment 1 "/reject off topic"
  .venv/bin/python -m bot send issue {update}   # carol corrects a listed paper
  .venv/bin/python -m bot send issue {remove}   # carol asks for one to go
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


def issue_of(state: dict[str, Any], login: str, number: int) -> Any:
    """Issue ``number`` of the sandbox's repository, as ``login``; one line when there is none."""
    repo = client(state, login).get_repo(state["repository"])
    try:
        return repo.get_issue(number)
    except REQUEST_FAILURES as error:
        if status_of(error) == 404:
            raise SystemExit(f"Error: the sandbox has no issue #{number}") from None
        raise


@contextmanager
def one_line_errors(state_file: Path = STATE) -> Iterator[None]:
    """A failing request to the stand-in as one line (e.g. a sandbox killed, its state left)."""
    try:
        yield
    except REQUEST_FAILURES as error:
        raise SystemExit(
            f"Error: the sandbox's GitHub stand-in: {what_github_said(error)}; "
            f"is the sandbox of {state_file} still running?"
        ) from None


def show(args: argparse.Namespace) -> int:
    """An issue's comments and labels, and its pull request with the diff."""
    state = load_state()
    repo = client(state, "alice").get_repo(state["repository"])
    issue = issue_of(state, "alice", args.number)
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
    if args.sandbox_action == "show":
        with one_line_errors():
            return show(args)
    return run(args)
