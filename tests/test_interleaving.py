"""Random orders of events over several submissions, on real processes, always converge.

Two workers on Redis and the web process run from the Procfile against the
stand-in with latency on every request. A seeded random script files,
edits, approves (with the body the maintainer saw, or a stale one), rejects,
merges, redelivers and replays, and SIGKILLs a worker now and then. After
each batch the queue is left to settle, a reconcile pass repairs what killed
jobs left undone, and the invariants of SPEC 6a are checked: one status
comment per issue; comment, labels and pull request agree; every pull
request holds exactly a version a maintainer approved; at most one open
pull request per paper.
"""

import os
import random
import signal
import subprocess
import sys
import time
import uuid

import pytest
from helpers import BOT_LOGIN, BOT_TOKEN, MAINTAINER, PAPER, REPO, SECOND, form_body, seed
from processes import Service, service_environment

from bot.core import paths
from bot.core.change import branch_for
from bot.core.lifecycle import pull_version, version_of
from bot.core.messages import STATUS_MARKER
from bot.core.papers import identity_keys, load_papers
from bot.core.submission import assess
from standin import payloads

DUPLICATE = {**PAPER, "paper_url": "https://arxiv.org/pdf/2306.03413v2.pdf", "title": "DVIS v2"}
PAPERS = [PAPER, SECOND, DUPLICATE]
EDITS = [
    lambda values: {**values, "venue": "ICCV 2023 (oral)"},
    lambda values: {**values, "year": "twenty"},  # invalid
    lambda values: values,  # a no-op edit
    lambda values: {**values, "datasets": "OVIS"},
]


class Script:
    """The test's world: the service, what was filed, and every version a maintainer approved."""

    def __init__(self, service: Service, standin, rng: random.Random) -> None:
        self.service, self.github, self.rng = service, standin, rng
        self.values: dict[int, dict] = {}
        self.approved: set[str] = set()
        self.sent: list[tuple[str, dict, str]] = []

    def deliver(self, event: str, payload: dict, delivery: str | None = None) -> None:
        delivery = delivery or str(uuid.uuid4())
        self.sent.append((event, payload, delivery))
        answer = self.service.deliver(event, payload, delivery=delivery)
        assert answer.status in (200, 202), answer

    def payload(self, event: str, action: str, number: int, **fields) -> dict:
        issue = self.github.issue(REPO, number)
        return payloads.payload(
            event,
            action,
            repo=REPO,
            base_url=self.github.base_url,
            issue_number=number,
            issue_body=issue["body"],
            issue_state=issue["state"],
            issue_labels=[label["name"] for label in issue["labels"]],
            **fields,
        )

    def open_issue(self) -> None:
        values = self.rng.choice(PAPERS)
        body = form_body(values)
        number = self.github.create_issue(
            REPO, title="[Paper]", body=body, user="carol", labels=["new paper"]
        )
        self.values[number] = values
        self.deliver("issues", self.payload("issues", "opened", number, sender="carol"))
        labeled = self.payload("issues", "labeled", number, label="new paper", sender="carol")
        self.deliver("issues", labeled)

    def edit(self, number: int) -> None:
        values = self.rng.choice(EDITS)(self.values[number])
        self.values[number] = values
        self.github.edit_issue(REPO, number, body=form_body(values))
        changes = {"body": {"from": "..."}}
        self.deliver("issues", self.payload("issues", "edited", number, changes=changes))

    def command(self, number: int, text: str, stale: bool = False) -> None:
        body = self.github.issue(REPO, number)["body"]
        if stale:
            body = form_body(self.rng.choice(PAPERS))
        comment_id = self.github.add_comment(REPO, number, text, user=MAINTAINER)
        if text == "/approve":
            assessment = assess(body, [], None)
            self.approved.add(version_of(assessment.paper))
        payload = self.payload(
            "issue_comment",
            "created",
            number,
            comment_id=comment_id,
            comment_body=text,
            comment_user=MAINTAINER,
            sender=MAINTAINER,
        )
        payload["issue"]["body"] = body
        self.deliver("issue_comment", payload)

    def merge(self) -> None:
        pulls = [p for p in self.github.pulls(REPO) if p["state"] == "open"]
        if not pulls:
            return
        pull = self.rng.choice(pulls)
        before = self.github.branch(REPO, "main")
        try:
            self.github.client(BOT_TOKEN).get_repo(REPO).get_pull(pull["number"]).merge()
        except Exception:  # a conflict or a branch being moved: a maintainer would retry
            return
        after = self.github.branch(REPO, "main")
        push = payloads.payload(
            "push",
            repo=REPO,
            base_url=self.github.base_url,
            ref="refs/heads/main",
            before=before,
            after=after,
        )
        self.deliver("push", push)

    def redeliver(self, fresh_id: bool) -> None:
        if self.sent:
            event, payload, delivery = self.rng.choice(self.sent)
            self.deliver(event, payload, None if fresh_id else delivery)

    def kill_a_worker(self) -> None:
        name = self.rng.choice(["worker", "worker2"])
        process = self.service.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        self.service.start("worker", as_name=name)

    def step(self) -> None:
        numbers = sorted(self.values)
        roll = self.rng.random()
        if not numbers or (roll < 0.15 and len(numbers) < 4):
            self.open_issue()
            return
        number = self.rng.choice(numbers)
        actions = [
            (0.25, lambda: self.edit(number)),
            (0.30, lambda: self.command(number, "/approve")),
            (0.05, lambda: self.command(number, "/approve", stale=True)),
            (0.05, lambda: self.command(number, "/reject not this time")),
            (0.15, self.merge),
            (0.08, lambda: self.redeliver(fresh_id=False)),
            (0.07, lambda: self.redeliver(fresh_id=True)),
            (0.05, self.kill_a_worker),
        ]
        pick = self.rng.random()
        for weight, action in actions:
            pick -= weight
            if pick <= 0:
                action()
                return

    def settle(self) -> None:
        """No job waiting for a while; then one reconcile pass repairs what kills lost."""
        quiet_since = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pending = self.service.get("/healthz").body.get("pending_jobs")
            if pending == 0 and quiet_since is None:
                quiet_since = time.monotonic()
            elif pending:
                quiet_since = None
            if quiet_since and time.monotonic() - quiet_since > 3:
                break
            time.sleep(0.2)
        result = subprocess.run(
            [sys.executable, "-m", "bot", "reconcile", "--grace", "0"],
            env=self.service.env,
            cwd=paths.ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def check(self) -> None:
        pulls = self.github.pulls(REPO)
        open_by_paper: dict[tuple[str, str], list[int]] = {}
        for number in self.values:
            issue = self.github.issue(REPO, number)
            statuses = [
                c
                for c in self.github.comments(REPO, number)
                if c["user"]["login"] == BOT_LOGIN and c["body"].startswith(STATUS_MARKER)
            ]
            assert len(statuses) == 1, (number, statuses)
            status = statuses[0]["body"]
            labels = {label["name"] for label in issue["labels"]}
            mine = [p for p in pulls if p["head"]["ref"] == branch_for(number)]
            opened = [p for p in mine if p["state"] == "open"]
            assert len(opened) <= 1, opened
            if any(p.get("merged") for p in mine):
                assert "**Added.**" in status, (number, status[:200])
            pull = opened[0] if opened else None
            if pull:
                assert issue["state"] == "open", (number, "a closed issue keeps an open PR")
                assert "approved" in labels, (number, labels)
                assert "**Approved**" in status or "**Changed after approval.**" in status
                version = pull_version(pull["body"])
                assert version in self.approved, (number, version, self.approved)
                head = self.github.branch(REPO, branch_for(number))
                data = self.github.file(REPO, "data/papers.yaml", ref=head).decode()
                listed = {version_of(paper) for paper in load_papers(data)}
                assert version in listed, (number, "the PR's entry is not its approved version")
                paper = next(p for p in load_papers(data) if version_of(p) == version)
                for key in identity_keys(paper):
                    open_by_paper.setdefault(key, []).append(number)
            elif issue["state"] == "open":
                wanted = (
                    "ready for review" if "**Ready for review.**" in status else "needs changes"
                )
                assert labels & {"ready for review", "needs changes", "approved"} == {wanted}, (
                    number,
                    labels,
                    status[:200],
                )
        for key, numbers in open_by_paper.items():
            assert len(numbers) == 1, (key, numbers, "two open PRs for one paper")


@pytest.mark.parametrize("seed_value", [7, 2026])
def test_random_orders_of_events_converge_on_one_consistent_state(
    standin, tmp_path, redis_url, seed_value
):
    seed(standin)
    standin.set_permission(REPO, MAINTAINER, "write")
    standin.latency = 0.01
    service = Service(service_environment(standin, redis_url), log_dir=tmp_path)
    script = Script(service, standin, random.Random(seed_value))
    try:
        service.start("web")
        service.start("worker")
        service.start("worker", as_name="worker2")
        service.wait_healthy()
        for _batch in range(3):
            for _ in range(12):
                script.step()
            script.settle()
            script.check()
    finally:
        service.stop_all()
