"""Webhook payloads with GitHub's real shapes, filled in for a repository and an issue.

The bases are GitHub's documented examples (``webhooks/``, see its NOTICE):
``payload("issue_comment", "created", issue_body=..., comment_body="/approve",
sender="alice")`` returns a fresh deep copy of that example with the
repository, issue, comment, sender and installation replaced, so tests and
the sandbox mode send what GitHub would send. Users' ``type`` follows their
login (``name[bot]`` is a Bot), as GitHub reports it.

Events: ping, issues (opened, edited, labeled), issue_comment (created),
push, pull_request (closed), installation (created).
"""

from __future__ import annotations

import copy
import functools
import json
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).with_name("webhooks")
DEFAULT_REPO = "octo/awesome-vis"
DEFAULT_SENDER = "octocat"
EXAMPLE_REPOS = ("Codertocat/Hello-World", "Octocoders/Hello-World")
ZERO_SHA = "0" * 40

Json = dict[str, Any]


@functools.cache
def _example_text(name: str) -> str:
    return (EXAMPLES / f"{name}.json").read_text(encoding="utf-8")


def example(event: str, action: str | None = None) -> Json:
    """A fresh copy of the trimmed documented example for ``event``/``action``."""
    name = f"{event}.{action}" if action else event
    if not (EXAMPLES / f"{name}.json").is_file():
        known = sorted(p.stem for p in EXAMPLES.glob("*.json"))
        raise ValueError(f"no example payload for {name!r}; known: {known}")
    return json.loads(_example_text(name))


def _stable_id(text: str) -> int:
    """A deterministic positive id for a login or name."""
    return zlib.crc32(text.encode()) % 10**8 + 1


def user(login: str, api: str = "https://api.github.com", web: str = "https://github.com") -> Json:
    """A user object as webhook payloads carry it."""
    return {
        "login": login,
        "id": _stable_id(login),
        "node_id": f"U_{_stable_id(login)}",
        "url": f"{api}/users/{login}",
        "html_url": f"{web}/{login}",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "site_admin": False,
    }


def _replace_strings(node: Any, old: str, new: str) -> Any:
    if isinstance(node, str):
        return node.replace(old, new)
    if isinstance(node, list):
        return [_replace_strings(item, old, new) for item in node]
    if isinstance(node, dict):
        return {key: _replace_strings(value, old, new) for key, value in node.items()}
    return node


def payload(
    event: str,
    action: str | None = None,
    *,
    repo: str = DEFAULT_REPO,
    default_branch: str = "main",
    sender: str = DEFAULT_SENDER,
    installation_id: int | None = None,
    issue_number: int = 1,
    issue_title: str = "New paper",
    issue_body: str | None = None,
    issue_user: str | None = None,
    issue_labels: Sequence[str] = ("new paper",),
    issue_state: str = "open",
    on_pull_request: bool = False,
    comment_id: int = 1,
    comment_body: str = "",
    comment_user: str | None = None,
    label: str | None = None,
    changes: Json | None = None,
    ref: str | None = None,
    before: str | None = None,
    after: str | None = None,
    pull_number: int | None = None,
    head_ref: str | None = None,
    merged: bool = False,
    base_url: str | None = None,
) -> Json:
    """The example payload for ``event``/``action`` with these fields filled in.

    ``issue_user``/``comment_user`` default to ``sender``. ``on_pull_request``
    adds ``issue.pull_request`` (a comment on a PR arrives as ``issue_comment``).
    ``installation_id`` adds ``installation`` (App deliveries) and removes it
    when None, except for the installation event itself. ``base_url`` points
    every API and web URL at a stand-in instead of github.com.
    """
    data = example(event, action)
    for old in EXAMPLE_REPOS:
        data = _replace_strings(data, old, repo)
    api, web = "https://api.github.com", "https://github.com"
    owner, name = repo.split("/")
    if "repository" in data:
        data["repository"].update(
            name=name,
            full_name=repo,
            owner=user(owner, api, web),
            default_branch=default_branch,
            id=_stable_id(repo),
        )
    data["sender"] = user(sender, api, web)
    _set_installation(data, event, installation_id)
    if "issue" in data:
        data["issue"] = _issue(
            data["issue"],
            number=issue_number,
            title=issue_title,
            body=issue_body,
            login=issue_user or sender,
            labels=issue_labels,
            state=issue_state,
            on_pull_request=on_pull_request,
        )
    if "comment" in data:
        data["comment"] = _comment(
            data["comment"], comment_id, comment_body, comment_user or sender
        )
        data["comment"]["html_url"] = (
            f"{web}/{repo}/issues/{issue_number}#issuecomment-{comment_id}"
        )
        data["comment"]["issue_url"] = data["issue"]["url"]
    if label is not None and "label" in data:
        data["label"].update(name=label, url=f"{api}/repos/{repo}/labels/{label}")
    if changes is not None and "changes" in data:
        data["changes"] = changes
    if event == "push":
        _push(data, ref or f"refs/heads/{default_branch}", before, after, sender)
    if "pull_request" in data:
        _pull(data, pull_number or data["number"], head_ref, merged)
    if base_url:
        data = _replace_strings(data, api, base_url.rstrip("/"))
        data = _replace_strings(data, web, base_url.rstrip("/"))
        # What people typed is theirs: an issue body may well quote github.com.
        if "issue" in data:
            data["issue"]["body"] = issue_body
        if "comment" in data:
            data["comment"]["body"] = comment_body
    return data


def _set_installation(data: Json, event: str, installation_id: int | None) -> None:
    if event == "installation":
        if installation_id is not None:
            data["installation"]["id"] = installation_id
    elif installation_id is None:
        data.pop("installation", None)
    else:
        data["installation"] = {"id": installation_id, "node_id": f"I_{installation_id}"}


def _issue(
    issue: Json,
    *,
    number: int,
    title: str,
    body: str | None,
    login: str,
    labels: Sequence[str],
    state: str,
    on_pull_request: bool,
) -> Json:
    base = issue["repository_url"]
    issue.update(
        url=f"{base}/issues/{number}",
        html_url=issue["html_url"].rsplit("/", 1)[0] + f"/{number}",
        number=number,
        id=_stable_id(f"{base}#{number}"),
        title=title,
        body=body,
        user=user(login),
        state=state,
        state_reason=None if state == "open" else "completed",
        labels=[
            _label(base, name, issue["labels"][0] if issue["labels"] else {}) for name in labels
        ],
    )
    owner = base.rsplit("/", 2)[-2]
    issue["author_association"] = "OWNER" if login == owner else "NONE"
    issue.pop("pull_request", None)
    if on_pull_request:
        web = issue["html_url"].rsplit("/issues/", 1)[0]
        issue["html_url"] = f"{web}/pull/{number}"
        issue["pull_request"] = {
            "url": f"{base}/pulls/{number}",
            "html_url": f"{web}/pull/{number}",
            "diff_url": f"{web}/pull/{number}.diff",
            "patch_url": f"{web}/pull/{number}.patch",
            "merged_at": None,
        }
    return issue


def _label(repo_url: str, name: str, template: Json) -> Json:
    return {
        **template,
        "id": _stable_id(name),
        "url": f"{repo_url}/labels/{name}",
        "name": name,
        "default": False,
    }


def _comment(comment: Json, comment_id: int, body: str, login: str) -> Json:
    base = comment["url"].rsplit("/", 1)[0]
    comment.update(id=comment_id, url=f"{base}/{comment_id}", body=body, user=user(login))
    comment["author_association"] = "NONE"
    return comment


def _push(data: Json, ref: str, before: str | None, after: str | None, pusher: str) -> None:
    """Fill a push; ``before``/``after`` default to a branch update of the example commit."""
    head = data["head_commit"]
    after = after or head["id"]
    before = before or "1" * 40
    data.update(ref=ref, before=before, after=after, created=before == ZERO_SHA)
    data["deleted"] = after == ZERO_SHA
    data["pusher"] = {"name": pusher, "email": f"{pusher}@users.noreply.github.com"}
    for commit in (data["commits"][-1], head):
        commit["url"] = commit["url"].replace(commit["id"], after)
        commit["id"] = after
    if data["deleted"]:
        data["commits"], data["head_commit"] = [], None


def _pull(data: Json, number: int, head_ref: str | None, merged: bool) -> None:
    """Fill a pull request of the payload's repository into its default branch."""
    pull, repository = data["pull_request"], data["repository"]
    for key in ("url", "html_url"):
        pull[key] = pull[key].rsplit("/", 1)[0] + f"/{number}"
    data["number"] = pull["number"] = number
    pull["user"] = data["sender"]
    pull["merged"] = merged
    pull["merged_at"] = pull["closed_at"] if merged else None
    owner = repository["owner"]["login"]
    refs = {"head": head_ref or pull["head"]["ref"], "base": repository["default_branch"]}
    for end, ref in refs.items():
        pull[end].update(
            ref=ref,
            label=f"{owner}:{ref}",
            user=repository["owner"],
            repo=copy.deepcopy(repository),
        )
