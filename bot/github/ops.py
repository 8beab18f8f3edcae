"""The operations the handlers perform on GitHub, through PyGithub.

The client is lazy: repository and issue objects are built from the payload's
names without fetching them, so each operation below costs the requests it
names and no more. Retries are the client's (``bot.github.client``).
"""

import contextvars
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote

from github import Github, GithubException, InputGitTreeElement, UnknownObjectException
from github.GitCommit import GitCommit
from github.GitRef import GitRef
from github.GitTree import GitTree
from github.PullRequest import PullRequest
from github.Repository import Repository
from requests import RequestException

from bot.core import messages, paths
from bot.core.gitobjects import blob_sha, listing_is_whole
from bot.core.pages import Published, is_page
from bot.core.papers import PaperList, load_papers
from bot.github.blobs import BySha
from bot.github.client import single_shot
from bot.github.pacing import write

# GitHub's contents API gives a file above 1 MB only with this media type (as
# raw bytes; the default JSON then has an empty content, encoding "none"), and
# its blobs API gives any blob up to 100 MB with it without Base64's third more.
RAW = "application/vnd.github.raw+json"


class ReadBackError(ValueError):
    """What GitHub sent back is not what it says it is; nothing is written on it."""


@dataclass(frozen=True)
class Files:
    """Every file of a commit by path: its blob sha and the size GitHub states (no content)."""

    ref: str
    blobs: dict[str, tuple[str, int]]
    verified: bool  # the listing hashes to the tree GitHub names: it may be kept by sha


# Kept between jobs by sha (bot.github.blobs): each version of the data file,
# parsed; of the README; and the files of the commits read (a few hundred bytes
# an entry: the repository's heads, and the bases of the PRs a push rebuilds).
_PAPERS_BY_BLOB: BySha[PaperList] = BySha(size=4)
_README_BY_BLOB: BySha[str] = BySha(size=4)
_FILES_BY_COMMIT: BySha[Files] = BySha(size=64)


def files_at(repo: Repository, commit: str) -> Files:
    """A commit's files, from its tree (one request, none for a commit read before).

    A commit's sha names its tree for ever, so a listing is kept by it, once its
    entries are shown to hash to the tree GitHub names: a damaged answer is used
    for its one job and read afresh by the next. (A tree is truncated only past
    100,000 entries, far beyond a list's repository.)
    """
    return _FILES_BY_COMMIT.get(commit, lambda: _listed_files(repo, commit), keep=_is_verified)


def _is_verified(files: Files) -> bool:
    return files.verified


def _listed_files(repo: Repository, commit: str) -> Files:
    tree = repo.get_git_tree(commit, recursive=True)
    listing = [(entry.path, entry.mode, entry.sha) for entry in tree.tree]
    verified = not tree.truncated and listing_is_whole(tree.sha, listing)
    blobs = {entry.path: (entry.sha, entry.size) for entry in tree.tree if entry.type == "blob"}
    return Files(commit, blobs, verified)


def files_and_texts(
    repo: Repository, commit: str, wanted: tuple[str, ...]
) -> tuple[Files, dict[str, str]]:
    """A commit's files; for a commit not read before, also the texts of ``wanted``.

    A new head would cost two rounds, its listing and then the blobs it names:
    instead the files are read by path at the commit beside the listing, and
    each is checked against the sha the listing gives it. For a commit read
    before, no request, and the texts are left to what was kept by blob sha.
    """
    if commit in _FILES_BY_COMMIT:
        return files_at(repo, commit), {}
    with ThreadPoolExecutor(max_workers=len(wanted)) as pool:
        reads = {
            path: pool.submit(
                contextvars.copy_context().run,
                _raw,
                repo,
                f"{repo.url}/contents/{quote(path)}",
                {"ref": commit},
            )
            for path in wanted
        }
        files = files_at(repo, commit)
        return files, {path: _checked(files, path, read.result()) for path, read in reads.items()}


def read_file(repo: Repository, files: Files, path: str) -> str:
    """One file's text, whatever its size up to GitHub's 100 MB (one request, for the blob)."""
    sha, _ = _blob(files, path)
    return _checked(files, path, _raw(repo, f"{repo.url}/git/blobs/{sha}"))


def _checked(files: Files, path: str, text: str) -> str:
    """The text, once it is the file the listing names: its size and its blob's sha.

    A damaged answer, or one decoded as the wrong charset, is a ReadBackError,
    never written on (nor kept by sha).
    """
    sha, size = _blob(files, path)
    data = text.encode("utf-8")
    if len(data) != size:
        why = f"{len(data):,} bytes where GitHub states {size:,}"
        raise ReadBackError(messages.read_back(path, why))
    if blob_sha(data) != sha:
        raise ReadBackError(messages.read_back(path, f"its content is not blob {sha[:12]}"))
    return text


def read_papers(repo: Repository, files: Files, text: str | None = None) -> PaperList:
    """The list in these files, parsed once per version of the data file in this process.

    The blob is read (one request) only when its version was not parsed before
    and its ``text`` was not read already. Callers share what is returned and
    must not change it.
    """
    sha, _ = _blob(files, paths.DATA_IN_REPO)
    return _PAPERS_BY_BLOB.get(
        sha,
        lambda: load_papers(
            text if text is not None else read_file(repo, files, paths.DATA_IN_REPO)
        ),
    )


def _blob(files: Files, path: str) -> tuple[str, int]:
    """A file's blob sha and size; a 404, as GitHub answers it, when the ref has no such file."""
    if path not in files.blobs:
        raise UnknownObjectException(404, {"message": f"{path} not at {files.ref}"}, None)
    return files.blobs[path]


def read_published(repo: Repository, files: Files, readme: str | None = None) -> Published:
    """The generated files: README.md's text (one request, none for a version read
    before or a ``readme`` read already), and each page's blob sha."""
    pages = {path: sha for path, (sha, _) in files.blobs.items() if is_page(path)}
    sha, _ = _blob(files, paths.README_IN_REPO)
    text = _README_BY_BLOB.get(
        sha, lambda: readme if readme is not None else read_file(repo, files, paths.README_IN_REPO)
    )
    return Published(text, pages)


def _raw(repo: Repository, url: str, parameters: dict[str, str] | None = None) -> str:
    """A file's text in the raw media type, through PyGithub's requester (one request).

    PyGithub's JSON reading of the body would turn a file that happens to be
    valid JSON into data (and fail on one starting with "["), so the body is
    taken as it comes, and an error answer raised as PyGithub raises it.
    """
    requester = repo.requester
    status, headers, body = requester.requestJson(
        "GET", url, parameters=parameters, headers={"Accept": RAW}
    )
    if status >= 400:
        try:
            data = json.loads(body)
        except ValueError:
            data = {"message": body}
        raise requester.createException(status, headers, data)
    return body


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


def commit_files(repo: Repository, head: Head, files: dict[str, str | None], message: str) -> str:
    """One commit on ``head`` writing these files (None: deleting one); its sha (two requests)."""
    elements = [
        InputGitTreeElement(path, "100644", "blob", content=text)
        if text is not None
        else InputGitTreeElement(path, "100644", "blob", sha=None)
        for path, text in files.items()
    ]
    tree = write(repo.create_git_tree, elements, base_tree=head.tree)
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
