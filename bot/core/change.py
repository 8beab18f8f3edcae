"""The change a ``/approve`` makes: the pull request's files and words, and its branch."""

from dataclasses import dataclass

from bot.core import messages
from bot.core.papers import Paper, add_paper, dump_papers, identity_keys, load_papers
from bot.core.table import render_table, update_readme
from bot.core.text import plain_line

BRANCH_PREFIX = "paper/issue-"


def branch_for(issue_number: int) -> str:
    """The pull request branch of an issue: deterministic, so it doubles as a lock."""
    return f"{BRANCH_PREFIX}{issue_number}"


@dataclass(frozen=True)
class Change:
    """The two files of the approval commit, and the words around it."""

    data: str
    readme: str
    title: str
    message: str
    body: str


def build_change(
    data: str,
    readme: str,
    paper: Paper,
    *,
    issue: int,
    submitter: dict,
    approver: str,
    version: str,
) -> Change:
    new_data, new_readme = add_to_list(data, readme, [paper])
    # Both reach the default branch's history, where GitHub acts on references.
    title = messages.pull_title(plain_line(paper["title"]))
    coauthor = (
        f"{submitter['login']} <{submitter['id']}+{submitter['login']}@users.noreply.github.com>"
    )
    return Change(
        new_data,
        new_readme,
        title,
        messages.commit_message(title, issue, approver, coauthor),
        messages.pull_body(issue, submitter["login"], approver, render_table([paper]), version),
    )


def add_to_list(data: str, readme: str, papers: list[Paper]) -> tuple[str, str]:
    """The data file and README with these papers added, each at the top of its year."""
    listed = load_papers(data)
    for paper in papers:
        listed = add_paper(listed, paper)
    return dump_papers(listed), update_readme(readme, listed)


def added_papers(before: str, after: str) -> list[Paper]:
    """The entries a PR's commit added to the data file (by identity, not by text)."""
    known = {key for paper in load_papers(before) for key in identity_keys(paper)}
    return [
        paper
        for paper in load_papers(after)
        if not any(key in known for key in identity_keys(paper))
    ]
