"""A random script of what contributors, maintainers and GitHub do, and SPEC 6a's invariants.

Shared by tests/test_interleaving.py (a few dozen events, every invariant
asserted) and bench/soak.py (ten thousand deliveries, violations counted).
The script files, edits, approves (with the body the maintainer saw, or a
stale one), rejects, merges, redelivers and replays, SIGKILLs workers and
arms GitHub faults; ``settle`` waits for the queue and runs one reconcile
pass; ``violations`` lists every broken invariant by kind.
"""

import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

from helpers import BOT_LOGIN, BOT_TOKEN, MAINTAINER, PAPER, REPO, SECOND, form_body
from processes import Service

from bot.core import paths
from bot.core.change import branch_for
from bot.core.lifecycle import pull_version, version_of
from bot.core.messages import STATUS_MARKER
from bot.core.papers import identity_keys, load_papers
from bot.core.submission import assess
from bot.core.table import update_readme
from standin import payloads

DUPLICATE = {**PAPER, "paper_url": "https://arxiv.org/pdf/2306.03413v2.pdf", "title": "DVIS v2"}
PAPERS = [PAPER, SECOND, DUPLICATE]
EDITS = [
    lambda values: {**values, "venue": "ICCV 2023 (oral)"},
    lambda values: {**values, "year": "twenty"},  # invalid
    lambda values: values,  # a no-op edit
    lambda values: {**values, "datasets": "OVIS"},
]


FAULTS = ("5xx", "timeout", "secondary_rate_limit")


class Script:
    """The world: the service, what was filed, and every version a maintainer approved.

    ``max_issues`` bounds the open submissions; ``faults`` arms GitHub faults now and then.
    """

    def __init__(
        self,
        service: Service,
        standin,
        rng: random.Random,
        *,
        max_issues: int = 4,
        faults: bool = False,
        kill_rate: float = 0.05,
    ) -> None:
        self.service, self.github, self.rng = service, standin, rng
        self.max_issues, self.faults, self.kill_rate = max_issues, faults, kill_rate
        self.values: dict[int, dict] = {}
        self.approved: set[str] = set()
        self.sent: list[tuple[str, dict, str]] = []
        self.kills = 0

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
        self.kills += 1

    def arm_a_fault(self) -> None:
        kind = self.rng.choice(FAULTS)
        seconds = {"timeout": 0.05, "secondary_rate_limit": 0}.get(kind)
        method = self.rng.choice(["GET", "POST", "PATCH", "PUT"])
        self.github.fail_next(kind, 1, method=method, seconds=seconds)

    def step(self) -> None:
        numbers = sorted(self.values)
        roll = self.rng.random()
        if not numbers or (roll < 0.15 and len(numbers) < self.max_issues):
            self.open_issue()
            return
        if self.faults and roll > 0.97:
            self.arm_a_fault()
        number = self.rng.choice(numbers)
        actions = [
            (0.25, lambda: self.edit(number)),
            (0.30, lambda: self.command(number, "/approve")),
            (0.05, lambda: self.command(number, "/approve", stale=True)),
            (0.05, lambda: self.command(number, "/reject not this time")),
            (0.15, self.merge),
            (0.08, lambda: self.redeliver(fresh_id=False)),
            (0.07, lambda: self.redeliver(fresh_id=True)),
            (self.kill_rate, self.kill_a_worker),
        ]
        pick = self.rng.random()
        for weight, action in actions:
            pick -= weight
            if pick <= 0:
                action()
                return

    def settle(self, timeout: float = 120) -> None:
        """No job waiting for a while; then one reconcile pass repairs what kills lost."""
        self.github.faults.clear()
        quiet_since = None
        deadline = time.monotonic() + timeout
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
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def violations(self) -> Counter[str]:
        """Every broken invariant, by kind (a Counter; empty when all holds)."""
        found: Counter[str] = Counter()
        pulls = self.github.pulls(REPO)
        open_by_paper: dict[tuple[str, str], list[int]] = {}
        for number in self.values:
            found += self._issue_violations(number, pulls, open_by_paper)
        found["two open PRs for one paper"] += sum(
            1 for numbers in open_by_paper.values() if len(numbers) > 1
        )
        found["invalid tables"] += self._invalid_tables(pulls)
        return +found

    def _issue_violations(self, number: int, pulls: list, open_by_paper: dict) -> Counter[str]:
        found: Counter[str] = Counter()
        issue = self.github.issue(REPO, number)
        comments = self.github.comments(REPO, number)
        own = [c for c in comments if c["user"]["login"] == BOT_LOGIN]
        statuses = [c for c in own if c["body"].startswith(STATUS_MARKER)]
        if not statuses:
            found["lost submissions (no status)"] += 1
            return found
        found["duplicate status comments"] += len(statuses) - 1
        keys = [
            c["body"].rsplit("<!-- awesome-vis-bot:", 1)[-1]
            for c in own
            if "pull-link" in c["body"]
        ]
        found["duplicate link comments"] += len(keys) - len(set(keys))
        status = statuses[0]["body"]
        labels = {label["name"] for label in issue["labels"]}
        mine = [p for p in pulls if p["head"]["ref"] == branch_for(number)]
        opened = [p for p in mine if p["state"] == "open"]
        found["two open PRs for one issue"] += max(0, len(opened) - 1)
        if any(p.get("merged") for p in mine) and "**Added.**" not in status:
            found["merged but status not Added"] += 1
        if not opened:
            if issue["state"] == "open":
                ready = "**Ready for review.**" in status
                wanted = "ready for review" if ready else "needs changes"
                if labels & {"ready for review", "needs changes", "approved"} != {wanted}:
                    found["labels disagree with the status"] += 1
            return found
        pull = opened[0]
        if issue["state"] != "open":
            found["open PR for a closed issue"] += 1
        if "approved" not in labels:
            found["labels disagree with the status"] += 1
        if "**Approved**" not in status and "**Changed after approval.**" not in status:
            found["status disagrees with the open PR"] += 1
        version = pull_version(pull["body"])
        head = self.github.branch(REPO, branch_for(number))
        data = self.github.file(REPO, "data/papers.yaml", ref=head).decode()
        entries = [paper for paper in load_papers(data) if version_of(paper) == version]
        if version not in self.approved or not entries:
            found["PRs not holding an approved version"] += 1
            return found
        for key in identity_keys(entries[0]):
            open_by_paper.setdefault(key, []).append(number)
        return found

    def _invalid_tables(self, pulls: list) -> int:
        """Branches (main and every open PR's) whose README is not the table of their data."""
        refs = ["main", *(p["head"]["ref"] for p in pulls if p["state"] == "open")]
        invalid = 0
        for ref in refs:
            head = self.github.branch(REPO, ref)
            readme = self.github.file(REPO, "README.md", ref=head).decode()
            papers = load_papers(self.github.file(REPO, "data/papers.yaml", ref=head).decode())
            invalid += update_readme(readme, papers) != readme
        return invalid

    def check(self) -> None:
        assert self.violations() == Counter(), self.violations()
