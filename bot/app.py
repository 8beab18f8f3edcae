"""The webhook receiver: authenticate, read, and hand the delivery to a job.

Nothing in a delivery is read before its signature is verified on the raw
body, and the GitHub work happens in a job, so the answer comes back within
milliseconds, well inside GitHub's 10 s delivery timeout.
"""

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from bot import jobs, router
from bot.config import Settings

# GitHub caps payloads at 25 MB, but nothing the bot handles comes near 1 MB
# (an issue body holds at most 65,536 characters).
MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    """The app; it refuses to start (ConfigError) when the environment is incomplete."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    secret = settings.webhook_secret.encode()

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        body = request.get_data(cache=False)
        if not signature_is_valid(secret, body, request.headers.get("X-Hub-Signature-256")):
            return answer(401, "invalid or missing X-Hub-Signature-256; check the webhook secret")
        event = request.headers.get("X-GitHub-Event", "")
        if not event:
            return answer(400, "missing X-GitHub-Event header")
        payload = read_payload(body, request.mimetype)
        if payload is None:
            return answer(400, "the body is not a JSON object (nor a form with a payload field)")
        if event == "ping":
            return answer(200, "pong")
        action = payload.get("action")
        if not router.handlers_for(event, action):
            return answer(200, f"ignored: the bot does not handle {event}.{action or ''}")
        delivery = request.headers.get("X-GitHub-Delivery", "")
        jobs.handle_delivery(event, payload, delivery)
        return answer(202, f"queued {event}.{action or ''}", delivery=delivery)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        return answer(200, "ok")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return answer(error.code or 500, error.description or error.name)

    return app


def signature_is_valid(secret: bytes, body: bytes, header: str | None) -> bool:
    """HMAC-SHA256 of the raw body, compared in constant time."""
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def read_payload(body: bytes, mimetype: str) -> dict[str, Any] | None:
    """The delivery's JSON object; GitHub can also send it form-encoded as ``payload=``."""
    try:
        if mimetype == "application/x-www-form-urlencoded":
            body = parse_qs(body.decode(), strict_parsing=True)["payload"][0].encode()
        payload = json.loads(body)
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def answer(status: int, message: str, **extra: str) -> tuple[Response, int]:
    return jsonify({"message": message, **extra}), status
