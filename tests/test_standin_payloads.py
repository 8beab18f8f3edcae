"""Webhook payloads keep GitHub's documented shape, pass its published schema, and take our values.

Every payload the stand-in (``payloads.payload``, ``Standin.payload``) and
``python -m bot send`` build, for each event and action the bot handles plus
ping, pull_request.closed and installation.created, as token and as App
deliveries, is validated against ``@octokit/webhooks-schemas`` (vendored in
``standin/webhook_schema``). A built payload may break the schema only where
GitHub's own example does (``ALLOWED``), and its stand-in-made fields agree
with what the stand-in's REST API answers.
"""

import json
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest

from bot.dev import sandbox, send
from standin import Standin
from standin.payloads import EXAMPLES, SCHEMA, SCHEMA_DEFINITIONS, example, payload, schema_errors

REPO = sandbox.REPO
ZERO = "0" * 40
INSTALLATION_ID = 4567
PR_BRANCH = "paper/issue-1"

EVENTS = sorted(SCHEMA_DEFINITIONS, key=str)

# The schema errors of GitHub's untouched example for an (event, action), by
# JSON path: the only ones a payload built from it may have. None: each
# example was picked as one that validates (scripts/pick_webhook_examples.py).
ALLOWED: dict[tuple[str, str | None], set[str]] = {key: set() for key in SCHEMA_DEFINITIONS}

# Example identities that must never survive into a built payload.
EXAMPLE_NAMES = ("Codertocat", "Octocoders", "Hello-World", "octo-org")
# Objects whose keys are values (the App's permissions), not fields of GitHub's shape.
VALUE_MAPS = {".installation.permissions", ".changes"}
# URLs of a payload that are not the stand-in's: where the webhook itself delivers.
FOREIGN_URLS = {"$.hook.config.url"}


def missing_keys(documented: object, built: object, where: str = "") -> list[str]:
    """Keys of the documented example (recursively) that the built payload lacks."""
    if where in VALUE_MAPS:
        return []
    if isinstance(documented, dict) and isinstance(built, dict):
        return [
            path
            for key, value in documented.items()
            for path in (
                [f"{where}.{key}"]
                if key not in built
                else missing_keys(value, built[key], f"{where}.{key}")
            )
        ]
    if isinstance(documented, list) and isinstance(built, list) and documented and built:
        return missing_keys(documented[0], built[0], f"{where}[0]")
    return []


def urls(node: object, where: str = "$") -> Iterator[tuple[str, str]]:
    """(path, value) of every absolute URL in a payload (``scheme://...``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from urls(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from urls(item, f"{where}[{index}]")
    elif isinstance(node, str) and "://" in node and " " not in node and "\n" not in node:
        yield where, node


# -- a stand-in with one of everything: an issue, comments, a pull request, pushes ------


class World:
    """The sandbox's stand-in, seeded as ``python -m bot sandbox`` does, and what happened on it."""

    def __init__(self, github: Standin) -> None:
        self.github = github
        sandbox.seed(github)
        self.state = {
            "repository": REPO,
            "api_url": github.base_url,
            "tokens": {login: sandbox.token_of(login) for login in sandbox.ROLES},
        }
        body = sandbox.example_body(sandbox.EXAMPLE_PAPER)
        self.issue = github.create_issue(
            REPO, title="[Paper]: DVIS", body=body, user="carol", labels=["new paper"]
        )
        self.comment = github.add_comment(REPO, self.issue, "/approve", user="alice")
        self.closed = github.create_issue(REPO, title="[Paper]: X", body=body, user="carol")
        github.edit_issue(REPO, self.closed, state="closed")
        repo = github.client(sandbox.token_of("alice")).get_repo(REPO)
        self.main_before = github.branch(REPO, "main")
        repo.create_git_ref(f"refs/heads/{PR_BRANCH}", self.main_before)
        self.branch_head = github.push(
            REPO, {"data/papers.yaml": "- title: DVIS\n"}, branch=PR_BRANCH
        )
        self.pull = repo.create_pull(
            title="Add DVIS", body="Adds DVIS to the list", head=PR_BRANCH, base="main"
        )
        self.pull_comment = github.add_comment(REPO, self.pull.number, "LGTM", user="alice")
        self.pull.merge()
        self.main_after = github.branch(REPO, "main")

    def payload(self, event: str, action: str | None, app: bool, **fields) -> dict:
        if app:
            fields["installation_id"] = INSTALLATION_ID
        return self.github.payload(REPO, event, action, **fields)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with Standin.start() as github:
        yield World(github)
        assert not github.violations


Build = Callable[[World], dict]


def standin_cases(app: bool) -> list[tuple[str, str, str | None, Build]]:
    """What ``Standin.payload`` (conftest's ``bot.payload``) builds, for each handled event."""
    kind = "app" if app else "token"

    def case(name: str, event: str, action: str | None, **fields) -> tuple:
        def build(w: World) -> dict:
            resolved = {
                key: value(w) if callable(value) else value for key, value in fields.items()
            }
            return w.payload(event, action, app, **resolved)

        return (f"standin-{kind}-{name}", event, action, build)

    issue = {
        "issue_number": lambda w: w.issue,
        "issue_title": "[Paper]: DVIS",
        "issue_body": lambda w: w.github.issue(REPO, w.issue)["body"],
        "issue_user": "carol",
    }
    return [
        case("ping", "ping", None),
        case("issues-opened", "issues", "opened", **issue, sender="carol"),
        case(
            "issues-edited",
            "issues",
            "edited",
            **issue,
            sender="carol",
            changes={"body": {"from": "..."}},
        ),
        case("issues-labeled", "issues", "labeled", **issue, label="new paper", sender="alice"),
        case("issues-reopened", "issues", "reopened", **issue, sender="carol"),
        case(
            "issues-closed",
            "issues",
            "closed",
            issue_number=lambda w: w.closed,
            issue_title="[Paper]: X",
            issue_labels=[],
            issue_user="carol",
            sender="carol",
        ),
        case(
            "comment-on-issue",
            "issue_comment",
            "created",
            **issue,
            comment_id=lambda w: w.comment,
            comment_body="/approve",
            sender="alice",
        ),
        case(
            "comment-on-pull",
            "issue_comment",
            "created",
            issue_number=lambda w: w.pull.number,
            issue_title="Add DVIS",
            issue_body="Adds DVIS to the list",
            issue_user="alice",
            issue_labels=[],
            issue_state="closed",
            on_pull_request=True,
            comment_id=lambda w: w.pull_comment,
            comment_body="LGTM",
            sender="alice",
        ),
        case(
            "push",
            "push",
            None,
            before=lambda w: w.main_before,
            after=lambda w: w.main_after,
            sender="alice",
        ),
        case(
            "push-new-branch",
            "push",
            None,
            ref=f"refs/heads/{PR_BRANCH}",
            before=ZERO,
            after=lambda w: w.branch_head,
        ),
        case(
            "push-deleted-branch",
            "push",
            None,
            ref=f"refs/heads/{PR_BRANCH}",
            before=lambda w: w.branch_head,
            after=ZERO,
        ),
        case(
            "pull-closed",
            "pull_request",
            "closed",
            pull_number=lambda w: w.pull.number,
            issue_title="Add DVIS",
            issue_body="Adds DVIS to the list",
            issue_labels=[],
            head_ref=PR_BRANCH,
            merged=True,
            sender="alice",
        ),
    ]


def plain_cases(app: bool) -> list[tuple[str, str, str | None, Build]]:
    """``payloads.payload`` alone: github.com's URLs, no stand-in behind it."""
    kind = "app" if app else "token"
    extra = {"installation_id": INSTALLATION_ID} if app else {}
    return [
        (
            f"plain-{kind}-{event}-{action}",
            event,
            action,
            lambda w, e=event, a=action: payload(e, a, **extra),
        )
        for event, action in EVENTS
        if event != "installation"
    ] + [
        (
            f"plain-{kind}-comment-by-bot-on-pull",
            "issue_comment",
            "created",
            lambda w: payload(
                "issue_comment", "created", sender="vis-bot[bot]", on_pull_request=True, **extra
            ),
        )
    ]


def send_cases() -> list[tuple[str, str, str | None, Build]]:
    """What ``python -m bot send issue|edit|comment|approve`` posts to the sandbox's bot."""
    return [
        (
            "send-issue",
            "issues",
            "opened",
            lambda w: send.payload_for(w.state, "issues", "opened", w.issue, sender="carol"),
        ),
        (
            "send-edit",
            "issues",
            "edited",
            lambda w: send.payload_for(
                w.state, "issues", "edited", w.issue, sender="carol", changes={"body": {"from": ""}}
            ),
        ),
        (
            "send-approve",
            "issue_comment",
            "created",
            lambda w: send.payload_for(
                w.state,
                "issue_comment",
                "created",
                w.issue,
                sender="alice",
                comment_id=w.comment,
                comment_body="/approve",
            ),
        ),
        (
            "send-comment-on-pull",
            "issue_comment",
            "created",
            lambda w: send.payload_for(
                w.state,
                "issue_comment",
                "created",
                w.pull.number,
                sender="alice",
                comment_id=w.pull_comment,
                comment_body="LGTM",
            ),
        ),
    ]


INSTALLATION_CASE = (
    "standin-app-installation-created",
    "installation",
    "created",
    lambda w: w.payload("installation", "created", True, sender="octo"),
)
CASES = [
    *standin_cases(app=False),
    *standin_cases(app=True),
    INSTALLATION_CASE,
    *plain_cases(app=False),
    *plain_cases(app=True),
    *send_cases(),
]


# -- the examples and the vendored schema ---------------------------------------------


@pytest.mark.parametrize(("event", "action"), EVENTS)
def test_every_built_event_has_a_documented_example(event: str, action: str | None) -> None:
    data = example(event, action)
    assert data.get("action") == action
    assert "sender" in data


def test_examples_and_schema_name_their_source_version_and_licence() -> None:
    notice = (EXAMPLES / "NOTICE.md").read_text()
    assert "@octokit/webhooks-examples" in notice and "7.6.1" in notice and "MIT" in notice
    assert len(list(EXAMPLES.glob("*.json"))) == len(EVENTS)
    schema_notice = (SCHEMA.parent / "NOTICE.md").read_text()
    assert "@octokit/webhooks-schemas" in schema_notice and "7.6.1" in schema_notice
    assert "MIT" in schema_notice
    schema = json.loads(SCHEMA.read_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert {ref["$ref"].rsplit("/", 1)[1] for ref in schema["oneOf"]} == set(
        SCHEMA_DEFINITIONS.values()
    )


@pytest.mark.parametrize(("event", "action"), EVENTS)
def test_the_untouched_example_breaks_the_schema_only_where_listed(
    event: str, action: str | None
) -> None:
    errors = schema_errors(example(event, action), event, action)
    assert {path for path, _ in errors} == ALLOWED[(event, action)], errors


def test_the_schema_check_counts_what_github_would_refuse() -> None:
    broken = example("issues", "opened")
    del broken["issue"]["user"]["avatar_url"]
    broken["issue"]["labels"][0]["url"] = "https://api.github.com/repos/o/r/labels/new paper"
    broken["issue"]["created_at"] = "yesterday"
    assert {path for path, _ in schema_errors(broken, "issues", "opened")} == {
        "$.issue.user",
        "$.issue.labels[0].url",
        "$.issue.created_at",
    }


# -- every payload that can be built ----------------------------------------------------


@pytest.mark.parametrize(
    ("event", "action", "build"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_built_payload_passes_githubs_webhook_schema(world, event, action, build) -> None:
    built = build(world)
    errors = schema_errors(built, event, action)
    allowed = ALLOWED[(event, action)]
    assert [error for error in errors if error[0] not in allowed] == []
    assert len(errors) <= len(schema_errors(example(event, action), event, action))


@pytest.mark.parametrize(
    ("event", "action", "build"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_built_payload_keeps_every_field_and_none_of_the_examples_values(
    world, event, action, build
) -> None:
    built = build(world)
    documented = example(event, action)
    if event != "installation" and "installation" not in built:
        documented.pop("installation", None)  # a token delivery names no installation
    assert missing_keys(documented, built) == []
    assert set(built) - set(documented) <= {"installation"}
    text = json.dumps(built)
    assert [name for name in EXAMPLE_NAMES if name in text] == []
    hosts = {urlsplit(url).hostname for path, url in urls(built) if path not in FOREIGN_URLS}
    if "127.0.0.1" in hosts:  # a stand-in's payload: every URL on the stand-in
        assert hosts == {"127.0.0.1"}
    else:
        assert hosts <= {"api.github.com", "github.com", "avatars.githubusercontent.com"}


# -- the stand-in's values ---------------------------------------------------------------


def test_standin_payloads_carry_what_its_rest_api_answers(world) -> None:
    github = world.github
    built = world.payload(
        "issue_comment",
        "created",
        True,
        issue_number=world.issue,
        issue_title="[Paper]: DVIS",
        issue_body=github.issue(REPO, world.issue)["body"],
        issue_user="carol",
        comment_id=world.comment,
        comment_body="/approve",
        sender="alice",
    )
    rest_issue = github.issue(REPO, world.issue)
    rest_comment = next(c for c in github.comments(REPO, world.issue) if c["id"] == world.comment)
    rest_repo = github.repository(REPO)
    assert built["issue"] == {
        **{key: value for key, value in rest_issue.items() if key != "closed_by"},
        "draft": False,
    }
    assert built["comment"] == rest_comment
    assert built["sender"] == rest_comment["user"]
    assert built["repository"] == {
        key: value for key, value in rest_repo.items() if key != "permissions"
    }
    assert built["installation"]["id"] == INSTALLATION_ID
    assert rest_comment["author_association"] == "COLLABORATOR"  # alice has write access


def test_standin_push_lists_the_pushed_commits(world) -> None:
    github = world.github
    push = world.payload("push", None, False, before=world.main_before, after=world.main_after)
    assert push["head_commit"]["id"] == world.main_after
    assert [c["id"] for c in push["commits"]][-1] == world.main_after
    head = github.commit(REPO, world.main_after)
    assert push["head_commit"]["tree_id"] == head.tree
    assert push["head_commit"]["message"] == head.message
    assert push["repository"]["created_at"] <= push["repository"]["pushed_at"]
    created = world.payload(
        "push", None, False, ref=f"refs/heads/{PR_BRANCH}", before=ZERO, after=world.branch_head
    )
    assert created["created"] is True
    assert created["head_commit"]["added"] == [] and created["head_commit"]["modified"] == [
        "data/papers.yaml"
    ]


def test_standin_pull_request_closed_is_the_merged_pull(world) -> None:
    rest = world.github.pull(REPO, world.pull.number)
    closed = world.payload(
        "pull_request",
        "closed",
        False,
        pull_number=world.pull.number,
        issue_title="Add DVIS",
        issue_body="Adds DVIS to the list",
        issue_labels=[],
        head_ref=PR_BRANCH,
        merged=True,
        sender="alice",
    )
    pull = closed["pull_request"]
    for key in ("id", "url", "html_url", "created_at", "merged_at", "merge_commit_sha", "commits"):
        assert pull[key] == rest[key], key
    for end in ("head", "base"):
        rest[end]["repo"].pop("permissions")  # the caller's permissions, a REST-only field
        assert pull[end] == rest[end], end
    assert pull["merged"] is True and pull["merged_by"]["login"] == "alice"


# -- the keywords -----------------------------------------------------------------------


def test_issue_comment_payload_is_filled_in() -> None:
    data = payload(
        "issue_comment",
        "created",
        repo="octo/awesome-vis",
        issue_number=12,
        issue_body="### Title\n\nX",
        issue_user="carol",
        comment_body="/approve",
        comment_id=99,
        sender="alice",
        installation_id=4567,
    )
    assert data["action"] == "created"
    assert data["repository"]["full_name"] == "octo/awesome-vis"
    assert data["repository"]["owner"]["login"] == "octo"
    assert data["issue"]["number"] == 12
    assert data["issue"]["body"] == "### Title\n\nX"
    assert data["issue"]["user"]["login"] == "carol"
    assert [label["name"] for label in data["issue"]["labels"]] == ["new paper"]
    assert data["issue"]["labels"][0]["url"].endswith("/labels/new%20paper")
    assert "pull_request" not in data["issue"]
    assert data["comment"]["id"] == 99
    assert data["comment"]["body"] == "/approve"
    assert data["comment"]["user"] == data["sender"]
    assert data["sender"]["login"] == "alice" and data["sender"]["type"] == "User"
    assert data["installation"]["id"] == 4567


def test_bot_sender_comment_on_pull_request_and_no_installation() -> None:
    data = payload("issue_comment", "created", sender="vis-bot[bot]", on_pull_request=True)
    assert data["sender"]["type"] == "Bot"
    assert data["sender"]["url"].endswith("/users/vis-bot%5Bbot%5D")
    assert data["issue"]["pull_request"]["url"].endswith("/pulls/1")
    assert "installation" not in data


def test_push_and_pull_request_fields() -> None:
    push = payload("push", ref="refs/heads/main", before="a" * 40, after="b" * 40)
    assert (push["ref"], push["before"], push["after"]) == ("refs/heads/main", "a" * 40, "b" * 40)
    assert push["head_commit"]["id"] == "b" * 40
    assert push["repository"]["default_branch"] == "main"
    deleted = payload("push", ref="refs/heads/x", before="a" * 40, after=ZERO)
    assert deleted["deleted"] is True and deleted["head_commit"] is None

    closed = payload("pull_request", "closed", pull_number=7, head_ref="paper/issue-3", merged=True)
    assert closed["number"] == closed["pull_request"]["number"] == 7
    assert closed["pull_request"]["head"]["ref"] == "paper/issue-3"
    assert closed["pull_request"]["base"]["ref"] == "main"
    assert closed["pull_request"]["merged"] is True


def test_base_url_points_urls_at_the_standin() -> None:
    data = payload(
        "issues",
        "opened",
        issue_body="see https://github.com/x/y",
        base_url="http://127.0.0.1:5000",
    )
    assert data["issue"]["url"] == "http://127.0.0.1:5000/repos/octo/awesome-vis/issues/1"
    assert data["issue"]["body"] == "see https://github.com/x/y"  # what people typed is theirs
    data["issue"]["body"] = ""
    assert "github.com" not in json.dumps(data)


def test_each_call_returns_a_fresh_copy() -> None:
    first = payload("issues", "opened")
    first["issue"]["title"] = "changed"
    assert payload("issues", "opened")["issue"]["title"] == "New paper"


def test_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError, match="no example payload"):
        example("issues", "transferred")
