"""Reconcile: what a dropped delivery left undone is completed from GitHub's state alone."""

import subprocess
import sys
from datetime import timedelta

from helpers import (
    MAINTAINER,
    PAPER,
    REPO,
    SECOND,
    approve,
    comment,
    file_issue,
    form_body,
    merge,
    status_comment,
    submit,
)
from processes import service_environment

from bot.core import paths
from bot.core.change import branch_for
from bot.github import reconcile
from bot.service.config import Settings


def run_reconcile(
    standin, tmp_path, *args: str, unset: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``python -m bot reconcile`` in its own process, configured like the service."""
    env = service_environment(standin, f"sqlite:///{tmp_path / 'queue.db'}")
    for name in unset:
        del env[name]
    return subprocess.run(
        [sys.executable, "-m", "bot", "reconcile", *args],
        env=env,
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def writes(standin) -> list:
    return [request for request in standin.requests if request.method != "GET"]


def test_a_submission_whose_delivery_was_dropped_gets_its_status(bot, tmp_path):
    number, _ = file_issue(bot.github, form_body(PAPER))  # opened, never delivered

    result = run_reconcile(bot.github, tmp_path, "--grace", "0")

    assert result.returncode == 0, result.stderr
    assert f"#{number}: no status: replayed issues.opened: done" in result.stdout
    assert "**Ready for review.**" in status_comment(bot.github, number)["body"]
    assert set(bot.github.labels(REPO, number)) == {"new paper", "ready for review"}


def test_a_second_pass_finds_nothing_to_do_and_writes_nothing(bot, tmp_path):
    number, _ = file_issue(bot.github, form_body(PAPER))
    run_reconcile(bot.github, tmp_path, "--grace", "0")
    bot.github.clear_requests()

    again = run_reconcile(bot.github, tmp_path, "--grace", "0")

    assert again.returncode == 0, again.stderr
    assert f"#{number}" not in again.stdout
    assert writes(bot.github) == []
    assert len(bot.github.comments(REPO, number)) == 1


def test_an_approval_whose_delivery_was_dropped_gets_its_pull_request(bot, monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    number = submit(bot)
    bot.github.add_comment(REPO, number, "/approve", user=MAINTAINER)  # never delivered

    replays = reconcile.run(Settings.from_env())

    assert ("issue_comment.created", None) in [(r.event, r.error) for r in replays]
    [pull] = bot.github.pulls(REPO)
    assert pull["head"]["ref"] == branch_for(number)
    assert f"pull request #{pull['number']}" in bot.github.comments(REPO, number)[-1]["body"]
    bot.github.clear_requests()
    reconcile.run(Settings.from_env())
    assert writes(bot.github) == []


def test_a_command_already_answered_is_not_replayed(bot, monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    number = submit(bot)
    comment(bot, number, "/approve", user="mallory")  # answered: only maintainers may
    bot.github.add_comment(REPO, number, "thanks!", user="carol")
    bot.github.clear_requests()

    replays = reconcile.run(Settings.from_env())

    assert [r.event for r in replays] == ["push"]
    assert writes(bot.github) == []
    assert bot.github.pulls(REPO) == []


def test_what_is_younger_than_the_grace_is_left_to_the_event_stream(bot, monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    number, _ = file_issue(bot.github, form_body(PAPER))

    reconcile.run(Settings.from_env(), grace=timedelta(minutes=2))

    assert status_comment(bot.github, number) is None


def test_a_pull_request_left_stale_by_a_dropped_push_is_rebuilt(bot, monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    _, first = approve(bot, PAPER)
    second_issue, _ = approve(bot, SECOND)
    merge(bot, first)  # the push event is never delivered

    reconcile.run(Settings.from_env())

    head = bot.github.branch(REPO, branch_for(second_issue))
    assert bot.github.commit(REPO, head).parents == (bot.github.branch(REPO, "main"),)


def test_reconcile_without_a_repository_says_what_to_set(standin, tmp_path):
    result = run_reconcile(standin, tmp_path, unset=("GITHUB_REPOSITORY",))
    assert result.returncode == 2
    assert "reconcile needs GITHUB_REPOSITORY=owner/name" in result.stderr
