"""Every text the bot posts on GitHub, as constants and small templates.

Handlers compose these and tests refer to them, so wording lives in one
place. Values that came from a submission are escaped by the caller before
they reach a template: ``table.escape_text`` for Markdown (comments, pull
request bodies), ``text.plain_line`` for plain text (titles, commit subjects).
"""

from collections.abc import Iterable

from bot.core.kinds import Kind

# Hidden markers: how the bot finds its own comments again.
STATUS_MARKER = "<!-- awesome-vis-bot:status -->"


def keyed_marker(key: str) -> str:
    """The hidden key of a comment that must exist once (e.g. the PR link of one approval)."""
    return f"<!-- awesome-vis-bot:{key} -->"


# -- the status comment ----------------------------------------------------------

READY_HEADING = "**Ready for review.** This is the row the table will show:"
READY_HEADINGS = {
    Kind.NEW: READY_HEADING,
    Kind.UPDATE: "**Ready for review.** This update changes a listed paper's row:",
    Kind.REMOVE: "**Ready for review.** This request removes this row from the table:",
}
CAN_APPROVE = "A maintainer can comment `/approve` to open the pull request."
NEEDS_CHANGES_HEADING = "**Needs changes.** Please edit this issue to fix:"
CHECKED_ON_EDIT = "The bot checks the issue again each time it is edited."
REJECTED_STATUS = "**Rejected** by a maintainer: this paper will not be added."
WITHDRAWN_STATUS = "**Closed.** The issue was closed without the paper being added."
DUPLICATE_STATUS = (
    "**Duplicate.** This paper reached the list by another route, so this submission is closed."
)
REJECTED_STATUSES = {
    Kind.NEW: REJECTED_STATUS,
    Kind.UPDATE: "**Rejected** by a maintainer: the listed paper stays as it is.",
    Kind.REMOVE: "**Rejected** by a maintainer: the paper stays in the list.",
}
WITHDRAWN_STATUSES = {
    Kind.NEW: WITHDRAWN_STATUS,
    Kind.UPDATE: "**Closed.** The issue was closed without the change being made.",
    Kind.REMOVE: "**Closed.** The issue was closed without the paper being removed.",
}
DUPLICATE_STATUSES = {
    Kind.NEW: DUPLICATE_STATUS,
    Kind.UPDATE: (
        "**Already done.** The list got this change by another route, so this request is closed."
    ),
    Kind.REMOVE: (
        "**Already removed.** The paper left the list by another route, so this request is closed."
    ),
}
# What the pull request does, as the approved status says it.
_PULL_DOES = {
    Kind.NEW: "adds this row",
    Kind.UPDATE: "makes this change",
    Kind.REMOVE: "removes this row",
}


def _parts(*parts: str) -> str:
    return "\n\n".join(part for part in parts if part) + "\n"


def also_submitted(numbers: list[str]) -> str:
    """Other open submissions of the same paper; only one of them can have a pull request."""
    return (
        f"This paper is also submitted in {', '.join(numbers)}; only one of these can have "
        "a pull request at a time."
    )


def approved(
    approver: str, pull: int, row: str, notes: list[str] | None = None, kind: Kind = Kind.NEW
) -> str:
    """``row``: the preview of what the pull request does (a row, or a change)."""
    return _parts(
        f"**Approved** by `{approver}`: pull request #{pull} {_PULL_DOES[kind]}.",
        row,
        *(notes or []),
        "An edit of the issue from now on reaches the pull request only with a new `/approve`.",
    )


def changed_after_approval(
    pull: int,
    row: str,
    errors: list[tuple[str | None, str]] | None = None,
    kind: Kind = Kind.NEW,
) -> str:
    """The issue changed after approval; the open PR keeps the approved version."""
    heading = f"**Changed after approval.** Pull request #{pull} still holds the approved version."
    if errors:
        return _parts(heading, _error_list(errors), CHECKED_ON_EDIT)
    shown = (
        "This is the row of the edited submission"
        if kind is Kind.NEW
        else "This is what the edited request asks for"
    )
    return _parts(
        heading,
        f"{shown}:\n\n{row}",
        "A maintainer can comment `/approve` again to update the pull request with it.",
    )


def ready(row: str, notes: list[str] | None = None, kind: Kind = Kind.NEW) -> str:
    return _parts(READY_HEADINGS[kind], row, *(notes or []), CAN_APPROVE)


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


def added(pull: int, kind: Kind = Kind.NEW) -> str:
    """The submission's pull request was merged."""
    done = {
        Kind.NEW: "**Added.** Pull request #{pull} was merged: the paper is in the list.",
        Kind.UPDATE: "**Updated.** Pull request #{pull} was merged: the list has the change.",
        Kind.REMOVE: "**Removed.** Pull request #{pull} was merged: the paper left the list.",
    }
    return done[kind].format(pull=pull) + " Thank you!"


def already_listed(title: str, year: object, *, by_title: bool = False) -> str:
    """``title`` already escaped for Markdown."""
    text = f"This paper is already in the list as “{title}” ({year})."
    if by_title:
        text += (
            " If it is a different paper with the same title, a maintainer can comment "
            "`/approve anyway`."
        )
    return text


# -- updating or removing a listed paper (SPEC 10) ---------------------------------

UPDATE_CHANGES_NOTHING = (
    "This update changes nothing: every value it gives is already the listed one. Edit the "
    "issue and fill in only what should change (an empty field keeps the listed value)."
)


def no_listed_paper(closest: list[str]) -> str:
    """``closest``: titles of the list, already escaped for Markdown."""
    text = (
        "No listed paper has this link or title. Write the paper's link (any form of an arXiv "
        "link), or its title exactly as the list shows it."
    )
    if closest:
        text += " The closest titles in the list: " + ", ".join(f"“{t}”" for t in closest) + "."
    return text


def several_listed(papers: list[str], *, by_link: bool) -> str:
    """``papers``: each listed paper as “title” (year, venue), already escaped."""
    if by_link:
        return (
            f"{len(papers)} listed papers have this link: {'; '.join(papers)}. The list must "
            "hold each paper once; a maintainer needs to fix it first."
        )
    return (
        f"{len(papers)} listed papers have this title: {'; '.join(papers)}. Write the paper's "
        "link instead, to say which one."
    )


def cannot_clear(label: str) -> str:
    return (
        "Every paper of the list has this field, so it cannot be cleared. Leave it empty to "
        f"keep the listed value, or write the new one under `### {label}`."
    )


def update_duplicate(title: str, year: object) -> str:
    """``title`` already escaped for Markdown."""
    return (
        f"With this change the paper would repeat “{title}” ({year}), another paper of the "
        "list. Check the value: the list holds each paper once."
    )


def too_long(limit: int) -> str:
    return f"This is too long (at most {limit:,} characters)."


def update_preview(before: str, after: str, changed: list[str]) -> str:
    """``before`` and ``after``: the row's table as it is and as it will be."""
    return f"Before:\n\n{before}\nAfter:\n\n{after}\nChanged: {', '.join(changed)}."


def cleared(label: str) -> str:
    """A field in the list of changes that the update clears."""
    return f"{label} (cleared)"


def removal_preview(row: str, reason: str) -> str:
    """``row``: the table of the row that goes; ``reason`` escaped, on one line."""
    return f"{row}\nThe reason given:\n\n> {reason}"


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


_PULL_TITLES = {Kind.NEW: "Add paper", Kind.UPDATE: "Update paper", Kind.REMOVE: "Remove paper"}


def pull_title(title: str, kind: Kind = Kind.NEW) -> str:
    """``title`` made one inert line by the caller (``text.plain_line``): it is plain text."""
    return f"{_PULL_TITLES[kind]}: {title}"[:200]


def commit_message(title: str, issue: int, approver: str, coauthor: str) -> str:
    """``title``: the pull request's, whose words are the commit's subject."""
    return (
        f"{title}\n\nSubmitted in #{issue}, approved by @{approver}.\n\n"
        f"Co-authored-by: {coauthor}\n"
    )


_PULL_BODY_DOES = {Kind.NEW: "Adds", Kind.UPDATE: "Updates", Kind.REMOVE: "Removes"}


def pull_body(
    issue: int, submitter: str, approver: str, table: str, version: str, kind: Kind = Kind.NEW
) -> str:
    """``table``: the paper's row, or the preview of an update or a removal."""
    return (
        f"Closes #{issue}\n\n"
        f"{_PULL_BODY_DOES[kind]} this paper, submitted by @{submitter} in #{issue} and "
        f"approved by @{approver}:\n\n{table.rstrip()}\n\n"
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


# -- rebuilding an update's or a removal's pull request ---------------------------

DONE_MEANWHILE_CLOSING = (
    "Closing: the default branch already has this change, so this pull request has nothing "
    "left to do."
)
CHANGED_MEANWHILE_CLOSING = (
    "Closing without merging: the paper's entry changed on the default branch after the "
    "approval, and re-applying this pull request would overwrite that. The issue says what "
    "happens next."
)


def done_meanwhile(pull: int, kind: Kind) -> str:
    """An update's or removal's change reached the list by another route."""
    done = (
        "the list already has this change, made by another route"
        if kind is Kind.UPDATE
        else "the paper was removed from the list by another route"
    )
    return f"Pull request #{pull} was closed: {done}. Closing this request."


def entry_changed_meanwhile(pull: int) -> str:
    return (
        f"Pull request #{pull} was closed without merging: the paper's entry changed on the "
        "default branch after the approval (a maintainer's edit, or another pull request), and "
        "the bot does not overwrite it. The status comment now shows this request against the "
        "entry as it stands; a maintainer can comment `/approve` again to apply it."
    )


def entry_vanished_meanwhile(pull: int) -> str:
    return (
        f"Pull request #{pull} was closed without merging: the paper it changes left the list "
        "after the approval, so there is nothing left to update."
    )


def would_duplicate_meanwhile(pull: int, title: str, year: object) -> str:
    """``title`` already escaped for Markdown."""
    return (
        f"Pull request #{pull} was closed without merging: with its change the paper would "
        f"now repeat “{title}” ({year}), listed after the approval. Edit the issue, and a "
        "maintainer can comment `/approve` again."
    )


# -- keeping the list fresh (SPEC 13) ----------------------------------------------

REPORT_MARKER = "<!-- awesome-vis-bot:link-report -->"


def link_report_title(broken: int) -> str:
    if not broken:
        return "Link report: nothing broken"
    return f"Link report: {broken} broken link{'s' if broken != 1 else ''}"


def link_report(
    rows: list[tuple[str, str, str, str, str]],
    *,
    broken: int,
    pending: int,
    again: str,
    hours: str,
) -> str:
    """The report issue's text; ``rows`` are (paper, field, link, what happened, since),
    every value already escaped for a table cell: the first of ``broken`` links."""
    if rows:
        table = "\n".join(
            [
                "| Paper | Field | Link | What happened | Since |",
                "| --- | --- | --- | --- | --- |",
                *(f"| {' | '.join(row)} |" for row in rows),
            ]
        )
        more = f"\n\n…and {broken - len(rows)} more, not shown." if broken > len(rows) else ""
        heading = (
            f"**{broken} link{'s are' if broken != 1 else ' is'} broken**: each failed "
            f"in two checks at least {hours} hours apart.\n\n{table}{more}\n\n"
            "Fix or remove each link in `data/papers.yaml` (a pull request; `python -m bot "
            "render` regenerates the table). A link that works again leaves this report."
        )
    else:
        heading = "**Nothing is broken.** Every link worked at the last check, or failed only once."
    waiting = (
        f"{pending} more link{'s' if pending != 1 else ''} failed once; the bot looks again "
        f"from {again} and lists {'them' if pending != 1 else 'it'} here if "
        f"{'they fail' if pending != 1 else 'it fails'} again."
        if pending
        else ""
    )
    about = (
        "The bot checks every paper, code and project link once a day and edits this issue in "
        "place: it is open while something is broken and closed when nothing is. Rate limits "
        "and server errors never count as broken."
    )
    return f"{REPORT_MARKER}\n" + _parts(heading, waiting, about)


def release_title(papers: int) -> str:
    return f"Code released for {papers} paper{'s' if papers != 1 else ''}"


def release_commit_message(repositories: list[str]) -> str:
    """``repositories``: the code links (GitHub repository URLs) whose code is out."""
    listed = "\n".join(f"- {url}" for url in repositories)
    return (
        f"{release_title(len(repositories))}\n\n"
        "Their repositories hold code now: code available, and the remark that it is not "
        f"yet available dropped from the notes.\n\n{listed}\n"
    )


def release_body(table: str, marker: str) -> str:
    return (
        "The code of these papers is out: their GitHub repositories hold more than a README, "
        "a licence and dotfiles now. This sets **Code available** and drops the remark that "
        "the code is not yet available from their notes:\n\n"
        f"{table}\n"
        "Opened by the paper bot's daily check of the list; it adds papers here as their "
        "code comes out, rebuilds this pull request when the default branch moves, and "
        "closes it when no paper is left. A paper of a pull request closed without merging is "
        "not proposed again.\n\n"
        f"{marker}\n"
    )


RELEASE_CLOSING = (
    "Closing: no paper of this pull request waits for its code any more (marked on the "
    "default branch meanwhile, or its repository no longer shows code)."
)
