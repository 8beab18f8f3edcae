"""Webhook payloads with GitHub's full shapes, filled in for a repository and an issue.

The bases are GitHub's documented examples (``webhooks/``, see its NOTICE):
``payload("issue_comment", "created", issue_body=..., comment_body="/approve",
sender="alice")`` returns a fresh deep copy of that example, every field
kept, with the repository, people, issue, comment, labels, installation,
push commits and pull request replaced by the stand-in's objects: the shapes
its REST API answers with (``shapes``), ids as the stand-in gives them
(``state.stable_id``), URLs under its base. ``schema_errors`` checks a
payload against GitHub's published webhook schema (``webhook_schema/``).

Two kinds of input, kept apart on purpose:

* keywords say what the event says: the issue's title, body, author,
  labels and state, the comment, who sent it, the push's ref and SHAs. Tests
  describe events (an edit that changes the body, a comment on a pull
  request) with them, the bot then re-reads GitHub.
* ``repository_data``, ``issue_data``, ``comment_data``, ``pull_data`` and
  ``commits`` are what the stand-in knows about those objects, as its REST
  API returns them (``Standin.repository``/``issue``/``comments``/``pull``,
  PyGithub's ``raw_data``) and ``Standin.push_commits``: timestamps, counts,
  author associations, label colours, SHAs. ``Standin.payload`` passes them;
  without them those fields are derived (timestamps: now).

Events: ping, issues (opened, edited, labeled, reopened, closed), issue_comment
(created), push, pull_request (closed), installation (created).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from standin.gitstore import now
from standin.shapes import (
    Hosts,
    Json,
    comment_shape,
    installation_shape,
    issue_shape,
    label_shape,
    pull_end_shape,
    pull_shape,
    push_commit_shape,
    repository_shape,
    user_shape,
)
from standin.state import issue_id, label_id, node_id, repo_id, user_id

EXAMPLES = Path(__file__).with_name("webhooks")
SCHEMA = Path(__file__).with_name("webhook_schema") / "schema.json"
DEFAULT_REPO = "octo/awesome-vis"
DEFAULT_SENDER = "octocat"
DEFAULT_APP_ID = 1
DEFAULT_APP_SLUG = "vis-bot"
DEFAULT_INSTALLATION_ID = 1
ZERO_SHA = "0" * 40
RFC_3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
LABEL_COLOR = "ededed"  # what the stand-in gives a label created on first use

# The schema definition of each (event, action) payload.
SCHEMA_DEFINITIONS = {
    ("ping", None): "ping$event",
    ("issues", "opened"): "issues$opened",
    ("issues", "edited"): "issues$edited",
    ("issues", "labeled"): "issues$labeled",
    ("issues", "reopened"): "issues$reopened",
    ("issues", "closed"): "issues$closed",
    ("issue_comment", "created"): "issue_comment$created",
    ("push", None): "push$event",
    ("pull_request", "closed"): "pull_request$closed",
    ("installation", "created"): "installation$created",
}

# What the stand-in knows about an object and a payload takes from its REST form.
REPOSITORY_FACTS = ("created_at", "updated_at", "pushed_at", "open_issues_count", "open_issues")
ISSUE_FACTS = ("created_at", "updated_at", "comments")
COMMENT_FACTS = ("created_at", "updated_at")
PULL_FACTS = (
    "created_at",
    "updated_at",
    "merge_commit_sha",
    "mergeable",
    "rebaseable",
    "mergeable_state",
    "maintainer_can_modify",
    "commits",
    "additions",
    "deletions",
    "changed_files",
    "comments",
)


@functools.cache
def _example_text(name: str) -> str:
    return (EXAMPLES / f"{name}.json").read_text(encoding="utf-8")


def example(event: str, action: str | None = None) -> Json:
    """A fresh copy of GitHub's documented example for ``event``/``action``."""
    name = f"{event}.{action}" if action else event
    if not (EXAMPLES / f"{name}.json").is_file():
        known = sorted(p.stem for p in EXAMPLES.glob("*.json"))
        raise ValueError(f"no example payload for {name!r}; known: {known}")
    return json.loads(_example_text(name))


def payload(
    event: str,
    action: str | None = None,
    *,
    repo: str = DEFAULT_REPO,
    default_branch: str = "main",
    sender: str = DEFAULT_SENDER,
    installation_id: int | None = None,
    app_id: int = DEFAULT_APP_ID,
    app_slug: str = DEFAULT_APP_SLUG,
    issue_number: int = 1,
    issue_title: str = "New paper",
    issue_body: str | None = None,
    issue_user: str | None = None,
    issue_labels: Sequence[str] = ("new paper",),
    issue_state: str | None = None,
    on_pull_request: bool = False,
    comment_id: int | None = None,
    comment_body: str = "",
    comment_user: str | None = None,
    label: str | None = None,
    changes: Json | None = None,
    ref: str | None = None,
    before: str | None = None,
    after: str | None = None,
    commits: Sequence[Json] | None = None,
    pull_number: int | None = None,
    head_ref: str | None = None,
    merged: bool = False,
    base_url: str | None = None,
    repository_data: Json | None = None,
    issue_data: Json | None = None,
    comment_data: Json | None = None,
    pull_data: Json | None = None,
) -> Json:
    """The example payload for ``event``/``action`` with these fields filled in.

    ``issue_user``/``comment_user`` default to ``sender``; ``comment_id`` to
    ``comment_data``'s id, else 1; ``issue_state`` to closed for
    ``issues.closed``, else open. ``on_pull_request`` makes the issue a pull
    request's (a comment on a PR arrives as ``issue_comment``).
    ``installation_id`` adds ``installation`` (App deliveries) and removes it
    when None, except for the installation event itself (whose App is
    ``app_id``/``app_slug``); a ping never has one. ``label`` (labeled) defaults
    to the issue's last label. ``base_url`` points every URL at a stand-in
    instead of github.com. The ``*_data`` keywords and ``commits``: see the
    module's docstring.
    """
    data = example(event, action)
    build = _Builder(Hosts.at(base_url), repo, now())
    repository = build.repository(default_branch, repository_data, event)
    if "repository" in data:
        data["repository"] = repository
    data["sender"] = build.user(sender)
    _set_installation(data, event, installation_id, build, repository, app_id, app_slug)
    if "issue" in data:
        data["issue"] = build.issue(
            issue_data,
            number=issue_number,
            title=issue_title,
            body=issue_body,
            login=issue_user or sender,
            labels=issue_labels,
            state=issue_state or ("closed" if action == "closed" else "open"),
            reopened=action == "reopened",
            on_pull_request=on_pull_request,
        )
        data["issue"]["draft"] = False
    if "comment" in data:
        data["comment"] = build.comment(
            comment_data,
            comment_id=comment_id,
            issue_number=issue_number,
            body=comment_body,
            login=comment_user or sender,
        )
    if "label" in data:
        names = list(issue_labels) or ["new paper"]
        data["label"] = build.label(label or names[-1], issue_data)
    if changes is not None and "changes" in data:
        data["changes"] = changes
    if event == "ping":
        _ping(data, build)
    if event == "push":
        _push(data, build, ref or f"refs/heads/{default_branch}", before, after, sender, commits)
    if event == "pull_request":
        pull = build.pull(
            pull_data,
            number=pull_number or issue_number,
            title=issue_title,
            body=issue_body,
            login=issue_user or sender,
            labels=issue_labels,
            head_ref=head_ref or data["pull_request"]["head"]["ref"],
            head_sha=data["pull_request"]["head"]["sha"],
            base_sha=data["pull_request"]["base"]["sha"],
            merged_by=sender if merged else None,
            repository=repository,
        )
        data["number"], data["pull_request"] = pull["number"], pull
    return data


def schema_errors(data: Json, event: str, action: str | None = None) -> list[tuple[str, str]]:
    """(JSON path, message) of each way ``data`` breaks GitHub's webhook schema for the event.

    Formats are checked too (``uri`` through rfc3986-validator, ``date-time``
    as RFC 3339 here), so a URL with a space or a bad timestamp counts.
    """
    from jsonschema import Draft7Validator, FormatChecker

    checker = FormatChecker()
    checker.checks("date-time", raises=ValueError)(_is_date_time)
    name = SCHEMA_DEFINITIONS[(event, action)]
    schema = {"$ref": f"#/definitions/{name}", "definitions": _schema()["definitions"]}
    validator = Draft7Validator(schema, format_checker=checker)
    return sorted((error.json_path, error.message) for error in validator.iter_errors(data))


@functools.cache
def _schema() -> Json:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _is_date_time(value: object) -> bool:
    """RFC 3339 (what ``date-time`` means); a value that only looks like one raises."""
    if not isinstance(value, str):
        return True
    if not RFC_3339.fullmatch(value):
        return False
    datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    return True


class _Builder:
    """The stand-in's objects for one payload: its hosts, repository and moment."""

    def __init__(self, hosts: Hosts, repo: str, moment: datetime) -> None:
        self.hosts, self.repo = hosts, repo
        self.owner = repo.split("/", 1)[0]
        self.moment = moment
        self.timestamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def user(self, login: str) -> Json:
        return user_shape(self.hosts, login, user_id(login))

    def association(self, login: str, known: Json | None) -> str:
        """The stand-in's word when it has one for ``login``, else OWNER or NONE."""
        if known and known.get("user", {}).get("login", "").lower() == login.lower():
            return known["author_association"]
        return "OWNER" if login.lower() == self.owner.lower() else "NONE"

    def repository(self, default_branch: str, known: Json | None, event: str) -> Json:
        out = repository_shape(
            self.hosts,
            self.repo,
            repo_id=repo_id(self.repo),
            owner=self.user(self.owner),
            default_branch=default_branch,
            created_at=self.timestamp,
            pushed_at=self.timestamp,
            open_issues=0,
        )
        out.update({key: known[key] for key in REPOSITORY_FACTS if known and key in known})
        if event == "push":
            # A push describes its repository the old way: web URL, Unix times, master_branch.
            out["url"] = out["html_url"]
            for key in ("created_at", "pushed_at"):
                stamp = out[key] or self.timestamp
                out[key] = int(datetime.fromisoformat(stamp).timestamp())
            out["pushed_at"] = int(self.moment.timestamp())
            out["stargazers"] = out["stargazers_count"]
            out["master_branch"] = default_branch
            owner = out["owner"]
            out["owner"] = {"name": owner["login"], "email": _noreply(owner["login"]), **owner}
        return out

    def label(self, name: str, issue_data: Json | None) -> Json:
        for known in (issue_data or {}).get("labels", []):
            if known["name"].lower() == name.lower():
                return known
        return label_shape(
            self.hosts, self.repo, label_id(self.repo, name), name, LABEL_COLOR, None
        )

    def issue(
        self,
        known: Json | None,
        *,
        number: int,
        title: str,
        body: str | None,
        login: str,
        labels: Sequence[str],
        state: str,
        reopened: bool,
        on_pull_request: bool,
    ) -> Json:
        facts = {key: known[key] for key in ISSUE_FACTS if known and key in known}
        closed = state == "closed"
        same_state = known is not None and known.get("state") == state
        if same_state:
            reason = known.get("state_reason")  # type: ignore[union-attr]
        else:
            reason = "reopened" if reopened else "completed" if closed else None
        merged_at = ((known or {}).get("pull_request") or {}).get("merged_at")
        out = issue_shape(
            self.hosts,
            self.repo,
            number=number,
            issue_id=issue_id(self.repo, number),
            title=title,
            user=self.user(login),
            labels=[self.label(name, known) for name in labels],
            state=state,
            state_reason=reason,
            comments=facts.get("comments", 0),
            created_at=facts.get("created_at", self.timestamp),
            updated_at=facts.get("updated_at", self.timestamp),
            closed_at=((known or {}).get("closed_at") or self.timestamp) if closed else None,
            closed_by=None,
            author_association=self.association(login, known),
            body=body,
            is_pull=on_pull_request,
            pull_merged_at=merged_at,
        )
        del out["closed_by"]  # GitHub's webhooks leave it out of issues
        return out

    def comment(
        self,
        known: Json | None,
        *,
        comment_id: int | None,
        issue_number: int,
        body: str,
        login: str,
    ) -> Json:
        facts = {key: known[key] for key in COMMENT_FACTS if known and key in known}
        return comment_shape(
            self.hosts,
            self.repo,
            comment_id=comment_id or (known or {}).get("id") or 1,
            issue_number=issue_number,
            body=body,
            user=self.user(login),
            created_at=facts.get("created_at", self.timestamp),
            updated_at=facts.get("updated_at", self.timestamp),
            author_association=self.association(login, known),
        )

    def pull(
        self,
        known: Json | None,
        *,
        number: int,
        title: str,
        body: str | None,
        login: str,
        labels: Sequence[str],
        head_ref: str,
        head_sha: str,
        base_sha: str,
        merged_by: str | None,
        repository: Json,
    ) -> Json:
        """A closed pull request from a branch of the repository into its default branch.

        Without ``known`` (the stand-in's pull request) its SHAs are the example's.
        """
        facts = {key: known[key] for key in PULL_FACTS if known and key in known}
        issue = self.issue(
            known,
            number=number,
            title=title,
            body=body,
            login=login,
            labels=labels,
            state="closed",
            reopened=False,
            on_pull_request=True,
        )
        if known:
            head_sha, base_sha = known["head"]["sha"], known["base"]["sha"]
        merged_at = None
        if merged_by:
            merged_at = (known or {}).get("merged_at") or issue["closed_at"]
        owner = self.user(self.owner)
        out = pull_shape(
            self.hosts,
            self.repo,
            issue=issue,
            head=pull_end_shape(owner, repository, head_ref, head_sha),
            base=pull_end_shape(owner, repository, repository["default_branch"], base_sha),
            merged_at=merged_at,
            merge_commit_sha=_fake_sha("merge", head_sha, base_sha),
            merged_by=self.user(merged_by) if merged_by else None,
            draft=False,
            mergeable=None,
            maintainer_can_modify=False,
            commits=1,
            additions=1,
            deletions=0,
            changed_files=1,
        )
        out.update(facts)
        return out


def _set_installation(
    data: Json,
    event: str,
    installation_id: int | None,
    build: _Builder,
    repository: Json,
    app_id: int,
    app_slug: str,
) -> None:
    """App deliveries name their installation; the installation event describes it whole."""
    if event == "installation":
        number = installation_id or DEFAULT_INSTALLATION_ID
        data["installation"] = installation_shape(
            build.hosts, number, app_id=app_id, app_slug=app_slug, account=build.user(build.owner)
        )
        data["repositories"] = [
            {key: repository[key] for key in ("id", "node_id", "name", "full_name", "private")}
        ]
    elif installation_id is None or event == "ping":
        data.pop("installation", None)
    else:
        data["installation"] = {
            "id": installation_id,
            "node_id": node_id("IN", installation_id),
        }


def _ping(data: Json, build: _Builder) -> None:
    """The repository's webhook, as GitHub describes it when it pings it."""
    hook = data["hook"]
    url = f"{build.hosts.api}/repos/{build.repo}/hooks/{hook['id']}"
    hook.update(
        created_at=build.timestamp,
        updated_at=build.timestamp,
        url=url,
        test_url=f"{url}/test",
        ping_url=f"{url}/pings",
        deliveries_url=f"{url}/deliveries",
    )


def _push(
    data: Json,
    build: _Builder,
    ref: str,
    before: str | None,
    after: str | None,
    pusher: str,
    commits: Sequence[Json] | None,
) -> None:
    """Fill a push; ``before``/``after`` default to a branch update of a made-up commit."""
    template = data["head_commit"]
    after = after or template["id"]
    before = before or "1" * 40
    web = f"{build.hosts.web}/{build.repo}"
    created, deleted = before == ZERO_SHA, after == ZERO_SHA
    data.update(ref=ref, before=before, after=after, created=created, deleted=deleted)
    data["pusher"] = {"name": pusher, "email": _noreply(pusher)}
    data["compare"] = (
        f"{web}/commit/{after}" if created else f"{web}/compare/{before[:12]}...{after[:12]}"
    )
    if deleted:
        data["commits"], data["head_commit"] = [], None
        return
    if commits is None:
        person = {"name": pusher, "email": _noreply(pusher), "username": pusher}
        commits = [
            push_commit_shape(
                build.hosts,
                build.repo,
                sha=after,
                tree=_fake_sha("tree", after),
                message=template["message"],
                timestamp=build.timestamp,
                author=person,
                committer=person,
                changes={key: template[key] for key in ("added", "removed", "modified")},
            )
        ]
    data["commits"] = list(commits)
    data["head_commit"] = data["commits"][-1] if data["commits"] else None


def _noreply(login: str) -> str:
    """The address GitHub gives a user who keeps theirs private, as the stand-in's commits use."""
    return f"{user_id(login)}+{login}@users.noreply.github.com"


def _fake_sha(*parts: str) -> str:
    """A SHA for an object the payload names but the stand-in never made."""
    return hashlib.sha1(":".join(parts).encode()).hexdigest()
