"""Intake through the real app against the stand-in: a contributor files or edits a paper."""

import pytest
from helpers import PAPER, REPO, edit_body, form_body, only_status, status_comments

from bot.core import messages
from bot.core.messages import STATUS_MARKER, unknown_section
from bot.core.submission import assess, status_text
from bot.core.table import render_row


def test_a_valid_submission_gets_a_preview_of_its_row_and_the_ready_label(bot):
    number, payload = bot.file_issue(form_body(PAPER))
    response = bot.deliver("issues", payload)
    assert response.status_code == 202
    status = only_status(bot, number)
    assert "**Ready for review.**" in status
    expected_row = render_row(
        {**PAPER, "year": 2023, "datasets": ["YouTube-VIS 2019", "OVIS"], "code_available": True}
    )
    assert expected_row in status
    assert "A maintainer can comment `/approve`" in status
    assert set(bot.github.labels(REPO, number)) == {"new paper", "ready for review"}


def test_an_invalid_submission_gets_errors_in_the_forms_words(bot):
    bad = {**PAPER, "title": None, "year": "3024", "paper_url": "javascript:alert(1)"}
    number, payload = bot.file_issue(form_body(bad))
    bot.deliver("issues", payload)
    status = only_status(bot, number)
    assert "**Needs changes.**" in status
    assert f"- **Paper title**: {messages.required_without_arxiv('Paper title')}" in status
    assert "- **Year**: 3024 must be 2100 or earlier." in status
    assert "- **Paper link**: This field must be a web address starting with http://" in status
    assert "/approve" not in status
    assert set(bot.github.labels(REPO, number)) == {"new paper", "needs changes"}


def test_an_edit_updates_the_same_comment_and_flips_the_labels(bot):
    number, payload = bot.file_issue(form_body({**PAPER, "year": "twenty"}))
    bot.deliver("issues", payload)
    assert "**Needs changes.**" in only_status(bot, number)
    edit_body(bot, number, form_body(PAPER))
    assert "**Ready for review.**" in only_status(bot, number)
    assert set(bot.github.labels(REPO, number)) == {"new paper", "ready for review"}


def test_a_paper_already_listed_is_said_to_be_a_duplicate(bot):
    uninext = {**PAPER, "title": "UNINEXT", "paper_url": "https://arxiv.org/pdf/2303.06674v2.pdf"}
    number, payload = bot.file_issue(form_body(uninext))
    bot.deliver("issues", payload)
    status = only_status(bot, number)
    assert (
        "- **Paper link**: This paper is already in the list as “Universal Instance Perception "
        "as Object Discovery and Retrieval” (2023)."
    ) in status


def test_a_body_written_by_hand_gets_a_helpful_error(bot):
    number, payload = bot.file_issue("Please add DVIS, https://arxiv.org/abs/2306.03413 thanks!")
    bot.deliver("issues", payload)
    status = only_status(bot, number)
    assert "**Needs changes.**" in status
    assert "New paper" in status
    assert set(bot.github.labels(REPO, number)) == {"new paper", "needs changes"}


def test_a_crlf_body_is_read_like_any_other(bot):
    number, payload = bot.file_issue(form_body(PAPER, newline="\r\n"))
    bot.deliver("issues", payload)
    assert "**Ready for review.**" in only_status(bot, number)


def test_a_repeated_delivery_edits_nothing_and_adds_no_comment(bot):
    number, payload = bot.file_issue(form_body(PAPER))
    bot.deliver("issues", payload)
    bot.github.clear_requests()
    bot.deliver(
        "issues",
        {
            **payload,
            "issue": {
                **payload["issue"],
                "labels": [{"name": "new paper"}, {"name": "ready for review"}],
            },
        },
    )
    writes = [r for r in bot.github.requests if r.method != "GET"]
    assert writes == []
    assert len(status_comments(bot.github, number)) == 1


def test_our_own_label_changes_do_not_trigger_another_answer(bot):
    number, _ = bot.file_issue(form_body(PAPER))
    bot.github.clear_requests()
    labeled = bot.payload("issues", "labeled", issue_number=number, label="ready for review")
    response = bot.deliver("issues", labeled)
    assert response.status_code == 202
    assert bot.github.requests == []


def test_an_issue_without_the_intake_label_is_left_alone(bot):
    number = bot.github.create_issue(REPO, title="Bug", body="The table is broken", user="dan")
    payload = bot.payload("issues", "opened", issue_number=number, issue_labels=[])
    bot.github.clear_requests()
    bot.deliver("issues", payload)
    assert bot.github.requests == []


def test_a_comment_that_copies_the_marker_is_not_mistaken_for_the_bots(bot):
    number, payload = bot.file_issue(form_body(PAPER))
    bot.github.add_comment(REPO, number, STATUS_MARKER + "\nfake", user="mallory")
    bot.deliver("issues", payload)
    assert "**Ready for review.**" in only_status(bot, number)
    fake = [c for c in bot.github.comments(REPO, number) if c["user"]["login"] == "mallory"]
    assert fake[0]["body"] == STATUS_MARKER + "\nfake"


@pytest.mark.parametrize(
    "title",
    [
        "Pwn | </td><script>alert(1)</script> @octocat [x](javascript:alert(1))",
        "```\n### Year\n\n1999",
    ],
)
def test_hostile_values_cannot_break_the_comment(title):
    body = form_body({**PAPER, "title": title.replace("\n", " ")})
    text = status_text(assess(body, [], None))
    assert "<script>" not in text
    assert "@octocat" not in text
    assert "[x](javascript" not in text
    table_lines = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table_lines) == 3


# -- answers as people really type them ---------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "<https://arxiv.org/abs/2306.03413>",
        "[arXiv](https://arxiv.org/abs/2306.03413)",
        "[DVIS on arXiv](https://arxiv.org/abs/2306.03413)",
    ],
)
def test_a_link_pasted_as_markdown_is_read_as_its_address(bot, typed):
    """A contributor pastes the paper's link as Markdown; the bot takes the address out."""
    number, payload = bot.file_issue(form_body({**PAPER, "paper_url": typed}))
    bot.deliver("issues", payload)
    status = only_status(bot, number)
    assert "**Ready for review.**" in status
    assert "| [Paper](https://arxiv.org/abs/2306.03413) |" in status


def test_a_field_too_long_says_how_long_it_is(bot):
    number, payload = bot.file_issue(form_body({**PAPER, "relevance": "x" * 2345}))
    bot.deliver("issues", payload)
    assert "- **Relevance**: This field is too long (2,345 characters; at most 2,000)." in (
        only_status(bot, number)
    )


def test_a_section_typed_by_hand_that_the_form_lacks_is_reported_not_glued_on(bot):
    """`### Authors` added below the paper link used to become part of the link ("not a
    valid web address"); now the contributor is told about the section itself."""
    body = form_body(PAPER).replace(
        "https://arxiv.org/abs/2306.03413",
        "https://arxiv.org/abs/2306.03413\n\n### Authors\n\nTao Zhang, Xingye Tian",
    )
    number, payload = bot.file_issue(body)
    bot.deliver("issues", payload)
    status = only_status(bot, number)
    assert f"- **Paper link**: {unknown_section('Authors')}" in status
    assert "web address" not in status and "Tao Zhang" not in status


def test_a_heading_typed_inside_relevance_stays_part_of_it(bot):
    relevance = "Decouples segmentation and tracking.\n### Results\nFirst on OVIS."
    number, payload = bot.file_issue(form_body({**PAPER, "relevance": relevance}))
    bot.deliver("issues", payload)
    status = only_status(bot, number)
    assert "**Ready for review.**" in status
    assert "Decouples segmentation and tracking.<br>### Results<br>First on OVIS." in status


def test_a_dataset_typed_twice_in_another_case_is_listed_once(bot):
    number, payload = bot.file_issue(form_body({**PAPER, "datasets": "OVIS, ovis, YouTube-VIS"}))
    bot.deliver("issues", payload)
    assert "| OVIS, YouTube-VIS |" in only_status(bot, number)
