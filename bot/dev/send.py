"""``python -m bot send``: sign a webhook delivery and post it to a running bot.

``send payload FILE.json --event NAME`` replays a saved payload (e.g. one
copied from the App's "Recent deliveries") against any deployment, given
``--url`` and the secret (``--secret`` or ``GITHUB_WEBHOOK_SECRET``).

``send issue``, ``send edit``, ``send comment`` and ``send approve`` act as a
person would in the sandbox: they first make the change on the sandbox's
GitHub stand-in (file the issue, edit it, comment), then send the delivery
GitHub would send for it, so the bot finds on "GitHub" what the event says.
"""

import argparse
import hashlib
import hmac
import json
import os
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bot.core.form_parser import parse_issue
from bot.core.forms import REASON_FIELD, TARGET_FIELD, build_form
from bot.core.kinds import Kind
from bot.core.schema import load_schema
from bot.dev import sandbox
from standin import payloads

TIMEOUT_SECONDS = 10


def post(url: str, secret: str, event: str, payload: dict[str, Any], delivery: str) -> int:
    """Sign and post one delivery; print the answer; 0 when it was a 2xx."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": signature,
            "User-Agent": "GitHub-Hookshot/awesome-vis-bot-send",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status, answer = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, answer = error.code, error.read()
    except OSError as error:
        print(f"Error: could not reach {url}: {error}", file=sys.stderr)
        return 1
    print(f"{status} {answer.decode(errors='replace').strip()}")
    return 0 if 200 <= status < 300 else 1


def send_payload(args: argparse.Namespace) -> int:
    url, secret = _target(args, _running_sandbox())
    try:
        payload = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(f"Error: {args.file} is not a readable JSON payload ({error})") from None
    return post(url, secret, args.event, payload, args.delivery or str(uuid.uuid4()))


def send_issue(args: argparse.Namespace) -> int:
    """File an issue from a Markdown body with its form's label, then deliver ``issues.opened``.

    The form is ``--kind`` (new, update, remove), else the one the body's headings are of.
    """
    state = sandbox.load_state()
    body = _text_of(args.file)
    kind = Kind[args.form.upper()] if args.form else kind_of_body(body)
    form = build_form(load_schema(), kind)
    values = parse_issue(body, form)[0]
    named = values.get("title" if kind is Kind.NEW else TARGET_FIELD) or f"a {kind.value}"
    title = args.title or f"{form['title']}{named}"
    repo = sandbox.client(state, args.user).get_repo(state["repository"])
    issue = repo.create_issue(title=title, body=body, labels=[kind.value])
    print(f"filed issue #{issue.number} as {args.user} ({kind.value})")
    payload = payload_for(state, "issues", "opened", issue.number, sender=args.user)
    return _deliver(args, state, "issues", payload)


def kind_of_body(body: str) -> Kind:
    """The form a body was rendered from, by its headings: a reason is a removal's, a listed
    paper without one an update's, anything else a new paper's."""
    schema = load_schema()
    if REASON_FIELD in parse_issue(body, build_form(schema, Kind.REMOVE))[0]:
        return Kind.REMOVE
    if TARGET_FIELD in parse_issue(body, build_form(schema, Kind.UPDATE))[0]:
        return Kind.UPDATE
    return Kind.NEW


def send_edit(args: argparse.Namespace) -> int:
    """Replace an issue's body as its author would, then deliver ``issues.edited``."""
    state = sandbox.load_state()
    body = _text_of(args.file)
    issue = sandbox.issue_of(state, args.user, args.number)
    before = issue.body or ""
    issue.edit(body=body)
    changes = {"body": {"from": before}}
    payload = payload_for(state, "issues", "edited", args.number, sender=args.user, changes=changes)
    return _deliver(args, state, "issues", payload)


def send_comment(args: argparse.Namespace) -> int:
    """Comment on an issue as ``--user``, then deliver ``issue_comment.created``."""
    state = sandbox.load_state()
    comment = sandbox.issue_of(state, args.user, args.number).create_comment(args.text)
    payload = payload_for(
        state,
        "issue_comment",
        "created",
        args.number,
        sender=args.user,
        comment_id=comment.id,
        comment_body=args.text,
    )
    return _deliver(args, state, "issue_comment", payload)


def send_approve(args: argparse.Namespace) -> int:
    args.text = "/approve"
    return send_comment(args)


def payload_for(
    state: dict[str, Any], event: str, action: str, number: int, **fields: Any
) -> dict[str, Any]:
    """GitHub's payload for the event, with the issue (and comment) as the stand-in now has them.

    The sandbox's stand-in runs in another process, so what it knows (ids,
    timestamps, author associations) comes over its REST API, as PyGithub's
    ``raw_data``; ``comment_id`` names the comment a ``issue_comment`` is about.
    """
    issue = sandbox.issue_of(state, "alice", number)
    repo = sandbox.client(state, "alice").get_repo(state["repository"])
    known: dict[str, Any] = {"repository_data": repo.raw_data, "issue_data": issue.raw_data}
    if fields.get("comment_id"):
        known["comment_data"] = issue.get_comment(fields["comment_id"]).raw_data
    return payloads.payload(
        event,
        action,
        repo=state["repository"],
        base_url=state["api_url"],
        default_branch=repo.default_branch,
        issue_number=number,
        issue_title=issue.title,
        issue_body=issue.body,
        issue_user=issue.user.login,
        issue_labels=[label.name for label in issue.labels],
        issue_state=issue.state,
        on_pull_request=issue.pull_request is not None,
        **known,
        **fields,
    )


def _text_of(path: str) -> str:
    """An issue body from a file named on the command line; one line when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else "not text"
        raise SystemExit(f"Error: {path} cannot be read ({reason})") from None


def _deliver(
    args: argparse.Namespace, state: dict[str, Any], event: str, payload: dict[str, Any]
) -> int:
    url, secret = _target(args, state)
    return post(url, secret, event, payload, str(uuid.uuid4()))


def _running_sandbox() -> dict[str, Any]:
    return json.loads(sandbox.STATE.read_text(encoding="utf-8")) if sandbox.STATE.exists() else {}


def _target(args: argparse.Namespace, state: dict[str, Any]) -> tuple[str, str]:
    """Where to post and with which secret: the flags, else the sandbox, else the environment."""
    url = args.url or state.get("webhook_url") or "http://127.0.0.1:8000/webhook"
    secret = args.secret or state.get("secret") or os.environ.get("GITHUB_WEBHOOK_SECRET")
    if not secret:
        raise SystemExit("Error: no secret: pass --secret or set GITHUB_WEBHOOK_SECRET")
    return url, secret


KINDS = {
    "payload": send_payload,
    "issue": send_issue,
    "edit": send_edit,
    "comment": send_comment,
    "approve": send_approve,
}


def send(args: argparse.Namespace) -> int:
    with sandbox.one_line_errors():
        return KINDS[args.kind](args)
