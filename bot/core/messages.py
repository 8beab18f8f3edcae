"""Every text the bot posts on GitHub, as constants and small templates.

Handlers compose these and tests refer to them, so wording lives in one
place. Values that came from a submission are escaped by the caller before
they reach a template: ``table.escape_text`` for Markdown (comments, pull
request bodies), ``text.plain_line`` for plain text (titles, commit subjects).
"""

from collections.abc import Iterable

# Hidden markers: how the bot finds its own comments again.
STATUS_MARKER = "<!-- awesome-vis-bot:status -->"


def keyed_marker(key: str) -> str:
    """The hidden key of a comment that must exist once (e.g. the PR link of one approval)."""
    return f"<!-- awesome-vis-bot:{key} -->"


# -- the status comment ----------------------------------------------------------

READY_HEADING = "**Ready for review.** This is the row the table will show:"
CAN_APPROVE = "A maintainer can comment `/approve` to open the pull request."
NEEDS_CHANGES_HEADING = "**Needs changes.** Please edit this issue to fix:"
CHECKED_ON_EDIT = "The bot checks the issue again each time it is edited."
REJECTED_STATUS = "**Rejected** by a maintainer: this paper will not be added."
WITHDRAWN_STATUS = "**Closed.** The issue was closed without the paper being added."
DUPLICATE_STATUS = (
    "**Duplicate.** This paper reached the list by another route, so this submission is closed."
)


def _parts(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part) + "\n"


def also_submitted(numbers: list[str]) -> str:
    """Other open submissions of the same paper; only one of them can have a pull request."""
    return (
        f"This paper is also submitted in {', '.join(numbers)}; only one of these can have "
        "a pull request at a time."
    )


def approved(approver: str, pull: int, row: str, notes: list[str] | None = None) -> str:
    return _parts(
        f"**Approved** by `{approver}`: pull request #{pull} adds this row.",
        row,
        *(notes or []),
        "An edit of the issue from now on reaches the pull request only with a new `/approve`.",
    )


def changed_after_approval(
    pull: int, row: str, errors: list[tuple[str | None, str]] | None = None
) -> str:
    """The issue changed after approval; the open PR keeps the approved version."""
    heading = f"**Changed after approval.** Pull request #{pull} still holds the approved version."
    if errors:
        return _parts(heading, _error_list(errors), CHECKED_ON_EDIT)
    return _parts(
        heading,
        f"This is the row of the edited submission:\n\n{row}",
        "A maintainer can comment `/approve` again to update the pull request with it.",
    )


def ready(row: str, notes: list[str] | None = None) -> str:
    return _parts(READY_HEADING, row, *(notes or []), CAN_APPROVE)


def needs_changes(errors: Iterable[tuple[str | None, str]], notes: list[str] | None = None) -> str:
    """The list of what to fix: (label, message) pairs, label None for the whole body."""
    return _parts(NEEDS_CHANGES_HEADING, _error_list(errors), *(notes or []), CHECKED_ON_EDIT)


def _error_list(errors: Iterable[tuple[str | None, str]]) -> str:
    return "\n".join(
        f"- **{label}**: {message}" if label else f"- {message}" for label, message in errors
    )


def unknown_section(heading: str) -> str:
    """A ``### heading`` typed below this field that the form does not have (escaped)."""
    return (
        f"Below this field the issue has a section “### {heading}” that the form does "
        "not have, so its text was not read (and this field was read without it). "
        "Remove that section, or move what it says into Notes."
    )


# -- metadata from arXiv (SPEC 11) ------------------------------------------------

ARXIV_UNFETCHED = (
    "The paper's metadata could not be fetched from arXiv just now, so nothing was filled "
    "in from it. The bot asks arXiv again when the issue is edited."
)


def required_without_arxiv(label: str) -> str:
    return (
        "This is required for a paper link that is not an arXiv link (for an arXiv link "
        f"the bot fills it in from arXiv). Edit the issue and fill it in under `### {label}`."
    )


def required_arxiv_unfetched(label: str) -> str:
    return (
        f"This is required while arXiv cannot be read: fill it in under `### {label}`, "
        "or edit the issue later so that the bot asks arXiv again."
    )


def required_without_autofill(label: str) -> str:
    return (
        "This is required: this bot does not fill it in from arXiv. Edit the issue and "
        f"fill it in under `### {label}`."
    )


def filled_from_arxiv(labels: Iterable[str]) -> str:
    return (
        f"Filled in from arXiv: {', '.join(labels)}. Type a value in the issue to use "
        "yours instead."
    )


def title_differs(arxiv_title: str) -> str:
    """``arxiv_title`` already escaped for Markdown."""
    return (
        f"**Check the title:** arXiv calls this paper “{arxiv_title}”, which is not the "
        "title typed in the issue. The row keeps the typed one; edit the issue if arXiv's "
        "is right."
    )


def added(pull: int) -> str:
    return f"**Added.** Pull request #{pull} was merged: the paper is in the list. Thank you!"


def already_listed(title: str, year: object, *, by_title: bool = False) -> str:
    """``title`` already escaped for Markdown."""
    text = f"This paper is already in the list as “{title}” ({year})."
    if by_title:
        text += (
            " If it is a different paper with the same title, a maintainer can comment "
            "`/approve anyway`."
        )
    return text


# -- answers to commands ---------------------------------------------------------

NOT_APPROVED_YET = "Not approved yet: the submission has problems, listed in the status comment."
ISSUE_CLOSED = "Nothing to do: this issue is closed. Reopen it first."
ANYWAY_NOT_FOR_LINKS = (
    "Not approved: `/approve anyway` accepts a paper whose title matches a listed one, "
    "not one whose link (the same arXiv id) is already listed."
)


def unclear_command(login: str) -> str:
    return (
        f"@{login} nothing was done: `/approve` must stand alone on its line "
        "(or be `/approve anyway`). Did you mean to approve? Comment `/approve` on its own."
    )


def changed_since_command(login: str) -> str:
    return (
        f"@{login} nothing was done: the submission changed after your `/approve`, so it is "
        "not the version you saw. Check the status comment and comment `/approve` again."
    )


def other_submission_has_pull(number: int) -> str:
    return (
        f"Not approved: this paper's pull request comes from #{number}. Only one submission "
        "of a paper can have a pull request at a time."
    )


def maintainers_only(login: str, command: str) -> str:
    return (
        f"@{login} only maintainers (write access to this repository) can "
        f"`/{command}` a submission."
    )


def rejected(maintainer: str, reason: str) -> str:
    """The reason quoted whole, every line of it."""
    quoted = "\n".join(f"> {line}" for line in reason.splitlines())
    said = f"\n\n{quoted}" if reason else ""
    return f"Closed by @{maintainer}: this paper will not be added.{said}"


def pull_link(opened: bool, number: int, url: str) -> str:
    return f"{'Opened' if opened else 'Updated'} pull request #{number}: {url}"


def failed(command: str, step: str, what_happened: str) -> str:
    """A command stopped; ``what_happened`` says what GitHub answered, in words."""
    doing = "rejection" if command == "reject" else "approval"
    return (
        f"The {doing} stopped while {step}: {what_happened}, even after "
        "retries. Nothing half-made blocks a new attempt: a maintainer can comment "
        f"`/{command}` again."
    )


def broken(step: str, what: str) -> str:
    """A job for the issue failed (not a command): what, and what happens next."""
    return (
        f"The bot could not finish while {step}: {what}. It tries again on the next edit "
        "of this issue or push to the default branch; the details are in the bot's log."
    )


def broken_data(path: str, problem: str) -> str:
    return (
        f"{path} on the default branch cannot be read ({problem}); a maintainer can run "
        "`python -m bot check` to see what to fix"
    )


def unexpected(kind: str) -> str:
    return f"an unexpected {kind} in the bot (a bug; the log has the details)"


def read_back(path: str, why: str) -> str:
    return (
        f"GitHub's copy of {path} on the default branch looks damaged ({why}); nothing was written"
    )


# -- the pull request ------------------------------------------------------------


def pull_title(title: str) -> str:
    """``title`` made one inert line by the caller (``text.plain_line``): it is plain text."""
    return f"Add paper: {title}"[:200]


def commit_message(title: str, issue: int, approver: str, coauthor: str) -> str:
    """``title``: the pull request's, whose words are the commit's subject."""
    return (
        f"{title}\n\nSubmitted in #{issue}, approved by @{approver}.\n\n"
        f"Co-authored-by: {coauthor}\n"
    )


def pull_body(issue: int, submitter: str, approver: str, table: str, version: str) -> str:
    return (
        f"Closes #{issue}\n\n"
        f"Adds this paper, submitted by @{submitter} in #{issue} and approved by "
        f"@{approver}:\n\n{table}\n"
        "Generated by the paper-intake bot from the issue form; `/approve` on the issue "
        "again updates this pull request.\n\n"
        f"<!-- awesome-vis-bot:version {version} -->\n"
    )


ALREADY_LISTED_CLOSING = (
    "Closing: this paper reached the list by another route meanwhile, so this "
    "pull request has nothing left to add."
)
REJECTED_CLOSING = "Closing: the submission was rejected."
ISSUE_CLOSED_CLOSING = "Closing: the submission's issue was closed."


def listed_meanwhile(pull: int) -> str:
    return (
        f"Pull request #{pull} was closed: this paper reached the list by another route "
        "meanwhile. Closing this submission as a duplicate."
    )
