"""Webhook payload fixtures keep GitHub's documented shape and take our values."""

import json

import pytest

from standin.payloads import EXAMPLES, example, payload

EVENTS = [
    ("ping", None),
    ("issues", "opened"),
    ("issues", "edited"),
    ("issues", "labeled"),
    ("issue_comment", "created"),
    ("push", None),
    ("pull_request", "closed"),
    ("installation", "created"),
]


def missing_keys(documented: object, built: object, where: str = "") -> list[str]:
    """Keys of the documented example (recursively) that the built payload lacks."""
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


@pytest.mark.parametrize(("event", "action"), EVENTS)
def test_every_handled_event_has_a_documented_example(event: str, action: str | None) -> None:
    data = example(event, action)
    assert data.get("action") == action
    assert "sender" in data


def test_fixtures_name_their_source_and_licence() -> None:
    notice = (EXAMPLES / "NOTICE.md").read_text()
    assert "@octokit/webhooks-examples" in notice and "MIT" in notice
    assert len(list(EXAMPLES.glob("*.json"))) == len(EVENTS)


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
    assert "pull_request" not in data["issue"]
    assert data["comment"]["id"] == 99
    assert data["comment"]["body"] == "/approve"
    assert data["comment"]["user"] == data["sender"]
    assert data["sender"]["login"] == "alice" and data["sender"]["type"] == "User"
    assert data["installation"]["id"] == 4567
    assert "Hello-World" not in json.dumps(data)


@pytest.mark.parametrize(("event", "action"), EVENTS)
def test_payload_keeps_the_example_shape(event: str, action: str | None) -> None:
    built = payload(event, action, installation_id=1)
    assert missing_keys(example(event, action), built) == []
    assert set(built) - set(example(event, action)) <= {"installation"}


def test_bot_sender_comment_on_pull_request_and_no_installation() -> None:
    data = payload("issue_comment", "created", sender="vis-bot[bot]", on_pull_request=True)
    assert data["sender"]["type"] == "Bot"
    assert data["issue"]["pull_request"]["url"].endswith("/pulls/1")
    assert "installation" not in data


def test_push_and_pull_request_fields() -> None:
    push = payload("push", ref="refs/heads/main", before="a" * 40, after="b" * 40)
    assert (push["ref"], push["before"], push["after"]) == ("refs/heads/main", "a" * 40, "b" * 40)
    assert push["head_commit"]["id"] == "b" * 40
    assert push["repository"]["default_branch"] == "main"

    closed = payload("pull_request", "closed", pull_number=7, head_ref="paper/issue-3", merged=True)
    assert closed["number"] == closed["pull_request"]["number"] == 7
    assert closed["pull_request"]["head"]["ref"] == "paper/issue-3"
    assert closed["pull_request"]["base"]["ref"] == "main"
    assert closed["pull_request"]["merged"] is True


def test_base_url_points_urls_at_the_standin() -> None:
    data = payload("issues", "opened", base_url="http://127.0.0.1:5000")
    text = json.dumps(data)
    assert "github.com" not in text
    assert data["issue"]["url"] == "http://127.0.0.1:5000/repos/octo/awesome-vis/issues/1"


def test_each_call_returns_a_fresh_copy() -> None:
    first = payload("issues", "opened")
    first["issue"]["title"] = "changed"
    assert payload("issues", "opened")["issue"]["title"] == "New paper"


def test_unknown_event_is_refused() -> None:
    with pytest.raises(ValueError, match="no example payload"):
        example("issues", "transferred")
