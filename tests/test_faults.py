"""The fault matrix: every GitHub request of an approval, failing once or for good.

The requests are not listed here: a clean approval of a first submission is
logged by the stand-in, and each test makes one of those requests fail while
a second submission is approved. Main moves before each approval, so that
the approval reads the new head's files too (an approval on a head read
before asks for a subset of these). A failure that passes (one 502, one gateway
timeout, one secondary rate limit) must end with exactly one pull request and
no failure comment; a failure that persists must end with one comment naming
the step and nothing that blocks the next ``/approve``.
"""

import os
import re
import signal
from datetime import timedelta

import pytest
from github import RateLimitExceededException
from helpers import (
    PAPER,
    REPO,
    bot_comments,
    comment,
    file_issue,
    form_body,
    move_main,
    status_comment,
    submit,
    visible,
)
from processes import Service, wait_until

from bot.core.change import branch_for
from bot.core.messages import STATUS_MARKER
from standin import payloads

# The approval on a new head makes 15 requests (test_approval.py asserts the shape of one
# on a head read before: a subset of these).
REQUESTS = range(15)

TRANSIENT = {
    "502": {"kind": "5xx"},
    # Held, then 504: the gateway timeout a client sees when GitHub is slow.
    "timeout": {"kind": "timeout", "seconds": 0.05},
    # Retry-After: 0, so the retry does not sleep (the header is honoured either way).
    "secondary-rate-limit": {"kind": "secondary_rate_limit", "seconds": 0},
}

# What the failure comment says the approval was doing, by the request's method and path.
STEPS = [
    (r"GET .*/collaborators/[^/]+/permission$", "checking the commenter's permission"),
    (r"GET .*/branches/main$", "reading the head of main"),
    (r"GET .*/git/trees/", "reading the files of main"),
    (r"GET .*/contents/", "reading the files of main"),  # read by path beside the listing
    (r"GET .*/issues/\d+/comments$", "reading the issue's comments"),
    (r"GET .*/pulls$", "reading the pull requests"),
    (r"GET .*/issues$", "reading the open submissions"),
    (r"POST .*/git/(trees|commits)$", "writing the commit"),
    (r"POST .*/git/refs$", "pointing the branch {branch} at the commit"),
    (r"POST .*/pulls$", "opening the pull request"),
    (r"POST .*/issues/\d+/comments$", "commenting on the issue"),
    (r"PATCH .*/issues/comments/\d+$", "updating the status comment"),
    (r"PUT .*/issues/\d+/labels$", "labelling the issue"),
]


def step_of(method: str, path: str, number: int) -> str:
    request = f"{method} {path}"
    step = next(step for pattern, step in STEPS if re.search(pattern, request))
    return step.format(branch=branch_for(number))


def second_submission(bot) -> tuple[int, list[tuple[str, str]]]:
    """Approve a first submission cleanly and file a second one.

    Returns the second issue's number and, for each distinct request the first
    approval made, the same request as the second approval will make it: its
    method and a pattern of its path (a git object's sha is the new head's).
    """
    first = submit(bot)
    move_main(bot.github)
    bot.github.clear_requests()
    comment(bot, first, "/approve")
    logged = bot.github.requests
    second = submit(bot, {**PAPER_TWO})
    move_main(bot.github)
    status_id = next(
        c["id"] for c in bot.github.comments(REPO, second) if c["body"].startswith(STATUS_MARKER)
    )
    same = [(r.method, _for_second(r.path, first, second, status_id)) for r in logged]
    distinct = list(dict.fromkeys(same))
    assert (len(logged), len(distinct)) == (15, len(REQUESTS)), logged
    return second, distinct


def _for_second(path: str, first: int, second: int, status_id: int) -> str:
    """The first approval's request path as the second approval makes it, as a pattern."""
    path = re.sub(rf"/issues/{first}(?=/|$)", f"/issues/{second}", path)
    path = re.sub(r"/issues/comments/\d+$", f"/issues/comments/{status_id}", path)
    return re.sub(r"[0-9a-f]{40}", "SHA", path)


PAPER_TWO = {
    "title": "MinVIS: A Minimal Video Instance Segmentation Framework without Video-based Training",
    "year": "2022",
    "venue": "NeurIPS",
    "paper_url": "https://arxiv.org/abs/2208.02245",
}


def pattern(path: str) -> str:
    return "^" + re.escape(path).replace("SHA", "[0-9a-f]{40}") + "$"


def fail(bot, request: tuple[str, str], count: int, kind: str, **options) -> None:
    method, path = request
    bot.github.clear_requests()
    bot.github.fail_next(kind, count, method=method, path=pattern(path), **options)


def made(bot, request: tuple[str, str]) -> list[int]:
    """The stand-in's answers to this request, by status."""
    method, path = request
    return [
        r.status
        for r in bot.github.requests
        if r.method == method and re.match(pattern(path), r.path)
    ]


def failed_answers(bot, request: tuple[str, str]) -> int:
    """How many times the stand-in answered this request with an error (the fault fired)."""
    return sum(1 for status in made(bot, request) if status >= 400)


def pulls_from(bot, number: int) -> list[dict]:
    return [p for p in bot.github.pulls(REPO) if p["head"]["ref"] == branch_for(number)]


def assert_one_pull_on_main(bot, number: int) -> dict:
    """Exactly one open PR for the issue: one commit on main's head, the paper in it."""
    pulls = pulls_from(bot, number)
    assert [p["state"] for p in pulls] == ["open"]
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.commit(REPO, head).parents == (bot.github.branch(REPO, "main"),)
    readme = bot.github.file(REPO, "README.md", ref=head).decode()
    assert PAPER_TWO["title"] in readme
    return pulls[0]


def failure_comments(bot, number: int) -> list[str]:
    return [body for body in bot_comments(bot, number) if "stopped while" in body]


@pytest.mark.parametrize("kind", TRANSIENT.values(), ids=TRANSIENT.keys())
@pytest.mark.parametrize("index", REQUESTS, ids=[f"request-{i + 1:02}" for i in REQUESTS])
def test_a_transient_failure_of_any_request_ends_with_one_pull_request(bot, index, kind):
    number, requests = second_submission(bot)
    fail(bot, requests[index], 1, **kind)
    comment(bot, number, "/approve")
    assert failed_answers(bot, requests[index]) == 1
    pull = assert_one_pull_on_main(bot, number)
    assert failure_comments(bot, number) == []
    opened = f"Opened pull request #{pull['number']}: {pull['html_url']}"
    assert bot_comments(bot, number).count(opened) == 1
    assert "approved" in bot.github.labels(REPO, number)


@pytest.mark.parametrize("index", REQUESTS, ids=[f"request-{i + 1:02}" for i in REQUESTS])
def test_a_lasting_failure_of_any_request_is_explained_and_a_later_approve_succeeds(bot, index):
    """GitHub's rate limit is spent for the next hour: the request fails at once, for good."""
    number, requests = second_submission(bot)
    request = requests[index]
    fail(bot, request, 20, "primary_rate_limit", seconds=3600)
    comment(bot, number, "/approve")
    assert failed_answers(bot, request) >= 1
    step = step_of(*request, number)
    if step == "commenting on the issue":
        # Nowhere to say it: the job fails as transient and the queue tries again later.
        assert [isinstance(e, RateLimitExceededException) for e in bot.job_errors] == [True]
        bot.job_errors.clear()
        assert failure_comments(bot, number) == []
    else:
        assert failure_comments(bot, number) == [
            f"The approval stopped while {step}: GitHub answered 403 (API rate limit exceeded "
            "for installation. If you reach out to GitHub Support for help, please include the "
            "request ID 0000:0000:0000000:0000000:00000000.), even after retries. Nothing "
            "half-made blocks a new attempt: a maintainer can comment `/approve` again."
        ]
    made_pull = step in {
        "commenting on the issue",
        "updating the status comment",
        "labelling the issue",
    }
    assert len(pulls_from(bot, number)) == (1 if made_pull else 0)

    bot.github.faults.clear()  # GitHub is back; a maintainer approves again
    comment(bot, number, "/approve")
    pull = assert_one_pull_on_main(bot, number)
    assert len(failure_comments(bot, number)) == (0 if step == "commenting on the issue" else 1)
    verb = "Updated" if made_pull else "Opened"
    link = f"{verb} pull request #{pull['number']}: {pull['html_url']}"
    if step == "labelling the issue":  # the approval was complete but for labels: none again
        assert link not in bot_comments(bot, number)
    else:
        assert link in bot_comments(bot, number)
    assert "approved" in bot.github.labels(REPO, number)


def test_five_hundreds_on_the_permission_check_are_explained(bot):
    """The one request before the approval's own steps, failing with 502 for good."""
    number, requests = second_submission(bot)
    fail(bot, next(r for r in requests if r[1].endswith("/permission")), 20, "5xx")
    comment(bot, number, "/approve")
    assert failure_comments(bot, number) == [
        "The approval stopped while checking the commenter's permission: GitHub kept answering "
        "with errors (too many 502 error responses), even after retries. Nothing half-made "
        "blocks a new attempt: a maintainer can comment `/approve` again."
    ]
    bot.github.faults.clear()
    comment(bot, number, "/approve")
    assert_one_pull_on_main(bot, number)


@pytest.mark.parametrize("target", [r"/git/refs$", r"/pulls$"], ids=["ref-create", "pull-create"])
def test_a_lost_answer_to_a_create_still_ends_with_one_pull_request(bot, target):
    """The request took effect, its answer was lost; the retry gets 422 and must converge."""
    number, requests = second_submission(bot)
    request = next(r for r in requests if r[0] == "POST" and re.search(target, r[1]))
    fail(bot, request, 1, "lost_response", seconds=0.05)
    comment(bot, number, "/approve")
    assert made(bot, request) == [504, 422]
    assert_one_pull_on_main(bot, number)
    assert failure_comments(bot, number) == []


def test_a_lost_answer_to_the_pull_request_comment_does_not_post_it_twice(bot):
    number, requests = second_submission(bot)
    request = next(r for r in requests if r[0] == "POST" and re.search(r"/comments$", r[1]))
    fail(bot, request, 1, "lost_response", seconds=0.05)
    comment(bot, number, "/approve")
    pull = assert_one_pull_on_main(bot, number)
    opened = f"Opened pull request #{pull['number']}: {pull['html_url']}"
    assert bot_comments(bot, number).count(opened) == 1


# -- a worker killed mid-approval ------------------------------------------------------------


def reconciled(service: Service) -> int:
    """How many reconcile passes the worker has finished."""
    return sum(line.get("job") == "reconcile" for line in service.json_lines("worker"))


def kill(service: Service, name: str) -> None:
    """SIGKILL, as an out-of-memory kill or a lost machine does: no graceful stop."""
    process = service.processes.pop(name)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def age(standin, by: timedelta) -> None:
    """Everything on the stand-in happened ``by`` earlier (the worker stayed down that long)."""
    with standin.world.lock:
        for repo in standin.world.repos.values():
            for item in [*repo.issues.values(), *repo.comments.values()]:
                item.created_at -= by
                item.updated_at -= by


def test_a_worker_killed_mid_approval_and_started_again_ends_with_one_pull_request(
    service, standin
):
    """The job dies with the worker after the branch exists and before the PR; the
    reconcile pass at the next start-up finds the unanswered /approve and completes it."""
    service.start("web")
    service.start("worker")
    service.wait_healthy()
    wait_until(lambda: reconciled(service) >= 1, "the start-up reconcile")
    number, opened = file_issue(standin, form_body(PAPER))
    assert service.deliver("issues", opened).status == 202
    wait_until(lambda: status_comment(standin, number), "the status comment")

    standin.set_permission(REPO, "alice", "write")
    standin.fail_next("timeout", method="POST", path=r"/pulls$", seconds=20)  # GitHub hangs
    comment_id = standin.add_comment(REPO, number, "/approve", user="alice")
    approve = payloads.payload(
        "issue_comment",
        "created",
        repo=REPO,
        base_url=standin.base_url,
        issue_number=number,
        issue_body=standin.issue(REPO, number)["body"],
        issue_labels=standin.labels(REPO, number),
        comment_id=comment_id,
        comment_body="/approve",
        sender="alice",
    )
    assert service.deliver("issue_comment", approve).status == 202
    wait_until(lambda: standin.branch(REPO, branch_for(number)), "the branch")
    kill(service, "worker")
    assert standin.pulls(REPO) == []

    standin.faults.clear()
    age(standin, timedelta(minutes=5))  # older than the reconcile's grace
    passes = reconciled(service)
    service.start("worker")
    wait_until(lambda: reconciled(service) > passes, "the reconcile after the restart")
    pulls = standin.pulls(REPO)
    assert [(p["head"]["ref"], p["state"]) for p in pulls] == [(branch_for(number), "open")]
    head = standin.branch(REPO, branch_for(number))
    assert standin.commit(REPO, head).parents == (standin.branch(REPO, "main"),)
    opened_comments = [
        visible(c["body"])
        for c in standin.comments(REPO, number)
        if c["body"].startswith("Opened pull")
    ]
    assert opened_comments == [f"Opened pull request #{pulls[0]['number']}: {pulls[0]['html_url']}"]
