"""One submission, one consistent state (SPEC 6a), whatever order events arrive in.

Each test is a numbered finding of the lifecycle issue, through the real app
and its jobs against the stand-in, saying what the contributor or the
maintainer sees.
"""

import threading

from helpers import (
    BOT_LOGIN,
    MAINTAINER,
    PAPER,
    REPO,
    SECOND,
    approve,
    bot_comments,
    comment,
    edit_body,
    form_body,
    merge,
    open_pulls,
    status_comments,
    submit,
)

from bot.core import messages
from bot.core.change import branch_for


def status(bot, number) -> str:
    [only] = status_comments(bot.github, number)
    return only["body"]


def test_1_an_edit_right_after_approve_is_not_what_gets_merged(bot):
    """The maintainer approved the link they saw; the contributor swaps it before the job runs."""
    number = submit(bot)
    original = bot.github.issue(REPO, number)["body"]
    comment_id = bot.github.add_comment(REPO, number, "/approve", user=MAINTAINER)
    bot.github.edit_issue(
        REPO, number, body=form_body({**PAPER, "paper_url": "https://evil.example"})
    )
    payload = bot.payload(
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=original,  # the body the maintainer saw when commenting
        issue_labels=bot.github.labels(REPO, number),
        comment_id=comment_id,
        comment_body="/approve",
        comment_user=MAINTAINER,
        sender=MAINTAINER,
    )
    bot.deliver("issue_comment", payload)
    assert bot.github.pulls(REPO) == []
    assert messages.changed_since_command(MAINTAINER) in bot_comments(bot, number)


def test_2_opened_and_labeled_at_once_with_latency_make_one_status_comment(bot):
    number, opened = bot.file_issue(form_body(PAPER))
    labeled = {**opened, "action": "labeled", "label": opened["issue"]["labels"][0]}
    bot.github.latency = 0.1
    threads = [
        threading.Thread(target=bot.deliver, args=("issues", payload))
        for payload in (opened, labeled)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bot.github.latency = 0
    assert len(status_comments(bot.github, number)) == 1


def test_3_reject_after_approve_closes_the_bots_pull_request_too(bot):
    number = submit(bot)
    comment(bot, number, "/approve")
    comment(bot, number, "/reject off topic")
    assert open_pulls(bot) == []
    assert bot.github.issue(REPO, number)["state"] == "closed"
    assert messages.REJECTED_STATUS in status(bot, number)


def test_4_a_title_only_or_no_op_edit_keeps_an_approved_submission_approved(bot):
    number = submit(bot)
    comment(bot, number, "/approve")
    edit_body(bot, number, bot.github.issue(REPO, number)["body"] + "\n\n")
    assert "**Approved**" in status(bot, number)
    assert "approved" in bot.github.labels(REPO, number)
    edit_body(bot, number, form_body({**PAPER, "year": "twenty"}))  # invalid after approval
    pull = open_pulls(bot)[0]
    assert f"Pull request #{pull['number']} still holds the approved version" in status(bot, number)


def test_5_the_same_paper_filed_twice_is_named_and_gets_one_pull_request(bot):
    first = submit(bot)
    second = submit(bot, {**PAPER, "paper_url": "https://arxiv.org/pdf/2306.03413v2.pdf"})
    assert messages.also_submitted([f"#{first}"]) in status(bot, second)
    comment(bot, first, "/approve")
    comment(bot, second, "/approve")
    assert len(open_pulls(bot)) == 1
    assert messages.other_submission_has_pull(first) in bot_comments(bot, second)


def test_6_a_title_clash_can_be_approved_anyway(bot):
    clash = {**SECOND, "title": "Universal Instance Perception as Object Discovery and Retrieval"}
    number = submit(bot, clash)
    assert "/approve anyway" in status(bot, number)
    comment(bot, number, "/approve anyway")
    assert len(open_pulls(bot)) == 1
    assert "**Approved**" in status(bot, number)


def test_7_a_second_approve_with_nothing_changed_moves_nothing_and_posts_nothing(bot):
    number = submit(bot)
    comment(bot, number, "/approve")
    head = bot.github.branch(REPO, branch_for(number))
    said = bot_comments(bot, number)
    comment(bot, number, "/approve")
    assert bot.github.branch(REPO, branch_for(number)) == head
    assert [c for c in bot_comments(bot, number) if c not in said] == []


def test_7_a_replayed_approve_comment_completes_at_most_one_approval(bot):
    number = submit(bot)
    comment_id = bot.github.add_comment(REPO, number, "/approve", user=MAINTAINER)
    payload = bot.payload(
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=bot.github.issue(REPO, number)["body"],
        issue_labels=bot.github.labels(REPO, number),
        comment_id=comment_id,
        comment_body="/approve",
        comment_user=MAINTAINER,
        sender=MAINTAINER,
    )
    for _ in range(3):  # fresh delivery ids each time: a captured, re-signed replay
        bot.deliver("issue_comment", payload)
    links = [c for c in bot_comments(bot, number) if "pull request #" in c and "Opened" in c]
    assert len(links) == 1


def test_8_a_maintainers_fix_up_on_the_branch_survives_a_push_to_main(bot):
    _, first_pull = approve(bot, PAPER)
    second, _ = approve(bot, SECOND)
    branch = branch_for(second)
    data = bot.github.file(REPO, "data/papers.yaml", ref=branch).decode()
    fixed = data.replace("venue: ICCV", "venue: ICCV 2023 (fixed)", 1)
    bot.github.push(REPO, {"data/papers.yaml": fixed}, branch=branch, message="Fix the venue")
    bot.deliver("push", merge(bot, first_pull))
    pulls = {p["head"]["ref"]: p for p in bot.github.pulls(REPO)}
    assert pulls[branch]["state"] == "open"
    head = bot.github.branch(REPO, branch)
    assert "ICCV 2023 (fixed)" in bot.github.file(REPO, "data/papers.yaml", ref=head).decode()


def test_10_an_issue_closed_before_the_job_gets_no_pull_request(bot):
    number = submit(bot)
    body = bot.github.issue(REPO, number)["body"]
    labels = bot.github.labels(REPO, number)
    comment_id = bot.github.add_comment(REPO, number, "/approve", user=MAINTAINER)
    bot.github.edit_issue(REPO, number, state="closed")
    payload = bot.payload(
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=body,
        issue_labels=labels,
        issue_state="open",  # as it was when the maintainer commented
        comment_id=comment_id,
        comment_body="/approve",
        comment_user=MAINTAINER,
        sender=MAINTAINER,
    )
    bot.deliver("issue_comment", payload)
    assert bot.github.pulls(REPO) == []


def test_11_another_bots_status_marker_is_not_taken_for_ours(bot):
    number, payload = bot.file_issue(form_body(PAPER))
    bot.github.add_comment(REPO, number, messages.STATUS_MARKER + "\nfake", user="welcome[bot]")
    bot.deliver("issues", payload)
    assert [c["user"]["login"] for c in status_comments(bot.github, number)] == [BOT_LOGIN]


def test_12_approve_with_more_on_its_line_asks_and_a_stranger_gets_one_reply(bot):
    number = submit(bot)
    comment(bot, number, "/approve once the venue is corrected, not before")
    assert bot.github.pulls(REPO) == []
    assert messages.unclear_command(MAINTAINER) in bot_comments(bot, number)
    bot.github.set_permission(REPO, "mallory", "read")
    for _ in range(5):
        comment(bot, number, "/approve", user="mallory")
    replies = [c for c in bot_comments(bot, number) if "only maintainers" in c]
    assert replies == [messages.maintainers_only("mallory", "approve")]


def test_13_after_the_merge_the_status_says_the_paper_is_in_the_list(bot):
    number, pull = approve(bot, PAPER)
    bot.deliver("push", merge(bot, pull))
    assert messages.added(pull) in status(bot, number)
