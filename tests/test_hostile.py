"""Hostile inputs: what a contributor, an attacker or a misconfigured sender sees.

Each named case asserts the answer the user sees: the HTTP status and message
at the webhook, or the text of the bot's status comment, or that nothing
happened (no GitHub request at all). On top of that every case must keep the
invariants of the bot: no 5xx, no exception in a job (the ``bot`` fixture
fails the test), a status comment that is one well-formed GFM table or none,
no raw HTML, no link that is not http(s), no ``@name`` that would ping
someone, and no write on GitHub beyond the status comment and its labels.
"""

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from helpers import (
    MAINTAINER,
    PAPER,
    REPO,
    bot_comments,
    comment,
    form_body,
    only_status,
    sign,
    submit,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inert import (
    CELL_BORDER,
    COLUMNS,
    GFM,
    MENTION,
    acts_on_github,
    assert_no_markup_that_acts,
    table_shapes,
)

from bot.core import messages
from bot.core.form_parser import field_labels
from bot.core.messages import STATUS_MARKER, required_without_arxiv
from bot.core.metadata import ArxivRecord, Unfetched
from bot.core.papers import dump_papers, load_papers
from bot.core.submission import assess, status_text
from bot.core.text import WORD_JOINER
from bot.service.app import MAX_BODY_BYTES
from standin import payloads

LABELS = field_labels()

# -- the invariants every answer keeps ------------------------------------------------


def check_answer(text: str) -> None:
    """What no status text may ever hold, whatever the issue said."""
    text = text.removeprefix(STATUS_MARKER + "\n")
    text = re.sub(r"\n*<!-- awesome-vis-bot:record [^\n]* -->\n?\Z", "\n", text)
    shapes = table_shapes(text)
    # CommonMark ends lines at \n and \r only; splitlines() would also split at U+0085.
    pipe_lines = [line for line in re.split(r"\r\n?|\n", text) if line.startswith("|")]
    if "**Ready for review.**" in text:
        assert shapes == [[COLUMNS, COLUMNS]], shapes
        assert len(pipe_lines) == 3, pipe_lines
        for line in pipe_lines:  # the parser drops extra cells and pads missing ones
            assert len(CELL_BORDER.findall(line)) == COLUMNS + 1 and line.endswith(" |"), line
    else:
        assert shapes == [] and pipe_lines == [], text
    assert_no_markup_that_acts(text)
    assert not MENTION.search(text), MENTION.search(text)


def only_answer_writes(bot, number: int) -> None:
    """The bot wrote the status comment and labels of this issue, nothing else."""
    allowed = re.compile(rf"^/repos/{REPO}/issues/{number}/(comments|labels)(/.*)?$")
    writes = [r for r in bot.github.requests if r.method != "GET"]
    assert writes and all(allowed.match(r.path) for r in writes), writes
    assert bot.github.pulls(REPO) == []
    assert set(bot.github.refs(REPO)) == {"refs/heads/main"}


def answer_to(bot, body: str | None) -> str:
    """File an issue with this body through the webhook; the status comment it gets."""
    number, payload = bot.file_issue(body)
    response = bot.deliver("issues", payload)
    assert response.status_code == 202, response.json
    text = only_status(bot, number)
    check_answer(text)
    only_answer_writes(bot, number)
    return text


# -- at the door: signatures and transport ----------------------------------------------

HARMLESS = payloads.payload("issues", "opened", issue_labels=[])  # queued, then ignored
HARMLESS_JSON = json.dumps(HARMLESS).encode()
UNSIGNED = 401, "invalid or missing X-Hub-Signature-256"
NOT_AN_OBJECT = 400, "the body is not a JSON object (nor a form with a payload field)"
QUEUED = 202, "queued issues.opened"


@dataclass(frozen=True)
class Delivery:
    """One POST /webhook as the sender shapes it, and the answer it must get."""

    body: bytes
    expect: tuple[int, str]
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    signature: str | None = None  # None: the correct one; "": no header

    def send(self, bot):
        headers = {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "hostile-1", **self.headers}
        signature = sign(self.body) if self.signature is None else self.signature
        if signature:
            headers["X-Hub-Signature-256"] = signature
        headers = {name: value for name, value in headers.items() if value is not None}
        return bot.web.post(
            "/webhook", data=self.body, content_type=self.content_type, headers=headers
        )


def sha1_signature(body: bytes) -> str:
    return "sha1=" + hmac.new(b"test-webhook-secret", body, hashlib.sha1).hexdigest()


def form(**fields: str) -> bytes:
    return urlencode(fields).encode()


FORM = "application/x-www-form-urlencoded"
DEEP_ARRAYS = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECTS = b'{"a":' * 100_000 + b"1" + b"}" * 100_000

DOOR = {
    # signatures (test_app covers missing, zeros, other body, wrong secret, sha1=, truncated)
    "sig-valid-sha1-in-the-legacy-header-only": Delivery(
        HARMLESS_JSON, UNSIGNED, signature="", headers={"X-Hub-Signature": sha1_signature(b"")}
    ),
    "sig-uppercase-hex": Delivery(
        HARMLESS_JSON, UNSIGNED, signature="sha256=" + sign(HARMLESS_JSON)[7:].upper()
    ),
    "sig-with-leading-space": Delivery(
        HARMLESS_JSON, UNSIGNED, signature=" " + sign(HARMLESS_JSON)
    ),
    "sig-with-a-second-value-appended": Delivery(
        HARMLESS_JSON, UNSIGNED, signature=sign(HARMLESS_JSON) + ",sha256=" + "0" * 64
    ),
    "sig-prefix-without-digest": Delivery(HARMLESS_JSON, UNSIGNED, signature="sha256="),
    "sig-of-the-empty-secret": Delivery(
        HARMLESS_JSON, UNSIGNED, signature=sign(HARMLESS_JSON, secret="")
    ),
    "sig-of-the-decoded-payload-not-the-form-body": Delivery(
        form(payload=HARMLESS_JSON.decode()),
        UNSIGNED,
        content_type=FORM,
        signature=sign(HARMLESS_JSON),
    ),
    "sig-with-non-ascii-characters": Delivery(
        HARMLESS_JSON, UNSIGNED, signature="sha256=" + "\u00e9" * 64
    ),
    # transport
    "empty-body": Delivery(b"", NOT_AN_OBJECT),
    "whitespace-body": Delivery(b" \n\t ", NOT_AN_OBJECT),
    "json-null": Delivery(b"null", NOT_AN_OBJECT),
    "json-string": Delivery(b'"issues"', NOT_AN_OBJECT),
    "truncated-json": Delivery(HARMLESS_JSON[: len(HARMLESS_JSON) // 2], NOT_AN_OBJECT),
    "invalid-utf8": Delivery(b'{"action": "opened\xff\xfe"}', NOT_AN_OBJECT),
    "nested-array-bomb-100k": Delivery(DEEP_ARRAYS, NOT_AN_OBJECT),
    "nested-object-bomb-100k": Delivery(DEEP_OBJECTS, NOT_AN_OBJECT),
    "one-byte-over-the-limit": Delivery(
        b"{" + b" " * (MAX_BODY_BYTES - 1) + b"}",
        (413, "more than any delivery of the events this bot handles"),
    ),
    "form-encoded": Delivery(form(payload=HARMLESS_JSON.decode()), QUEUED, content_type=FORM),
    "form-encoded-without-payload-field": Delivery(
        form(other=HARMLESS_JSON.decode()), NOT_AN_OBJECT, content_type=FORM
    ),
    "form-encoded-payload-not-json": Delivery(
        form(payload="action=opened"), NOT_AN_OBJECT, content_type=FORM
    ),
    "form-encoded-bomb": Delivery(
        form(payload=DEEP_ARRAYS.decode()), NOT_AN_OBJECT, content_type=FORM
    ),
    "form-encoded-garbage": Delivery(b"%%%&&&===", NOT_AN_OBJECT, content_type=FORM),
    "json-sent-as-text-plain": Delivery(HARMLESS_JSON, QUEUED, content_type="text/plain"),
    "missing-event-header": Delivery(
        HARMLESS_JSON, (400, "missing X-GitHub-Event header"), headers={"X-GitHub-Event": None}
    ),
    "empty-event-header": Delivery(
        HARMLESS_JSON, (400, "missing X-GitHub-Event header"), headers={"X-GitHub-Event": ""}
    ),
    "event-name-with-path-characters": Delivery(
        HARMLESS_JSON,
        (200, "ignored: the bot does not handle ../../etc.opened"),
        headers={"X-GitHub-Event": "../../etc"},
    ),
    "action-that-is-a-number": Delivery(
        b'{"action": 5}', (200, "ignored: the bot does not handle issues.5")
    ),
    "action-that-is-a-list": Delivery(b'{"action": ["opened"]}', (200, "ignored")),
    "signed-object-without-an-issue": Delivery(b'{"action": "opened"}', QUEUED),
    "signed-issue-that-is-a-string": Delivery(b'{"action": "opened", "issue": "x"}', QUEUED),
    "signed-comment-without-a-comment": Delivery(
        b'{"action": "created"}',
        (202, "queued issue_comment.created"),
        headers={"X-GitHub-Event": "issue_comment"},
    ),
    "signed-push-without-a-repository": Delivery(
        b'{"ref": "refs/heads/main"}', (202, "queued push."), headers={"X-GitHub-Event": "push"}
    ),
}


@pytest.mark.parametrize("delivery", DOOR.values(), ids=DOOR.keys())
def test_at_the_door(bot, delivery):
    """The sender gets this status and message; GitHub hears nothing of it."""
    response = delivery.send(bot)
    status, message = delivery.expect
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert message in response.json["message"]
    assert bot.github.requests == []


# -- issue bodies -------------------------------------------------------------------------


def with_values(**values: str | None) -> str:
    return form_body({**PAPER, **values})


NOT_THE_FORM = 'This issue does not look like the "New paper" form'
READY = "**Ready for review.**"

BODIES = {
    "empty-body": ("", [NOT_THE_FORM]),
    "null-body": (None, [NOT_THE_FORM]),
    "only-white-space-and-invisibles": (" \r\n\u200b\ufeff\t\n", [NOT_THE_FORM]),
    "another-forms-headings": (
        "### Describe the bug\n\nThe table is broken\n\n### Steps\n\n1. open",
        [NOT_THE_FORM],
    ),
    "duplicated-heading": (
        with_values() + f"\n\n### {LABELS['year']}\n\n1999",
        [f"- **{LABELS['year']}**: The heading `### {LABELS['year']}` appears 2 times."],
    ),
    "heading-line-typed-inside-a-text-field": (
        with_values(relevance="### Results\n\nState of the art on OVIS.\n### Why\nSpeed."),
        [READY, "### Results<br><br>State of the art on OVIS.<br>### Why<br>Speed."],
    ),
    "form-heading-typed-inside-a-text-field": (
        with_values(relevance=f"Compared with\n### {LABELS['year']}\n2019 work"),
        [f"The heading `### {LABELS['year']}` appears 2 times."],
    ),
    "required-sections-missing": (
        f"### {LABELS['title']}\n\nA title only",
        [
            f"The `### {LABELS['paper_url']}` section is missing.",
            required_without_arxiv(LABELS["year"]),
        ],
    ),
    "sixty-thousand-characters-of-text": (
        with_values(relevance="x" * 60_000),
        [f"- **{LABELS['relevance']}**: This field is too long (60,000 characters; at most"],
    ),
    "sixty-thousand-blanks-inside-a-value": (
        with_values(relevance="a" + " \u200b\n" * 20_000 + "b"),
        ["This field is too long (60,002 characters; at most 2,000)."],
    ),
    "zero-width-characters-around-values": (
        with_values(title="\u200b\u200dDVIS: Decoupled Video Instance Segmentation\u2060"),
        [READY, "| DVIS: Decoupled Video Instance Segmentation | 2023 |"],
    ),
    "right-to-left-override-in-the-title": (
        with_values(title="Evil \u202egnp.exe\u202c title"),
        [READY, "| Evil gnp.exe title | 2023 |"],
    ),
    "html-injection": (
        with_values(title="<img src=x onerror=alert(1)></td><script>alert(1)</script>"),
        [READY, "&lt;img src=x onerror=alert(1)&gt;&lt;/td&gt;&lt;script&gt;"],
    ),
    "markdown-link-and-image-injection": (
        with_values(notes="[click](javascript:alert(1)) ![t](https://evil.example/t.png)"),
        [READY, "\\[click\\](javascript:alert(1)) !\\[t\\](https:\u2060//evil.example/t.png)"],
    ),
    "autolink-injection": (
        with_values(notes="<https://evil.example> www.evil.example http://evil.example"),
        [READY, "&lt;https:\u2060//evil.example&gt; www\u2060.evil.example"],
    ),
    "autolink-after-an-underscore": (
        with_values(title="_www.evil.example_ and ~www.evil.example~"),
        [READY, "\\_www\u2060.evil.example\\_ and \\~www\u2060.evil.example\\~"],
    ),
    "table-breaking-pipes-and-newlines": (
        with_values(title="A | B || C", relevance="line one\n| --- |\nline | three"),
        [READY, "| A \\| B \\|\\| C |"],
    ),
    "code-fence-and-backticks": (
        with_values(title="```python", relevance="```\n| x |\n```"),
        [READY, "&#96;&#96;&#96;python"],
    ),
    "mentions-and-team-mentions": (
        with_values(title="Thanks @octocat and @github/security", notes="cc @dependabot"),
        [READY, "Thanks @\u2060octocat and @\u2060github/security"],
    ),
    "emoji-and-other-scripts": (
        with_values(title="🎬 Video Segmentation 视频实例分割 ✨", venue="CVPR 🏆"),
        [READY, "| 🎬 Video Segmentation 视频实例分割 ✨ | 2023 | CVPR 🏆 |"],
    ),
    "html-comment-closing-our-marker": (
        with_values(title="--> <!-- awesome-vis-bot:status -->"),
        [READY, "--&gt; &lt;!-- awesome-vis-bot:status --&gt;"],
    ),
    "already-listed-under-a-mangled-title": (
        with_values(
            title="universal   INSTANCE perception, as object discovery and retrieval!",
            paper_url="https://example.org/other",
        ),
        [f"- **{LABELS['title']}**: This paper is already in the list as"],
    ),
}


@pytest.mark.parametrize(("body", "expected"), BODIES.values(), ids=BODIES.keys())
def test_issue_bodies(bot, body, expected):
    text = answer_to(bot, body)
    for fragment in expected:
        assert fragment in text


def test_a_megabyte_body_is_refused_at_the_door_and_a_large_one_read_quickly(bot):
    """GitHub caps bodies at 65,536 characters, but the bot never relies on it.

    Every delivery about the issue carries its body, so a megabyte body never
    gets in; 900 kB does, and is answered (the parser reads it in linear time).
    """
    number = submit(bot)
    for size, status in [(MAX_BODY_BYTES, 413), (900_000, 202)]:
        body = with_values(relevance="`" * size)
        bot.github.edit_issue(REPO, number, body=body)
        edited = bot.payload(
            "issues",
            "edited",
            issue_number=number,
            issue_body=body,
            changes={"body": {"from": "..."}},
        )
        bot.github.clear_requests()
        assert bot.deliver("issues", edited).status_code == status
        if status == 413:
            assert comment(bot, number, "/approve").status_code == 413
            assert bot.github.requests == []
    status = only_status(bot, number)
    check_answer(status)
    assert "- **Relevance**: This field is too long (900,000 characters; at most 2,000)." in status
    assert bot.github.pulls(REPO) == []


GITHUB_BODY_LIMIT = 65_536  # characters: the longest issue body GitHub accepts

BACKTRACKING_VALUES = {
    # a pattern of "a line with a non-blank" tried every split of the line: 14.5 s
    "title-of-one-long-line-then-a-line-break": ("title", "x", "\ny"),
    "venue-of-one-long-line-then-a-line-break": ("venue", "x", "\ny"),
    # the link pattern tried every split of the host: 12.5 s
    "link-with-a-long-host-then-a-space": ("paper_url", "https://" + "a", " x"),
    "code-link-with-a-long-host-then-a-line-break": ("code_url", "https://" + "a", "\nx"),
}


@pytest.mark.parametrize(
    ("field_id", "start", "end"), BACKTRACKING_VALUES.values(), ids=BACKTRACKING_VALUES.keys()
)
def test_a_body_built_to_make_validation_backtrack_is_answered_at_once(bot, field_id, start, end):
    """A contributor (or anyone) filing the longest body GitHub takes, one field a long run
    that the schema's patterns used to retry at every split, gets the usual answer in well
    under a second: what to fix in that field. bench/hostile.py times many more such bodies."""
    room = GITHUB_BODY_LIMIT - len(with_values(**{field_id: start + end}))
    body = with_values(**{field_id: start + start[-1] * room + end})
    assert len(body) == GITHUB_BODY_LIMIT
    number, payload = bot.file_issue(body)

    began = time.perf_counter()
    assert bot.deliver("issues", payload).status_code == 202
    seconds = time.perf_counter() - began

    assert f"- **{LABELS[field_id]}**: This field " in only_status(bot, number)
    assert seconds < 1.0, f"the answer took {seconds:.1f} s"


# -- values -----------------------------------------------------------------------------

WHOLE_NUMBER = "Write a whole number in digits only, e.g. 2023."
NOT_HTTP = "This field must be a web address starting with http:// or https://."
NOT_VALID = "This field must be a valid web address starting with http:// or https://."
LISTED_ARXIV = "This paper is already in the list as “Universal Instance Perception"

VALUES = {
    "year-2023.5": ("year", "2023.5", WHOLE_NUMBER),
    "year-MMXXIII": ("year", "MMXXIII", WHOLE_NUMBER),
    "year-minus-1": ("year", "-1", WHOLE_NUMBER),
    "year-in-exponent-form": ("year", "2.023e3", WHOLE_NUMBER),
    "year-zero": ("year", "0", "0 must be 1990 or later."),
    "year-of-5000-digits": ("year", "9" * 5000, WHOLE_NUMBER),
    "year-in-full-width-digits": ("year", "\uff12\uff10\uff12\uff13", READY),
    "url-javascript": ("paper_url", "javascript:alert(document.cookie)", NOT_HTTP),
    "url-data": ("paper_url", "data:text/html,<script>alert(1)</script>", NOT_VALID),
    "url-ftp": ("paper_url", "ftp://ftp.example.org/paper.pdf", NOT_HTTP),
    "url-vbscript-in-code-link": ("code_url", "vbscript:msgbox(1)", NOT_HTTP),
    "url-without-host": ("paper_url", "https:///paper.pdf", NOT_HTTP),
    "url-with-spaces": ("paper_url", "https://example.org/my paper.pdf", NOT_VALID),
    "url-with-space-in-host": ("project_url", "https://exa mple.org/", NOT_VALID),
    "url-internationalised-host": ("paper_url", "https://例え.jp/paper", NOT_VALID),
    "url-internationalised-host-in-punycode": ("paper_url", "https://xn--r8jz45g.jp/p", READY),
    "url-with-closing-parenthesis": ("paper_url", "https://example.org/a_(b))", READY),
    "url-with-a-bracket-in-the-host": ("paper_url", "http://a.example[", NOT_VALID),
    "arxiv-abs": ("paper_url", "https://arxiv.org/abs/2303.06674", LISTED_ARXIV),
    "arxiv-abs-version": ("paper_url", "https://arxiv.org/abs/2303.06674v3", LISTED_ARXIV),
    "arxiv-pdf": ("paper_url", "https://arxiv.org/pdf/2303.06674", LISTED_ARXIV),
    "arxiv-pdf-version-dot-pdf": (
        "paper_url",
        "https://arxiv.org/pdf/2303.06674v1.pdf",
        LISTED_ARXIV,
    ),
    "arxiv-html": ("paper_url", "https://arxiv.org/html/2303.06674v2", LISTED_ARXIV),
    "arxiv-www-http-trailing-slash": (
        "paper_url",
        "http://www.arxiv.org/abs/2303.06674/",
        LISTED_ARXIV,
    ),
    "arxiv-export-mirror": ("paper_url", "https://export.arxiv.org/abs/2303.06674", LISTED_ARXIV),
    "arxiv-upper-case-host-and-query": (
        "paper_url",
        "https://ARXIV.org/abs/2303.06674?context=cs.CV",
        LISTED_ARXIV,
    ),
    "arxiv-bare-identifier": ("paper_url", "arXiv:2303.06674", NOT_HTTP),
    "arxiv-old-style-identifier": ("paper_url", "https://arxiv.org/abs/cs/0112017v1", READY),
}


@pytest.mark.parametrize(("field_id", "value", "expected"), VALUES.values(), ids=VALUES.keys())
def test_values(bot, field_id, value, expected):
    title = PAPER["title"] if field_id != "paper_url" else "A paper the list does not have"
    text = answer_to(bot, with_values(title=title, **{field_id: value}))
    if expected != READY:
        assert f"- **{LABELS[field_id]}**: {expected}" in text
    else:
        assert READY in text


@pytest.mark.parametrize("mark", ["\x85", "\u2028", "\u2029"], ids=["NEL", "LS", "PS"])
def test_yaml_line_breaks_in_a_title_reach_the_data_file_verbatim(bot, mark):
    """What the maintainer approved is what the pull request stores, character for character."""
    title = f"Segment{mark}Anything in Video"
    number = submit(bot, {**PAPER, "title": title})
    comment(bot, number, "/approve")
    data = bot.github.file(REPO, "data/papers.yaml", ref=f"paper/issue-{number}").decode()
    assert load_papers(data)[0]["title"] == title
    assert dump_papers(load_papers(data)) == data


# -- a title that would act elsewhere ----------------------------------------------------

ACTIVE_TITLE = (
    "Fixes #12 and closes octo/other#7, see GH-3 :smile: at $x^2$ cost\x00\x1b[2J\x07 "
    "\u202eevil\u202c, thanks @octocat"
)
INVISIBLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_a_title_naming_issues_references_nothing_where_github_would_act(bot):
    """A title with closing keywords, references, an emoji, math, control and bidirectional
    characters and a mention: the pull request's title and body, the commit and the status
    comment reference, close, ping and reorder nothing, and the table shows the title as
    typed; the data file keeps it as submitted."""
    number = submit(bot, {**PAPER, "title": ACTIVE_TITLE})
    comment(bot, number, "/approve")
    [pull] = bot.github.pulls(REPO)
    head = bot.github.branch(REPO, pull["head"]["ref"])
    message = bot.github.commit(REPO, head).message
    status = only_status(bot, number)

    assert pull["title"].replace(WORD_JOINER, "") == (
        "Add paper: Fixes #12 and closes octo/other#7, see GH-3 :smile: at $x^2$ cost[2J "
        "evil, thanks @octocat"
    )
    assert message.startswith(pull["title"] + "\n")  # the commit's subject
    assert acts_on_github(pull["title"]) == []
    for markdown in (pull["body"], status):
        # the bot's own references (Closes #N, the pull request) and mentions are meant
        own = rf"#({number}|{pull['number']})\b|@(carol|alice)\b"
        assert acts_on_github(re.sub(own, "", markdown)) == []
        [cell] = [t for t in GFM.parse(markdown) if t.type == "inline" and "Fixes" in t.content]
        shown = "".join(child.content for child in cell.children if child.type == "text")
        assert shown.replace(WORD_JOINER, "") == INVISIBLE.sub("", ACTIVE_TITLE)
        assert "\\$x^2\\$" in markdown  # escaped: GitHub shows the dollars, not math
    for text in (pull["title"], message, pull["body"], status):
        assert not INVISIBLE.search(text), repr(text)
    data = bot.github.file(REPO, "data/papers.yaml", ref=head).decode()
    assert load_papers(data)[0]["title"] == ACTIVE_TITLE


# -- events: what must not make the bot act -------------------------------------------------


def approve_payload(bot, number: int, body: str = "/approve", **fields):
    defaults = dict(issue_number=number, comment_body=body, comment_user=MAINTAINER)
    return bot.payload("issue_comment", "created", **{**defaults, **fields})


def edited_comment(bot, number):
    payload = approve_payload(bot, number)
    payload.update(action="edited", changes={"body": {"from": "looks good"}})
    return bot.deliver("issue_comment", payload)


def deleted_comment(bot, number):
    payload = approve_payload(bot, number)
    payload["action"] = "deleted"
    return bot.deliver("issue_comment", payload)


EVENTS: dict[str, tuple[Callable, int]] = {
    "unknown-issues-action": (
        lambda bot, n: bot.deliver("issues", {**bot.payload("issues", "opened"), "action": "x"}),
        200,
    ),
    "unknown-event": (lambda bot, n: bot.deliver("star", {"action": "created"}), 200),
    "edit-of-a-closed-issue": (
        lambda bot, n: bot.deliver(
            "issues", bot.payload("issues", "edited", issue_number=n, issue_state="closed")
        ),
        202,
    ),
    "issue-with-another-label-only": (
        lambda bot, n: bot.deliver(
            "issues", bot.payload("issues", "opened", issue_number=n, issue_labels=["bug"])
        ),
        202,
    ),
    "someone-else-adds-another-label": (
        lambda bot, n: bot.deliver(
            "issues", bot.payload("issues", "labeled", issue_number=n, label="good first issue")
        ),
        202,
    ),
    "approve-comment-edited": (edited_comment, 200),
    "approve-comment-deleted": (deleted_comment, 200),
    "approve-on-a-pull-request-by-a-maintainer": (
        lambda bot, n: bot.deliver(
            "issue_comment", approve_payload(bot, n, "/reject spam", on_pull_request=True)
        ),
        202,
    ),
    "approve-on-an-issue-without-the-label": (
        lambda bot, n: bot.deliver("issue_comment", approve_payload(bot, n, issue_labels=[])),
        202,
    ),
    "approve-mid-sentence": (
        lambda bot, n: bot.deliver(
            "issue_comment", approve_payload(bot, n, "LGTM, I would /approve this")
        ),
        202,
    ),
    "approve-quoted": (
        lambda bot, n: bot.deliver("issue_comment", approve_payload(bot, n, "> /approve\n\nno")),
        202,
    ),
    "approve-in-a-code-span": (
        lambda bot, n: bot.deliver("issue_comment", approve_payload(bot, n, "`/approve`")),
        202,
    ),
    "approved-is-not-approve": (
        lambda bot, n: bot.deliver("issue_comment", approve_payload(bot, n, "/approved")),
        202,
    ),
    "approve-after-zero-width-space": (
        lambda bot, n: bot.deliver("issue_comment", approve_payload(bot, n, "\u200b/approve")),
        202,
    ),
    "approve-by-a-bot-account": (
        lambda bot, n: bot.deliver(
            "issue_comment", approve_payload(bot, n, comment_user="evil[bot]")
        ),
        202,
    ),
    "push-to-another-branch": (
        lambda bot, n: bot.deliver("push", bot.payload("push", ref="refs/heads/feature")),
        202,
    ),
}


@pytest.mark.parametrize(("send", "status"), EVENTS.values(), ids=EVENTS.keys())
def test_events_that_change_nothing(bot, send, status):
    number = submit(bot)
    before = bot.github.issue(REPO, number)
    comments = bot.github.comments(REPO, number)
    bot.github.clear_requests()
    response = send(bot, number)
    assert response.status_code == status, response.json
    assert bot.github.requests == []
    assert bot.github.issue(REPO, number) == before
    assert bot.github.comments(REPO, number) == comments
    assert bot.github.pulls(REPO) == []


def test_reject_by_a_stranger_gets_a_reply_and_the_issue_stays_open(bot):
    number = submit(bot)
    bot.github.set_permission(REPO, "mallory", "read")
    comment(bot, number, "/reject @everyone this is spam", user="mallory")
    assert bot.github.issue(REPO, number)["state"] == "open"
    assert bot_comments(bot, number)[-1] == (
        "@mallory only maintainers (write access to this repository) can `/reject` a submission."
    )
    assert bot.github.pulls(REPO) == []


# -- property: any body at all --------------------------------------------------------------

HOSTILE_PIECES = [
    "|",
    "\\",
    "`",
    "```",
    "<script>",
    "</td>",
    "<br>",
    "&amp;",
    "[x](javascript:alert(1))",
    "![i](http://t.example/p.png)",
    "<https://a.example>",
    "www.a.example",
    "http://a.example",
    "@octocat",
    "a@b.example",
    "_No response_",
    "None",
    "- [X] Yes",
    "\u200b",
    "\u202e",
    "\u2028",
    "\r",
    "\r\n",
    "\t",
    "---",
    "| --- |",
    "<!--",
    "-->",
    "2023",
    "https://arxiv.org/abs/2303.06674",
]


@st.composite
def field_values(draw) -> str:
    pieces = st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=8))
    return "".join(draw(st.lists(pieces, max_size=6)))


@st.composite
def bodies(draw) -> str:
    """Form bodies with hostile values and headings in any order, or any text at all."""
    if draw(st.booleans()):
        return draw(st.text(max_size=200))
    sections = []
    for label in draw(st.lists(st.sampled_from(list(LABELS.values())), max_size=14)):
        heading = draw(st.sampled_from([f"### {label}", f"###   {label.upper()}  ", "### x"]))
        sections.append(f"{heading}\n\n{draw(field_values())}")
    return draw(st.sampled_from(["\n\n", "\r\n\r\n", "\n"])).join(sections)


def arxiv_lookups():
    """What the edge may hand the assessment; arXiv's own text is untrusted too."""
    records = st.builds(
        ArxivRecord,
        arxiv_id=st.just("2306.03413"),
        title=field_values(),
        first_version_year=st.integers(1991, 2100),
        journal_ref=field_values(),
        comment=field_values(),
    )
    return st.one_of(st.none(), st.just(Unfetched("2306.03413", "timed out")), records)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies(), st.booleans(), arxiv_lookups())
def test_any_body_gets_a_well_formed_answer(body, listed, arxiv):
    """Parser, validation, status text and table never raise and never break the answer."""
    papers = load_papers(dump_papers([{**PAPER, "year": 2023}])) if listed else []
    assessment = assess(body, papers, arxiv)
    check_answer(status_text(assessment))
    check_answer(status_text(assessment, [messages.also_submitted(["#7"])]))
    if assessment.ok:
        assert load_papers(dump_papers([assessment.paper])) == [assessment.paper]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list(LABELS)), field_values(), max_size=12), arxiv_lookups())
def test_any_values_in_the_form_get_a_well_formed_answer(values, arxiv):
    """The same with every form section present, as GitHub renders them."""
    assessment = assess(form_body({**PAPER, **values}), [], arxiv)
    check_answer(status_text(assessment))
    if assessment.ok:
        assert load_papers(dump_papers([assessment.paper])) == [assessment.paper]
