"""The stand-in's HTTP server and its test-facing handle, ``Standin``.

Each request goes through the same steps: log it, add ``latency``, check it
against GitHub's description (a failure is answered with the reason and
recorded in ``violations``), apply an armed fault (no state change), check
authentication, then run the operation's handler under the world's lock.
A media type GitHub documents but the handler does not answer in is a
violation too: the stand-in does not pretend.
"""

from __future__ import annotations

import json
import re
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from github import Auth, Github
from werkzeug.wrappers import Request, Response

from standin import api, payloads
from standin.auth import AuthError, authenticate
from standin.checker import Checker, CheckFailure, Match
from standin.faults import HOLDING_KINDS, Fault, FaultPlan
from standin.gitstore import BLOB_MODE, Blob, Commit, Entry, Signature, now
from standin.limits import SecondaryLimits, retry_after
from standin.render import Json, Render
from standin.serving import Served
from standin.state import ROLES, App, Installation, Issue, Principal, Pull, Repo, World, repo_id

# How long a "timeout" fault holds a request unless told otherwise (seconds).
DEFAULT_TIMEOUT_HOLD = 5.0


class LoggedRequest(NamedTuple):
    """One request as the log keeps it (``path`` without the query string; ``at``: when
    it was answered, on ``time.perf_counter``'s clock)."""

    method: str
    path: str
    status: int
    at: float


def remote_client(
    base_url: str, token: str, *, timeout: int = 10, retry: Any = None, **kwargs: Any
) -> Github:
    """A PyGithub client for a stand-in running elsewhere (the sandbox's), given its URL."""
    options = {"seconds_between_requests": 0, "seconds_between_writes": 0} | kwargs
    return Github(
        auth=Auth.Token(token), base_url=base_url, timeout=timeout, retry=retry, **options
    )


class Standin(Served[LoggedRequest]):
    """A local GitHub on 127.0.0.1 that PyGithub talks to through ``base_url``.

    Start it with ``Standin.start()`` (a context manager, or call ``stop()``).
    """

    def __init__(self, checker: Checker | None = None) -> None:
        super().__init__()
        self.world = World()
        self.checker = checker or Checker.load()
        self.faults = FaultPlan()
        self.latency = 0.0
        # GitHub's secondary rate limits, off unless a test or benchmark sets them.
        self.secondary_limits: SecondaryLimits | None = None
        self._violations: list[str] = []
        self.base_url = ""
        self.render: Render

    # -- lifecycle ----------------------------------------------------------------

    @classmethod
    def start(cls, host: str = "127.0.0.1", port: int = 0) -> Standin:
        """Serve on ``host`` (ephemeral port by default) in a background thread."""
        standin = cls()
        server = standin._serve(host, port, "standin")
        standin.base_url = f"http://{host}:{server.port}"
        standin.render = Render(standin.world, standin.base_url)
        return standin

    # -- observation --------------------------------------------------------------

    @property
    def violations(self) -> list[str]:
        """Why requests broke GitHub's description (or crashed the stand-in)."""
        with self._log_lock:
            return list(self._violations)

    def clear_violations(self) -> None:
        """Forget recorded violations (for tests that provoke them on purpose)."""
        with self._log_lock:
            self._violations.clear()

    def client(self, token: str, *, timeout: int = 10, retry: Any = None, **kwargs: Any) -> Github:
        """A PyGithub client for this stand-in, authenticated with ``token``.

        No retries and no pause between writes by default (PyGithub waits 1 s
        between writes otherwise); pass ``retry=`` or other ``Github`` options to change.
        """
        return remote_client(self.base_url, token, timeout=timeout, retry=retry, **kwargs)

    # -- seeding --------------------------------------------------------------------

    def add_token(self, token: str, login: str) -> None:
        """Make ``token`` authenticate as ``login`` (``name[bot]`` logins are bots)."""
        with self.world.lock:
            self.world.user(login)
            self.world.tokens[token] = Principal(login=login)

    def create_repo(
        self,
        full_name: str,
        files: Mapping[str, bytes | str] | None = None,
        *,
        from_dir: Path | None = None,
        default_branch: str = "main",
        empty: bool = False,
        archived: bool = False,
    ) -> str | None:
        """Create a repository whose default branch has one commit of ``files``.

        ``from_dir`` adds every file below that directory (``.git`` excluded).
        Returns the SHA of that first commit; ``empty``: no commit at all (None),
        as a repository is before its first push. ``archived``: read-only, as
        GitHub shows an archived repository.
        """
        owner, name = full_name.split("/")
        contents = dict(_read_tree(from_dir) if from_dir else {})
        contents.update({path: _bytes(data) for path, data in (files or {}).items()})
        with self.world.lock:
            if self.world.repo(full_name):
                raise ValueError(f"{full_name} exists")
            self.world.user(owner)
            repo = Repo(
                owner,
                name,
                id=repo_id(full_name),
                default_branch=default_branch,
                archived=archived,
            )
            self.world.repos[full_name.lower()] = repo
            if empty:
                return None
            return self._commit(repo, default_branch, contents, "Initial commit", parent=None)

    def push(
        self,
        full_name: str,
        files: Mapping[str, bytes | str | None],
        *,
        branch: str | None = None,
        message: str = "Update files",
        author: str = "octocat",
    ) -> str:
        """Commit changes (``None`` deletes a path) on a branch, as a ``git push`` would.

        Moves the branch (the default one unless named) and returns the new SHA.
        """
        with self.world.lock:
            repo = self._repo(full_name)
            branch = branch or repo.default_branch
            parent = repo.branch_sha(branch)
            flat = repo.git.flatten(repo.git.commit(parent).tree) if parent else {}
            blobs = {path: _bytes(data) for path, data in files.items() if data is not None}
            kept = {path: entry for path, entry in flat.items() if path not in files}
            sha = self._commit(
                repo, branch, blobs, message, parent=parent, keep=kept, author=author
            )
            api.sync_pulls(repo, author)
            return sha

    def _commit(
        self,
        repo: Repo,
        branch: str,
        blobs: Mapping[str, bytes],
        message: str,
        *,
        parent: str | None,
        keep: Mapping[str, Entry] | None = None,
        author: str | None = None,
    ) -> str:
        git = repo.git
        flat = dict(keep or {})
        for path, data in blobs.items():
            flat[path] = Entry(BLOB_MODE, "blob", git.put(Blob(data)))
        login = author or repo.owner
        email = f"{self.world.user(login).id}+{login}@users.noreply.github.com"
        sig = Signature(login, email, now())
        sha = git.put(Commit(git.build(flat), (parent,) if parent else (), sig, sig, message))
        repo.refs[f"refs/heads/{branch}"] = sha
        return sha

    def set_permission(self, full_name: str, login: str, role: str) -> None:
        """Give ``login`` a role on the repository: admin, maintain, write, triage, read, none."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}")
        with self.world.lock:
            self.world.user(login)
            self._repo(full_name).roles[login] = role

    def create_issue(
        self,
        full_name: str,
        *,
        title: str,
        body: str | None = "",
        user: str = "octocat",
        labels: list[str] | tuple[str, ...] = (),
    ) -> int:
        """Open an issue as ``user``; returns its number."""
        with self.world.lock:
            repo = self._repo(full_name)
            issue = api.new_issue(self.world, repo, title, body, user)
            api.label_issue(self.world, repo, issue, labels)
            return issue.number

    def open_pull_from_deleted_fork(
        self, full_name: str, *, fork_owner: str, branch: str, title: str, body: str = ""
    ) -> int:
        """A pull request someone opened from a fork they deleted since (``head.repo: null``).

        Its head is the default branch's commit as the fork had it; returns its number.
        """
        with self.world.lock:
            repo = self._repo(full_name)
            sha = repo.branch_sha(repo.default_branch)
            issue = api.new_issue(self.world, repo, title, body, fork_owner)
            issue.pull = Pull(
                head_ref=branch,
                base_ref=repo.default_branch,
                head_sha=sha,
                base_sha=sha,
                from_deleted_fork=fork_owner,
            )
            return issue.number

    def edit_issue(self, full_name: str, number: int, **changes: Any) -> None:
        """Change an issue's ``title``, ``body`` or ``state`` as its author would."""
        with self.world.lock:
            issue = self._issue(full_name, number)
            state = changes.pop("state", None)
            for key, value in changes.items():
                if key not in ("title", "body"):
                    raise TypeError(f"cannot edit {key}")
                setattr(issue, key, value)
            if state == "closed" and issue.state == "open":
                issue.close(issue.user)
            elif state == "open" and issue.state == "closed":
                issue.reopen()
            issue.updated_at = now()

    def add_comment(self, full_name: str, number: int, body: str, *, user: str = "octocat") -> int:
        """Comment on an issue or pull request as ``user``; returns the comment id."""
        with self.world.lock:
            repo = self._repo(full_name)
            return api.add_comment(self.world, repo, self._issue(full_name, number), body, user).id

    def create_label(
        self, full_name: str, name: str, color: str = "ededed", description: str | None = None
    ) -> None:
        with self.world.lock:
            label = self.world.new_label(self._repo(full_name), name, color)
            label.description = description

    def configure_app(
        self,
        app_id: int,
        public_key_pem: str | bytes,
        installation_id: int,
        repos: list[str],
        *,
        slug: str = "vis-bot",
        account: str | None = None,
    ) -> None:
        """Register a GitHub App (JWTs verified with this key) installed on ``repos``.

        Installation tokens it obtains authenticate as ``<slug>[bot]`` and see
        only the installation's repositories.
        """
        key = public_key_pem.decode() if isinstance(public_key_pem, bytes) else public_key_pem
        with self.world.lock:
            self.world.apps[app_id] = App(id=app_id, slug=slug, public_key_pem=key)
            self.world.user(f"{slug}[bot]")
            owner = account or (repos[0].split("/")[0] if repos else slug)
            self.world.installations[installation_id] = Installation(
                id=installation_id, app_id=app_id, account=owner, repos=list(repos)
            )

    # -- faults ---------------------------------------------------------------------

    def fail_next(
        self,
        kind: str,
        count: int = 1,
        *,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        seconds: float | None = None,
        reshape: Callable[[Any], Any] | None = None,
    ) -> None:
        """Answer the next ``count`` requests matching ``method`` and ``path`` with a fault.

        ``kind``: ``5xx`` (``status``, default 502), ``primary_rate_limit`` (403,
        ``X-RateLimit-Remaining: 0``, reset ``seconds`` ahead, default 2),
        ``secondary_rate_limit`` (``status`` 403 or 429, ``Retry-After: seconds``,
        default 1), ``timeout`` (hold the request ``seconds``, default 5, then 504) or
        ``lost_response`` (like timeout, but the request takes effect first), or
        ``misshapen`` (the request takes effect; ``reshape`` turns the JSON answer into
        what a broken proxy or an upstream bug would send). Only ``lost_response`` and
        ``misshapen`` change state. ``path`` is a regex searched in the
        percent-decoded request path (query string excluded); ``method`` e.g. "POST".
        """
        self.faults.add(
            Fault(
                kind=kind,
                remaining=count,
                method=method.upper() if method else None,
                path=re.compile(path) if path else None,
                status=status,
                seconds=seconds,
                reshape=reshape,
            )
        )

    # -- read-back for assertions ------------------------------------------------------

    def file(self, full_name: str, path: str, ref: str | None = None) -> bytes | None:
        """A file's bytes at a branch, tag or SHA (default branch by default); None if absent."""
        with self.world.lock:
            repo = self._repo(full_name)
            entry = repo.git.read(api.resolve(repo, ref), path)
            return repo.git.blob(entry.sha).data if entry and entry.type == "blob" else None

    def branch(self, full_name: str, name: str) -> str | None:
        """The SHA a branch points at, or None."""
        with self.world.lock:
            return self._repo(full_name).branch_sha(name)

    def refs(self, full_name: str) -> dict[str, str]:
        """All refs (``refs/heads/main`` -> SHA)."""
        with self.world.lock:
            return dict(self._repo(full_name).refs)

    def commit(self, full_name: str, sha: str) -> Commit:
        """A commit object: ``tree``, ``parents``, ``author``, ``committer``, ``message``."""
        with self.world.lock:
            return self._repo(full_name).git.commit(sha)

    def changed_paths(self, full_name: str, base: str, head: str) -> list[str]:
        """Paths whose content differs between two commits."""
        with self.world.lock:
            git = self._repo(full_name).git
            old, new = git.flatten(git.commit(base).tree), git.flatten(git.commit(head).tree)
            return sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p))

    def repository(self, full_name: str) -> Json:
        """A repository as ``GET /repos/{o}/{r}`` shows it."""
        with self.world.lock:
            return self.render.repo(self._repo(full_name))

    def push_commits(self, full_name: str, before: str, after: str) -> list[Json]:
        """The commits a push event lists for a branch moved from ``before`` to ``after``."""
        with self.world.lock:
            return self.render.push_commits(self._repo(full_name), before, after)

    def payload(self, full_name: str, event: str, action: str | None = None, **fields: Any) -> Json:
        """The webhook payload GitHub would send now, for this repository as the stand-in has it.

        ``payloads.payload`` with the stand-in's base URL and what it knows of
        the repository, the issue (``issue_number``), the comment
        (``comment_id``), the pull request and the pushed commits
        (``before``/``after``); ``fields`` say what the event says.
        """
        with self.world.lock:
            repo = self._repo(full_name)
            known: dict[str, Any] = {"repository_data": self.render.repo(repo)}
            number = fields.get("pull_number") or fields.get("issue_number", 1)
            issue = repo.issues.get(number)
            if issue is not None:
                known["issue_data"] = self.render.issue(repo, issue)
                if event == "pull_request" and issue.pull is not None:
                    known["pull_data"] = self.render.pull(repo, issue)
            comment = repo.comments.get(fields.get("comment_id") or 0)
            if comment is not None:
                known["comment_data"] = self.render.comment(repo, comment)
            if event == "push" and fields.get("after"):
                before = fields.get("before") or ""
                known["commits"] = self.render.push_commits(repo, before, fields["after"])
        return payloads.payload(
            event, action, repo=repo.full_name, base_url=self.base_url, **known | fields
        )

    def issue(self, full_name: str, number: int) -> Json:
        """An issue (or PR) as ``GET /repos/{o}/{r}/issues/{n}`` shows it."""
        with self.world.lock:
            return self.render.issue(self._repo(full_name), self._issue(full_name, number))

    def pull(self, full_name: str, number: int) -> Json:
        """A pull request as ``GET /repos/{o}/{r}/pulls/{n}`` shows it."""
        with self.world.lock:
            repo = self._repo(full_name)
            issue = self._issue(full_name, number)
            if issue.pull is None:
                raise KeyError(f"#{number} is not a pull request")
            return self.render.pull(repo, issue)

    def pulls(self, full_name: str, state: str = "all") -> list[Json]:
        """Pull requests (``open``, ``closed`` or ``all``), oldest first."""
        with self.world.lock:
            repo = self._repo(full_name)
            return [
                self.render.pull(repo, issue)
                for issue in sorted(repo.issues.values(), key=lambda i: i.number)
                if issue.pull and state in ("all", issue.state)
            ]

    def comments(self, full_name: str, number: int) -> list[Json]:
        """Comments on an issue or PR, oldest first, as the API shows them."""
        with self.world.lock:
            repo = self._repo(full_name)
            self._issue(full_name, number)
            return [
                self.render.comment(repo, c)
                for c in sorted(repo.comments.values(), key=lambda c: c.id)
                if c.issue_number == number
            ]

    def labels(self, full_name: str, number: int) -> list[str]:
        """Label names on an issue or PR."""
        with self.world.lock:
            return list(self._issue(full_name, number).labels)

    def _repo(self, full_name: str) -> Repo:
        repo = self.world.repo(full_name)
        if repo is None:
            raise KeyError(f"no repository {full_name}")
        return repo

    def _issue(self, full_name: str, number: int) -> Issue:
        issue = self._repo(full_name).issues.get(number)
        if issue is None:
            raise KeyError(f"no issue #{number} in {full_name}")
        return issue

    # -- serving ----------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or request.full_path
        raw_path = raw_uri.split("?", 1)[0]
        if self.latency > 0:
            self._stopping.wait(self.latency)
        status, body, headers = self._answer(request, raw_path)
        self._logged(LoggedRequest(request.method, request.path, status, time.perf_counter()))
        headers = dict(headers)
        content_type = headers.pop("Content-Type", "application/json; charset=utf-8")
        if body is None or isinstance(body, bytes):
            encoded = body or b""
        else:
            encoded = json.dumps(body).encode()
        response = Response(
            encoded,
            status=status,
            headers={**_rate_headers(), **headers},
            content_type=content_type,
        )
        return response(environ, start_response)

    def _answer(self, request: Request, raw_path: str) -> api.Reply:
        try:
            match = self.checker.check(
                request.method,
                raw_path,
                request.args.items(multi=True),
                request.get_data(),
                request.headers.get("Accept"),
            )
        except CheckFailure as failure:
            self._violation(f"{request.method} {request.full_path.rstrip('?')}: {failure.reason}")
            message = "Not Found" if failure.status == 404 else "Invalid request."
            return (
                failure.status,
                {
                    "message": f"{message}\n\n{failure.reason}",
                    "documentation_url": api.DOCS,
                    "status": str(failure.status),
                },
                {},
            )
        limited = self._secondary_limit(request)
        if limited is not None:
            return limited
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return self._dispatch(request, match)
        if fault.kind == "misshapen":
            status, body, headers = self._dispatch(request, match)
            assert fault.reshape is not None
            return status, fault.reshape(body), headers
        if fault.kind == "lost_response":
            self._dispatch(request, match)
        if fault.kind in HOLDING_KINDS:
            hold = fault.seconds if fault.seconds is not None else DEFAULT_TIMEOUT_HOLD
            self._stopping.wait(hold)
        return fault.response()

    def _secondary_limit(self, request: Request) -> api.Reply | None:
        """GitHub's answer past a secondary rate limit, or None when the request may pass."""
        limits = self.secondary_limits
        credential = request.headers.get("Authorization") or request.remote_addr or ""
        wait = limits.check(credential, request.method) if limits else None
        if wait is None:
            return None
        fault = Fault(kind="secondary_rate_limit", remaining=1, seconds=float(retry_after(wait)))
        return fault.response()

    def _dispatch(self, request: Request, match: Match) -> api.Reply:
        operation_id = match.operation.operation_id
        if match.media_type and match.media_type not in api.MEDIA_TYPES[operation_id]:
            reason = f"the stand-in does not answer {operation_id} in {match.media_type}"
            self._violation(f"{request.method} {request.full_path}: {reason}")
            return 415, {"message": reason, "documentation_url": api.DOCS, "status": "415"}, {}
        try:
            principal = authenticate(self.world, request.headers.get("Authorization"))
            if (principal.app is not None) != (operation_id in api.APP_OPERATIONS):
                raise AuthError(
                    "A JSON web token could not be decoded"
                    if principal.app is None
                    else "This endpoint requires an installation or user token, not an App JWT"
                )
            handler = api.HANDLERS[operation_id]
            call = api.Call(
                world=self.world,
                render=self.render,
                principal=principal,
                params=match.path_params,
                query=match.query,
                body=match.body,
                url=request.url,
                media_type=match.media_type,
            )
            with self.world.lock:
                return handler(call)
        except AuthError as error:
            body = {"message": error.message, "documentation_url": api.DOCS, "status": "401"}
            return 401, body, {}
        except api.ApiError as error:
            return error.status, error.body(), {}
        except Exception:
            crash = traceback.format_exc()
            self._violation(f"{request.method} {request.full_path}: stand-in crashed:\n{crash}")
            return 500, {"message": "stand-in error", "documentation_url": api.DOCS}, {}

    def _violation(self, reason: str) -> None:
        with self._log_lock:
            self._violations.append(reason)


def _rate_headers() -> dict[str, str]:
    """The rate-limit headers GitHub sends with every response."""
    return {
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": "4999",
        "X-RateLimit-Used": "1",
        "X-RateLimit-Reset": str(int(time.time()) + 3600),
        "X-RateLimit-Resource": "core",
        "X-GitHub-Api-Version-Selected": "2022-11-28",
    }


def _bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data


def _read_tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` by POSIX path, skipping ``.git``."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }
