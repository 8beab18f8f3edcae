"""Metadata from arXiv (SPEC 11), as contributors see it: the real app, the two stand-ins.

The arXiv stand-in (``standin/arxiv``) serves arXiv's Atom records of three papers
of the list's world, arXiv's error answers, and each failure mode on demand, and
logs when each request came.
"""

import itertools

import pytest
import yaml
from helpers import (
    MAINTAINER,
    PAPER,
    REPO,
    comment,
    file_issue,
    form_body,
    only_status,
    seed,
    status_comment,
)
from processes import Service, free_port, service_environment, wait_until

from bot.core import messages, paths
from bot.core.change import branch_for
from bot.core.metadata import venue_named_in
from bot.core.table import render_row

DVIS = "DVIS: Decoupled Video Instance Segmentation Framework"
FILLED = messages.filled_from_arxiv(["Paper title", "Year", "Conference or journal"])
# What arXiv's terms allow: one request every 3 seconds.
INTERVAL = 3.0


def submit(bot, values: dict) -> str:
    """File the form with these answers (the rest empty); the status comment the bot posts."""
    number, payload = bot.file_issue(form_body(values))
    bot.deliver("issues", payload)
    return only_status(bot, number)


def row(**paper) -> str:
    return render_row(paper)


def gaps(requests) -> list[float]:
    return [later.at - earlier.at for earlier, later in itertools.pairwise(requests)]


# -- filling -------------------------------------------------------------------


def test_a_submission_with_only_the_arxiv_link_becomes_a_complete_valid_preview(arxiv_bot, arxiv):
    """The contributor types the link alone; the preview shows the full row, says what
    came from arXiv, and /approve adds exactly that row, link canonical, to the list."""
    number, payload = arxiv_bot.file_issue(
        form_body({"paper_url": "https://arxiv.org/abs/2306.03413"})
    )
    arxiv_bot.deliver("issues", payload)

    status = only_status(arxiv_bot, number)
    assert "**Ready for review.**" in status
    paper = {
        "title": DVIS,
        "year": 2023,
        "venue": "ICCV",
        "paper_url": "https://arxiv.org/abs/2306.03413",
    }
    assert row(**paper) in status
    assert FILLED in status
    assert messages.ARXIV_UNFETCHED not in status

    arxiv_bot.github.set_permission(REPO, MAINTAINER, "write")
    comment(arxiv_bot, number, "/approve")
    data = arxiv_bot.github.file(REPO, paths.DATA_IN_REPO, ref=branch_for(number))
    assert yaml.safe_load(data)[0] == paper
    # The approval read the record from the cache: arXiv was asked once, as the bot.
    [request] = arxiv.requests
    assert request.id_list == "2306.03413"
    assert request.user_agent.startswith("awesome-vis-bot (")


def test_typed_values_win_over_arxivs(arxiv_bot):
    """What the contributor typed is kept; arXiv fills only the empty title."""
    status = submit(
        arxiv_bot,
        {"year": "2024", "venue": "TPAMI", "paper_url": "https://arxiv.org/abs/2306.03413"},
    )
    assert "**Ready for review.**" in status
    assert (
        row(title=DVIS, year=2024, venue="TPAMI", paper_url="https://arxiv.org/abs/2306.03413")
        in status
    )
    assert messages.filled_from_arxiv(["Paper title"]) in status


def test_a_typed_title_that_differs_from_arxivs_is_warned_about_not_refused(arxiv_bot):
    """The row keeps the typed title and the status asks to check it against arXiv's."""
    status = submit(
        arxiv_bot,
        {"title": "Decoupled VIS", "paper_url": "https://arxiv.org/abs/2306.03413"},
    )
    assert "**Ready for review.**" in status
    assert (
        row(
            title="Decoupled VIS",
            year=2023,
            venue="ICCV",
            paper_url="https://arxiv.org/abs/2306.03413",
        )
        in status
    )
    assert messages.title_differs(DVIS) in status


def test_a_title_differing_from_arxivs_only_in_case_and_punctuation_is_not_warned_about(
    arxiv_bot,
):
    status = submit(
        arxiv_bot,
        {
            "title": "dvis - decoupled video instance segmentation framework.",
            "paper_url": "https://arxiv.org/abs/2306.03413",
        },
    )
    assert "**Ready for review.**" in status
    assert "Check the title" not in status


@pytest.mark.parametrize(
    "link",
    [
        "https://arxiv.org/abs/2306.03413v2",
        "https://arxiv.org/pdf/2306.03413",
        "https://arxiv.org/pdf/2306.03413v3.pdf",
        "http://www.arxiv.org/abs/2306.03413/",
    ],
)
def test_versioned_and_pdf_links_are_stored_canonical(arxiv_bot, arxiv, link):
    """Any form of the link becomes https://arxiv.org/abs/ID, and arXiv is asked for the ID."""
    status = submit(arxiv_bot, {"paper_url": link})
    assert (
        row(title=DVIS, year=2023, venue="ICCV", paper_url="https://arxiv.org/abs/2306.03413")
        in status
    )
    assert [request.id_list for request in arxiv.requests] == ["2306.03413"]


def test_an_arxiv_link_of_a_listed_paper_is_a_duplicate_whatever_its_form(arxiv_bot):
    """UNINEXT is listed as a pdf link; its abs link alone is recognised, titled by arXiv."""
    status = submit(arxiv_bot, {"paper_url": "https://arxiv.org/abs/2303.06674v2"})
    assert "**Needs changes.**" in status
    assert (
        messages.already_listed(
            "Universal Instance Perception as Object Discovery and Retrieval", 2023
        )
        in status
    )


# -- arXiv's terms ----------------------------------------------------------------


def test_429_is_honoured_the_lookup_waits_as_asked_then_fills(arxiv_bot, arxiv):
    """arXiv says "Retry-After: 5": the bot waits that long once, then fills the row."""
    arxiv.fail_next("429", seconds=5)
    status = submit(arxiv_bot, {"paper_url": "https://arxiv.org/abs/2306.03413"})
    assert FILLED in status
    [gap] = gaps(arxiv.requests)
    assert gap >= 5


def test_one_process_asks_arxiv_at_most_every_3_seconds(arxiv_bot, arxiv):
    """Two submissions of different papers in a row: the second request waits its turn."""
    submit(arxiv_bot, {"paper_url": "https://arxiv.org/abs/2306.03413"})
    submit(arxiv_bot, {"paper_url": "https://arxiv.org/abs/2303.14618"})
    [gap] = gaps(arxiv.requests)
    assert gap >= INTERVAL


def test_the_rate_limit_holds_across_two_workers_on_redis(standin, arxiv, tmp_path, redis_url):
    """Two worker processes, two threads each, five papers at once: arXiv sees one
    request at a time, at least 3 s apart, and both workers asked it."""
    seed(standin)
    env = service_environment(
        standin, "", REDIS_URL=redis_url, AUTOFILL="on", ARXIV_API_URL=arxiv.url
    )
    service = Service(env, log_dir=tmp_path)
    ids = ["2306.03413", "2303.14618", "2303.06674", "2306.99999", "2307.12616"]
    try:
        service.start("web")
        service.start("worker", as_name="worker-1")
        service.start("worker", as_name="worker-2")
        service.wait_healthy()
        numbers = []
        for identifier in ids:
            body = form_body({**PAPER, "paper_url": f"https://arxiv.org/abs/{identifier}"})
            number, payload = file_issue(standin, body)
            assert service.deliver("issues", payload).status == 202
            numbers.append(number)
        for number in numbers:
            wait_until(lambda n=number: status_comment(standin, n), "every status", timeout=60)
    finally:
        service.stop_all()

    requests = arxiv.requests
    assert sorted(request.id_list for request in requests) == sorted(ids)
    assert min(gaps(requests)) >= INTERVAL, gaps(requests)
    assert arxiv.max_in_flight == 1
    asked = {
        label
        for label in ("worker-1", "worker-2")
        if any(line.get("msg") == "arxiv" for line in service.json_lines(label))
    }
    assert asked == {"worker-1", "worker-2"}


# -- arXiv failing: intake goes on without autofill --------------------------------


@pytest.mark.parametrize(
    ("fault", "count", "seconds"),
    [
        ("slow", 1, 8),  # held past the bot's 4 s read timeout
        ("503", 3, None),  # down, through both retries
        ("429", 3, 1),  # still refusing after both retries
        ("error_entry", 1, None),  # HTTP 200, one entry titled "Error"
        ("garbage", 1, None),  # HTTP 200, not a feed
    ],
)
def test_arxiv_failing_leaves_the_preview_without_autofill_saying_so(
    arxiv_bot, arxiv, fault, count, seconds
):
    """The typed values make the row; the status says arXiv's metadata could not be fetched."""
    arxiv.fail_next(fault, count=count, seconds=seconds)
    status = submit(arxiv_bot, PAPER)
    assert "**Ready for review.**" in status
    assert messages.ARXIV_UNFETCHED in status
    assert "Filled in from arXiv" not in status


def test_arxiv_failing_makes_the_fields_it_would_fill_required_saying_why(arxiv_bot, arxiv):
    """With the link alone and arXiv answering garbage, each field says it is required now."""
    arxiv.fail_next("garbage")
    status = submit(arxiv_bot, {"paper_url": "https://arxiv.org/abs/2306.03413"})
    assert "**Needs changes.**" in status
    for label in ("Paper title", "Year", "Conference or journal"):
        assert f"- **{label}**: {messages.required_arxiv_unfetched(label)}" in status
    assert messages.ARXIV_UNFETCHED in status


def test_arxiv_unreachable_leaves_the_preview_without_autofill(bot_with):
    """Nothing listens at ARXIV_API_URL: the contributor still gets the preview at once."""
    url = f"http://127.0.0.1:{free_port()}/api/query"
    status = submit(bot_with(AUTOFILL="on", ARXIV_API_URL=url), PAPER)
    assert "**Ready for review.**" in status
    assert messages.ARXIV_UNFETCHED in status


# -- when arXiv is not asked ------------------------------------------------------


def test_a_link_that_is_not_arxivs_asks_arxiv_nothing_and_needs_the_fields(arxiv_bot, arxiv):
    link = "https://openaccess.thecvf.com/content/ICCV2023/html/Zhang_DVIS_ICCV_2023.html"
    complete = submit(arxiv_bot, {**PAPER, "paper_url": link})
    assert "**Ready for review.**" in complete
    bare = submit(arxiv_bot, {"paper_url": link})
    assert f"- **Year**: {messages.required_without_arxiv('Year')}" in bare
    assert arxiv.requests == []


def test_autofill_off_asks_arxiv_nothing(bot_with, arxiv):
    """AUTOFILL=off: an arXiv link alone needs the fields typed, and arXiv hears nothing."""
    bot = bot_with(AUTOFILL="off", ARXIV_API_URL=arxiv.url)
    status = submit(bot, {"paper_url": "https://arxiv.org/abs/2306.03413"})
    assert f"- **Paper title**: {messages.required_without_autofill('Paper title')}" in status
    assert arxiv.requests == []


# -- the venue, read from the record (pure) ------------------------------------------


@pytest.mark.parametrize(
    ("journal_ref", "comment_text", "venue"),
    [
        ("", "CVPR2023", "CVPR"),
        ("", "Accepted by ICCV 2023", "ICCV"),
        ("", "NeurIPS 2022 camera ready; code at https://github.com/x/y", "NeurIPS"),
        ("IEEE Transactions on Pattern Analysis and Machine Intelligence, 2024", "", "TPAMI"),
        ("Int J Comput Vis (2022)", "Accepted to IJCV", "IJCV"),
        ("", "Accepted to the ECCV 2022 Workshop on Video Understanding", "ECCV Workshop"),
        ("", "Submitted to CVPR 2024; accepted at WACV 2024", "WACV"),
        ("", "Under review at TPAMI", None),
        ("", "12 pages, 5 figures, a useful tip inside", None),
    ],
)
def test_the_venue_is_a_known_one_named_in_the_journal_reference_or_comment(
    journal_ref, comment_text, venue
):
    """A venue the paper was only submitted to is not its venue; unknown ones give arXiv."""
    assert venue_named_in(journal_ref, comment_text) == venue
