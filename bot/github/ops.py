"""The operations the handlers perform on GitHub, through PyGithub.

The client is lazy: repository and issue objects are built from the payload's
names without fetching them, so each operation below costs the requests it
names and no more. Retries are the client's (``bot.github.client``).
"""

from dataclasses import dataclass

from github import Github, GithubException, InputGitTreeElement
from github.GitCommit import GitCommit
from github.GitRef import GitRef
from github.GitTree import GitTree
from github.PullRequest import PullRequest
from github.Repository import Repository
from requests import RequestException

from bot.core import messages
from bot.github.client import single_shot
from bot.github.pacing import write


class ReadBackError(ValueError):
    """What GitHub sent back is not what it says it is; nothing is written on it."""


def read_file(repo: Repository, path: str, ref: str) -> str:
    """One file's text at a ref (one request), checked against the size GitHub states."""
    contents = repo.get_contents(path, ref=ref)
    try:
        raw = contents.decoded_content
        text = raw.decode("utf-8")
    except (ValueError, AssertionError, TypeError) as error:  # bad Base64, not text
        raise ReadBackError(messages.read_back(path, f"unreadable content: {error}")) from None
    if len(raw) != contents.size:
        why = f"{len(raw):,} bytes where GitHub states {contents.size:,}"
        raise ReadBackError(messages.read_back(path, why))
    return text


def comment_once(github: Github, full_name: str, number: int, text: str, key: str) -> None:
    """Post a comment that must appear once, even when GitHub's answer to it is lost.

    The POST is not retried blindly, since the first one may have landed: after
    a failure the issue's comments are read (they carry ``key`` hidden) and the
    comment is posted again only if it is missing.
    """
    marker = messages.keyed_marker(key)
    body = f"{text}\n\n{marker}"
    try:
        write(single_shot(github).get_repo(full_name).get_issue(number).create_comment, body)
        return
    except GithubException as error:
        if error.status < 500 and error.status not in {403, 429}:
            raise
    except RequestException:
        pass
    issue = github.get_repo(full_name).get_issue(number)
    if not any(marker in comment.body for comment in issue.get_comments()):
        write(issue.create_comment, body)


@dataclass(frozen=True)
class Head:
    """A branch's head commit, as a new commit on top of it needs it."""

    sha: str
    tree: GitTree
    commit: GitCommit


def head_of(repo: Repository, branch: str) -> Head:
    """The branch's head commit and tree, in one request.

    The branch's inner commit carries no sha of its own, so the parent is
    built from the outer one instead of being fetched again.
    """
    outer = repo.get_branch(branch).commit
    url = f"{repo.url}/git/commits/{outer.sha}"
    parent = GitCommit(repo.requester, attributes={"sha": outer.sha, "url": url})
    return Head(outer.sha, outer.commit.tree, parent)


def open_or_update_pull(
    repo: Repository, owner: str, head: str, base: str, title: str, body: str
) -> tuple[PullRequest, bool]:
    """The one open pull request from ``head``, and whether this call opened it."""
    try:
        return write(repo.create_pull, base=base, head=head, title=title, body=body), True
    except GithubException as error:
        if error.status != 422:
            raise
        pull = open_pull_for_branch(repo, owner, head)
        if pull is None:
            raise
    if pull.title != title or pull.body != body:
        write(pull.edit, title=title, body=body)
    return pull, False


def commit_files(repo: Repository, head: Head, files: dict[str, str], message: str) -> str:
    """One commit on ``head`` replacing these files' text (two requests); its sha."""
    tree = write(
        repo.create_git_tree,
        [InputGitTreeElement(path, "100644", "blob", content=text) for path, text in files.items()],
        base_tree=head.tree,
    )
    return write(repo.create_git_commit, message, tree, [head.commit]).sha


def point_branch(repo: Repository, branch: str, sha: str) -> None:
    """Make ``branch`` point at ``sha``: created atomically, or moved when it exists.

    The ref's atomic create is the lock between racing approvals; the loser
    moves the branch to its own, equivalent commit, so both end on one branch.
    """
    try:
        write(repo.create_git_ref, f"refs/heads/{branch}", sha)
    except GithubException as error:
        if error.status != 422:
            raise
        move_branch(repo, branch, sha)


def move_branch(repo: Repository, branch: str, sha: str) -> None:
    """Force ``branch`` onto ``sha`` (one request; the ref is not fetched first).

    PyGithub's lazy ``get_git_ref`` keeps the read URL (``/git/ref/...``), on
    which GitHub refuses PATCH; updates go to ``/git/refs/...``.
    """
    url = f"{repo.url}/git/refs/heads/{branch}"
    ref = GitRef(repo.requester, attributes={"ref": f"refs/heads/{branch}", "url": url})
    write(ref.edit, sha, force=True)


def open_pull_for_branch(repo: Repository, owner: str, branch: str) -> PullRequest | None:
    """The open pull request whose head is ``branch``, if there is one (one request)."""
    return next(iter(repo.get_pulls(state="open", head=f"{owner}:{branch}")), None)
