"""Approval through the real app against the stand-in: `/approve` makes exactly one PR."""

import threading

import pytest
import yaml
from helpers import (
    MAINTAINER,
    PAPER,
    REPO,
    SECOND,
    approve,
    bot_comments,
    comment,
    form_body,
    open_pulls,
    submit,
)

from bot.core.change import branch_for
from bot.core.commands import Command, parse_command
from bot.core.papers import load_papers
from bot.core.table import render_row


def only_pull(bot):
    pulls = bot.github.pulls(REPO)
    assert len(pulls) == 1
    return pulls[0]


def main_sha(bot):
    return bot.github.branch(REPO, "main")


def added_lines(old: str, new: str) -> list[str]:
    old_lines = old.splitlines()
    return [line for line in new.splitlines() if line not in old_lines]


def test_a_maintainers_approve_opens_one_pull_request_adding_the_paper(bot):
    number = submit(bot)
    base = main_sha(bot)
    comment(bot, number, "/approve")
    pull = only_pull(bot)
    branch = branch_for(number)
    assert pull["head"]["ref"] == branch
    assert pull["base"]["ref"] == "main"
    assert f"Closes #{number}" in pull["body"]
    head = bot.github.branch(REPO, branch)
    commit = bot.github.commit(REPO, head)
    assert commit.parents == (base,)
    assert set(bot.github.changed_paths(REPO, base, head)) == {"README.md", "data/papers.yaml"}
    assert "Co-authored-by: carol <" in commit.message
    assert "@users.noreply.github.com>" in commit.message

    old_data = bot.github.file(REPO, "data/papers.yaml", ref=base).decode()
    new_data = bot.github.file(REPO, "data/papers.yaml", ref=head).decode()
    assert new_data.endswith(old_data)  # the diff is the new entry's lines, nothing else
    entry = yaml.safe_load(new_data.removesuffix(old_data))
    assert entry == [
        {
            "title": PAPER["title"],
            "year": 2023,
            "venue": "ICCV",
            "datasets": ["YouTube-VIS 2019", "OVIS"],
            "code_available": True,
            "paper_url": PAPER["paper_url"],
            "code_url": PAPER["code_url"],
        }
    ]
    old_readme = bot.github.file(REPO, "README.md", ref=base).decode()
    new_readme = bot.github.file(REPO, "README.md", ref=head).decode()
    row = render_row(load_papers(new_data)[0])
    assert added_lines(old_readme, new_readme) == [row]
    assert row in pull["body"]

    assert f"Opened pull request #{pull['number']}: {pull['html_url']}" in bot_comments(bot, number)
    assert set(bot.github.labels(REPO, number)) == {"new paper", "approved"}
    status = [body for body in bot_comments(bot, number) if body.startswith("<!--")]
    assert len(status) == 1
    assert (
        f"**Approved** by `{MAINTAINER}`: pull request #{pull['number']} adds this row."
        in (status[0])
    )


@pytest.mark.parametrize("role", ["read", "triage", "none"])
def test_anyone_without_write_access_gets_a_reply_and_nothing_else(bot, role):
    number = submit(bot)
    bot.github.set_permission(REPO, "mallory", role)
    comment(bot, number, "/approve", user="mallory")
    assert bot.github.pulls(REPO) == []
    assert bot.github.branch(REPO, branch_for(number)) is None
    replies = [body for body in bot_comments(bot, number) if "only maintainers" in body]
    assert replies == [
        "@mallory only maintainers (write access to this repository) can `/approve` a submission."
    ]


@pytest.mark.parametrize("role", ["admin", "maintain"])
def test_admins_and_maintainers_may_approve(bot, role):
    number = submit(bot)
    bot.github.set_permission(REPO, "erin", role)
    comment(bot, number, "/approve", user="erin")
    assert len(open_pulls(bot)) == 1


def test_the_same_delivery_twice_and_a_second_approve_end_with_one_pull_request(bot):
    number = submit(bot)
    comment(bot, number, "/approve", delivery="same-delivery")
    comment(bot, number, "/approve", delivery="same-delivery")
    comment(bot, number, "/APPROVE")
    pull = only_pull(bot)
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.commit(REPO, head).parents == (main_sha(bot),)
    assert pull["state"] == "open"


def test_two_workers_approving_at_once_make_one_pull_request(bot):
    number = submit(bot)
    barrier = threading.Barrier(2)
    responses = []

    def approve_now():
        barrier.wait()
        responses.append(comment(bot, number, "/approve").status_code)

    threads = [threading.Thread(target=approve_now) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert responses == [202, 202]
    assert len(only_pull(bot)["title"]) > 0
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.commit(REPO, head).parents == (main_sha(bot),)


def test_a_502_on_opening_the_pull_request_is_retried_into_one_pull_request(bot):
    number = submit(bot)
    bot.github.fail_next("5xx", count=1, method="POST", path=r"/pulls$")
    comment(bot, number, "/approve")
    assert len(open_pulls(bot)) == 1
    assert not [body for body in bot_comments(bot, number) if "stopped" in body]


def test_a_lasting_failure_is_explained_and_a_later_approve_succeeds(bot):
    number = submit(bot)
    bot.github.fail_next("5xx", count=20, method="POST", path=r"/pulls$")
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    failures = [body for body in bot_comments(bot, number) if "stopped" in body]
    assert failures == [
        "The approval stopped while opening the pull request: GitHub kept answering with "
        "errors (too many 502 error responses), even after retries. Nothing half-made "
        "blocks a new attempt: a maintainer can comment `/approve` again."
    ]
    bot.github.faults.clear()  # GitHub is back
    comment(bot, number, "/approve")
    assert len(open_pulls(bot)) == 1


def test_reject_closes_the_issue_as_not_planned_with_the_reason(bot):
    number = submit(bot)
    comment(bot, number, "/reject spam")
    issue = bot.github.issue(REPO, number)
    assert (issue["state"], issue["state_reason"]) == ("closed", "not_planned")
    assert "> spam" in bot_comments(bot, number)[-1]
    assert bot.github.pulls(REPO) == []


def test_approving_an_invalid_submission_opens_nothing_and_says_why(bot):
    number = submit(bot, {**PAPER, "year": "MMXXIII"})
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    assert any("Not approved yet" in body for body in bot_comments(bot, number))


def test_an_edit_after_approval_leaves_the_pr_until_a_new_approve(bot):
    number = submit(bot)
    comment(bot, number, "/approve")
    first_head = bot.github.branch(REPO, branch_for(number))
    new_body = form_body({**PAPER, "venue": "ICCV 2023 (oral)"})
    bot.github.edit_issue(REPO, number, body=new_body)
    labels = bot.github.labels(REPO, number)
    edited = bot.payload(
        "issues",
        "edited",
        issue_number=number,
        issue_body=new_body,
        issue_labels=labels,
        changes={"body": {"from": "..."}},
    )
    bot.deliver("issues", edited)
    assert bot.github.branch(REPO, branch_for(number)) == first_head
    status = [body for body in bot_comments(bot, number) if "Changed after approval" in body]
    pull = only_pull(bot)
    assert f"Pull request #{pull['number']} still holds the approved version" in status[0]
    comment(bot, number, "/approve")
    assert only_pull(bot)["number"] == pull["number"]
    head = bot.github.branch(REPO, branch_for(number))
    assert "ICCV 2023 (oral)" in bot.github.file(REPO, "README.md", ref=head).decode()


def test_comments_on_pull_requests_and_by_bots_are_ignored_silently(bot):
    number = submit(bot)
    bot.github.clear_requests()
    on_pull = bot.payload(
        "issue_comment",
        "created",
        issue_number=number,
        comment_body="/approve",
        comment_user=MAINTAINER,
        on_pull_request=True,
    )
    bot.deliver("issue_comment", on_pull)
    by_bot = bot.payload(
        "issue_comment",
        "created",
        issue_number=number,
        comment_body="/approve",
        comment_user="dependabot[bot]",
    )
    bot.deliver("issue_comment", by_bot)
    assert bot.github.requests == []


@pytest.mark.parametrize(
    ("body", "command"),
    [
        ("/approve", Command("approve")),
        ("  \n/Approve", Command("approve")),
        ("/approve anyway", Command("approve", anyway=True)),
        ("/Approve  looks good", Command("unclear", "/Approve  looks good")),
        ("/reject duplicate of #3", Command("reject", "duplicate of #3")),
        ("/reject", Command("reject")),
        ("/approved", None),
        ("> /approve", None),
        ("I think we should /approve this", None),
        ("`/approve`", None),
        ("", None),
        (None, None),
    ],
)
def test_command_grammar(body, command):
    assert parse_command(body) == command


def test_an_approval_reads_its_facts_at_once_then_writes_the_pull_request_once(bot):
    """Reads, side by side: the open submissions (this issue among them), its comments, the
    head, its PRs, the commenter's permission; the head's files are known from the intake.
    Writes: tree, commit, ref, pull, link comment; status edited; labels set."""
    number = submit(bot)
    bot.github.clear_requests()
    comment(bot, number, "/approve")
    requests = [(r.method, r.path.removeprefix(f"/repos/{REPO}")) for r in bot.github.requests]
    reads = sorted(path for method, path in requests if method == "GET")
    assert reads == [
        "/branches/main",
        f"/collaborators/{MAINTAINER}/permission",
        "/issues",
        f"/issues/{number}/comments",
        "/pulls",
    ]
    writes = [(r.method, r.status) for r in bot.github.requests if r.method != "GET"]
    assert writes == [("POST", 201)] * 5 + [("PATCH", 200), ("PUT", 200)]


def test_the_next_approval_on_an_unchanged_list_reads_no_file_again(bot):
    approve(bot, PAPER)
    number = submit(bot, SECOND)
    bot.github.clear_requests()
    comment(bot, number, "/approve")
    paths = [r.path for r in bot.github.requests]
    assert not [path for path in paths if "/git/trees/" in path or "/git/blobs/" in path]
    assert len(paths) == 12
