"""A submission as the bot assesses it: the typed paper, what is wrong, and its state.

Plain functions of the issue body and the list, so every handler and the
reconcile pass judge a submission the same way. This module reads new
papers; ``bot.core.amend`` reads updates and removals into the same
``Assessment``, which the status and the pull request then show by its kind.
"""

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.core import messages
from bot.core.form_parser import FieldError, field_labels, parse_issue
from bot.core.forms import INTAKE_LABELS
from bot.core.kinds import Kind
from bot.core.metadata import FILLED_FROM_ARXIV, Autofill, Lookup, Unfetched, complete
from bot.core.papers import Paper, arxiv_id, find_duplicate
from bot.core.schema import field_order, schema_problems
from bot.core.table import escape_text, render_table

NEEDS_CHANGES = "needs changes"
READY = "ready for review"
APPROVED = "approved"
STATE_LABELS = frozenset({NEEDS_CHANGES, READY, APPROVED})


@dataclass(frozen=True)
class Assessment:
    """What the bot makes of a submission: the paper, what is wrong, what arXiv gave.

    For an update, ``paper`` is the entry as it will be and ``target`` the
    listed entry it replaces; for a removal, both are the listed entry, and
    ``reason`` says why it should go.
    """

    paper: Paper
    errors: list[FieldError]
    # Which identity gave away a listed paper ("paper_url" or "title"), and its error.
    listed_by: str | None = None
    listing: FieldError | None = None
    autofill: Autofill = dataclasses.field(default_factory=Autofill)
    kind: Kind = Kind.NEW
    target: Paper | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def ok_besides_a_title_clash(self) -> bool:
        """Valid but for a listed paper of the same title (``/approve anyway`` accepts it)."""
        return self.listed_by == "title" and self.errors == [self.listing]


def assess(body: str | None, listed: list[Paper], arxiv: Lookup) -> Assessment:
    """Parse, complete from arXiv, validate against the schema, look for the paper in the list.

    ``arxiv``: what the edge fetched for the paper's arXiv link (None when it
    asked nothing: not an arXiv link, or autofill off). The parser's error for
    a field comes first and hides the schema's (a year that is not a number is
    not also "missing"), and keeps arXiv from filling that field.
    """
    paper, errors = parse_issue(body)
    if errors and errors[0].field is None:
        return Assessment(paper, errors)
    labels = field_labels()
    reported = {error.field for error in errors}
    paper, autofill = complete(paper, arxiv, keep=reported)
    for problem in schema_problems(paper):
        if problem.field not in reported:
            reported.add(problem.field)
            label = labels.get(problem.field or "")
            if problem.field in FILLED_FROM_ARXIV and problem.field not in paper:
                message = _unfilled(paper, arxiv, labels[problem.field])
            else:
                message = sentence(problem.message)
            errors.append(FieldError(problem.field, label, message))
    duplicate = find_duplicate(paper, listed)
    listing = None
    if duplicate:
        listed_paper, field = duplicate
        title, year = escape_text(str(listed_paper.get("title"))), listed_paper.get("year")
        text = messages.already_listed(title, year, by_title=field == "title")
        listing = FieldError(field, labels[field], text)
        errors.append(listing)
    order = list(labels)
    errors.sort(key=lambda error: order.index(error.field) if error.field in order else -1)
    return Assessment(paper, errors, duplicate[1] if duplicate else None, listing, autofill)


def linked_arxiv_id(body: str | None) -> str | None:
    """The arXiv id of the submission's paper link, if it is an arXiv link: what to look up."""
    paper, _ = parse_issue(body)
    url = paper.get("paper_url")
    return arxiv_id(url) if isinstance(url, str) else None


def _unfilled(paper: Paper, arxiv: Lookup, label: str) -> str:
    """Why a field that arXiv can fill is empty, and so required after all."""
    url = paper.get("paper_url")
    if not isinstance(url, str) or arxiv_id(url) is None:
        return messages.required_without_arxiv(label)
    if isinstance(arxiv, Unfetched):
        return messages.required_arxiv_unfetched(label)
    return messages.required_without_autofill(label)


def sentence(fragment: str) -> str:
    """Schema messages are fragments ("is required"); the comment shows sentences."""
    return (
        f"This field {fragment}."
        if fragment.startswith(("is ", "must ", "has ", "lists "))
        else (f"{fragment[0].upper()}{fragment[1:]}.")
    )


def status_text(assessment: Assessment, notes: list[str] | None = None) -> str:
    """The status of a submission without a pull request: its preview, or what to fix.

    What arXiv gave (or could not) is said after ``notes``.
    """
    notes = [*(notes or []), *_arxiv_remarks(assessment.autofill)]
    if not assessment.ok:
        errors = [(error.label, error.message) for error in assessment.errors]
        return messages.needs_changes(errors, notes)
    return messages.ready(preview(assessment), notes, assessment.kind)


def preview(assessment: Assessment) -> str:
    """What the submission does to the table, exactly as the table will show it.

    A new paper's row; an update's row before and after, with the changed
    fields named (a cell's change can be invisible: white space, a link's
    target); the row a removal takes away, with its reason.
    """
    if assessment.kind is Kind.NEW or assessment.target is None:
        return render_table([assessment.paper]).rstrip("\n")
    before = render_table([assessment.target])
    if assessment.kind is Kind.REMOVE:
        return messages.removal_preview(before, escape_text(assessment.reason))
    labels = field_labels()
    changed = [
        labels[name] if name in assessment.paper else messages.cleared(labels[name])
        for name in field_order()
        if assessment.target.get(name) != assessment.paper.get(name)
    ]
    return messages.update_preview(before, render_table([assessment.paper]), changed)


def _arxiv_remarks(autofill: Autofill) -> list[str]:
    """What the status says about arXiv: the values it gave, a title to check, or its silence."""
    remarks = []
    if autofill.filled:
        labels = field_labels()
        remarks.append(messages.filled_from_arxiv([labels[name] for name in autofill.filled]))
    if autofill.arxiv_title is not None:
        remarks.append(messages.title_differs(escape_text(autofill.arxiv_title)))
    if autofill.unfetched:
        remarks.append(messages.ARXIV_UNFETCHED)
    return remarks


def is_submission(payload: dict[str, Any]) -> bool:
    """An issue filed through one of the forms (open, or just closed); our own label changes
    are not new submissions.

    A delivery without an issue object (a signed but hand-made one) is none.
    """
    issue = payload.get("issue")
    if not isinstance(issue, dict):
        return False
    labels = {label["name"] for label in issue.get("labels", [])}
    if not labels & INTAKE_LABELS or "pull_request" in issue:
        return False
    if payload.get("action") == "labeled":
        return payload.get("label", {}).get("name") in INTAKE_LABELS
    return issue.get("state") == "open" or payload.get("action") == "closed"


def is_command_context(payload: dict[str, Any]) -> bool:
    """A submission issue (not a pull request), commented on by a person.

    Whether the issue is still open is asked of GitHub, not of the payload. The
    bot's own comments never start with a command, and other bots' are ignored;
    so is a delivery without the issue and comment objects (a hand-made one).
    """
    issue, comment = payload.get("issue"), payload.get("comment")
    if not isinstance(issue, dict) or not isinstance(comment, dict):
        return False
    author = comment.get("user") or {}
    labels = {label["name"] for label in issue.get("labels", [])}
    return (
        "pull_request" not in issue and bool(labels & INTAKE_LABELS) and author.get("type") != "Bot"
    )
