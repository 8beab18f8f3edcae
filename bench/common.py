"""What the benchmarks that drive the real app share: its settings, a submission, a delivery.

The app runs its jobs inline (``Jobs(immediate=True)``), so a delivery returns
when its job is done, against a GitHub stand-in the caller starts.
"""

import hashlib
import hmac
import json

from bot.core.form_parser import render_body
from bot.service.app import create_app
from bot.service.config import Settings
from bot.service.queue import Jobs
from standin import Standin, payloads

REPO = "octo/awesome-vis"
SECRET = "bench-webhook-secret"
TOKEN = "bench-token"


def bench_app(github: Standin, **settings):
    """The real app's test client, answering as ``vis-bot[bot]`` for ``REPO`` on ``github``."""
    github.add_token(TOKEN, "vis-bot[bot]")
    configured = Settings(webhook_secret=SECRET, token=TOKEN, api_url=github.base_url, **settings)
    return create_app(configured, Jobs(configured, immediate=True)).test_client()


def submission(index: int, paper_url: str) -> str:
    """The body of a new-paper issue as the form renders it."""
    values = {"title": f"Benchmark Paper {index}", "year": "2024", "venue": "CVPR"}
    return render_body({**values, "paper_url": paper_url})


def deliver(web, event: str, payload: dict) -> None:
    """One signed delivery, accepted (202)."""
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-GitHub-Event": event, "X-Hub-Signature-256": signature}
    response = web.post("/webhook", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 202, response.json


def opened(github: Standin, number: int, body: str) -> dict:
    """The ``issues.opened`` payload of issue ``number``."""
    return payloads.payload(
        "issues",
        "opened",
        repo=REPO,
        base_url=github.base_url,
        issue_number=number,
        issue_body=body,
        sender="carol",
    )
