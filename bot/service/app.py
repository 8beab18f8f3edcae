"""The webhook receiver: authenticate, read, and hand the delivery to a job.

Nothing in a delivery is read before its signature is verified on the raw
body, and the GitHub work happens in a job, so the answer comes back within
milliseconds, well inside GitHub's 10 s delivery timeout.
"""

import hashlib
import hmac
import json
import time
from contextlib import suppress
from typing import Any
from urllib.parse import parse_qs

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import ClientDisconnected, HTTPException, RequestEntityTooLarge

from bot.service import logs
from bot.service.config import Settings
from bot.service.events import is_handled
from bot.service.queue import Jobs

# GitHub caps payloads at 25 MB, but nothing the bot handles comes near 1 MB
# (an issue body holds at most 65,536 characters).
MAX_BODY_BYTES = 1024 * 1024
# GitHub sends a delivery's body at once. A client that sends nothing more for
# this long mid-body is answered 408 and its web thread freed: gunicorn's
# gthread worker bounds only the wait for a request's first bytes (5 s).
BODY_IDLE_SECONDS = 5


def create_app(settings: Settings | None = None, jobs: Jobs | None = None) -> Flask:
    """The app; it refuses to start (ConfigError) when the environment is incomplete.

    ``jobs``: the queue to hand deliveries to (default: the one ``settings`` name).
    """
    settings = settings or Settings.from_env()
    jobs = jobs or Jobs(settings)
    logs.setup_logging()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    secret = settings.webhook_secret.encode()

    @app.before_request
    def start_clock() -> None:
        g.start = time.perf_counter()

    @app.post("/webhook")
    def webhook() -> tuple[Response, int]:
        try:
            body = read_body()
        except ClientDisconnected:
            return answer(
                408,
                f"the body stopped arriving (nothing for {BODY_IDLE_SECONDS} s) or was cut "
                "short; nothing was read",
            )
        if not signature_is_valid(secret, body, request.headers.get("X-Hub-Signature-256")):
            return answer(401, "invalid or missing X-Hub-Signature-256; check the webhook secret")
        event = request.headers.get("X-GitHub-Event", "")
        if not event:
            return answer(400, "missing X-GitHub-Event header")
        payload = read_payload(body, request.mimetype)
        if payload is None:
            return answer(400, "the body is not a JSON object (nor a form with a payload field)")
        g.fields = logs.delivery_fields(event, payload)
        if event == "ping":
            return answer(200, "pong")
        action = payload.get("action")
        if not isinstance(action, str | None) or not is_handled(event, action):
            return answer(200, f"ignored: the bot does not handle {event}.{action or ''}")
        delivery = request.headers.get("X-GitHub-Delivery", "")
        return enqueue(jobs, event, payload, delivery)

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        try:
            pending = jobs.pending()
        except Exception as error:  # any failure of the queue's backend means "unreachable"
            return answer(503, "queue unreachable", queue=type(error).__name__)
        return answer(200, "ok", queue="reachable", pending_jobs=pending)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge) -> tuple[Response, int]:
        return answer(
            413,
            f"the body is over {MAX_BODY_BYTES:,} bytes, more than any delivery of the events "
            "this bot handles; nothing was read",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return answer(error.code or 500, error.description or error.name)

    @app.after_request
    def log_delivery(response: Response) -> Response:
        if request.path == "/webhook":
            log_webhook(response)
        return response

    return app


def enqueue(jobs: Jobs, event: str, payload: dict[str, Any], delivery: str) -> tuple[Response, int]:
    """Queue the job, once per delivery id; 503 (GitHub may redeliver) if the queue is down."""
    try:
        if delivery and not jobs.first_delivery(delivery):
            return answer(200, "duplicate delivery, ignored", delivery=delivery)
        jobs.enqueue_delivery(event, payload, delivery)
    except Exception as error:  # the queue's backend failed: nothing was queued
        if delivery:
            with suppress(Exception):
                jobs.forget_delivery(delivery)
        return answer(503, f"the job queue is unavailable ({type(error).__name__})")
    return answer(202, f"queued {event}.{payload.get('action') or ''}", delivery=delivery)


def log_webhook(response: Response) -> None:
    """One line per delivery: who, what, the answer and how long it took."""
    body = response.get_json(silent=True) or {}
    logs.event(
        "delivery",
        delivery=request.headers.get("X-GitHub-Delivery", ""),
        **g.get("fields", {"event": request.headers.get("X-GitHub-Event", "")}),
        status=response.status_code,
        outcome=body.get("message", ""),
        duration_ms=logs.milliseconds_since(g.get("start", time.perf_counter())),
    )


def read_body() -> bytes:
    """The raw body; under gunicorn, each read waits at most BODY_IDLE_SECONDS for data.

    gunicorn hands the connection's socket to the app (``gunicorn.socket``); its
    timeout is put back afterwards, so that gunicorn's own handling is unchanged.
    """
    sock = request.environ.get("gunicorn.socket")
    if sock is None:
        return request.get_data(cache=False)
    previous = sock.gettimeout()
    sock.settimeout(BODY_IDLE_SECONDS)
    try:
        return request.get_data(cache=False)
    finally:
        with suppress(OSError):
            sock.settimeout(previous)


def signature_is_valid(secret: bytes, body: bytes, header: str | None) -> bool:
    """HMAC-SHA256 of the raw body, compared in constant time.

    Compared as bytes: ``compare_digest`` refuses str with non-ASCII characters.
    """
    if not header or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


def read_payload(body: bytes, mimetype: str) -> dict[str, Any] | None:
    """The delivery's JSON object; GitHub can also send it form-encoded as ``payload=``."""
    try:
        if mimetype == "application/x-www-form-urlencoded":
            body = parse_qs(body.decode(), strict_parsing=True)["payload"][0].encode()
        payload = json.loads(body)
    except (ValueError, KeyError, UnicodeDecodeError, RecursionError):
        return None
    return payload if isinstance(payload, dict) else None


def answer(status: int, message: str, **extra: Any) -> tuple[Response, int]:
    return jsonify({"message": message, **extra}), status
