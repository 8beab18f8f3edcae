"""The submission's lifecycle (SPEC 6a) as one explicit state machine, pure.

Every job for an issue (a delivery, a retry, a reconcile pass) reads the same
``Facts`` from GitHub, and this module turns them into the ``State`` and the
``Wanted`` comment, labels and pull request; the GitHub edge then acts only
on the difference. So any order of events converges on one result, and
repeating a job changes nothing.

A version is a hash of the parsed paper (for an update or a removal, of
what it asks: the kind, the listed paper, the changed entry or the reason),
not of the raw body: whitespace or a title-only edit of the issue does not
change it. ``/approve`` approves the version of the body its own payload
carries; the pull request records the version it holds (hidden in its body),
and the status comment records the last approval and every command already
answered (hidden, as JSON), so "already done" is a comparison, never a
guess, and nothing lives outside GitHub.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.core import messages
from bot.core.commands import MAY_DECIDE, Command
from bot.core.kinds import Kind
from bot.core.papers import Paper, identity_keys
from bot.core.submission import (
    APPROVED,
    NEEDS_CHANGES,
    READY,
    STATE_LABELS,
    Assessment,
    preview,
    status_text,
)

DUPLICATE_LABEL = "duplicate"
# How many answered command ids the status record keeps (oldest dropped first).
HANDLED_MEMORY = 50
_RECORD = re.compile(r"<!-- awesome-vis-bot:record (?P<json>\{[^\n]*?\}) -->")
_VERSION = re.compile(r"<!-- awesome-vis-bot:version (?P<version>[0-9a-f]{1,64}) -->")


class State(StrEnum):
    NEEDS_CHANGES = "needs changes"
    READY = "ready for review"
    APPROVED = "approved"
    ADDED = "added"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    DUPLICATE = "duplicate"


def version_of(paper: Paper) -> str:
    """The submission's version: the parsed paper, canonicalised, hashed (12 hex digits)."""
    canonical = json.dumps(paper, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:12]


def submission_version(assessment: Assessment) -> str:
    """What a maintainer approves: a new paper's version, or that of an update or removal.

    An update's is the hash of its kind, the listed paper's identity and the
    changed entry; a removal's, of its kind, the identity and the reason. So
    an edit of the issue that changes what the pull request would hold, or a
    change of the entry on the default branch that changes the updated entry,
    asks for a fresh ``/approve``.
    """
    if assessment.kind is Kind.NEW:
        return version_of(assessment.paper)
    asked: Any = assessment.paper if assessment.kind is Kind.UPDATE else assessment.reason
    target = sorted(identity_keys(assessment.target or {}))
    return version_of({"kind": assessment.kind.value, "target": target, "asked": asked})


# -- what the bot keeps on GitHub -------------------------------------------------


@dataclass(frozen=True)
class Approval:
    """The last approval the bot completed: the command's comment, who, which version."""

    comment: int
    by: str
    version: str
    anyway: bool = False  # a title clash with a listed paper was accepted


@dataclass(frozen=True)
class Record:
    """The machine-readable part of the status comment."""

    approval: Approval | None = None
    handled: tuple[int, ...] = ()

    def answered(self, comment_id: int) -> "Record":
        handled = (*[c for c in self.handled if c != comment_id], comment_id)
        return replace(self, handled=handled[-HANDLED_MEMORY:])

    def text(self) -> str:
        data: dict[str, Any] = {"handled": list(self.handled)}
        if self.approval:
            data["approval"] = vars(self.approval)
        return f"<!-- awesome-vis-bot:record {json.dumps(data, separators=(',', ':'))} -->"


def read_record(status_body: str | None) -> Record:
    """The record in a status comment; an unreadable one is an empty record, never a crash."""
    match = _RECORD.search(status_body or "")
    if not match:
        return Record()
    try:
        data = json.loads(match["json"])
        approval = data.get("approval")
        handled = tuple(int(c) for c in data.get("handled", []))
        if isinstance(approval, dict):
            return Record(
                Approval(
                    int(approval["comment"]),
                    str(approval["by"]),
                    str(approval["version"]),
                    approval.get("anyway") is True,
                ),
                handled,
            )
        return Record(None, handled)
    except (ValueError, TypeError, KeyError, AttributeError):
        return Record()


def version_marker(version: str) -> str:
    return f"<!-- awesome-vis-bot:version {version} -->"


def pull_version(body: str | None) -> str | None:
    match = _VERSION.search(body or "")
    return match["version"] if match else None


# -- facts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pull:
    """The issue's pull request (branch ``paper/issue-N``), as GitHub reports it."""

    number: int
    url: str
    open: bool
    merged: bool
    version: str | None


@dataclass(frozen=True)
class Other:
    """Another open submission: its number, the paper's identity, whether its PR is open.

    ``has_pull`` is read only when it matters: when this submission's approval
    would open a PR for the same paper (under the paper's lock).
    """

    number: int
    keys: frozenset[tuple[str, str]]
    has_pull: bool = False


@dataclass(frozen=True)
class Facts:
    """What GitHub says about one submission, read at the start of a job."""

    number: int
    open: bool
    state_reason: str | None
    labels: frozenset[str]
    assessment: Assessment
    record: Record = field(default_factory=Record)
    keys: frozenset[str] = frozenset()
    pull: Pull | None = None
    others: tuple[Other, ...] = ()

    @property
    def version(self) -> str:
        return submission_version(self.assessment)

    def also_submitted(self) -> list[Other]:
        """Other open submissions of the same paper (same arXiv id/link or same title).

        Only new papers: an update or a removal is of a paper already listed, and
        the rebuild on push keeps two of them from overwriting each other.
        """
        if self.assessment.kind is not Kind.NEW:
            return []
        mine = set(identity_keys(self.assessment.paper))
        return [other for other in self.others if mine & other.keys]


# -- state and the wanted outcome -------------------------------------------------


def state_of(facts: Facts) -> State:
    if facts.pull and facts.pull.merged:
        return State.ADDED
    if not facts.open:
        if facts.state_reason == "not_planned":
            return State.DUPLICATE if DUPLICATE_LABEL in facts.labels else State.REJECTED
        return State.WITHDRAWN
    if facts.pull and facts.pull.open:
        return State.APPROVED
    return State.READY if facts.assessment.ok else State.NEEDS_CHANGES


@dataclass(frozen=True)
class Wanted:
    """What the issue and its pull request must look like; the edge acts on differences."""

    status: str
    labels: frozenset[str]
    close_pull: bool = False


def wanted(facts: Facts) -> Wanted:
    state = state_of(facts)
    other_labels = facts.labels - STATE_LABELS
    status = _status(facts, state) + "\n\n" + facts.record.text()
    if state is State.APPROVED:
        return Wanted(status, other_labels | {APPROVED})
    if state is State.READY:
        return Wanted(status, other_labels | {READY})
    if state is State.NEEDS_CHANGES:
        return Wanted(status, other_labels | {NEEDS_CHANGES})
    # Closed: the state labels go; a PR still open for a closed issue is closed too.
    return Wanted(status, other_labels, close_pull=bool(facts.pull and facts.pull.open))


def _status(facts: Facts, state: State) -> str:
    assessment = facts.assessment
    kind = assessment.kind
    others = [f"#{other.number}" for other in facts.also_submitted()]
    also = [messages.also_submitted(others)] if others else []
    if state is State.ADDED:
        return messages.added(facts.pull.number if facts.pull else 0, kind)
    if state is State.REJECTED:
        return messages.REJECTED_STATUSES[kind]
    if state is State.DUPLICATE:
        return messages.DUPLICATE_STATUSES[kind]
    if state is State.WITHDRAWN:
        return messages.WITHDRAWN_STATUSES[kind]
    if state is State.APPROVED:
        assert facts.pull is not None
        approval = facts.record.approval
        accepted = assessment.ok or (
            bool(approval and approval.anyway) and (assessment.ok_besides_a_title_clash())
        )
        row = preview(assessment) if accepted else ""
        if facts.pull.version == facts.version and approval and accepted:
            return messages.approved(approval.by, facts.pull.number, row, also, kind)
        return messages.changed_after_approval(
            facts.pull.number, row, None if accepted else _errors(assessment), kind
        )
    return status_text(assessment, also)


def _errors(assessment: Assessment) -> list[tuple[str | None, str]]:
    return [(error.label, error.message) for error in assessment.errors]


# -- commands -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """Answer the command with a comment (posted once, under ``key``), and do nothing else."""

    key: str
    text: str


@dataclass(frozen=True)
class Approve:
    """Build (or move) the pull request so that it holds ``version``."""

    version: str
    anyway: bool = False


@dataclass(frozen=True)
class Reject:
    reason: str


@dataclass(frozen=True)
class Nothing:
    """Already done, or not a command for the bot: change nothing."""


Decision = Reply | Approve | Reject | Nothing


@dataclass(frozen=True)
class CommandFacts:
    """A command comment: who, what, and the issue body as the payload carried it."""

    comment_id: int
    author: str
    body: str
    snapshot: Assessment | None  # the assessment of the body the commenter saw
    permission: str


def decide(command: Command, facts: Facts, given: CommandFacts) -> Decision:
    """What a command asks for, given the facts; every refusal says why."""
    if given.comment_id in facts.record.handled:
        return Nothing()
    key = f"command={given.comment_id}"
    if command.name == "unclear":
        return Reply(key, messages.unclear_command(given.author))
    if given.permission not in MAY_DECIDE:
        return Reply(
            f"maintainers-only user={given.author}",
            messages.maintainers_only(given.author, command.name),
        )
    if not facts.open:
        return Reply(key, messages.ISSUE_CLOSED)
    if command.name == "reject":
        return Reject(command.reason)
    return _decide_approval(command, facts, given, key)


def _decide_approval(command: Command, facts: Facts, given: CommandFacts, key: str) -> Decision:
    now = facts.assessment
    if given.snapshot is None or submission_version(given.snapshot) != facts.version:
        return Reply(key, messages.changed_since_command(given.author))
    if not (now.ok or (command.anyway and now.ok_besides_a_title_clash())):
        if command.anyway and now.listed_by == "paper_url":
            return Reply(key, messages.ANYWAY_NOT_FOR_LINKS)
        return Reply(key, messages.NOT_APPROVED_YET)
    rivals = [other for other in facts.also_submitted() if other.has_pull]
    if rivals:
        return Reply(key, messages.other_submission_has_pull(rivals[0].number))
    approval = facts.record.approval
    if (
        facts.pull
        and facts.pull.open
        and facts.pull.version == facts.version
        and approval
        and approval.version == facts.version
    ):
        return Nothing()  # re-approving what the pull request holds: nothing to do
    return Approve(facts.version, command.anyway)
