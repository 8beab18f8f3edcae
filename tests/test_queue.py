"""The job queue: duplicates dropped, retries only for what may pass, SQLite and Redis alike."""

import json
import pickle
import uuid
from datetime import datetime
from pathlib import Path

import pytest
import requests
from github import GithubException, RateLimitExceededException
from helpers import PAPER, REPO, file_issue, form_body, seed, status_comment
from huey.storage import SqliteStorage
from processes import Service, free_port, service_environment, wait_until

from bot.github.errors import is_transient
from bot.service.config import Settings
from bot.service.queue import QUEUE_NAME, RETRIES, RETRY_BACKOFF, RETRY_DELAY_SECONDS, Jobs


def test_a_duplicate_delivery_is_answered_and_dropped(bot):
    _, payload = bot.file_issue(form_body(PAPER))
    assert bot.deliver("issues", payload, delivery="same-id").status_code == 202
    bot.github.clear_requests()

    again = bot.deliver("issues", payload, delivery="same-id")

    assert (again.status_code, again.json["message"]) == (200, "duplicate delivery, ignored")
    assert bot.github.requests == []
    assert bot.deliver("issues", payload, delivery=str(uuid.uuid4())).status_code == 202


def test_sqlite_forgets_delivery_ids_after_a_week_and_not_before(tmp_path):
    settings = Settings(webhook_secret="x" * 16, queue_url=f"sqlite:///{tmp_path / 'queue.db'}")
    jobs = Jobs(settings)
    storage = jobs.huey.storage
    assert jobs.first_delivery("recent")
    assert not jobs.first_delivery("recent")
    storage.put_if_empty("delivery:old", b"1000")  # remembered in 1970
    storage.put_if_empty("unrelated", b"1000")

    assert jobs.forget_old_deliveries() == 1

    assert jobs.first_delivery("old")
    assert not jobs.first_delivery("recent")
    assert storage.has_data_for_key("unrelated")


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (GithubException(502, {"message": "Bad Gateway"}), True),
        (GithubException(429, {"message": "Too Many Requests"}), True),
        (RateLimitExceededException(403, {"message": "API rate limit exceeded"}), True),
        (requests.ConnectionError("refused"), True),
        (requests.Timeout("read timed out"), True),
        (GithubException(404, {"message": "Not Found"}), False),
        (GithubException(422, {"message": "Validation Failed"}), False),
        (GithubException(401, {"message": "Bad credentials"}), False),
        (KeyError("issue"), False),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_only_failures_that_may_pass_are_retried(error, transient):
    assert is_transient(error) is transient


def test_a_github_outage_schedules_a_retry_with_backoff(bot):
    _, payload = bot.file_issue(form_body(PAPER))
    bot.github.fail_next("5xx", count=20, path=r"/branches/main$")

    assert bot.deliver("issues", payload).status_code == 202

    [error] = bot.job_errors  # after PyGithub's own retries (about 7 s)
    assert isinstance(error, requests.exceptions.RetryError)
    assert "too many 502 error responses" in str(error)
    bot.job_errors.clear()
    [retry] = bot.jobs.huey.scheduled()
    assert retry.retries == RETRIES - 1
    assert retry.retry_delay == RETRY_DELAY_SECONDS * RETRY_BACKOFF
    [stored] = bot.jobs.huey.storage.scheduled_items()  # JSON, the retry's time as ISO 8601
    job = json.loads(stored)
    assert job["args"] == ["issues", payload, job["args"][2]]
    assert datetime.fromisoformat(job["eta"]["datetime"]) == retry.eta


def test_a_permanent_failure_is_not_retried(bot):
    payload = bot.payload("issues", "opened", issue_number=1, issue_body=form_body(PAPER))
    payload["repository"]["full_name"] = "octo/no-such-repository"

    assert bot.deliver("issues", payload).status_code == 202

    [error] = bot.job_errors
    assert isinstance(error, GithubException) and error.status == 404
    bot.job_errors.clear()
    assert bot.jobs.huey.scheduled() == []


# -- the queue's backends, as separate processes ---------------------------------------


class WritesAFile:
    """What anyone who can write to the queue could plant for a pickling worker to load."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.write_text, (self.path, "the worker ran code from the queue"))


def test_a_pickle_planted_in_the_queue_file_is_skipped_and_never_run(service, standin, tmp_path):
    """Someone with write access to the SQLite file (or Redis) plants a job; the worker does
    not run its code, logs one line saying it skipped an entry, and goes on with real work."""
    marker = tmp_path / "owned"
    SqliteStorage(QUEUE_NAME, filename=str(tmp_path / "queue.db")).enqueue(
        pickle.dumps(WritesAFile(marker)), None
    )
    service.start("web")
    service.start("worker")
    service.wait_healthy()

    number, payload = file_issue(standin, form_body(PAPER))
    assert service.deliver("issues", payload).status == 202
    wait_until(lambda: status_comment(standin, number), "the status comment")  # queued after

    assert not marker.exists()
    [line] = [line for line in service.json_lines("worker") if line.get("msg") == "queue"]
    assert line["outcome"] == "skipped an entry that is not a job"


def test_healthz_and_deliveries_say_503_when_the_queue_is_unreachable(standin, tmp_path):
    seed(standin)
    closed = f"redis://127.0.0.1:{free_port()}/0"
    service = Service(service_environment(standin, closed), log_dir=tmp_path)
    try:
        service.start("web")
        health = wait_until(lambda: _answer_or_none(service, "/healthz"), "the web process")
        assert (health.status, health.body["message"]) == (503, "queue unreachable")
        _, payload = file_issue(standin, form_body(PAPER))
        answer = service.deliver("issues", payload, delivery="d-down")
        assert answer.status == 503
        assert "job queue is unavailable" in answer.body["message"]
    finally:
        service.stop_all()


def _answer_or_none(service: Service, path: str):
    try:
        return service.get(path)
    except OSError:
        return None


def test_redis_mode_runs_jobs_queued_while_no_worker_ran_and_drops_duplicates(
    standin, tmp_path, redis_url
):
    seed(standin)
    service = Service(service_environment(standin, "", REDIS_URL=redis_url), log_dir=tmp_path)
    try:
        service.start("web")
        assert service.wait_healthy().body["queue"] == "reachable"
        number, payload = file_issue(standin, form_body(PAPER))
        assert service.deliver("issues", payload, delivery="d-redis").status == 202
        duplicate = service.deliver("issues", payload, delivery="d-redis")
        assert (duplicate.status, duplicate.body["message"]) == (200, "duplicate delivery, ignored")
        assert service.get("/healthz").body["pending_jobs"] == 1

        service.start("worker")
        comment = wait_until(lambda: status_comment(standin, number), "the status comment")
        assert "**Ready for review.**" in comment["body"]
        assert len(standin.comments(REPO, number)) == 1
    finally:
        service.stop_all()
