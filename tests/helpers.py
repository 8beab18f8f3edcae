"""What many tests do, written once: the list's repository, filing a paper, commenting.

Tests import these instead of importing each other. The payloads are the
stand-in's (GitHub's documented examples), the bodies what GitHub renders
from the committed form.
"""

import hashlib
import hmac
import re
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from markdown_it import MarkdownIt

from bot.core import paths
from bot.core.change import branch_for
from bot.core.form_parser import render_body
from bot.core.messages import STATUS_MARKER
from bot.core.pages import generated_pages
from bot.core.papers import add_paper, dump_papers, load_papers
from standin import Standin

REPO = "octo/awesome-vis"
BOT_TOKEN = "bot-token"
BOT_LOGIN = "vis-bot[bot]"
SECRET = "test-webhook-secret"
MAINTAINER = "alice"
LIST_FILES = (
    paths.README_IN_REPO,
    paths.DATA_IN_REPO,
    paths.SCHEMA_IN_REPO,
    *paths.FORMS_IN_REPO,
)

PAPER = {
    "title": "DVIS: Decoupled Video Instance Segmentation Framework",
    "year": "2023",
    "venue": "ICCV",
    "datasets": "YouTube-VIS 2019, OVIS",
    "code_available": "Yes",
    "paper_url": "https://arxiv.org/abs/2306.03413",
    "code_url": "https://github.com/zhang-tao-whu/DVIS",
}

SECOND = {
    **PAPER,
    "title": "CTVIS: Consistent Training for Online Video Instance Segmentation",
    "paper_url": "https://arxiv.org/abs/2307.12616",
    "code_url": None,
}


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def form_body(values: dict, newline: str = "\n") -> str:
    """An issue body exactly as GitHub renders the form: every section, empty ones too."""
    return render_body(values).replace("\n", newline)


def seed(standin: Standin) -> None:
    """The list's repository as this checkout has it, and the bot's token."""
    standin.add_token(BOT_TOKEN, BOT_LOGIN)
    standin.create_repo(REPO, files={name: (paths.ROOT / name).read_bytes() for name in LIST_FILES})


def file_issue(standin: Standin, body: str, user: str = "carol") -> tuple[int, dict]:
    """An issue as the form files it, and the ``issues.opened`` payload GitHub sends."""
    title = "[Paper]: DVIS"
    number = standin.create_issue(REPO, title=title, body=body, user=user, labels=["new paper"])
    payload = standin.payload(
        REPO,
        "issues",
        "opened",
        issue_number=number,
        issue_title=title,
        issue_body=body,
        sender=user,
    )
    return number, payload


def status_comments(standin: Standin, number: int) -> list[dict]:
    """The bot's comments carrying the status marker (one, if all is well)."""
    return [
        comment
        for comment in standin.comments(REPO, number)
        if comment["body"].startswith(STATUS_MARKER) and comment["user"]["login"] == BOT_LOGIN
    ]


def status_comment(standin: Standin, number: int) -> dict | None:
    return next(iter(status_comments(standin, number)), None)


def only_status(bot, number) -> str:
    comments = status_comments(bot.github, number)
    assert len(comments) == 1
    return comments[0]["body"]


def submit(bot, values=PAPER, user="carol"):
    """A contributor files the form; the bot answers; the maintainer may decide."""
    number, payload = bot.file_issue(form_body(values), user=user)
    bot.deliver("issues", payload)
    bot.github.set_permission(REPO, MAINTAINER, "write")
    return number


def post_comment(standin: Standin, number: int, body: str, user: str = MAINTAINER) -> dict:
    """A comment on an issue, and the ``issue_comment.created`` payload GitHub sends for it.

    Like GitHub's, the payload carries the real comment's id and the issue as it is now.
    """
    issue = standin.issue(REPO, number)
    comment_id = standin.add_comment(REPO, number, body, user=user)
    return standin.payload(
        REPO,
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=issue["body"],
        issue_labels=[label["name"] for label in issue["labels"]],
        comment_id=comment_id,
        comment_body=body,
        comment_user=user,
        sender=user,
    )


def comment(bot, number, body, user=MAINTAINER, delivery=""):
    payload = post_comment(bot.github, number, body, user)
    return bot.deliver("issue_comment", payload, delivery=delivery)


def approve(bot, values):
    number = submit(bot, values)
    comment(bot, number, "/approve")
    pull = next(p for p in bot.github.pulls(REPO) if p["head"]["ref"] == branch_for(number))
    return number, pull["number"]


def merge(bot, pull_number):
    before = bot.github.branch(REPO, "main")
    bot.github.client(BOT_TOKEN).get_repo(REPO).get_pull(pull_number).merge()
    after = bot.github.branch(REPO, "main")
    return bot.payload("push", ref="refs/heads/main", before=before, after=after)


def move_main(standin: Standin) -> str:
    """Main moves as a merged pull request moves it: one more paper, its pages regenerated.

    The paper is new each time, so the head, the data file and the README are
    versions no job has read before (the worker keeps what it read by sha).
    """
    data = standin.file(REPO, paths.DATA_IN_REPO).decode()
    readme = standin.file(REPO, paths.README_IN_REPO).decode()
    token = uuid.uuid4().hex[:12]
    paper = {"title": f"Merged Paper {token}", "year": 2021, "venue": "CVPR"}
    papers = add_paper(load_papers(data), {**paper, "paper_url": f"https://x.org/{token}"})
    files = {paths.DATA_IN_REPO: dump_papers(papers), **generated_pages(papers, readme)}
    return standin.push(REPO, files, message=f"Add {paper['title']}")


def open_pulls(bot):
    return [pull for pull in bot.github.pulls(REPO) if pull["state"] == "open"]


def bot_comments(bot, number):
    """What the bot said on the issue, as readers see it (hidden trailing keys left out)."""
    return [
        visible(c["body"]) for c in bot.github.comments(REPO, number) if c["user"]["type"] == "Bot"
    ]


def visible(body: str) -> str:
    return re.sub(r"\n\n<!-- awesome-vis-bot:[^>]*-->\Z", "", body)


GFM = MarkdownIt("commonmark").enable("table")


def table_cells(markdown: str) -> list[list[str]]:
    """The table as a real GFM parser sees it: one list of cell texts per row."""
    tokens = GFM.parse(markdown)
    rows, row = [], None
    for index, token in enumerate(tokens):
        if token.type == "tr_open":
            row = []
        elif token.type in {"th_open", "td_open"}:
            row.append(tokens[index + 1].content if tokens[index + 1].type == "inline" else "")
        elif token.type == "tr_close":
            rows.append(row)
    return rows


def new_key() -> tuple[str, str]:
    """A fresh RSA key pair as (private PEM, public PEM)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, public.decode()


def edit_body(bot, number: int, body: str) -> None:
    """The issue's author replaces its body; GitHub delivers ``issues.edited``."""
    bot.github.edit_issue(REPO, number, body=body)
    payload = bot.payload(
        "issues",
        "edited",
        issue_number=number,
        issue_body=body,
        issue_labels=bot.github.labels(REPO, number),
        changes={"body": {"from": "..."}},
    )
    bot.deliver("issues", payload)
