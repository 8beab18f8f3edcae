"""The stand-in's in-memory GitHub: users, repositories, issues, pulls, apps.

Plain data; the HTTP layer (``api``) and the test-facing ``Standin`` both
change it under ``World.lock``. Issues and pull requests share one numbering
per repository, as on GitHub: a pull request is an ``Issue`` whose ``pull``
is set, so labels and comments work on both alike.
"""

from __future__ import annotations

import base64
import itertools
import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime

from standin.gitstore import GitStore, now

ROLES = ("admin", "maintain", "write", "triage", "read", "none")


def node_id(kind: str, number: int) -> str:
    """An opaque GraphQL-style node id, stable for a (kind, id)."""
    return base64.b64encode(f"0:{kind}{number}".encode()).decode()


def stable_id(kind: str, key: str) -> int:
    """The id of a user, repository, issue or label, from what names it (case-insensitively).

    Derived rather than counted, so a webhook payload built in another process
    (``python -m bot send`` beside the sandbox) or before the object exists
    carries the id the stand-in gives it: GitHub's payloads and its REST
    answers agree on ids.
    """
    return zlib.crc32(f"{kind}:{key.lower()}".encode()) % 10**9 + 1


def user_id(login: str) -> int:
    return stable_id("user", login)


def repo_id(full_name: str) -> int:
    return stable_id("repo", full_name)


def issue_id(full_name: str, number: int) -> int:
    """Issues and pull requests share one numbering per repository, hence one id space."""
    return stable_id("issue", f"{full_name}#{number}")


def label_id(full_name: str, name: str) -> int:
    return stable_id("label", f"{full_name}/{name}")


@dataclass
class User:
    login: str
    id: int

    @property
    def type(self) -> str:
        return "Bot" if self.login.endswith("[bot]") else "User"


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Comment:
    id: int
    issue_number: int
    body: str
    user: str
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)


@dataclass
class Pull:
    """What makes an issue a pull request. Head/base SHAs freeze when it closes."""

    head_ref: str
    base_ref: str
    head_sha: str
    base_sha: str
    draft: bool = False
    maintainer_can_modify: bool = False
    merged_at: datetime | None = None
    merged_by: str | None = None
    merge_commit_sha: str | None = None
    # Opened from a fork that was deleted since: GitHub then reports ``head.repo: null``.
    from_deleted_fork: str | None = None  # the fork's owner


@dataclass
class Issue:
    number: int
    id: int
    title: str
    body: str | None
    user: str
    labels: list[str] = field(default_factory=list)
    state: str = "open"
    state_reason: str | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    closed_at: datetime | None = None
    closed_by: str | None = None
    pull: Pull | None = None

    def close(self, by: str, reason: str | None = "completed") -> None:
        self.state, self.state_reason, self.closed_at, self.closed_by = "closed", reason, now(), by

    def reopen(self) -> None:
        self.state, self.state_reason = "open", "reopened"
        self.closed_at = self.closed_by = None


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    default_branch: str = "main"
    git: GitStore = field(default_factory=GitStore)
    refs: dict[str, str] = field(default_factory=dict)  # "refs/heads/main" -> sha
    issues: dict[int, Issue] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name -> label
    roles: dict[str, str] = field(default_factory=dict)  # login -> one of ROLES
    created_at: datetime = field(default_factory=now)
    archived: bool = False

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        return max(self.issues, default=0) + 1

    def branch_sha(self, branch: str) -> str | None:
        return self.refs.get(f"refs/heads/{branch}")

    def role(self, login: str) -> str:
        """The user's role; the owner is admin, strangers have none."""
        return "admin" if login.lower() == self.owner.lower() else self.roles.get(login, "none")


@dataclass
class App:
    """A GitHub App: its id, slug and the public key its JWTs are verified with."""

    id: int
    slug: str
    public_key_pem: str


@dataclass
class Installation:
    id: int
    app_id: int
    account: str
    repos: list[str]  # full names


@dataclass
class Principal:
    """Who a request authenticates as.

    A user token has only ``login``; an installation token also ``installation``;
    an App's JWT has ``app`` (and the App's bot login).
    """

    login: str
    installation: int | None = None
    app: int | None = None


class World:
    """All state of one stand-in, guarded by ``lock``."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._ids = itertools.count(1000)
        self.users: dict[str, User] = {}
        self.repos: dict[str, Repo] = {}  # lower-cased full name -> repo
        self.tokens: dict[str, Principal] = {}
        self.apps: dict[int, App] = {}
        self.installations: dict[int, Installation] = {}

    def new_id(self) -> int:
        return next(self._ids)

    def user(self, login: str) -> User:
        """The user with this login, created on first mention."""
        key = login.lower()
        if key not in self.users:
            self.users[key] = User(login=login, id=user_id(login))
        return self.users[key]

    def repo(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def new_label(self, repo: Repo, name: str, color: str = "ededed") -> Label:
        """Find or create a repository label (GitHub creates unknown labels on use)."""
        key = name.lower()
        if key not in repo.labels:
            repo.labels[key] = Label(id=label_id(repo.full_name, name), name=name, color=color)
        return repo.labels[key]
