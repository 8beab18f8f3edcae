"""The change a ``/approve`` makes: the pull request's files and words, and its branch.

A new paper goes at the top of its year; an update replaces its entry where
it stands and a removal takes it out, so the data file's diff shows exactly
that entry. On a push, a pull request's change is re-applied on the new head:
a new paper's entry as it is on the branch, an update's or removal's only
where the entry it changes is still as the approval found it.
"""

import json
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from bot.core import messages
from bot.core.amend import repeated
from bot.core.kinds import Kind
from bot.core.pages import BUDGET, Published, blob_sha, generated_pages
from bot.core.papers import Paper, add_paper, dump_papers, identity_keys
from bot.core.paths import DATA_IN_REPO, README_IN_REPO
from bot.core.submission import Assessment, preview
from bot.core.text import plain_line

BRANCH_PREFIX = "paper/issue-"


def branch_for(issue_number: int) -> str:
    """The pull request branch of an issue: deterministic, so it doubles as a lock."""
    return f"{BRANCH_PREFIX}{issue_number}"


@dataclass(frozen=True)
class Change:
    """The files of the approval commit (see :func:`written`), and the words around it."""

    files: dict[str, str | None]
    title: str
    message: str
    body: str


def build_change(
    listed: list[Paper],
    published: Published,
    assessment: Assessment,
    *,
    issue: int,
    submitter: dict,
    approver: str,
    version: str,
) -> Change:
    """The approval's commit and pull request for an assessed (and valid) submission."""
    kind, paper, target = assessment.kind, assessment.paper, assessment.target
    if kind is Kind.NEW or target is None:
        files = add_to_list(listed, published, [paper])
    else:
        index = listed.index(target)
        kept = [paper] if kind is Kind.UPDATE else []
        files = written([*listed[:index], *kept, *listed[index + 1 :]], published)
    # Both reach the default branch's history, where GitHub acts on references.
    title = messages.pull_title(plain_line((target or paper)["title"]), kind)
    coauthor = (
        f"{submitter['login']} <{submitter['id']}+{submitter['login']}@users.noreply.github.com>"
    )
    return Change(
        files,
        title,
        messages.commit_message(title, issue, approver, coauthor),
        messages.pull_body(issue, submitter["login"], approver, preview(assessment), version, kind),
    )


def add_to_list(
    listed: list[Paper], published: Published, papers: list[Paper], budget: int = BUDGET
) -> dict[str, str | None]:
    """What adding these papers, each at the top of its year, changes (see :func:`written`)."""
    updated = listed
    for paper in papers:
        updated = add_paper(updated, paper)
    return written(updated, published, budget)


def written(
    papers: list[Paper], published: Published, budget: int = BUDGET
) -> dict[str, str | None]:
    """The files that publishing ``papers`` changes on a branch that has ``published``.

    The data file, and each generated page (``bot.core.pages``) whose text
    differs from what the branch has; a page the list no longer makes maps to
    None (deleted). The result passes ``check`` even on a branch whose pages
    were stale, and touches no page that already reads right.
    """
    pages = generated_pages(papers, published.readme, budget)
    current = {README_IN_REPO: blob_sha(published.readme), **published.pages}
    changed: dict[str, str | None] = {DATA_IN_REPO: dump_papers(papers)}
    changed.update(
        {path: text for path, text in pages.items() if current.get(path) != blob_sha(text)}
    )
    changed.update({path: None for path in sorted(published.pages.keys() - pages.keys())})
    return changed


def added_papers(before: list[Paper], after: list[Paper]) -> list[Paper]:
    """The entries a PR's commit added to the data file (by identity, not by text)."""
    known = {key for paper in before for key in identity_keys(paper)}
    return [paper for paper in after if not any(key in known for key in identity_keys(paper))]


# -- re-applying an update or a removal on a new head ---------------------------------


@dataclass(frozen=True)
class Amendment:
    """A listed entry that a pull request changes (``after``) or removes (``after`` None)."""

    before: Paper
    after: Paper | None


def amendments(before: list[Paper], after: list[Paper]) -> list[Amendment]:
    """The entries of ``before`` that ``after`` changes in place or removes.

    Found by position, from a diff of the two lists: an update may change both
    of an entry's identities (link and title), and a removal leaves nothing to
    match by. Entries only ``after`` has are additions, a new paper's change.
    """
    matcher = SequenceMatcher(
        None, [_canonical(p) for p in before], [_canonical(p) for p in after], autojunk=False
    )
    found = []
    for tag, first, last, new_first, new_last in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            news = after[new_first:new_last]
            for offset, old in enumerate(before[first:last]):
                found.append(Amendment(old, news[offset] if offset < len(news) else None))
    return found


def _canonical(paper: Paper) -> str:
    return json.dumps(paper, sort_keys=True, ensure_ascii=False)


class Outcome(StrEnum):
    """What re-applying a pull request's amendments on a new head comes to."""

    REAPPLIED = "reapplied"
    DONE = "done"  # the head already has the change: nothing left to do
    CHANGED = "changed"  # the entry changed after the approval: not overwritten
    VANISHED = "vanished"  # the paper an update changes left the list
    DUPLICATE = "duplicate"  # the updated entry would repeat a paper listed meanwhile


@dataclass(frozen=True)
class Reapplied:
    """The outcome, the list with the change (when REAPPLIED), the paper it would repeat."""

    outcome: Outcome
    papers: list[Paper]
    clash: Paper | None = None


def reapply(listed: list[Paper], changes: list[Amendment]) -> Reapplied:
    """The list with each amendment re-applied, where the entry is still as it was approved.

    An entry that is no longer exactly as the approval found it is never
    overwritten: the whole pull request then stands aside (CHANGED, VANISHED,
    DUPLICATE), and the issue is told.
    """
    papers = list(listed)
    applied = 0
    for change in changes:
        index = next((i for i, paper in enumerate(papers) if paper == change.before), None)
        if index is None:
            outcome = _without_its_entry(papers, change)
            if outcome is Outcome.DONE:
                continue
            return Reapplied(outcome, listed)
        if change.after is None:
            del papers[index]
        else:
            others = papers[:index] + papers[index + 1 :]
            duplicate = repeated(change.after, change.before, others)
            if duplicate:
                return Reapplied(Outcome.DUPLICATE, listed, duplicate[0])
            papers[index] = change.after
        applied += 1
    return Reapplied(Outcome.REAPPLIED if applied else Outcome.DONE, papers)


def _without_its_entry(papers: list[Paper], change: Amendment) -> Outcome:
    """Why the approved entry is not in the list: the change is there, or something else."""
    if change.after is not None and change.after in papers:
        return Outcome.DONE
    keys = set(identity_keys(change.before))
    if any(keys & set(identity_keys(paper)) for paper in papers if isinstance(paper, dict)):
        return Outcome.CHANGED
    return Outcome.DONE if change.after is None else Outcome.VANISHED
