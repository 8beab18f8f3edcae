"""Approval to pull request: time and GitHub requests from the `/approve` delivery to the PR.

Runs the real app and its job (inline) against the GitHub stand-in, whose
added latency per request stands for the network to api.github.com.
Run: ``.venv/bin/python bench/approval.py``.
"""

import hashlib
import hmac
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the stand-in, beside the package

from bot.core import paths
from bot.core.form_parser import render_body
from bot.service.app import create_app
from bot.service.config import Settings
from bot.service.queue import Jobs
from standin import Standin, payloads

REPO = "octo/awesome-vis"
SECRET = "bench-webhook-secret"
ROUNDS = 5
FILES = (paths.README_IN_REPO, paths.DATA_IN_REPO, paths.SCHEMA_IN_REPO, paths.FORM_IN_REPO)


def issue_body(index: int) -> str:
    values = {
        "title": f"Benchmark Paper {index}",
        "year": "2024",
        "venue": "CVPR",
        "paper_url": f"https://arxiv.org/abs/2401.{index:05d}",
    }
    return render_body(values)


def deliver(web, github: Standin, event: str, payload: dict) -> None:
    body = json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"X-GitHub-Event": event, "X-Hub-Signature-256": signature}
    response = web.post("/webhook", data=body, content_type="application/json", headers=headers)
    assert response.status_code == 202, response.json


def one_approval(web, github: Standin, index: int) -> tuple[float, int]:
    body = issue_body(index)
    number = github.create_issue(REPO, title="x", body=body, user="carol", labels=["new paper"])
    payload = payloads.payload(
        "issue_comment",
        "created",
        repo=REPO,
        base_url=github.base_url,
        issue_number=number,
        issue_body=body,
        comment_body="/approve",
        comment_user="alice",
        sender="alice",
    )
    github.clear_requests()
    started = time.perf_counter()
    deliver(web, github, "issue_comment", payload)
    elapsed = time.perf_counter() - started
    assert any("pull request #" in c["body"] for c in github.comments(REPO, number))
    return elapsed, len(github.requests)


def run(latency: float) -> tuple[list[float], int]:
    with Standin.start() as github:
        github.add_token("bench-token", "vis-bot[bot]")
        github.create_repo(REPO, files={n: (paths.ROOT / n).read_bytes() for n in FILES})
        github.set_permission(REPO, "alice", "write")
        # Autofill off: this measures the GitHub side (arXiv's own pace is 3 s a request).
        settings = Settings(
            webhook_secret=SECRET, token="bench-token", api_url=github.base_url, autofill=False
        )
        web = create_app(settings, Jobs(settings, immediate=True)).test_client()
        github.latency = latency
        results = [one_approval(web, github, index) for index in range(ROUNDS)]
    return [seconds for seconds, _ in results], max(count for _, count in results)


def main() -> None:
    print(f"{'latency/request':>16} {'requests':>9} {'median s':>9} {'max s':>7}")
    for latency in (0.0, 0.1):
        times, requests = run(latency)
        print(
            f"{latency * 1000:>13.0f} ms {requests:>9} {statistics.median(times):>9.3f}"
            f" {max(times):>7.3f}"
        )


if __name__ == "__main__":
    main()
