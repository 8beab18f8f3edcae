"""The watch's decisions (``bot.core.watch``), without I/O: two failures make a broken link,
the report says it escaped, and the release PR changes exactly what it should."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from markdown_it import MarkdownIt

from bot.core import messages
from bot.core.pages import Published
from bot.core.papers import dump_papers
from bot.core.table import update_readme
from bot.core.watch import (
    Record,
    awaits_code,
    carried_entries,
    failed,
    github_repository,
    links_of,
    next_record,
    ok,
    plan_release,
    proposed,
    read_record,
    released,
    report,
    root_has_code,
    to_rebuild,
    to_release,
    unknown,
)

T0 = datetime(2025, 3, 1, 4, 17, tzinfo=UTC)
RECHECK = timedelta(hours=20)
URL = "https://example.org/paper"


def passes(*steps):
    """Records after passes of (hours since T0, outcome of URL)."""
    record = Record()
    records = []
    for hours, outcome in steps:
        record = next_record(record, {URL: outcome}, T0 + timedelta(hours=hours), RECHECK)
        records.append(record)
    return records


def test_a_link_is_broken_only_when_a_second_failure_comes_recheck_hours_after_the_first():
    first, soon, later = passes((0, failed("HTTP 404")), (1, failed("HTTP 404")), (21, failed("x")))
    assert first.pending() and not first.broken()
    assert soon == first  # a pass too soon changes nothing, so nothing is edited
    assert later.broken()[URL].since == "2025-03-01T04:17Z"
    assert later.broken()[URL].broken == "2025-03-02T01:17Z"


def test_unknown_outcomes_neither_confirm_nor_clear_and_ok_clears():
    _, unknown_later = passes((0, failed("HTTP 404")), (30, unknown("HTTP 503")))
    assert unknown_later.pending() and not unknown_later.broken()
    *_, cleared = passes((0, failed("HTTP 404")), (21, failed("HTTP 404")), (22, ok()))
    assert cleared.failing == {}
    *_, never = passes((0, unknown("HTTP 429")), (30, unknown("HTTP 429")))
    assert never.failing == {}


def test_a_link_gone_from_the_list_leaves_the_record():
    [record] = passes((0, failed("HTTP 404")))
    assert next_record(record, {}, T0 + timedelta(hours=30), RECHECK).failing == {}


def test_the_record_survives_its_issue_body_and_cannot_end_its_comment():
    hostile = "https://example.org/a-->b<script>&"
    record = next_record(Record(), {hostile: failed("--> <b>")}, T0, RECHECK)
    text = record.text()
    assert text.count("-->") == 1 and "<script>" not in text
    assert read_record(f"intro\n{text}\n") == record
    assert read_record("a maintainer's edit <!-- awesome-vis-bot:watch {broken -->") == Record()


def test_the_report_lists_each_broken_link_escaped_and_is_open_only_while_one_is():
    papers = [
        {"title": "A | B <img src=x> @octocat", "paper_url": URL, "code_url": URL},
        {"title": "Fine", "paper_url": "https://example.org/fine"},
    ]
    *_, record = passes((0, failed("HTTP 404 | <i>")), (21, failed("HTTP 404 | <i>")))
    wanted = report(record, links_of(papers), RECHECK)
    assert wanted.open
    assert wanted.title == "Link report: 2 broken links"
    tokens = MarkdownIt("commonmark").enable("table").parse(wanted.body)
    cells = [t.content for t in tokens if t.type == "inline"]
    assert "Paper link" in cells and "Code link" in cells
    assert "<img" not in wanted.body and "<i>" not in wanted.body
    assert "@\u2060octocat" in wanted.body  # nobody is pinged
    assert sum(t.type == "tr_open" for t in tokens) == 3  # the header, a row per field
    assert read_record(wanted.body) == record

    nothing = report(passes((0, failed("HTTP 404")))[0], links_of(papers), RECHECK)
    assert not nothing.open
    assert nothing.title == "Link report: nothing broken"
    assert "1 more link failed once; the bot looks again from 2025-03-02 00:17 UTC" in nothing.body


def test_a_record_too_big_for_an_issue_keeps_its_oldest_failures_and_shows_200_rows():
    papers = [{"title": f"P{n}", "paper_url": f"https://example.org/{n:04d}"} for n in range(3000)]
    urls = [paper["paper_url"] for paper in papers]
    record = next_record(Record(), dict.fromkeys(urls[:1500], failed("HTTP 404")), T0, RECHECK)
    later = T0 + timedelta(hours=21)
    record = next_record(record, dict.fromkeys(urls, failed("HTTP 404")), later, RECHECK)
    assert (len(record.broken()), len(record.pending())) == (1500, 1500)

    wanted = report(record, links_of(papers), RECHECK)

    assert len(wanted.body) <= 65_536
    kept = wanted.record
    assert set(kept.failing) < set(record.failing) and read_record(wanted.body) == kept
    assert kept.pending() == {}  # the newest failures went first
    rows = [line for line in wanted.body.splitlines() if re.match(r"\| P\d", line)]
    assert len(rows) == 200
    assert f"…and {len(kept.broken()) - 200} more, not shown." in wanted.body
    assert wanted.title == f"Link report: {len(kept.broken())} broken links"


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("https://github.com/MinghanLi/STMask", ("MinghanLi", "STMask")),
        ("http://www.github.com/hustvl/CrossVIS/", ("hustvl", "CrossVIS")),
        ("https://github.com/a-b/c.d_e.git", ("a-b", "c.d_e")),
        ("https://github.com/hustvl/CrossVIS/tree/main", None),
        ("https://github.com/topics/vis", None),
        ("https://github.com/hustvl", None),
        ("https://gist.github.com/a/b", None),
        ("https://example.org/github.com/a/b", None),
    ],
)
def test_what_counts_as_a_github_repository_link(url, named):
    assert github_repository(url) == named


@pytest.mark.parametrize(
    ("root", "code"),
    [
        ([], False),
        ([("README.md", "blob")], False),
        ([("README.md", "blob"), ("LICENSE", "blob"), (".gitignore", "blob")], False),
        ([("readme.rst", "blob"), ("licence.txt", "blob"), (".github", "tree")], False),
        ([("README.md", "blob"), ("teaser.png", "blob"), ("assets", "tree")], False),
        ([("README.md", "blob"), ("train.py", "blob")], True),
        ([("README.md", "blob"), ("configs", "tree")], True),
    ],
)
def test_a_root_holds_code_when_it_holds_more_than_a_readme_a_licence_and_dotfiles(root, code):
    assert root_has_code(root) is code


PAPERS = [
    {
        "title": "Waiting",
        "year": 2023,
        "venue": "CVPR",
        "code_available": False,
        "paper_url": "https://arxiv.org/abs/2303.14618",
        "code_url": "https://github.com/minghanli/mdqe_cvpr2023",
        "notes": "Code Not Available Yet",
    },
    {
        "title": "Also waiting",
        "year": 2023,
        "venue": "CVPR",
        "paper_url": "https://arxiv.org/abs/2303.12782",
        "code_url": "https://github.com/lxtGH/Tube-Link",
        "notes": "Claims SOTA on OVIS. No code available yet. To be released soon",
    },
    {
        "title": "Out",
        "year": 2022,
        "venue": "ECCV",
        "code_available": True,
        "paper_url": "https://arxiv.org/abs/2208.10547",
        "code_url": "https://github.com/rajatkoner08/InstanceFormer",
    },
]
README = "# List\n\n<!-- papers:start -->\n<!-- papers:end -->\n"
WAITING, ALSO, OUT = "arxiv:2303.14618", "arxiv:2303.12782", "arxiv:2208.10547"


def test_a_paper_awaits_code_while_not_marked_available_and_linking_a_repository():
    assert awaits_code(PAPERS[0]) == ("minghanli", "mdqe_cvpr2023")
    assert awaits_code(PAPERS[1]) == ("lxtGH", "Tube-Link")
    assert awaits_code(PAPERS[2]) is None
    assert awaits_code({**PAPERS[0], "code_url": "https://example.org/code"}) is None


def test_released_sets_code_available_and_drops_only_the_remark():
    assert released(PAPERS[0])["code_available"] is True
    assert "notes" not in released(PAPERS[0])
    assert released(PAPERS[1])["notes"] == "Claims SOTA on OVIS. To be released soon"


def test_the_release_changes_exactly_the_released_entries_and_records_them():
    data = dump_papers(PAPERS)
    plan = plan_release(data, {WAITING, ALSO}, {})
    assert plan is not None
    assert plan.keys == (ALSO, WAITING)
    assert plan.title == "Code released for 2 papers"
    assert plan.data == dump_papers([released(PAPERS[0]), released(PAPERS[1]), PAPERS[2]])
    assert proposed(plan.body) == {WAITING, ALSO}
    assert "| Waiting | 2023 |" in plan.body
    assert "https://github.com/lxtGH/Tube-Link" in plan.message
    files = plan.files(Published(README, {}))
    assert files == {"data/papers.yaml": plan.data, "README.md": update_readme(README, plan.papers)}
    assert "| Yes |" in files["README.md"]
    assert plan_release(data, {OUT}, {}) is None  # nothing left to release


def test_which_papers_a_pass_releases():
    carried = {ALSO: (PAPERS[1], released(PAPERS[1]))}
    code = {WAITING: True, ALSO: None}
    assert to_release(PAPERS, code, carried, ()) == {WAITING, ALSO}  # unknown: kept while held
    assert to_release(PAPERS, code, {}, ()) == {WAITING}
    assert to_release(PAPERS, {WAITING: True, ALSO: False}, carried, ()) == {WAITING}
    assert to_release(PAPERS, code, {}, [WAITING]) == set()  # a maintainer declined it


def test_a_rebuild_keeps_a_fix_up_unless_the_entry_changed_on_main_meanwhile():
    base = dump_papers(PAPERS)
    fixed = {**released(PAPERS[0]), "notes": "Code in the v2 branch"}
    carried = carried_entries(base, dump_papers([fixed, PAPERS[1], PAPERS[2]]))
    assert carried == {WAITING: (PAPERS[0], fixed)}
    assert to_rebuild(base, carried) == {WAITING}
    kept = plan_release(base, {WAITING}, carried)
    assert kept is not None and kept.papers[0] == fixed
    newer = {**PAPERS[0], "venue": "ICCV"}
    moved = plan_release(dump_papers([newer, PAPERS[1], PAPERS[2]]), {WAITING}, carried)
    assert moved is not None and moved.papers[0] == released(newer)
    marked_on_main = dump_papers([{**PAPERS[0], "code_available": True}, *PAPERS[1:]])
    assert to_rebuild(marked_on_main, carried) == set()


def test_every_text_comes_from_messages():
    assert messages.link_report_title(1) == "Link report: 1 broken link"
    assert messages.release_title(1) == "Code released for 1 paper"
