"""Handlers of the documented operations, keyed by OpenAPI ``operationId``.

The checker has already matched the request to an operation and validated
its inputs, so a handler only implements GitHub's behaviour: it reads
``Call`` and returns ``(status, json, headers)`` or raises ``ApiError`` with
GitHub's status and message. Handlers run under the world's lock, one at a
time, so every request is atomic, like a ref update on GitHub.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from standin.gitstore import BLOB_MODE, Blob, Commit, Entry, GitError, Signature, Tree, now
from standin.render import Json, Render, iso
from standin.state import Comment, Issue, Principal, Pull, Repo, World, issue_id

DOCS = "https://docs.github.com/rest"
Reply = tuple[int, Any, dict[str, str]]
Handler = Callable[["Call"], Reply]

HANDLERS: dict[str, Handler] = {}
# The media types besides JSON that a handler answers in (its operation may document more).
MEDIA_TYPES: dict[str, frozenset[str]] = {}
RAW = "application/vnd.github.raw+json"

# GitHub's limits on reading a file ("Get repository content", "Get a blob"):
# the contents API's JSON carries a file's content up to 1 MB, and above that
# an empty content with encoding "none"; the raw media type gives files and
# blobs up to 100 MB; a larger one is refused.
JSON_CONTENT_LIMIT = 1024 * 1024
READ_LIMIT = 100 * 1024 * 1024

# Operations an App authenticates to with its JWT rather than a token.
APP_OPERATIONS = {
    "apps/get-authenticated",
    "apps/get-installation",
    "apps/create-installation-access-token",
    "apps/get-repo-installation",
}

CLOSING_KEYWORDS = re.compile(
    r"\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*:?\s+#(\d+)\b", re.IGNORECASE
)


class ApiError(Exception):
    """An error answer in GitHub's shape: ``{message, documentation_url, status}``."""

    def __init__(self, status: int, message: str, errors: list[Json] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors

    def body(self) -> Json:
        out: Json = {"message": self.message, "documentation_url": DOCS, "status": str(self.status)}
        if self.errors:
            out["errors"] = self.errors
        return out


def validation_failed(resource: str, message: str, field_name: str | None = None) -> ApiError:
    """GitHub's 422 'Validation Failed' with one custom error."""
    error: Json = {"resource": resource, "code": "custom", "message": message}
    if field_name:
        error["field"] = field_name
    return ApiError(422, "Validation Failed", [error])


@dataclass
class Call:
    """One checked request, as a handler sees it."""

    world: World
    render: Render
    principal: Principal
    params: dict[str, Any]
    query: dict[str, Any]
    body: Any
    url: str  # the request's own URL, for pagination links
    media_type: str | None = None  # a custom media type the request asked for

    @property
    def login(self) -> str:
        return self.principal.login

    def repo(self) -> Repo:
        """The repository of the path; 404 when absent or outside an installation."""
        full_name = f"{self.params['owner']}/{self.params['repo']}"
        repo = self.world.repo(full_name)
        installation = self.world.installations.get(self.principal.installation or -1)
        if installation and full_name.lower() not in {r.lower() for r in installation.repos}:
            repo = None
        if repo is None:
            raise ApiError(404, "Not Found")
        return repo

    def issue(self, repo: Repo, number: int | None = None) -> Issue:
        number = number if number is not None else self.params["issue_number"]
        issue = repo.issues.get(number)
        if issue is None:
            raise ApiError(404, "Not Found")
        return issue

    def pull(self, repo: Repo) -> Issue:
        issue = repo.issues.get(self.params["pull_number"])
        if issue is None or issue.pull is None:
            raise ApiError(404, "Not Found")
        return issue

    def arg(self, name: str, default: Any = None) -> Any:
        return (self.body or {}).get(name, default) if isinstance(self.body, dict) else default


def handles(operation_id: str, media_types: Iterable[str] = ()) -> Callable[[Handler], Handler]:
    """Register a handler for a documented operation, and the media types it answers in."""

    def register(handler: Handler) -> Handler:
        HANDLERS[operation_id] = handler
        MEDIA_TYPES[operation_id] = frozenset(media_types)
        return handler

    return register


def ok(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return status, body, headers or {}


def paginate(call: Call, items: list[Any]) -> Reply:
    """A page of ``items`` per ``page``/``per_page``, with GitHub's Link header."""
    per_page = min(max(call.query.get("per_page", 30), 1), 100)
    page = max(call.query.get("page", 1), 1)
    last = max((len(items) + per_page - 1) // per_page, 1)
    links = {"first": 1, "prev": page - 1, "next": page + 1, "last": last}
    wanted = {"prev": page > 1, "next": page < last, "first": page > 1, "last": page < last}
    header = ", ".join(
        f'<{_with_page(call.url, number)}>; rel="{rel}"'
        for rel, number in links.items()
        if wanted[rel]
    )
    chunk = items[(page - 1) * per_page : page * per_page]
    return ok(chunk, headers={"Link": header} if header else {})


def _with_page(url: str, page: int) -> str:
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "page"]
    query.append(("page", str(page)))
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


# -- repository bookkeeping ---------------------------------------------------


def resolve(repo: Repo, ref: str | None) -> str:
    """The commit SHA of a branch, tag, ``heads/x``, full ref or SHA (404 if none)."""
    ref = ref or repo.default_branch
    for candidate in (f"refs/heads/{ref}", f"refs/tags/{ref}", f"refs/{ref}", ref):
        if candidate in repo.refs:
            return repo.refs[candidate]
    if re.fullmatch(r"[0-9a-f]{40}", ref) and ref in repo.git.objects:
        return ref
    raise ApiError(404, f"No commit found for the ref {ref}")


def sync_pulls(repo: Repo, closer: str) -> None:
    """Open pull requests follow their branches; a deleted head branch closes its PR."""
    for issue in repo.issues.values():
        pull = issue.pull
        if pull is None or issue.state != "open" or pull.from_deleted_fork is not None:
            continue
        head = repo.branch_sha(pull.head_ref)
        if head is None:
            issue.close(closer, None)
            continue
        pull.head_sha = head
        pull.base_sha = repo.branch_sha(pull.base_ref) or pull.base_sha


def signature(call: Call, given: Json | None) -> Signature:
    """Author/committer from the body, defaulting to the caller, like GitHub."""
    user = call.world.user(call.login)
    given = given or {}
    date = given.get("date")
    try:
        moment = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else now()
    except ValueError:
        raise validation_failed("Commit", f"date {date!r} is not ISO 8601", "date") from None
    return Signature(
        name=given.get("name", user.login),
        email=given.get("email", f"{user.id}+{user.login}@users.noreply.github.com"),
        date=moment,
    )


def commit_on(repo: Repo, call: Call, parent: str, flat: dict[str, Entry], message: str) -> str:
    """Create a commit of ``flat`` on ``parent`` by the caller; return its SHA."""
    author = signature(call, None)
    tree = repo.git.build(flat)
    return repo.git.put(Commit(tree, (parent,), author, author, message))


# -- users, apps, rate limit ----------------------------------------------------


@handles("rate-limit/get")
def rate_limit(call: Call) -> Reply:
    reset = int(time.time()) + 3600
    core = {"limit": 5000, "used": 1, "remaining": 4999, "reset": reset}
    resources = {name: dict(core) for name in ("core", "search", "graphql", "integration_manifest")}
    return ok({"resources": resources, "rate": core})


@handles("users/get-authenticated")
def get_authenticated_user(call: Call) -> Reply:
    if call.principal.installation is not None:
        raise ApiError(403, "Resource not accessible by integration")
    return ok(call.render.user(call.login) | {"name": call.login, "email": None})


@handles("users/get-by-username")
def get_user(call: Call) -> Reply:
    if call.params["username"].lower() not in call.world.users:
        raise ApiError(404, "Not Found")
    return ok(call.render.user(call.params["username"]))


@handles("apps/get-authenticated")
def get_app(call: Call) -> Reply:
    return ok(call.render.app(call.world.apps[call.principal.app]))  # type: ignore[index]


def _own_installation(call: Call, installation_id: int) -> Json:
    installation = call.world.installations.get(installation_id)
    if installation is None or installation.app_id != call.principal.app:
        raise ApiError(404, "Not Found")
    return call.render.installation(installation)


@handles("apps/get-installation")
def get_installation(call: Call) -> Reply:
    return ok(_own_installation(call, call.params["installation_id"]))


@handles("apps/get-repo-installation")
def get_repo_installation(call: Call) -> Reply:
    full_name = f"{call.params['owner']}/{call.params['repo']}".lower()
    for installation in call.world.installations.values():
        if full_name in {r.lower() for r in installation.repos}:
            return ok(_own_installation(call, installation.id))
    raise ApiError(404, "Not Found")


@handles("apps/create-installation-access-token")
def create_installation_token(call: Call) -> Reply:
    installation = _own_installation(call, call.params["installation_id"])
    token = "ghs_" + secrets.token_hex(18)
    call.world.tokens[token] = Principal(
        login=f"{installation['app_slug']}[bot]", installation=installation["id"]
    )
    body = {
        "token": token,
        "expires_at": iso(now() + timedelta(hours=1)),
        "permissions": installation["permissions"],
        "repository_selection": "selected",
    }
    return ok(body, 201)


# -- repository, branches, contents ---------------------------------------------


@handles("repos/get")
def get_repo(call: Call) -> Reply:
    return ok(call.render.repo(call.repo()))


@handles("repos/list-branches")
def list_branches(call: Call) -> Reply:
    repo = call.repo()
    branches = [
        {
            "name": name.removeprefix("refs/heads/"),
            "commit": {"sha": sha, "url": call.render.api(repo, f"/commits/{sha}")},
            "protected": False,
        }
        for name, sha in sorted(repo.refs.items())
        if name.startswith("refs/heads/")
    ]
    return paginate(call, branches)


@handles("repos/get-branch")
def get_branch(call: Call) -> Reply:
    repo = call.repo()
    sha = repo.branch_sha(call.params["branch"])
    if sha is None:
        raise ApiError(404, "Branch not found")
    return ok(call.render.branch(repo, call.params["branch"], sha))


@handles("repos/get-commit")
def get_commit(call: Call) -> Reply:
    repo = call.repo()
    return ok(call.render.commit(repo, resolve(repo, call.params["ref"]), files=True))


@handles("repos/get-collaborator-permission-level")
def get_permission(call: Call) -> Reply:
    repo = call.repo()
    role = repo.role(call.params["username"])
    legacy = {"maintain": "write", "triage": "read"}.get(role, role)
    user = call.render.user(call.params["username"])
    return ok({"permission": legacy, "role_name": role, "user": user})


@handles("repos/get-content", media_types=[RAW])
def get_content(call: Call) -> Reply:
    """A folder's listing (JSON whatever the media type, as GitHub), or a file by its size."""
    repo = call.repo()
    ref = call.query.get("ref") or repo.default_branch
    path = call.params["path"].strip("/")
    entry = repo.git.read(resolve(repo, ref), path)
    if entry is None:
        raise ApiError(404, "Not Found")
    if entry.type == "tree":
        listing = [
            call.render.content(repo, f"{path}/{name}".lstrip("/"), child, ref, with_data=False)
            for name, child in repo.git.tree(entry.sha).entries
        ]
        return ok(listing)
    if entry.type != "blob":
        return ok(call.render.content(repo, path, entry, ref, with_data=False))
    data = _readable(repo.git.blob(entry.sha))
    if call.media_type == RAW:
        return raw(data)
    if len(data) > JSON_CONTENT_LIMIT:
        listed = call.render.content(repo, path, entry, ref, with_data=False)
        return ok(listed | {"content": "", "encoding": "none"})
    return ok(call.render.content(repo, path, entry, ref, with_data=True))


def _readable(blob: Blob) -> bytes:
    """A blob's bytes, or GitHub's refusal of one past what its API reads."""
    if len(blob.data) > READ_LIMIT:
        error = {"resource": "Blob", "field": "data", "code": "too_large"}
        message = (
            "This API returns blobs up to 100 MB in size. The requested blob is too large to "
            "fetch via the API, but you can always clone the repository via Git to obtain it."
        )
        raise ApiError(403, message, [error])
    return blob.data


def raw(data: bytes) -> Reply:
    """A body of raw bytes, in the raw media type."""
    return ok(data, headers={"Content-Type": f"{RAW}; charset=utf-8"})


@handles("repos/create-or-update-file-contents")
def put_content(call: Call) -> Reply:
    repo = call.repo()
    branch = call.arg("branch") or repo.default_branch
    head = repo.branch_sha(branch)
    if head is None:
        raise ApiError(404, f"Branch {branch} not found")
    path = call.params["path"].strip("/")
    current = repo.git.read(head, path)
    if current is not None and call.arg("sha") is None:
        raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if current is not None and call.arg("sha") != current.sha:
        raise ApiError(409, f"{path} does not match {call.arg('sha')}")
    try:
        data = base64.b64decode(call.arg("content"), validate=True)
    except ValueError:
        raise ApiError(422, "content is not valid Base64") from None
    flat = repo.git.flatten(repo.git.commit(head).tree)
    flat[path] = Entry(BLOB_MODE, "blob", repo.git.put(Blob(data)))
    sha = commit_on(repo, call, head, flat, call.arg("message"))
    repo.refs[f"refs/heads/{branch}"] = sha
    sync_pulls(repo, call.login)
    entry = repo.git.read(sha, path)
    assert entry is not None
    body = {
        "content": call.render.content(repo, path, entry, branch, with_data=False),
        "commit": call.render.git_commit(repo, sha),
    }
    return ok(body, 200 if current is not None else 201)


# -- git data --------------------------------------------------------------------


@handles("git/create-blob")
def create_blob(call: Call) -> Reply:
    repo = call.repo()
    content, encoding = call.arg("content"), call.arg("encoding", "utf-8")
    if encoding == "base64":
        try:
            data = base64.b64decode(content, validate=True)
        except ValueError:
            raise ApiError(422, "content is not valid Base64") from None
    elif encoding in ("utf-8", "utf8"):
        data = content.encode("utf-8")
    else:
        raise validation_failed("Blob", f"encoding {encoding!r} is not supported", "encoding")
    sha = repo.git.put(Blob(data))
    return ok({"url": call.render.api(repo, f"/git/blobs/{sha}"), "sha": sha}, 201)


@handles("git/get-blob", media_types=[RAW])
def get_blob(call: Call) -> Reply:
    repo = call.repo()
    sha = call.params["file_sha"]
    try:
        blob = repo.git.blob(sha)
    except GitError:
        raise ApiError(404, "Not Found") from None
    data = _readable(blob)
    return raw(data) if call.media_type == RAW else ok(call.render.blob(repo, sha, blob))


@handles("git/create-tree")
def create_tree(call: Call) -> Reply:
    repo = call.repo()
    git = repo.git
    try:
        flat = git.flatten(call.arg("base_tree")) if call.arg("base_tree") else {}
        for item in call.arg("tree"):
            _apply_tree_item(repo, flat, item)
    except GitError as error:
        raise ApiError(422, f"GitRPC::BadObjectState: {error}") from None
    return ok(call.render.tree(repo, git.build(flat), recursive=False), 201)


def _apply_tree_item(repo: Repo, flat: dict[str, Entry], item: Json) -> None:
    """Apply one ``tree`` element of a create-tree request to a flat view."""
    path, kind = item.get("path", "").strip("/"), item.get("type", "blob")
    if not path:
        raise GitError("tree.path is required")
    if "content" in item and item.get("sha") is not None:
        raise GitError(f"{path}: use either tree.sha or content, not both")
    if "content" in item:
        blob_sha = repo.git.put(Blob(item["content"].encode()))
        entry = Entry(item.get("mode", BLOB_MODE), "blob", blob_sha)
    elif "sha" in item and item["sha"] is None:
        _delete(flat, path)
        return
    else:
        repo.git.get(item.get("sha", ""), {"blob": Blob, "tree": None}.get(kind))
        entry = Entry(item.get("mode", BLOB_MODE), kind, item["sha"])
    _delete(flat, path, missing_ok=True)
    if entry.type == "tree":
        flat.update({f"{path}/{sub}": e for sub, e in repo.git.flatten(entry.sha).items()})
    else:
        flat[path] = entry


def _delete(flat: dict[str, Entry], path: str, missing_ok: bool = False) -> None:
    """Remove a file, or everything below a directory, from a flat view."""
    doomed = [p for p in flat if p == path or p.startswith(path + "/")]
    if not doomed and not missing_ok:
        raise GitError(f"cannot delete {path}: no such path in the base tree")
    for p in doomed:
        del flat[p]


@handles("git/get-tree")
def get_tree(call: Call) -> Reply:
    """A tree by its sha, or the tree of a commit named by its sha or a ref, as GitHub resolves."""
    repo = call.repo()
    if not repo.refs:  # nothing pushed yet: GitHub's git API answers so for every ref
        raise ApiError(409, "Git Repository is empty.")
    sha = call.params["tree_sha"]
    try:
        if not isinstance(repo.git.objects.get(sha), Tree):
            sha = repo.git.commit(resolve(repo, sha)).tree
        return ok(call.render.tree(repo, sha, recursive="recursive" in call.query))
    except (GitError, ApiError):
        raise ApiError(404, "Not Found") from None


@handles("git/create-commit")
def create_commit(call: Call) -> Reply:
    repo = call.repo()
    try:
        repo.git.get(call.arg("tree"), Tree)
        for parent in call.arg("parents", []):
            repo.git.commit(parent)
    except GitError as error:
        raise ApiError(422, f"Invalid request: {error}") from None
    author = signature(call, call.arg("author"))
    committer = signature(call, call.arg("committer") or call.arg("author"))
    parents = tuple(call.arg("parents", []))
    sha = repo.git.put(Commit(call.arg("tree"), parents, author, committer, call.arg("message")))
    return ok(call.render.git_commit(repo, sha), 201)


@handles("git/get-commit")
def get_git_commit(call: Call) -> Reply:
    repo = call.repo()
    try:
        return ok(call.render.git_commit(repo, call.params["commit_sha"]))
    except GitError:
        raise ApiError(404, "Not Found") from None


@handles("git/get-ref")
def get_ref(call: Call) -> Reply:
    repo = call.repo()
    name = "refs/" + call.params["ref"]
    if name not in repo.refs:
        raise ApiError(404, "Not Found")
    return ok(call.render.ref(repo, name, repo.refs[name]))


@handles("git/list-matching-refs")
def list_matching_refs(call: Call) -> Reply:
    repo = call.repo()
    prefix = "refs/" + call.params["ref"]
    matching = sorted((n, s) for n, s in repo.refs.items() if n.startswith(prefix))
    return paginate(call, [call.render.ref(repo, name, sha) for name, sha in matching])


@handles("git/create-ref")
def create_ref(call: Call) -> Reply:
    repo = call.repo()
    name, sha = call.arg("ref"), call.arg("sha")
    if not name.startswith("refs/") or name.count("/") < 2:
        raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes")
    if name in repo.refs:
        raise ApiError(422, "Reference already exists")
    if sha not in repo.git.objects:
        raise ApiError(422, "Object does not exist")
    repo.refs[name] = sha
    sync_pulls(repo, call.login)
    return ok(call.render.ref(repo, name, sha), 201)


@handles("git/update-ref")
def update_ref(call: Call) -> Reply:
    repo = call.repo()
    name, sha = "refs/" + call.params["ref"], call.arg("sha")
    if name not in repo.refs:
        raise ApiError(422, "Reference does not exist")
    if sha not in repo.git.objects:
        raise ApiError(422, "Object does not exist")
    forward = sha == repo.refs[name] or repo.git.is_ancestor(repo.refs[name], sha)
    if not forward and not call.arg("force", False):
        raise ApiError(422, "Update is not a fast forward")
    repo.refs[name] = sha
    sync_pulls(repo, call.login)
    return ok(call.render.ref(repo, name, sha))


@handles("git/delete-ref")
def delete_ref(call: Call) -> Reply:
    repo = call.repo()
    name = "refs/" + call.params["ref"]
    if name not in repo.refs:
        raise ApiError(422, "Reference does not exist")
    del repo.refs[name]
    sync_pulls(repo, call.login)
    return ok(None, 204)


# -- issues, comments, labels -----------------------------------------------------


def _sorted(items: list[Issue], call: Call) -> list[Issue]:
    key = call.query.get("sort", "created")
    by: Callable[[Issue], Any] = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
    }.get(key, lambda i: (i.created_at, i.number))
    descending = call.query.get("direction", "desc") == "desc"
    return sorted(items, key=by, reverse=descending)


def _since(call: Call) -> datetime:
    """The ``since`` query parameter (ISO 8601), or the beginning of time."""
    given = call.query.get("since")
    if not given:
        return datetime.min.replace(tzinfo=UTC)
    try:
        return datetime.fromisoformat(given.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(422, f"since={given!r} is not an ISO 8601 timestamp") from None


def _state_matches(issue: Issue, wanted: str) -> bool:
    return wanted == "all" or issue.state == wanted


@handles("issues/list-for-repo")
def list_issues(call: Call) -> Reply:
    """Issues AND pull requests, as GitHub lists them; assignee/milestone filters are ignored."""
    repo = call.repo()
    wanted_labels = {n.strip().lower() for n in call.query.get("labels", "").split(",")} - {""}
    creator = call.query.get("creator", "").lower()
    since = _since(call)
    issues = [
        issue
        for issue in repo.issues.values()
        if _state_matches(issue, call.query.get("state", "open"))
        and wanted_labels <= {label.lower() for label in issue.labels}
        and (not creator or issue.user.lower() == creator)
        and issue.updated_at >= since
    ]
    return paginate(call, [call.render.issue(repo, i) for i in _sorted(issues, call)])


@handles("issues/create")
def create_issue(call: Call) -> Reply:
    repo = call.repo()
    issue = new_issue(call.world, repo, call.arg("title"), call.arg("body"), call.login)
    _set_labels(call.world, repo, issue, _label_names(call.arg("labels", [])))
    return ok(call.render.issue(repo, issue), 201)


def new_issue(world: World, repo: Repo, title: Any, body: str | None, user: str) -> Issue:
    """Open a new issue (or the issue half of a pull request)."""
    world.user(user)
    number = repo.next_number()
    issue = Issue(
        number=number, id=issue_id(repo.full_name, number), title=str(title), body=body, user=user
    )
    repo.issues[issue.number] = issue
    return issue


@handles("issues/get")
def get_issue(call: Call) -> Reply:
    repo = call.repo()
    return ok(call.render.issue(repo, call.issue(repo)))


@handles("issues/update")
def update_issue(call: Call) -> Reply:
    repo = call.repo()
    issue = call.issue(repo)
    for key in ("title", "body"):
        if key in call.body:
            setattr(issue, key, call.body[key])
    if "labels" in call.body:
        _set_labels(call.world, repo, issue, _label_names(call.body["labels"] or []))
    state, reason = call.arg("state"), call.arg("state_reason")
    if state == "closed" and issue.state == "open":
        issue.close(call.login, reason or "completed")
    elif state == "closed" and reason:
        issue.state_reason = reason
    elif state == "open" and issue.state == "closed":
        issue.reopen()
    issue.updated_at = now()
    return ok(call.render.issue(repo, issue))


@handles("issues/list-comments")
def list_comments(call: Call) -> Reply:
    repo = call.repo()
    issue = call.issue(repo)
    since = _since(call)
    comments = sorted(
        (
            c
            for c in repo.comments.values()
            if c.issue_number == issue.number and c.updated_at >= since
        ),
        key=lambda c: c.id,
    )
    return paginate(call, [call.render.comment(repo, c) for c in comments])


@handles("issues/create-comment")
def create_comment(call: Call) -> Reply:
    repo = call.repo()
    issue = call.issue(repo)
    comment = add_comment(call.world, repo, issue, call.arg("body"), call.login)
    return ok(call.render.comment(repo, comment), 201)


def add_comment(world: World, repo: Repo, issue: Issue, body: str, user: str) -> Comment:
    """Comment on an issue or pull request."""
    world.user(user)
    comment = Comment(id=world.new_id(), issue_number=issue.number, body=body, user=user)
    repo.comments[comment.id] = comment
    issue.updated_at = now()
    return comment


def _comment(call: Call, repo: Repo) -> Comment:
    comment = repo.comments.get(call.params["comment_id"])
    if comment is None:
        raise ApiError(404, "Not Found")
    return comment


@handles("issues/get-comment")
def get_comment(call: Call) -> Reply:
    repo = call.repo()
    return ok(call.render.comment(repo, _comment(call, repo)))


@handles("issues/update-comment")
def update_comment(call: Call) -> Reply:
    repo = call.repo()
    comment = _comment(call, repo)
    comment.body, comment.updated_at = call.arg("body"), now()
    return ok(call.render.comment(repo, comment))


def _label_names(given: Any) -> list[str]:
    """Label names from any documented request shape (strings, objects, a bare string)."""
    if isinstance(given, dict):
        given = given.get("labels", [])
    if isinstance(given, str):
        given = [given]
    return [item["name"] if isinstance(item, dict) else str(item) for item in given]


def _set_labels(world: World, repo: Repo, issue: Issue, names: Iterable[str]) -> None:
    issue.labels = []
    label_issue(world, repo, issue, names)


def label_issue(world: World, repo: Repo, issue: Issue, names: Iterable[str]) -> None:
    """Add labels (creating unknown ones, as GitHub does), keeping each once."""
    for name in names:
        label = world.new_label(repo, name)
        if label.name.lower() not in {n.lower() for n in issue.labels}:
            issue.labels.append(label.name)
    issue.updated_at = now()


def _issue_labels(call: Call, repo: Repo, issue: Issue) -> Reply:
    return ok([call.render.label(repo, repo.labels[n.lower()]) for n in issue.labels])


@handles("issues/list-labels-on-issue")
def list_issue_labels(call: Call) -> Reply:
    repo = call.repo()
    return _issue_labels(call, repo, call.issue(repo))


@handles("issues/add-labels")
def add_labels(call: Call) -> Reply:
    repo = call.repo()
    issue = call.issue(repo)
    label_issue(call.world, repo, issue, _label_names(call.body or []))
    return _issue_labels(call, repo, issue)


@handles("issues/set-labels")
def set_labels(call: Call) -> Reply:
    repo = call.repo()
    issue = call.issue(repo)
    _set_labels(call.world, repo, issue, _label_names(call.body or []))
    return _issue_labels(call, repo, issue)


@handles("issues/remove-all-labels")
def remove_all_labels(call: Call) -> Reply:
    repo = call.repo()
    call.issue(repo).labels = []
    return ok(None, 204)


@handles("issues/remove-label")
def remove_label(call: Call) -> Reply:
    repo = call.repo()
    issue = call.issue(repo)
    name = call.params["name"].lower()
    if name not in {n.lower() for n in issue.labels}:
        raise ApiError(404, "Label does not exist")
    issue.labels = [n for n in issue.labels if n.lower() != name]
    issue.updated_at = now()
    return _issue_labels(call, repo, issue)


@handles("issues/list-labels-for-repo")
def list_repo_labels(call: Call) -> Reply:
    repo = call.repo()
    return paginate(call, [call.render.label(repo, label) for label in repo.labels.values()])


@handles("issues/create-label")
def create_label(call: Call) -> Reply:
    repo = call.repo()
    name = call.arg("name")
    if name.lower() in repo.labels:
        error = {"resource": "Label", "code": "already_exists", "field": "name"}
        raise ApiError(422, "Validation Failed", [error])
    label = call.world.new_label(repo, name, call.arg("color", "ededed").lstrip("#"))
    label.description = call.arg("description")
    return ok(call.render.label(repo, label), 201)


@handles("issues/get-label")
def get_label(call: Call) -> Reply:
    repo = call.repo()
    label = repo.labels.get(call.params["name"].lower())
    if label is None:
        raise ApiError(404, "Not Found")
    return ok(call.render.label(repo, label))


# -- pull requests -----------------------------------------------------------------


def _head_branch(repo: Repo, head: str) -> str:
    """``branch`` or ``owner:branch`` (same repository only: the stand-in has no forks)."""
    owner, sep, branch = head.rpartition(":")
    if sep and owner.lower() != repo.owner.lower():
        message = f"head {head} is not a branch of {repo.full_name}"
        raise validation_failed("PullRequest", message, "head")
    return branch


@handles("pulls/list")
def list_pulls(call: Call) -> Reply:
    repo = call.repo()
    head, base = call.query.get("head"), call.query.get("base")
    head_owner, _, head_branch = head.rpartition(":") if head else ("", "", "")

    def head_matches(pull: Pull) -> bool:
        owner = pull.from_deleted_fork or repo.owner
        return head_owner.lower() in ("", owner.lower()) and pull.head_ref == head_branch

    pulls = [
        issue
        for issue in repo.issues.values()
        if issue.pull is not None
        and _state_matches(issue, call.query.get("state", "open"))
        and (not head or head_matches(issue.pull))
        and (not base or issue.pull.base_ref == base)
    ]
    return paginate(call, [call.render.pull(repo, i) for i in _sorted(pulls, call)])


@handles("pulls/create")
def create_pull(call: Call) -> Reply:
    repo = call.repo()
    if call.arg("issue") is not None:
        raise validation_failed("PullRequest", "the stand-in cannot turn issues into PRs")
    head, base = _head_branch(repo, call.arg("head")), call.arg("base")
    head_sha, base_sha = repo.branch_sha(head), repo.branch_sha(base)
    if head_sha is None:
        raise validation_failed("PullRequest", f"head {head} does not exist", "head")
    if base_sha is None:
        raise validation_failed("PullRequest", f"base {base} does not exist", "base")
    for other in repo.issues.values():
        if (
            other.pull
            and other.state == "open"
            and other.pull.from_deleted_fork is None
            and (other.pull.head_ref, other.pull.base_ref)
            == (
                head,
                base,
            )
        ):
            message = f"A pull request already exists for {repo.owner}:{head}."
            raise validation_failed("PullRequest", message)
    if repo.git.is_ancestor(head_sha, base_sha):
        raise validation_failed("PullRequest", f"No commits between {base} and {head}")
    issue = new_issue(call.world, repo, call.arg("title"), call.arg("body"), call.login)
    issue.pull = Pull(
        head_ref=head,
        base_ref=base,
        head_sha=head_sha,
        base_sha=base_sha,
        draft=bool(call.arg("draft", False)),
        maintainer_can_modify=bool(call.arg("maintainer_can_modify", False)),
    )
    return ok(call.render.pull(repo, issue), 201)


@handles("pulls/get")
def get_pull(call: Call) -> Reply:
    repo = call.repo()
    return ok(call.render.pull(repo, call.pull(repo)))


@handles("pulls/update")
def update_pull(call: Call) -> Reply:
    repo = call.repo()
    issue = call.pull(repo)
    pull = issue.pull
    assert pull is not None
    base = call.arg("base")
    if base is not None:
        if repo.branch_sha(base) is None:
            raise validation_failed("PullRequest", f"base {base} does not exist", "base")
        pull.base_ref = base
    for key in ("title", "body"):
        if key in call.body:
            setattr(issue, key, call.body[key])
    if "maintainer_can_modify" in call.body:
        pull.maintainer_can_modify = bool(call.body["maintainer_can_modify"])
    state = call.arg("state")
    if state == "closed" and issue.state == "open":
        sync_pulls(repo, call.login)
        issue.close(call.login, None)
    elif state == "open" and issue.state == "closed" and pull.merged_at is None:
        if repo.branch_sha(pull.head_ref) is None:
            raise validation_failed("PullRequest", "the head branch no longer exists", "state")
        issue.reopen()
        issue.state_reason = None
    sync_pulls(repo, call.login)
    issue.updated_at = now()
    return ok(call.render.pull(repo, issue))


@handles("pulls/list-commits")
def list_pull_commits(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo).pull
    assert pull is not None
    shas = repo.git.commits_between(pull.base_sha, pull.head_sha)
    return paginate(call, [call.render.commit(repo, sha) for sha in shas])


@handles("pulls/list-files")
def list_pull_files(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo).pull
    assert pull is not None
    base = repo.git.merge_base(pull.base_sha, pull.head_sha)
    return paginate(call, call.render.file_changes(repo, base, pull.head_sha))


@handles("pulls/check-if-merged")
def check_if_merged(call: Call) -> Reply:
    repo = call.repo()
    pull = call.pull(repo).pull
    assert pull is not None
    if pull.merged_at is None:
        raise ApiError(404, "Not Found")
    return ok(None, 204)


@handles("pulls/merge")
def merge_pull(call: Call) -> Reply:
    repo = call.repo()
    issue = call.pull(repo)
    pull = issue.pull
    assert pull is not None
    if issue.state != "open":
        raise ApiError(405, "Pull Request is not mergeable")
    if call.arg("sha") and call.arg("sha") != pull.head_sha:
        raise ApiError(409, "Head branch was modified. Review and try the merge again.")
    git, base_sha = repo.git, repo.branch_sha(pull.base_ref)
    assert base_sha is not None
    common = git.merge_base(base_sha, pull.head_sha)
    try:
        tree = git.merge_trees(
            git.commit(common).tree if common else git.build({}),
            git.commit(base_sha).tree,
            git.commit(pull.head_sha).tree,
        )
    except GitError:
        raise ApiError(405, "Pull Request is not mergeable") from None
    method = call.arg("merge_method", "merge")
    title = call.arg("commit_title") or (
        f"Merge pull request #{issue.number} from {repo.owner}/{pull.head_ref}"
        if method == "merge"
        else f"{issue.title} (#{issue.number})"
    )
    message = title + "\n\n" + (call.arg("commit_message") or issue.title)
    parents = (base_sha, pull.head_sha) if method == "merge" else (base_sha,)
    merger = signature(call, None)
    committer = Signature("GitHub", "noreply@github.com", merger.date)
    sha = git.put(Commit(tree, parents, merger, committer, message))
    repo.refs[f"refs/heads/{pull.base_ref}"] = sha
    pull.base_sha, pull.merge_commit_sha = base_sha, sha
    pull.merged_at, pull.merged_by = now(), call.login
    issue.close(call.login, None)
    if pull.base_ref == repo.default_branch:
        _close_referenced(repo, issue, call.login)
    sync_pulls(repo, call.login)
    return ok({"sha": sha, "merged": True, "message": "Pull Request successfully merged"})


def _close_referenced(repo: Repo, pull: Issue, by: str) -> None:
    """Merging into the default branch closes issues the PR body names ("Closes #12")."""
    for number in CLOSING_KEYWORDS.findall(pull.body or ""):
        target = repo.issues.get(int(number))
        if target is not None and target.pull is None and target.state == "open":
            target.close(by, "completed")
