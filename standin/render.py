"""JSON shapes of GitHub's REST responses, with URLs on the stand-in's host.

Field names and nesting follow api.github.com; every object carries the
fields PyGithub reads (``url``, ``html_url``, ``id``, ``node_id``, ``sha``,
``user.login``, ...). URLs point at the stand-in itself because PyGithub
follows them (lazy completion, pagination) and refuses other hosts.
"""

from __future__ import annotations

import base64
import difflib
import zlib
from datetime import datetime
from typing import Any

from standin.gitstore import Blob, Commit, Entry, GitError, GitStore, Signature
from standin.state import App, Comment, Installation, Issue, Label, Repo, World, node_id

Json = dict[str, Any]


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

    def api(self, repo: Repo, suffix: str = "") -> str:
        return f"{self.base}/repos/{repo.full_name}{suffix}"

    def web(self, repo: Repo, suffix: str = "") -> str:
        return f"{self.base}/{repo.full_name}{suffix}"

    # -- people and repositories ---------------------------------------------

    def user(self, login: str) -> Json:
        user = self.world.user(login)
        return {
            "login": user.login,
            "id": user.id,
            "node_id": node_id("U", user.id),
            "type": user.type,
            "site_admin": False,
            "url": f"{self.base}/users/{user.login}",
            "html_url": f"{self.base}/{user.login}",
            "avatar_url": f"{self.base}/avatars/{user.login}",
        }

    def repo(self, repo: Repo) -> Json:
        return {
            "id": repo.id,
            "node_id": node_id("R", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": False,
            "owner": self.user(repo.owner),
            "html_url": self.web(repo),
            "url": self.api(repo),
            "fork": False,
            "default_branch": repo.default_branch,
            "visibility": "public",
            "archived": False,
            "disabled": False,
            "has_issues": True,
            "created_at": iso(repo.created_at),
            "updated_at": iso(repo.created_at),
            "pushed_at": iso(repo.created_at),
            "open_issues_count": sum(i.state == "open" for i in repo.issues.values()),
            "permissions": dict.fromkeys(("admin", "maintain", "push", "triage", "pull"), True),
        }

    def label(self, repo: Repo, label: Label) -> Json:
        return {
            "id": label.id,
            "node_id": node_id("L", label.id),
            "url": self.api(repo, f"/labels/{label.name}"),
            "name": label.name,
            "color": label.color,
            "default": False,
            "description": label.description,
        }

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
        out: Json = {
            "url": self.api(repo, f"/issues/{n}"),
            "repository_url": self.api(repo),
            "labels_url": self.api(repo, f"/issues/{n}/labels{{/name}}"),
            "comments_url": self.api(repo, f"/issues/{n}/comments"),
            "events_url": self.api(repo, f"/issues/{n}/events"),
            "html_url": self.web(repo, f"/{'pull' if issue.pull else 'issues'}/{n}"),
            "id": issue.id,
            "node_id": node_id("I", issue.id),
            "number": n,
            "title": issue.title,
            "user": self.user(issue.user),
            "labels": [self.label(repo, repo.labels[name.lower()]) for name in issue.labels],
            "state": issue.state,
            "state_reason": issue.state_reason,
            "locked": False,
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "comments": sum(c.issue_number == n for c in repo.comments.values()),
            "created_at": iso(issue.created_at),
            "updated_at": iso(issue.updated_at),
            "closed_at": iso(issue.closed_at),
            "closed_by": self.user(issue.closed_by) if issue.closed_by else None,
            "author_association": self.association(repo, issue.user),
            "body": issue.body,
        }
        if issue.pull:
            out["pull_request"] = {
                "url": self.api(repo, f"/pulls/{n}"),
                "html_url": self.web(repo, f"/pull/{n}"),
                "diff_url": self.web(repo, f"/pull/{n}.diff"),
                "patch_url": self.web(repo, f"/pull/{n}.patch"),
                "merged_at": iso(issue.pull.merged_at),
            }
        return out

    def association(self, repo: Repo, login: str) -> str:
        role = repo.role(login)
        if login.lower() == repo.owner.lower():
            return "OWNER"
        return "COLLABORATOR" if role != "none" else "NONE"

    def comment(self, repo: Repo, comment: Comment) -> Json:
        return {
            "id": comment.id,
            "node_id": node_id("IC", comment.id),
            "url": self.api(repo, f"/issues/comments/{comment.id}"),
            "html_url": self.web(repo, f"/issues/{comment.issue_number}#issuecomment-{comment.id}"),
            "issue_url": self.api(repo, f"/issues/{comment.issue_number}"),
            "body": comment.body,
            "user": self.user(comment.user),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "author_association": self.association(repo, comment.user),
        }

    def pull(self, repo: Repo, issue: Issue) -> Json:
        assert issue.pull is not None
        pull, n = issue.pull, issue.number
        commits = repo.git.commits_between(pull.base_sha, pull.head_sha)
        common = repo.git.merge_base(pull.base_sha, pull.head_sha)
        files = self.file_changes(repo, common, pull.head_sha)
        as_issue = self.issue(repo, issue)
        return {
            "url": self.api(repo, f"/pulls/{n}"),
            "id": issue.id,
            "node_id": node_id("PR", issue.id),
            "html_url": self.web(repo, f"/pull/{n}"),
            "diff_url": self.web(repo, f"/pull/{n}.diff"),
            "patch_url": self.web(repo, f"/pull/{n}.patch"),
            "issue_url": self.api(repo, f"/issues/{n}"),
            "commits_url": self.api(repo, f"/pulls/{n}/commits"),
            "review_comments_url": self.api(repo, f"/pulls/{n}/comments"),
            "comments_url": self.api(repo, f"/issues/{n}/comments"),
            "statuses_url": self.api(repo, f"/statuses/{pull.head_sha}"),
            "number": n,
            "state": issue.state,
            "locked": False,
            "title": issue.title,
            "user": as_issue["user"],
            "body": issue.body,
            "labels": as_issue["labels"],
            "milestone": None,
            "assignee": None,
            "assignees": [],
            "requested_reviewers": [],
            "requested_teams": [],
            "created_at": as_issue["created_at"],
            "updated_at": as_issue["updated_at"],
            "closed_at": as_issue["closed_at"],
            "merged_at": iso(pull.merged_at),
            "merge_commit_sha": pull.merge_commit_sha,
            "head": self._pull_end(repo, pull.head_ref, pull.head_sha),
            "base": self._pull_end(repo, pull.base_ref, pull.base_sha),
            "_links": {
                "self": {"href": self.api(repo, f"/pulls/{n}")},
                "html": {"href": self.web(repo, f"/pull/{n}")},
                "issue": {"href": self.api(repo, f"/issues/{n}")},
                "comments": {"href": self.api(repo, f"/issues/{n}/comments")},
                "commits": {"href": self.api(repo, f"/pulls/{n}/commits")},
            },
            "author_association": as_issue["author_association"],
            "draft": pull.draft,
            "merged": pull.merged_at is not None,
            "mergeable": self._mergeable(repo, issue),
            "mergeable_state": "clean" if self._mergeable(repo, issue) else "dirty",
            "merged_by": self.user(pull.merged_by) if pull.merged_by else None,
            "comments": as_issue["comments"],
            "review_comments": 0,
            "maintainer_can_modify": pull.maintainer_can_modify,
            "commits": len(commits),
            "additions": sum(f["additions"] for f in files),
            "deletions": sum(f["deletions"] for f in files),
            "changed_files": len(files),
        }

    def _pull_end(self, repo: Repo, ref: str, sha: str) -> Json:
        return {
            "label": f"{repo.owner}:{ref}",
            "ref": ref,
            "sha": sha,
            "user": self.user(repo.owner),
            "repo": self.repo(repo),
        }

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
            "permissions": {"contents": "write", "issues": "write", "pull_requests": "write"},
            "events": ["issues", "issue_comment", "push"],
        }

    def installation(self, inst: Installation) -> Json:
        app = self.world.apps[inst.app_id]
        return {
            "id": inst.id,
            "account": self.user(inst.account),
            "app_id": inst.app_id,
            "app_slug": app.slug,
            "target_id": self.world.user(inst.account).id,
            "target_type": "User",
            "repository_selection": "selected",
            "access_tokens_url": f"{self.base}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.base}/installation/repositories",
            "html_url": f"{self.base}/settings/installations/{inst.id}",
            "permissions": {"contents": "write", "issues": "write", "pull_requests": "write"},
            "events": ["issues", "issue_comment", "push"],
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "single_file_name": None,
            "suspended_at": None,
            "suspended_by": None,
        }
