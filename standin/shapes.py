"""GitHub's JSON shapes of users, repositories, labels, issues, comments, pulls, installations.

Pure functions of plain values, shared by the stand-in's REST answers
(``render``) and its webhook payloads (``payloads``), so that a payload
carries the very objects the REST API answers with, without the stand-in's
state. Field sets and URL templates are GitHub's (api.github.com and its
webhooks, as ``@octokit/webhooks-schemas`` describes them); URLs quote what
GitHub quotes (``new%20paper``, ``vis-bot%5Bbot%5D``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from standin.gitstore import Signature
from standin.state import node_id

Json = dict[str, Any]


@dataclass(frozen=True)
class Hosts:
    """Where an object's URLs point: GitHub's REST API, its web pages, its avatars.

    GitHub spreads them over three hosts; the stand-in serves all three at its
    one base URL, because PyGithub follows URLs and refuses other hosts.
    """

    api: str
    web: str
    avatars: str

    @classmethod
    def at(cls, base_url: str | None) -> Hosts:
        """The stand-in's hosts at ``base_url``; github.com's when None."""
        if base_url is None:
            return GITHUB
        base = base_url.rstrip("/")
        return cls(api=base, web=base, avatars=f"{base}/avatars")


GITHUB = Hosts(
    api="https://api.github.com",
    web="https://github.com",
    avatars="https://avatars.githubusercontent.com",
)


def user_shape(hosts: Hosts, login: str, user_id: int) -> Json:
    """A user (GitHub's simple-user); ``name[bot]`` logins are Bots, as GitHub reports them."""
    api = f"{hosts.api}/users/{quote(login, safe='')}"
    is_bot = login.endswith("[bot]")
    web = f"{hosts.web}/apps/{login.removesuffix('[bot]')}" if is_bot else f"{hosts.web}/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": node_id("U", user_id),
        "avatar_url": f"{hosts.avatars}/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": web,
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": "Bot" if is_bot else "User",
        "site_admin": False,
    }


# Repository URL templates after ``{api}/repos/{owner}/{name}``, in GitHub's order.
REPOSITORY_URLS = {
    "forks_url": "/forks",
    "keys_url": "/keys{/key_id}",
    "collaborators_url": "/collaborators{/collaborator}",
    "teams_url": "/teams",
    "hooks_url": "/hooks",
    "issue_events_url": "/issues/events{/number}",
    "events_url": "/events",
    "assignees_url": "/assignees{/user}",
    "branches_url": "/branches{/branch}",
    "tags_url": "/tags",
    "blobs_url": "/git/blobs{/sha}",
    "git_tags_url": "/git/tags{/sha}",
    "git_refs_url": "/git/refs{/sha}",
    "trees_url": "/git/trees{/sha}",
    "statuses_url": "/statuses/{sha}",
    "languages_url": "/languages",
    "stargazers_url": "/stargazers",
    "contributors_url": "/contributors",
    "subscribers_url": "/subscribers",
    "subscription_url": "/subscription",
    "commits_url": "/commits{/sha}",
    "git_commits_url": "/git/commits{/sha}",
    "comments_url": "/comments{/number}",
    "issue_comment_url": "/issues/comments{/number}",
    "contents_url": "/contents/{+path}",
    "compare_url": "/compare/{base}...{head}",
    "merges_url": "/merges",
    "archive_url": "/{archive_format}{/ref}",
    "downloads_url": "/downloads",
    "issues_url": "/issues{/number}",
    "pulls_url": "/pulls{/number}",
    "milestones_url": "/milestones{/number}",
    "notifications_url": "/notifications{?since,all,participating}",
    "labels_url": "/labels{/name}",
    "releases_url": "/releases{/id}",
    "deployments_url": "/deployments",
}


def repository_shape(
    hosts: Hosts,
    full_name: str,
    *,
    repo_id: int,
    owner: Json,
    default_branch: str,
    created_at: str | None,
    pushed_at: str | None,
    open_issues: int,
    archived: bool = False,
) -> Json:
    """A public, unforked repository as GitHub describes it (REST and webhooks alike)."""
    api, web = f"{hosts.api}/repos/{full_name}", f"{hosts.web}/{full_name}"
    host = urlsplit(hosts.web).netloc
    return {
        "id": repo_id,
        "node_id": node_id("R", repo_id),
        "name": full_name.split("/", 1)[1],
        "full_name": full_name,
        "private": False,
        "owner": owner,
        "html_url": web,
        "description": None,
        "fork": False,
        "url": api,
        **{key: api + suffix for key, suffix in REPOSITORY_URLS.items()},
        "created_at": created_at,
        "updated_at": created_at,
        "pushed_at": pushed_at,
        "git_url": f"git://{host}/{full_name}.git",
        "ssh_url": f"git@{host.split(':')[0]}:{full_name}.git",
        "clone_url": f"{web}.git",
        "svn_url": web,
        "homepage": None,
        "size": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "language": None,
        "has_issues": True,
        "has_projects": True,
        "has_downloads": True,
        "has_wiki": True,
        "has_pages": False,
        "forks_count": 0,
        "mirror_url": None,
        "archived": archived,
        "disabled": False,
        "open_issues_count": open_issues,
        "license": None,
        "forks": 0,
        "open_issues": open_issues,
        "watchers": 0,
        "default_branch": default_branch,
        "is_template": False,
        "topics": [],
        "visibility": "public",
        "web_commit_signoff_required": False,
        "custom_properties": {},
    }


def label_shape(
    hosts: Hosts, full_name: str, label_id: int, name: str, color: str, description: str | None
) -> Json:
    """A repository label; its URL quotes the name (``new%20paper``), as GitHub's does."""
    return {
        "id": label_id,
        "node_id": node_id("L", label_id),
        "url": f"{hosts.api}/repos/{full_name}/labels/{quote(name, safe='')}",
        "name": name,
        "color": color,
        "default": False,
        "description": description,
    }


def issue_shape(
    hosts: Hosts,
    full_name: str,
    *,
    number: int,
    issue_id: int,
    title: str,
    user: Json,
    labels: list[Json],
    state: str,
    state_reason: str | None,
    comments: int,
    created_at: str | None,
    updated_at: str | None,
    closed_at: str | None,
    closed_by: Json | None,
    author_association: str,
    body: str | None,
    is_pull: bool = False,
    pull_merged_at: str | None = None,
) -> Json:
    """An issue, or the issue half of a pull request (``is_pull``)."""
    api, web = f"{hosts.api}/repos/{full_name}", f"{hosts.web}/{full_name}"
    out: Json = {
        "url": f"{api}/issues/{number}",
        "repository_url": api,
        "labels_url": f"{api}/issues/{number}/labels{{/name}}",
        "comments_url": f"{api}/issues/{number}/comments",
        "events_url": f"{api}/issues/{number}/events",
        "html_url": f"{web}/{'pull' if is_pull else 'issues'}/{number}",
        "id": issue_id,
        "node_id": node_id("I", issue_id),
        "number": number,
        "title": title,
        "user": user,
        "labels": labels,
        "state": state,
        "state_reason": state_reason,
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": comments,
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_at": closed_at,
        "closed_by": closed_by,
        "author_association": author_association,
        "active_lock_reason": None,
        "body": body,
        "reactions": reactions_shape(f"{api}/issues/{number}/reactions"),
        "timeline_url": f"{api}/issues/{number}/timeline",
        "performed_via_github_app": None,
    }
    if is_pull:
        out["pull_request"] = {
            "url": f"{api}/pulls/{number}",
            "html_url": f"{web}/pull/{number}",
            "diff_url": f"{web}/pull/{number}.diff",
            "patch_url": f"{web}/pull/{number}.patch",
            "merged_at": pull_merged_at,
        }
    return out


def comment_shape(
    hosts: Hosts,
    full_name: str,
    *,
    comment_id: int,
    issue_number: int,
    body: str,
    user: Json,
    created_at: str | None,
    updated_at: str | None,
    author_association: str,
) -> Json:
    """A comment on an issue or pull request."""
    api, web = f"{hosts.api}/repos/{full_name}", f"{hosts.web}/{full_name}"
    return {
        "id": comment_id,
        "node_id": node_id("IC", comment_id),
        "url": f"{api}/issues/comments/{comment_id}",
        "html_url": f"{web}/issues/{issue_number}#issuecomment-{comment_id}",
        "issue_url": f"{api}/issues/{issue_number}",
        "body": body,
        "user": user,
        "created_at": created_at,
        "updated_at": updated_at,
        "author_association": author_association,
        "performed_via_github_app": None,
        "reactions": reactions_shape(f"{api}/issues/comments/{comment_id}/reactions"),
    }


def reactions_shape(url: str) -> Json:
    """No reactions (the stand-in keeps none)."""
    kinds = ("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket", "eyes")
    return {"url": url, "total_count": 0, **dict.fromkeys(kinds, 0)}


def push_commit_shape(
    hosts: Hosts,
    full_name: str,
    *,
    sha: str,
    tree: str,
    message: str,
    timestamp: str | None,
    author: Json,
    committer: Json,
    changes: dict[str, list[str]],
) -> Json:
    """A commit as a push event lists it; ``changes`` has ``added``, ``removed``, ``modified``."""
    return {
        "id": sha,
        "tree_id": tree,
        "distinct": True,
        "message": message,
        "timestamp": timestamp,
        "url": f"{hosts.web}/{full_name}/commit/{sha}",
        "author": author,
        "committer": committer,
        "added": changes["added"],
        "removed": changes["removed"],
        "modified": changes["modified"],
    }


def push_person(sig: Signature) -> Json:
    """A commit's author or committer in a push: name, email, and the login GitHub maps it to."""
    out: Json = {"name": sig.name, "email": sig.email}
    local, _, domain = sig.email.partition("@")
    if domain == "users.noreply.github.com":
        out["username"] = local.partition("+")[2] or local
    elif sig.email == "noreply@github.com":  # GitHub's own commits: merges, web edits
        out["username"] = "web-flow"
    return out


def pull_end_shape(user: Json, repository: Json, ref: str, sha: str) -> Json:
    """A pull request's head or base: a branch of a repository (the stand-in has no forks)."""
    return {
        "label": f"{user['login']}:{ref}",
        "ref": ref,
        "sha": sha,
        "user": user,
        "repo": repository,
    }


def pull_shape(
    hosts: Hosts,
    full_name: str,
    *,
    issue: Json,
    head: Json,
    base: Json,
    merged_at: str | None,
    merge_commit_sha: str | None,
    merged_by: Json | None,
    draft: bool,
    mergeable: bool | None,
    maintainer_can_modify: bool,
    commits: int,
    additions: int,
    deletions: int,
    changed_files: int,
) -> Json:
    """A pull request, built around its issue half (``issue_shape``)."""
    n = issue["number"]
    api, web = f"{hosts.api}/repos/{full_name}", f"{hosts.web}/{full_name}"
    statuses = f"{api}/statuses/{head['sha']}"
    return {
        "url": f"{api}/pulls/{n}",
        "id": issue["id"],
        "node_id": node_id("PR", issue["id"]),
        "html_url": f"{web}/pull/{n}",
        "diff_url": f"{web}/pull/{n}.diff",
        "patch_url": f"{web}/pull/{n}.patch",
        "issue_url": f"{api}/issues/{n}",
        "number": n,
        "state": issue["state"],
        "locked": False,
        "title": issue["title"],
        "user": issue["user"],
        "body": issue["body"],
        "created_at": issue["created_at"],
        "updated_at": issue["updated_at"],
        "closed_at": issue["closed_at"],
        "merged_at": merged_at,
        "merge_commit_sha": merge_commit_sha,
        "assignee": None,
        "assignees": [],
        "requested_reviewers": [],
        "requested_teams": [],
        "labels": issue["labels"],
        "milestone": None,
        "commits_url": f"{api}/pulls/{n}/commits",
        "review_comments_url": f"{api}/pulls/{n}/comments",
        "review_comment_url": f"{api}/pulls/comments{{/number}}",
        "comments_url": f"{api}/issues/{n}/comments",
        "statuses_url": statuses,
        "head": head,
        "base": base,
        "_links": {
            "self": {"href": f"{api}/pulls/{n}"},
            "html": {"href": f"{web}/pull/{n}"},
            "issue": {"href": f"{api}/issues/{n}"},
            "comments": {"href": f"{api}/issues/{n}/comments"},
            "review_comments": {"href": f"{api}/pulls/{n}/comments"},
            "review_comment": {"href": f"{api}/pulls/comments{{/number}}"},
            "commits": {"href": f"{api}/pulls/{n}/commits"},
            "statuses": {"href": statuses},
        },
        "author_association": issue["author_association"],
        "auto_merge": None,
        "active_lock_reason": None,
        "draft": draft,
        "merged": merged_at is not None,
        "mergeable": mergeable,
        "rebaseable": mergeable,
        "mergeable_state": "clean" if mergeable else "dirty" if mergeable is False else "unknown",
        "merged_by": merged_by,
        "comments": issue["comments"],
        "review_comments": 0,
        "maintainer_can_modify": maintainer_can_modify,
        "commits": commits,
        "additions": additions,
        "deletions": deletions,
        "changed_files": changed_files,
    }


# What an App installation may do and hears about, as app-manifest.json asks.
APP_PERMISSIONS = {
    "contents": "write",
    "issues": "write",
    "pull_requests": "write",
    "metadata": "read",
}
APP_EVENTS = ["issues", "issue_comment", "push"]


def installation_shape(
    hosts: Hosts, installation_id: int, *, app_id: int, app_slug: str, account: Json
) -> Json:
    """An App's installation on a user's repositories."""
    return {
        "id": installation_id,
        "account": account,
        "app_id": app_id,
        "app_slug": app_slug,
        "target_id": account["id"],
        "target_type": "User",
        "repository_selection": "selected",
        "access_tokens_url": f"{hosts.api}/app/installations/{installation_id}/access_tokens",
        "repositories_url": f"{hosts.api}/installation/repositories",
        "html_url": f"{hosts.web}/settings/installations/{installation_id}",
        "permissions": dict(APP_PERMISSIONS),
        "events": list(APP_EVENTS),
        "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z",
        "single_file_name": None,
        "suspended_at": None,
        "suspended_by": None,
    }
