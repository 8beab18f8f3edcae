"""The webhook's door: what a sender sees for each kind of delivery, before any job runs."""

import json

import pytest
from helpers import SECRET, sign

from bot.service.app import MAX_BODY_BYTES, create_app
from bot.service.config import ConfigError, Settings


def post(bot, body: bytes, *, event="issues", signature=None, content_type="application/json"):
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": "d-1"}
    if signature is not False:
        headers["X-Hub-Signature-256"] = signature or sign(body)
    return bot.web.post("/webhook", data=body, content_type=content_type, headers=headers)


def test_ping_is_answered(bot):
    response = bot.deliver("ping", bot.payload("ping"))
    assert (response.status_code, response.json["message"]) == (200, "pong")


def test_healthz(bot):
    assert bot.web.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "signature",
    [
        False,
        "sha256=" + "0" * 64,
        sign(b"another body"),
        sign(b"{}", secret="wrong secret"),
        "sha1=" + "0" * 40,
        sign(b"{}")[:-2],
    ],
    ids=["missing", "zeros", "other-body", "wrong-secret", "sha1-only", "truncated"],
)
def test_a_forged_or_missing_signature_is_refused_and_nothing_happens(bot, signature):
    body = json.dumps(bot.payload("issues", "opened")).encode()
    if signature == sign(b"{}"):
        body = b"{}"
    response = post(bot, body, signature=signature)
    assert response.status_code == 401
    assert "X-Hub-Signature-256" in response.json["message"]
    assert bot.github.requests == []


def test_malformed_json_gets_400_with_a_message(bot):
    response = post(bot, b'{"action": "opened", ')
    assert response.status_code == 400
    assert "not a JSON object" in response.json["message"]


def test_json_that_is_not_an_object_gets_400(bot):
    assert post(bot, b"[1, 2, 3]").status_code == 400


def test_an_oversized_body_gets_413_before_it_is_read(bot):
    body = b"{" + b" " * MAX_BODY_BYTES + b"}"
    response = post(bot, body)
    assert response.status_code == 413
    assert response.json["message"].startswith("the body is over 1,048,576 bytes")
    assert bot.github.requests == []


def test_a_form_encoded_delivery_is_read_like_json(bot):
    from urllib.parse import urlencode

    payload = bot.payload("issues", "opened", issue_labels=[])
    body = urlencode({"payload": json.dumps(payload)}).encode()
    response = post(bot, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 202


def test_an_event_the_bot_does_not_handle_is_acknowledged_as_ignored(bot):
    payload = bot.payload("pull_request", "closed")
    response = bot.deliver("pull_request", payload)
    assert response.status_code == 200
    assert response.json["message"].startswith("ignored")
    assert bot.github.requests == []


def test_an_unknown_action_is_ignored(bot):
    payload = {**bot.payload("issues", "opened"), "action": "transferred"}
    assert (
        bot.deliver("issues", payload).json["message"]
        == "ignored: the bot does not handle issues.transferred"
    )


def test_without_a_webhook_secret_the_service_refuses_to_start():
    with pytest.raises(ConfigError, match="GITHUB_WEBHOOK_SECRET is not set"):
        create_app(Settings.from_env({"GITHUB_TOKEN": "t"}))


def test_settings_never_show_secrets():
    settings = Settings.from_env({"GITHUB_WEBHOOK_SECRET": SECRET, "GITHUB_TOKEN": "tok-123"})
    assert SECRET not in repr(settings)
    assert "tok-123" not in repr(settings)


@pytest.mark.parametrize(
    "payload",
    [
        {"action": "opened", "repository": "octo/awesome-vis", "issue": 7},
        {"action": "opened", "repository": ["x"], "issue": {"number": [1]}},
        {"action": "opened", "pull_request": "x", "issue": None},
    ],
    ids=["strings", "lists", "nulls"],
)
def test_odd_shapes_where_objects_belong_are_logged_without_a_500(bot, payload):
    response = post(bot, json.dumps(payload).encode())
    assert response.status_code < 500
