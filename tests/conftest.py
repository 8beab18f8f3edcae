"""Shared fixtures: ``standin``, a local GitHub that fails tests on bad requests."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from helpers import BOT_TOKEN, REPO, SECRET, file_issue, seed, sign
from huey.signals import SIGNAL_ERROR
from werkzeug.test import TestResponse

from bot.service.app import create_app
from bot.service.config import Settings
from bot.service.queue import Jobs
from standin import Standin, payloads
from standin.arxiv import ArxivStandin

pytest_plugins = ["pytester"]


@pytest.fixture
def standin() -> Iterator[Standin]:
    """A started GitHub stand-in (no tokens or repositories yet), stopped afterwards.

    At teardown the test fails if any request broke GitHub's REST description
    (undocumented route, invalid body or query) or crashed the stand-in: the
    reasons are in ``standin.violations``. A test that provokes violations on
    purpose calls ``standin.clear_violations()`` once it has checked them.
    """
    with Standin.start() as github:
        yield github
        if github.violations:
            pytest.fail(
                "the GitHub stand-in received requests GitHub would not accept:\n"
                + "\n".join(github.violations),
                pytrace=False,
            )


@pytest.fixture
def arxiv() -> Iterator[ArxivStandin]:
    """A started arXiv stand-in serving the records of ``standin/arxiv/records``."""
    with ArxivStandin.start() as server:
        yield server


# -- the bot, wired to the stand-in as in production --------------------------


@dataclass
class Bot:
    """The web app configured from the environment, its queue running jobs inline."""

    github: Standin
    web: FlaskClient
    jobs: Jobs
    job_errors: list[BaseException]

    def deliver(self, event: str, payload: dict, delivery: str = "") -> TestResponse:
        body = json.dumps(payload).encode()
        return self.web.post(
            "/webhook",
            data=body,
            content_type="application/json",
            headers={
                "X-GitHub-Event": event,
                "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
                "X-Hub-Signature-256": sign(body),
            },
        )

    def payload(self, event: str, action: str | None = None, **fields) -> dict:
        return payloads.payload(event, action, repo=REPO, base_url=self.github.base_url, **fields)

    def file_issue(self, body: str, user: str = "carol") -> tuple[int, dict]:
        """An issue as the form files it, and the ``issues.opened`` payload GitHub sends."""
        return file_issue(self.github, body, user)


@pytest.fixture
def bot(standin: Standin, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bot]:
    """The list's repository on the stand-in, and the bot configured to answer for it."""
    seed(standin)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", standin.base_url)
    # Autofill has its own tests (test_arxiv.py, against the arXiv stand-in); elsewhere it
    # is off, so that no test waits for arXiv's 3 s turns or depends on its records.
    monkeypatch.setenv("AUTOFILL", "off")
    errors: list[BaseException] = []
    settings = Settings.from_env()
    jobs = Jobs(settings, immediate=True)

    @jobs.huey.signal(SIGNAL_ERROR)
    def collect(signal, task, exc=None):
        errors.append(exc)

    yield Bot(standin, create_app(settings, jobs).test_client(), jobs, errors)
    assert not errors, f"a job raised: {errors!r}"


@pytest.fixture
def service(standin: Standin, tmp_path):
    """web and worker started from the Procfile, against the stand-in, with a SQLite queue."""
    from processes import Service, service_environment

    seed(standin)
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    service = Service(service_environment(standin, queue), log_dir=tmp_path)
    try:
        yield service
    finally:
        service.stop_all()
