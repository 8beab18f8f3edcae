"""No failure is silent (SPEC 7): whatever breaks while handling a submission is said once.

A README or data file a maintainer broke on main, answers of the wrong shape,
damaged contents: the issue gets ONE comment saying what failed in words a
maintainer can act on, the job is not retried for ever, reconcile does not
say it again, and nothing is written on what could not be read back.
"""

import uuid

import pytest
from helpers import PAPER, REPO, bot_comments, comment, form_body, submit

from bot.core import messages

# A new head's data file is read by path, beside the head's file listing.
DATA_READ = r"/contents/data/papers\.yaml$"
BROKEN_YAML = '- title: "An unclosed quote\n  year: 2023\n'


def new_version_of_the_data(bot):
    """A version of the list and a head no job has read (what was read is kept by sha)."""
    data = bot.github.file(REPO, "data/papers.yaml").decode()
    unique = f"# a version of its own: {uuid.uuid4()}\n"
    bot.github.push(REPO, {"data/papers.yaml": unique + data.replace("CVPR", "CVPR ", 1)})


def said(bot, number, text):
    return [body for body in bot_comments(bot, number) if text in body]


def test_a_readme_without_its_markers_is_explained_once_and_no_pr_opens(bot):
    number = submit(bot)
    bot.github.push(REPO, {"README.md": "# Awesome VIS\n\nThe table went missing.\n"})
    comment(bot, number, "/approve")
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    failures = said(bot, number, "The approval stopped while reading README.md")
    assert len(failures) == 2  # one per /approve: each command is answered
    assert "<!-- papers:start -->" in failures[0]
    assert bot.job_errors == []


def test_a_data_file_broken_on_main_is_explained_once_not_retried_for_ever(bot):
    number, payload = bot.file_issue(form_body(PAPER))
    bot.github.push(REPO, {"data/papers.yaml": BROKEN_YAML})
    bot.deliver("issues", payload)
    bot.deliver("issues", {**payload, "action": "edited", "changes": {"body": {"from": "x"}}})
    failures = said(bot, number, "data/papers.yaml on the default branch cannot be read")
    assert len(failures) == 1, bot_comments(bot, number)
    assert "`python -m bot check`" in failures[0]
    assert bot.jobs.huey.scheduled() == []  # explained, so not retried
    assert bot.job_errors == []


def one_paper_only(answer):
    return b"- title: Only one\n  year: 2023\n  venue: CVPR\n  paper_url: https://x.org\n"


def one_letter_changed(answer):
    """The size GitHub states still holds: only the blob's sha tells."""
    return answer.replace(b"CVPR", b"ECCV", 1)


@pytest.mark.parametrize(
    ("reshape", "why"),
    [(one_paper_only, "where GitHub states"), (one_letter_changed, "is not blob")],
    ids=["another-size", "same-size"],
)
def test_garbled_contents_are_refused_and_nothing_is_written_on_them(bot, reshape, why):
    number = submit(bot)
    new_version_of_the_data(bot)
    bot.github.fail_next("misshapen", method="GET", path=DATA_READ, reshape=reshape)
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    [failure] = said(bot, number, "The approval stopped while reading the files of main")
    assert "copy of data/papers.yaml on the default branch looks damaged" in failure
    assert why in failure


def test_a_pull_request_answer_without_a_number_never_posts_none(bot):
    number = submit(bot)
    bot.github.fail_next("misshapen", method="POST", path=r"/pulls$", reshape=lambda answer: {})
    comment(bot, number, "/approve")
    assert said(bot, number, "#None") == []
    assert said(bot, number, "The approval stopped while opening the pull request")
    comment(bot, number, "/approve")  # GitHub made the PR after all: the next approval links it
    [pull] = bot.github.pulls(REPO)
    assert said(bot, number, messages.pull_link(False, pull["number"], pull["html_url"]))


def test_a_permission_answer_of_the_wrong_shape_is_explained(bot):
    number = submit(bot)
    bot.github.fail_next("misshapen", path=r"/permission$", reshape=lambda answer: {})
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    [failure] = said(bot, number, "checking the commenter's permission")
    assert "an unexpected" in failure


def test_a_damaged_listing_of_the_files_serves_its_one_job_and_is_read_again(bot):
    """A file's sha changed in the tree's answer: the next job does not trust it."""
    _, payload = bot.file_issue(form_body(PAPER))
    bot.github.push(REPO, {"CONTRIBUTING.md": f"A version of main no job has read: {uuid.uuid4()}"})

    def schema_sha_changed(answer):
        entry = next(e for e in answer["tree"] if e["path"] == "schema/paper.schema.json")
        entry["sha"] = "0" * 40
        return answer

    bot.github.fail_next("misshapen", method="GET", path=r"/git/trees/", reshape=schema_sha_changed)
    bot.deliver("issues", payload)
    bot.deliver("issues", {**payload, "action": "edited", "changes": {"body": {"from": "x"}}})
    trees = [r for r in bot.github.requests if "/git/trees/" in r.path]
    assert len(trees) == 2
    bot.deliver("issues", {**payload, "action": "edited", "changes": {"body": {"from": "y"}}})
    assert len([r for r in bot.github.requests if "/git/trees/" in r.path]) == 2  # kept now
