"""Each fault kind, produced by the stand-in and observed through PyGithub."""

import time

import pytest
import requests
from github import GithubException, GithubRetry, RateLimitExceededException

from standin import Standin

REPO = "octo/awesome-vis"


@pytest.fixture
def seeded(standin: Standin) -> Standin:
    standin.add_token("tok", "vis-bot[bot]")
    standin.create_repo(REPO, files={"README.md": "# VIS\n"})
    standin.create_issue(REPO, title="New paper", user="carol")
    return standin


def test_5xx_fails_the_request_and_changes_nothing(seeded: Standin) -> None:
    issue = seeded.client("tok").get_repo(REPO).get_issue(1)
    seeded.fail_next("5xx", method="POST", path=r"/issues/\d+/comments$")

    with pytest.raises(GithubException) as raised:
        issue.create_comment("hello")
    assert raised.value.status == 502
    assert seeded.comments(REPO, 1) == []

    issue.create_comment("hello")  # the fault was used up
    assert [c["body"] for c in seeded.comments(REPO, 1)] == ["hello"]
    statuses = [r.status for r in seeded.requests if r.method == "POST"]
    assert statuses == [502, 201]


def test_primary_rate_limit(seeded: Standin) -> None:
    repo = seeded.client("tok").get_repo(REPO)
    seeded.fail_next("primary_rate_limit", count=2, path=r"/issues/1$")

    for _ in range(2):
        with pytest.raises(RateLimitExceededException) as raised:
            repo.get_issue(1)
        headers = raised.value.headers
        assert raised.value.status == 403
        assert headers["x-ratelimit-remaining"] == "0"
        assert time.time() < int(headers["x-ratelimit-reset"]) <= time.time() + 4
        assert raised.value.data["message"].startswith("API rate limit exceeded")
    assert repo.get_issue(1).title == "New paper"


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit(seeded: Standin, status: int) -> None:
    issue = seeded.client("tok").get_repo(REPO).get_issue(1)
    seeded.fail_next("secondary_rate_limit", method="POST", status=status)

    expected = RateLimitExceededException if status == 403 else GithubException
    with pytest.raises(expected) as raised:
        issue.add_to_labels("approved")
    assert raised.value.status == status
    assert raised.value.headers["retry-after"] == "1"
    assert "secondary rate limit" in raised.value.data["message"]
    assert seeded.labels(REPO, 1) == []


def test_pygithub_retry_honours_retry_after_and_the_fault_leaves_no_trace(seeded: Standin) -> None:
    client = seeded.client("tok", retry=GithubRetry(total=3))
    issue = client.get_repo(REPO).get_issue(1)
    seeded.fail_next("secondary_rate_limit", method="POST")

    started = time.monotonic()
    issue.create_comment("once")
    assert time.monotonic() - started >= 1  # Retry-After: 1
    assert [c["body"] for c in seeded.comments(REPO, 1)] == ["once"]
    assert [r.status for r in seeded.requests if r.method == "POST"] == [403, 201]


def test_timeout(seeded: Standin) -> None:
    issue = seeded.client("tok", timeout=1).get_repo(REPO).get_issue(1)
    seeded.fail_next("timeout", method="POST", seconds=3)

    with pytest.raises(requests.exceptions.Timeout):
        issue.create_comment("lost")
    assert seeded.comments(REPO, 1) == []


def test_latency_is_added_to_every_request(seeded: Standin) -> None:
    repo = seeded.client("tok").get_repo(REPO)
    seeded.latency = 0.2
    started = time.monotonic()
    repo.get_issue(1)
    repo.get_branch("main")
    assert time.monotonic() - started >= 0.4


def test_unknown_fault_kind_is_refused(seeded: Standin) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        seeded.fail_next("meteor")


def test_lost_response_applies_the_change_but_the_client_times_out(seeded: Standin) -> None:
    issue = seeded.client("tok", timeout=1).get_repo(REPO).get_issue(1)
    seeded.fail_next("lost_response", method="POST", seconds=3)

    with pytest.raises(requests.exceptions.Timeout):
        issue.create_comment("applied")
    assert [c["body"] for c in seeded.comments(REPO, 1)] == ["applied"]
