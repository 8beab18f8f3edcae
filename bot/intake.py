"""Intake: a "New paper" issue is opened or edited; the bot answers in its status comment.

``assess`` and ``status_text`` are plain functions of the issue body and the
list; ``on_submission`` is the thin edge that reads the list at the default
branch's head and writes the answer and the labels.
"""

from dataclasses import dataclass
from typing import Any

from github import Github

from bot import github_ops, paths, router
from bot.form_parser import FieldError, field_labels, parse_issue
from bot.issue_form import INTAKE_LABEL
from bot.papers import Paper, find_duplicate, load_papers, schema_problems
from bot.table import escape_text, render_table

NEEDS_CHANGES = "needs changes"
READY = "ready for review"
APPROVED = "approved"
STATE_LABELS = {NEEDS_CHANGES, READY, APPROVED}


@dataclass(frozen=True)
class Assessment:
    """What the bot makes of a submission: the typed paper and what is wrong with it."""

    paper: Paper
    errors: list[FieldError]

    @property
    def ok(self) -> bool:
        return not self.errors


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
    if duplicate:
        listed_paper, field = duplicate
        errors.append(FieldError(field, labels[field], _already_listed(listed_paper)))
    order = list(labels)
    errors.sort(key=lambda error: order.index(error.field) if error.field in order else -1)
    return Assessment(paper, errors)


def _sentence(fragment: str) -> str:
    """Schema messages are fragments ("is required"); the comment shows sentences."""
    return (
        f"This field {fragment}."
        if fragment.startswith(("is ", "must ", "has ", "lists "))
        else (f"{fragment[0].upper()}{fragment[1:]}.")
    )


def _already_listed(paper: Paper) -> str:
    return (
        f"This paper is already in the list as “{escape_text(str(paper.get('title')))}” "
        f"({paper.get('year')}). If it is a different paper, say so in the Notes field."
    )


def status_text(
    assessment: Assessment, *, approved_pull: int | None = None, approver: str | None = None
) -> str:
    """The status comment's Markdown (the hidden marker is added by github_ops).

    ``approved_pull``: the issue's open pull request. With ``approver``, it was
    just made from this very version; without, it holds an earlier approved
    version, which an edit of the issue does not change by itself.
    """
    if not assessment.ok:
        return _needs_changes(assessment.errors)
    row = render_table([assessment.paper]).rstrip("\n")
    if approved_pull is not None and approver is not None:
        return (
            f"**Approved** by `{approver}`: pull request #{approved_pull} adds this row.\n\n"
            f"{row}\n\nAn edit of the issue from now on reaches the pull request only with a "
            "new `/approve`.\n"
        )
    parts = ["**Ready for review.** This is the row the table will show:", row]
    if approved_pull is not None:
        parts.append(
            f"The issue was edited after approval: pull request #{approved_pull} still holds "
            "the approved version. A maintainer can comment `/approve` again to update it "
            "with this one."
        )
    else:
        parts.append("A maintainer can comment `/approve` to open the pull request.")
    return "\n\n".join(parts) + "\n"


def _needs_changes(errors: list[FieldError]) -> str:
    lines = [
        "**Needs changes.** Please edit this issue to fix:",
        "",
        *(
            f"- **{error.label}**: {error.message}" if error.label else f"- {error.message}"
            for error in errors
        ),
        "",
        "The bot checks the issue again each time it is edited.",
    ]
    return "\n".join(lines) + "\n"


def state_label(assessment: Assessment) -> str:
    return READY if assessment.ok else NEEDS_CHANGES


def is_submission(payload: dict[str, Any]) -> bool:
    """An open issue filed through the form; our own label changes are not new submissions.

    A delivery without an issue object (a signed but hand-made one) is none.
    """
    issue = payload.get("issue")
    if not isinstance(issue, dict):
        return False
    labels = {label["name"] for label in issue.get("labels", [])}
    if issue.get("state") != "open" or INTAKE_LABEL not in labels or "pull_request" in issue:
        return False
    if payload.get("action") == "labeled":
        return payload.get("label", {}).get("name") == INTAKE_LABEL
    return True


def branch_for(issue_number: int) -> str:
    """The pull request branch of an issue: deterministic, so it doubles as a lock."""
    return f"paper/issue-{issue_number}"


@router.register("issues", "opened", "edited", "labeled", "reopened")
def on_submission(event: router.Event, github: Github) -> None:
    payload = event.payload
    if not is_submission(payload):
        return
    repo = github_ops.repository(github, payload)
    data = github_ops.read_file(repo, paths.DATA_IN_REPO, github_ops.default_branch(payload))
    assessment = assess(payload["issue"]["body"], load_papers(data))
    number = payload["issue"]["number"]
    pull = None
    if payload.get("action") == "edited" and "body" in payload.get("changes", {}):
        owner = payload["repository"]["owner"]["login"]
        pull = github_ops.open_pull_for_branch(repo, owner, branch_for(number))
    issue = repo.get_issue(number)
    github_ops.show_status(
        github, issue, status_text(assessment, approved_pull=pull.number if pull else None)
    )
    current = {label["name"] for label in payload["issue"].get("labels", [])}
    wanted = state_label(assessment)
    github_ops.set_labels(issue, current, add={wanted}, remove=STATE_LABELS - {wanted})
