"""A submission as the bot assesses it: the typed paper, what is wrong, and its state.

Plain functions of the issue body and the list, so every handler and the
reconcile pass judge a submission the same way.
"""

from dataclasses import dataclass
from typing import Any

from bot.core import messages
from bot.core.form_parser import FieldError, field_labels, parse_issue
from bot.core.forms import INTAKE_LABEL
from bot.core.papers import Paper, find_duplicate
from bot.core.schema import schema_problems
from bot.core.table import escape_text, render_table

NEEDS_CHANGES = "needs changes"
READY = "ready for review"
APPROVED = "approved"
STATE_LABELS = frozenset({NEEDS_CHANGES, READY, APPROVED})


@dataclass(frozen=True)
class Assessment:
    """What the bot makes of a submission: the typed paper and what is wrong with it."""

    paper: Paper
    errors: list[FieldError]
    # Which identity gave away a listed paper ("paper_url" or "title"), and its error.
    listed_by: str | None = None
    listing: FieldError | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def ok_besides_a_title_clash(self) -> bool:
        """Valid but for a listed paper of the same title (``/approve anyway`` accepts it)."""
        return self.listed_by == "title" and self.errors == [self.listing]


def assess(body: str | None, listed: list[Paper]) -> Assessment:
    """Parse, validate against the schema, and look for the paper in the list.

    The parser's error for a field comes first and hides the schema's (a year
    that is not a number is not also "missing").
    """
    paper, errors = parse_issue(body)
    if errors and errors[0].field is None:
        return Assessment(paper, errors)
    labels = field_labels()
    reported = {error.field for error in errors}
    for problem in schema_problems(paper):
        if problem.field not in reported:
            reported.add(problem.field)
            label = labels.get(problem.field or "")
            errors.append(FieldError(problem.field, label, _sentence(problem.message)))
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
    return Assessment(paper, errors, duplicate[1] if duplicate else None, listing)


def _sentence(fragment: str) -> str:
    """Schema messages are fragments ("is required"); the comment shows sentences."""
    return (
        f"This field {fragment}."
        if fragment.startswith(("is ", "must ", "has ", "lists "))
        else (f"{fragment[0].upper()}{fragment[1:]}.")
    )


def status_text(assessment: Assessment, notes: list[str] | None = None) -> str:
    """The status of a submission without a pull request: its row, or what to fix."""
    if not assessment.ok:
        errors = [(error.label, error.message) for error in assessment.errors]
        return messages.needs_changes(errors, notes)
    return messages.ready(render_table([assessment.paper]).rstrip("\n"), notes)


def is_submission(payload: dict[str, Any]) -> bool:
    """An issue filed through the form (open, or just closed); our own label changes are not
    new submissions.

    A delivery without an issue object (a signed but hand-made one) is none.
    """
    issue = payload.get("issue")
    if not isinstance(issue, dict):
        return False
    labels = {label["name"] for label in issue.get("labels", [])}
    if INTAKE_LABEL not in labels or "pull_request" in issue:
        return False
    if payload.get("action") == "labeled":
        return payload.get("label", {}).get("name") == INTAKE_LABEL
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
    return "pull_request" not in issue and INTAKE_LABEL in labels and author.get("type") != "Bot"
