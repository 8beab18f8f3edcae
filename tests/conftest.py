"""Shared fixtures: ``standin``, a local GitHub that fails tests on bad requests."""

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
from flask.testing import FlaskClient
from helpers import BOT_TOKEN, REPO, SECRET, file_issue, seed, sign
from huey.signals import SIGNAL_ERROR
from processes import Service, free_port, service_environment, wait_until
from werkzeug.test import TestResponse

from bench.synthetic import synthetic_papers
from bot.core import paths
from bot.core.pages import generated_pages
from bot.core.papers import dump_papers
from bot.service.app import create_app
from bot.service.config import Settings
from bot.service.queue import Jobs
from standin import Standin
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
        """The payload GitHub would send, with the stand-in's ids, timestamps and URLs."""
        return self.github.payload(REPO, event, action, **fields)

    def file_issue(self, body: str, user: str = "carol") -> tuple[int, dict]:
        """An issue as the form files it, and the ``issues.opened`` payload GitHub sends."""
        return file_issue(self.github, body, user)


@pytest.fixture
def bot(standin: Standin, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bot]:
    """The list's repository on the stand-in, and the bot configured to answer for it.

    Autofill has its own tests (test_arxiv.py, against the arXiv stand-in); elsewhere it
    is off, so that no test waits for arXiv's 3 s turns or depends on its records.
    """
    yield from configured_bot(standin, monkeypatch, AUTOFILL="off")


@pytest.fixture
def arxiv() -> Iterator[ArxivStandin]:
    """A started arXiv stand-in serving the records of ``standin/arxiv/records``."""
    with ArxivStandin.start() as server:
        yield server


@pytest.fixture
def arxiv_bot(standin: Standin, arxiv: ArxivStandin, monkeypatch: pytest.MonkeyPatch):
    """The bot as ``bot`` has it, with autofill on against the arXiv stand-in."""
    yield from configured_bot(standin, monkeypatch, AUTOFILL="on", ARXIV_API_URL=arxiv.url)


@pytest.fixture
def bot_with(standin: Standin, monkeypatch: pytest.MonkeyPatch):
    """Make the bot with these settings, e.g. ``bot_with(AUTOFILL="on", ARXIV_API_URL=...)``."""
    made: list[Iterator[Bot]] = []

    def make(**settings: str) -> Bot:
        made.append(configured_bot(standin, monkeypatch, **settings))
        return next(made[-1])

    yield make
    for bot in made:
        next(bot, None)  # its teardown: no job may have raised


def configured_bot(
    standin: Standin, monkeypatch: pytest.MonkeyPatch, **settings: str
) -> Iterator[Bot]:
    """The web app and an immediate queue from the environment, plus ``settings``."""
    seed(standin)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("GITHUB_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", standin.base_url)
    monkeypatch.setenv("WATCH", "off")  # the committed list links to real sites
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    errors: list[BaseException] = []
    jobs = Jobs(Settings.from_env(), immediate=True)

    @jobs.huey.signal(SIGNAL_ERROR)
    def collect(signal, task, exc=None):
        errors.append(exc)

    yield Bot(standin, create_app(jobs.settings, jobs).test_client(), jobs, errors)
    assert not errors, f"a job raised: {errors!r}"


LARGE_LIST = 2_000  # papers: a data file of 1.4 MB, past the 1 MB GitHub's contents JSON carries


@pytest.fixture
def large_list(bot: Bot) -> list[dict]:
    """The list's repository holding 2,000 papers, its README and year pages rendered."""
    papers = synthetic_papers(LARGE_LIST)
    readme = bot.github.file(REPO, paths.README_IN_REPO).decode()
    files = {paths.DATA_IN_REPO: dump_papers(papers), **generated_pages(papers, readme)}
    bot.github.push(REPO, files, message="A long list")
    return papers


@pytest.fixture
def service(standin: Standin, tmp_path):
    """web and worker started from the Procfile, against the stand-in, with a SQLite queue."""

    seed(standin)
    queue = f"sqlite:///{tmp_path / 'queue.db'}"
    service = Service(service_environment(standin, queue), log_dir=tmp_path)
    try:
        yield service
    finally:
        service.stop_all()


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of the distribution's package on a loopback port, for this test only."""
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail(
                "redis-server is missing; .ci/run installs it (apt-get install redis-server)"
            )
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        client = redis.Redis(port=port)
        wait_until(lambda: _pings(client), "redis-server to answer", timeout=15)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def _pings(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False
