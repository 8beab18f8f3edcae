"""JSON shapes of GitHub's REST responses, with URLs on the stand-in's host.

Field names and nesting follow api.github.com (users, repositories, labels,
issues, comments, pulls and installations through ``shapes``, which the
webhook payloads share); every object carries the fields PyGithub reads
(``url``, ``html_url``, ``id``, ``node_id``, ``sha``, ``user.login``, ...).
URLs point at the stand-in itself because PyGithub follows them (lazy
completion, pagination) and refuses other hosts.
"""

from __future__ import annotations

import base64
import difflib
import zlib
from datetime import datetime

from standin.gitstore import Blob, Commit, Entry, GitError, GitStore, Signature
from standin.shapes import (
    APP_EVENTS,
    APP_PERMISSIONS,
    Hosts,
    Json,
    comment_shape,
    installation_shape,
    issue_shape,
    label_shape,
    pull_end_shape,
    pull_shape,
    push_commit_shape,
    push_person,
    repository_shape,
    user_shape,
)
from standin.state import App, Comment, Installation, Issue, Label, Pull, Repo, World, node_id


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def b64_lines(data: bytes) -> str:
    """Base64 in 60-character lines, as the contents API returns it."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


class Render:
    """Renders state objects for one stand-in (one base URL)."""

    def __init__(self, world: World, base_url: str) -> None:
        self.world = world
        self.base = base_url.rstrip("/")
        self.hosts = Hosts.at(self.base)

    def api(self, repo: Repo, suffix: str = "") -> str:
        return f"{self.base}/repos/{repo.full_name}{suffix}"

    def web(self, repo: Repo, suffix: str = "") -> str:
        return f"{self.base}/{repo.full_name}{suffix}"

    # -- people and repositories ---------------------------------------------

    def user(self, login: str) -> Json:
        user = self.world.user(login)
        return user_shape(self.hosts, user.login, user.id)

    def repo(self, repo: Repo) -> Json:
        return {
            **repository_shape(
                self.hosts,
                repo.full_name,
                repo_id=repo.id,
                owner=self.user(repo.owner),
                default_branch=repo.default_branch,
                created_at=iso(repo.created_at),
                pushed_at=iso(repo.created_at),
                open_issues=sum(i.state == "open" for i in repo.issues.values()),
                archived=repo.archived,
            ),
            "permissions": dict.fromkeys(("admin", "maintain", "push", "triage", "pull"), True),
        }

    def label(self, repo: Repo, label: Label) -> Json:
        return label_shape(
            self.hosts, repo.full_name, label.id, label.name, label.color, label.description
        )

    # -- git data ---------------------------------------------------------------

    def signature(self, sig: Signature) -> Json:
        return {"name": sig.name, "email": sig.email, "date": iso(sig.date)}

    def blob(self, repo: Repo, sha: str, blob: Blob) -> Json:
        return {
            "sha": sha,
            "node_id": node_id("B", int(sha[:8], 16)),
            "url": self.api(repo, f"/git/blobs/{sha}"),
            "size": len(blob.data),
            "content": b64_lines(blob.data),
            "encoding": "base64",
        }

    def tree_entry(self, repo: Repo, path: str, entry: Entry) -> Json:
        out: Json = {"path": path, "mode": entry.mode, "type": entry.type, "sha": entry.sha}
        if entry.type == "blob":
            out["size"] = len(repo.git.blob(entry.sha).data)
            out["url"] = self.api(repo, f"/git/blobs/{entry.sha}")
        elif entry.type == "tree":
            out["url"] = self.api(repo, f"/git/trees/{entry.sha}")
        return out

    def tree(self, repo: Repo, sha: str, recursive: bool) -> Json:
        git = repo.git
        entries = git.walk(sha) if recursive else list(git.tree(sha).entries)
        return {
            "sha": sha,
            "url": self.api(repo, f"/git/trees/{sha}"),
            "tree": [self.tree_entry(repo, path, entry) for path, entry in entries],
            "truncated": False,
        }

    def git_commit(self, repo: Repo, sha: str) -> Json:
        commit = repo.git.commit(sha)
        return {
            "sha": sha,
            "node_id": node_id("C", int(sha[:8], 16)),
            "url": self.api(repo, f"/git/commits/{sha}"),
            "html_url": self.web(repo, f"/commit/{sha}"),
            "author": self.signature(commit.author),
            "committer": self.signature(commit.committer),
            "message": commit.message,
            "tree": {"sha": commit.tree, "url": self.api(repo, f"/git/trees/{commit.tree}")},
            "parents": [self._parent(repo, p) for p in commit.parents],
            "verification": {
                "verified": False,
                "reason": "unsigned",
                "signature": None,
                "payload": None,
                "verified_at": None,
            },
        }

    def _parent(self, repo: Repo, sha: str) -> Json:
        return {
            "sha": sha,
            "url": self.api(repo, f"/commits/{sha}"),
            "html_url": self.web(repo, f"/commit/{sha}"),
        }

    def commit(self, repo: Repo, sha: str, files: bool = False) -> Json:
        """A commit as the repos/pulls endpoints show it (wrapping the git commit)."""
        git_commit = self.git_commit(repo, sha)
        out = {
            "sha": sha,
            "node_id": git_commit["node_id"],
            "url": self.api(repo, f"/commits/{sha}"),
            "html_url": self.web(repo, f"/commit/{sha}"),
            "comments_url": self.api(repo, f"/commits/{sha}/comments"),
            "commit": {
                **{key: git_commit[key] for key in ("author", "committer", "message", "tree")},
                "url": git_commit["url"],
                "comment_count": 0,
                "verification": git_commit["verification"],
            },
            "author": None,
            "committer": None,
            "parents": git_commit["parents"],
        }
        if files:
            commit: Commit = repo.git.commit(sha)
            parent = commit.parents[0] if commit.parents else None
            out["files"] = self.file_changes(repo, parent, sha)
            out["stats"] = {
                key: sum(f[key] for f in out["files"]) for key in ("additions", "deletions")
            } | {"total": sum(f["changes"] for f in out["files"])}
        return out

    def push_commits(self, repo: Repo, before: str, after: str) -> list[Json]:
        """The commits a push from ``before`` to ``after`` brings, oldest first."""
        git = repo.git
        if after not in git.objects:
            return []
        base = before if before in git.objects else None
        shas = git.commits_between(base, after) if base else [after]
        return [self.push_commit(repo, sha) for sha in shas]

    def push_commit(self, repo: Repo, sha: str) -> Json:
        commit: Commit = repo.git.commit(sha)
        parent = commit.parents[0] if commit.parents else None
        statuses = {"added": [], "removed": [], "modified": []}
        for change in self.file_changes(repo, parent, sha):
            statuses[change["status"]].append(change["filename"])
        return push_commit_shape(
            self.hosts,
            repo.full_name,
            sha=sha,
            tree=commit.tree,
            message=commit.message,
            timestamp=iso(commit.committer.date),
            author=push_person(commit.author),
            committer=push_person(commit.committer),
            changes=statuses,
        )

    def ref(self, repo: Repo, name: str, sha: str) -> Json:
        kind = type(repo.git.get(sha)).__name__.lower()
        return {
            "ref": name,
            "node_id": node_id("REF", zlib.crc32(f"{repo.id}:{name}".encode())),
            "url": self.api(repo, f"/git/{name}"),
            "object": {"type": kind, "sha": sha, "url": self.api(repo, f"/git/{kind}s/{sha}")},
        }

    def branch(self, repo: Repo, name: str, sha: str) -> Json:
        return {
            "name": name,
            "commit": self.commit(repo, sha),
            "protected": False,
            "_links": {
                "self": self.api(repo, f"/branches/{name}"),
                "html": self.web(repo, f"/tree/{name}"),
            },
        }

    def content(self, repo: Repo, path: str, entry: Entry, ref: str, *, with_data: bool) -> Json:
        """A contents-API entry; file content (base64) only when ``with_data``."""
        name = path.rsplit("/", 1)[-1]
        kind = {"blob": "file", "tree": "dir", "commit": "submodule"}[entry.type]
        git_url = self.api(repo, f"/git/{entry.type}s/{entry.sha}")
        url = self.api(repo, f"/contents/{path}?ref={ref}")
        out: Json = {
            "type": kind,
            "name": name,
            "path": path,
            "sha": entry.sha,
            "size": len(repo.git.blob(entry.sha).data) if kind == "file" else 0,
            "url": url,
            "git_url": git_url,
            "html_url": self.web(repo, f"/blob/{ref}/{path}"),
            "download_url": self.web(repo, f"/raw/{ref}/{path}") if kind == "file" else None,
            "_links": {"self": url, "git": git_url, "html": self.web(repo, f"/blob/{ref}/{path}")},
        }
        if with_data and kind == "file":
            out["content"] = b64_lines(repo.git.blob(entry.sha).data)
            out["encoding"] = "base64"
        return out

    def file_changes(self, repo: Repo, base: str | None, head: str) -> list[Json]:
        """Per-file diff between two commits, as pulls/{n}/files lists it."""
        git: GitStore = repo.git
        old = git.flatten(git.commit(base).tree) if base else {}
        new = git.flatten(git.commit(head).tree)
        out = []
        for path in sorted(old.keys() | new.keys()):
            if old.get(path) == new.get(path):
                continue
            out.append(self._file_change(repo, path, old.get(path), new.get(path), head))
        return out

    def _file_change(
        self, repo: Repo, path: str, old: Entry | None, new: Entry | None, head: str
    ) -> Json:
        def lines(entry: Entry | None) -> list[str]:
            if entry is None or entry.type != "blob":
                return []
            return repo.git.blob(entry.sha).data.decode("utf-8", "replace").splitlines()

        before, after = lines(old), lines(new)
        diff = list(difflib.unified_diff(before, after, lineterm="", n=3))[2:]
        added = sum(line.startswith("+") for line in diff)
        removed = sum(line.startswith("-") for line in diff)
        status = "added" if old is None else "removed" if new is None else "modified"
        sha = (new or old).sha  # type: ignore[union-attr]
        return {
            "sha": sha,
            "filename": path,
            "status": status,
            "additions": added,
            "deletions": removed,
            "changes": added + removed,
            "blob_url": self.web(repo, f"/blob/{head}/{path}"),
            "raw_url": self.web(repo, f"/raw/{head}/{path}"),
            "contents_url": self.api(repo, f"/contents/{path}?ref={head}"),
            "patch": "\n".join(diff),
        }

    # -- issues, comments, pulls ----------------------------------------------

    def issue(self, repo: Repo, issue: Issue) -> Json:
        n = issue.number
        return issue_shape(
            self.hosts,
            repo.full_name,
            number=n,
            issue_id=issue.id,
            title=issue.title,
            user=self.user(issue.user),
            labels=[self.label(repo, repo.labels[name.lower()]) for name in issue.labels],
            state=issue.state,
            state_reason=issue.state_reason,
            comments=sum(c.issue_number == n for c in repo.comments.values()),
            created_at=iso(issue.created_at),
            updated_at=iso(issue.updated_at),
            closed_at=iso(issue.closed_at),
            closed_by=self.user(issue.closed_by) if issue.closed_by else None,
            author_association=self.association(repo, issue.user),
            body=issue.body,
            is_pull=issue.pull is not None,
            pull_merged_at=iso(issue.pull.merged_at) if issue.pull else None,
        )

    def association(self, repo: Repo, login: str) -> str:
        role = repo.role(login)
        if login.lower() == repo.owner.lower():
            return "OWNER"
        return "COLLABORATOR" if role != "none" else "NONE"

    def comment(self, repo: Repo, comment: Comment) -> Json:
        return comment_shape(
            self.hosts,
            repo.full_name,
            comment_id=comment.id,
            issue_number=comment.issue_number,
            body=comment.body,
            user=self.user(comment.user),
            created_at=iso(comment.created_at),
            updated_at=iso(comment.updated_at),
            author_association=self.association(repo, comment.user),
        )

    def pull(self, repo: Repo, issue: Issue) -> Json:
        assert issue.pull is not None
        pull = issue.pull
        commits = repo.git.commits_between(pull.base_sha, pull.head_sha)
        common = repo.git.merge_base(pull.base_sha, pull.head_sha)
        files = self.file_changes(repo, common, pull.head_sha)
        as_issue = self.issue(repo, issue)
        mergeable = self._mergeable(repo, issue)
        return pull_shape(
            self.hosts,
            repo.full_name,
            issue=as_issue,
            head=self._pull_head(repo, pull),
            base=self._pull_end(repo, pull.base_ref, pull.base_sha),
            merged_at=iso(pull.merged_at),
            merge_commit_sha=pull.merge_commit_sha,
            merged_by=self.user(pull.merged_by) if pull.merged_by else None,
            draft=pull.draft,
            mergeable=mergeable,
            maintainer_can_modify=pull.maintainer_can_modify,
            commits=len(commits),
            additions=sum(f["additions"] for f in files),
            deletions=sum(f["deletions"] for f in files),
            changed_files=len(files),
        )

    def _pull_end(self, repo: Repo, ref: str, sha: str) -> Json:
        return pull_end_shape(self.user(repo.owner), self.repo(repo), ref, sha)

    def _pull_head(self, repo: Repo, pull: Pull) -> Json:
        """The head; a deleted fork's is its owner's branch with ``repo: null``, as on GitHub."""
        if pull.from_deleted_fork is None:
            return self._pull_end(repo, pull.head_ref, pull.head_sha)
        owner = self.user(pull.from_deleted_fork)
        return {**pull_end_shape(owner, None, pull.head_ref, pull.head_sha), "repo": None}

    @staticmethod
    def _mergeable(repo: Repo, issue: Issue) -> bool | None:
        pull = issue.pull
        if pull is None or issue.state != "open":
            return None
        base = repo.git.merge_base(pull.base_sha, pull.head_sha)
        if base is None:
            return False
        git = repo.git
        trees = (git.commit(sha).tree for sha in (base, pull.base_sha, pull.head_sha))
        try:
            git.merge_trees(*trees)
        except GitError:
            return False
        return True

    # -- apps ---------------------------------------------------------------------

    def app(self, app: App) -> Json:
        return {
            "id": app.id,
            "slug": app.slug,
            "node_id": node_id("A", app.id),
            "name": app.slug,
            "owner": self.user(app.slug),
            "html_url": f"{self.base}/apps/{app.slug}",
            "external_url": f"{self.base}/apps/{app.slug}",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "permissions": dict(APP_PERMISSIONS),
            "events": list(APP_EVENTS),
        }

    def installation(self, inst: Installation) -> Json:
        app = self.world.apps[inst.app_id]
        account = self.user(inst.account)
        return installation_shape(
            self.hosts, inst.id, app_id=inst.app_id, app_slug=app.slug, account=account
        )
