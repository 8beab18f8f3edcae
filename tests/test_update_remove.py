"""Updating or removing a listed paper through an issue form (SPEC 10, issue 14).

Through the real app and its jobs against the stand-in, as for a new paper:
each test says what the contributor or the maintainer sees on the issue, in
the pull request and in the list.
"""

import re

import pytest
from helpers import (
    MAINTAINER,
    PAPER,
    REPO,
    approve,
    bot_comments,
    comment,
    edit_body,
    merge,
    open_pulls,
    status_comments,
)
from inert import (
    CELL_BORDER,
    COLUMNS,
    MENTION,
    acts_on_github,
    assert_no_markup_that_acts,
    table_shapes,
)

from bot.core import messages
from bot.core.change import branch_for
from bot.core.form_parser import field_labels, render_body
from bot.core.forms import CLEAR_OPTION, build_form
from bot.core.kinds import Kind
from bot.core.lifecycle import pull_version
from bot.core.messages import STATUS_MARKER
from bot.core.papers import dump_papers, load_papers
from bot.core.schema import load_schema
from bot.core.table import render_table, update_readme
from bot.dev.send import kind_of_body
from bot.github import reconcile
from bot.service.config import Settings

LABELS = field_labels()
DATA = "data/papers.yaml"
# Listed papers of the committed list, as the tests name them.
MDQE = "https://arxiv.org/pdf/2303.14618.pdf"
MDQE_TITLE = (
    "MDQE: Mining Discriminative Query Embeddings to Segment Occluded Instances on "
    "Challenging Videos"
)
MASK2FORMER = "Masked-attention Mask Transformer for Universal Image Segmentation"
UNINEXT_TITLE = "Universal Instance Perception as Object Discovery and Retrieval"


def body_of(kind: Kind, answers: dict) -> str:
    """An issue body as GitHub renders the form of ``kind`` for these answers."""
    return render_body(answers, build_form(load_schema(), kind))


def request(bot, kind: Kind, answers: dict, user: str = "carol") -> int:
    """A contributor files the update or removal form; the bot answers it."""
    body = body_of(kind, answers)
    title = f"[{kind.name.title()}]: {answers.get('paper')}"
    number = bot.github.create_issue(REPO, title=title, body=body, user=user, labels=[kind.value])
    payload = bot.payload(
        "issues",
        "opened",
        issue_number=number,
        issue_title=title,
        issue_body=body,
        issue_labels=[kind.value],
        sender=user,
    )
    bot.deliver("issues", payload)
    bot.github.set_permission(REPO, MAINTAINER, "write")
    return number


def update(bot, answers: dict, user: str = "carol") -> int:
    return request(bot, Kind.UPDATE, answers, user)


def edit(bot, number: int, kind: Kind, answers: dict) -> None:
    edit_body(bot, number, body_of(kind, answers))


def status(bot, number: int) -> str:
    [only] = status_comments(bot.github, number)
    return only["body"]


def listed(bot, ref: str = "main") -> list[dict]:
    return load_papers(bot.github.file(REPO, DATA, ref=ref).decode())


def entry(papers: list[dict], title: str) -> dict:
    return next(paper for paper in papers if paper["title"] == title)


def pull_of(bot, number: int) -> dict:
    [pull] = [p for p in bot.github.pulls(REPO) if p["head"]["ref"] == branch_for(number)]
    return pull


def push_to_main(bot, papers: list[dict], message: str = "By hand") -> dict:
    """A maintainer changes the list on main (and renders it); the push GitHub sends."""
    before = bot.github.branch(REPO, "main")
    readme = update_readme(bot.github.file(REPO, "README.md").decode(), papers)
    files = {DATA: dump_papers(papers), "README.md": readme}
    after = bot.github.push(REPO, files, message=message)
    return bot.payload("push", ref="refs/heads/main", before=before, after=after)


def row(paper: dict) -> str:
    return render_table([paper]).splitlines()[2]


def test_an_update_of_one_field_shows_the_row_before_and_after_and_approve_changes_it_in_place(
    bot,
):
    """The contributor sees the row as it is and as it will be, and which field changes; the
    maintainer's /approve opens one PR whose one commit changes exactly that entry, where it
    stands, and the README's table, crediting the contributor; the merge says it is done."""
    before = listed(bot)
    old = entry(before, MDQE_TITLE)
    number = update(bot, {"paper": "https://arxiv.org/abs/2303.14618v2/", "venue": "ICCV"})

    text = status(bot, number)
    new = {**old, "venue": "ICCV"}
    assert messages.READY_HEADINGS[Kind.UPDATE] in text
    assert f"Before:\n\n{render_table([old])}\nAfter:\n\n{render_table([new])}" in text
    assert "Changed: Conference or journal." in text
    assert set(bot.github.labels(REPO, number)) == {"update paper", "ready for review"}

    comment(bot, number, "/approve")
    pull = pull_of(bot, number)
    head = bot.github.branch(REPO, branch_for(number))
    main = bot.github.branch(REPO, "main")
    commit = bot.github.commit(REPO, head)
    assert commit.parents == (main,)
    assert bot.github.changed_paths(REPO, main, head) == ["README.md", DATA]
    after = listed(bot, head)
    assert after == [new if paper == old else paper for paper in before]
    readme = bot.github.file(REPO, "README.md", ref=head).decode()
    assert row(new) in readme and row(old) not in readme
    assert pull["title"] == f"Update paper: {MDQE_TITLE}"
    assert "Co-authored-by: carol <" in commit.message
    assert f"Closes #{number}" in pull["body"] and "Updates this paper" in pull["body"]
    assert f"Before:\n\n{render_table([old])}" in pull["body"]
    assert pull_version(pull["body"]) is not None
    assert f"**Approved** by `alice`: pull request #{pull['number']} makes this change." in (
        status(bot, number)
    )
    assert "approved" in bot.github.labels(REPO, number)

    bot.deliver("push", merge(bot, pull["number"]))
    assert messages.added(pull["number"], Kind.UPDATE) in status(bot, number)
    assert bot.github.issue(REPO, number)["state"] == "closed"


def test_an_update_of_several_fields_names_each_and_the_pull_request_holds_them_all(bot):
    number = update(
        bot,
        {
            "paper": MDQE_TITLE.upper(),  # the title, up to case
            "year": "2024",
            "venue": "ICCV",
            "datasets": "OVIS, YouTube-VIS 2021",
            "code_url": "https://github.com/minghanli/MDQE",
        },
    )
    assert "Changed: Year, Conference or journal, Datasets, Code link." in status(bot, number)
    comment(bot, number, "/approve")
    changed = entry(listed(bot, branch_for(number)), MDQE_TITLE)
    assert (changed["year"], changed["venue"], changed["datasets"], changed["code_url"]) == (
        2024,
        "ICCV",
        ["OVIS", "YouTube-VIS 2021"],
        "https://github.com/minghanli/MDQE",
    )
    assert changed["relevance"] == "Based on Box VIS"  # what the update left empty stays


def test_none_clears_an_optional_field_and_a_field_every_paper_has_cannot_be_cleared(bot):
    """``none`` (and the Yes/No choice's clear option) empty a field: the preview marks it
    cleared and the entry loses it; a required field answered ``none`` is an error."""
    number = update(bot, {"paper": MDQE, "notes": "none", "code_available": CLEAR_OPTION})
    text = status(bot, number)
    assert "Changed: Code available (cleared), Notes (cleared)." in text
    comment(bot, number, "/approve")
    changed = entry(listed(bot, branch_for(number)), MDQE_TITLE)
    assert "notes" not in changed and "code_available" not in changed

    refused = update(bot, {"paper": MDQE, "year": "None", "notes": "Code released."})
    assert f"- **{LABELS['year']}**: {messages.cannot_clear(LABELS['year'])}" in (
        status(bot, refused)
    )
    assert len(open_pulls(bot)) == 1


def test_an_update_that_changes_nothing_is_said_and_gets_no_pull_request(bot):
    """Every value typed is the listed one: the contributor is told so, and /approve opens
    nothing."""
    number = update(bot, {"paper": MDQE, "venue": "CVPR", "code_available": "No"})
    text = status(bot, number)
    assert messages.NEEDS_CHANGES_HEADING in text
    assert f"- {messages.UPDATE_CHANGES_NOTHING}" in text
    assert "needs changes" in bot.github.labels(REPO, number)
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    assert messages.NOT_APPROVED_YET in bot_comments(bot, number)


def test_an_update_that_would_repeat_another_listed_paper_is_refused(bot):
    """Giving MDQE the link of UNINEXT (in another arXiv form), or its title, would list one
    paper twice: the field says which paper it would repeat, and nothing can approve it."""
    number = update(bot, {"paper": MDQE, "paper_url": "https://arxiv.org/abs/2303.06674"})
    repeat = messages.update_duplicate(UNINEXT_TITLE, 2023)
    assert f"- **{LABELS['paper_url']}**: {repeat}" in status(bot, number)
    edit(bot, number, Kind.UPDATE, {"paper": MDQE, "title": UNINEXT_TITLE.lower()})
    assert f"- **{LABELS['title']}**: {repeat}" in status(bot, number)
    comment(bot, number, "/approve anyway")
    assert bot.github.pulls(REPO) == []


def test_an_unknown_paper_is_said_with_the_closest_titles_of_the_list(bot):
    number = update(bot, {"paper": "Mask Free Video Instance Segmentaton", "venue": "ICCV"})
    text = status(bot, number)
    assert f"- **Listed paper**: {messages.no_listed_paper([])[:-1]}" in text
    assert "The closest titles in the list: “Mask-Free Video Instance Segmentation”" in text
    edit(bot, number, Kind.UPDATE, {"paper": "https://arxiv.org/abs/2303.15904", "venue": "ICCV"})
    assert messages.READY_HEADINGS[Kind.UPDATE] in status(bot, number)


def test_a_title_that_two_listed_papers_share_is_ambiguous_until_the_link_says_which(bot):
    """After a real title clash was approved anyway, the title names two papers: the
    contributor sees both and is asked for the link, which then decides."""
    twin = {**entry(listed(bot), MASK2FORMER), "year": 2021, "paper_url": "https://example.org/m2f"}
    bot.deliver("push", push_to_main(bot, [*listed(bot), twin]))
    number = update(bot, {"paper": MASK2FORMER.lower(), "notes": "Image segmentation."})
    text = status(bot, number)
    assert (
        f"- **Listed paper**: 2 listed papers have this title: “{MASK2FORMER}” (2022, CVPR); “"
        in (text)
    )
    assert "Write the paper's link instead, to say which one." in text
    edit(bot, number, Kind.UPDATE, {"paper": "http://example.org/m2f/", "notes": "Image."})
    assert messages.READY_HEADINGS[Kind.UPDATE] in status(bot, number)
    comment(bot, number, "/approve")
    on_branch = listed(bot, branch_for(number))
    assert [p.get("notes") for p in on_branch if p["title"] == MASK2FORMER] == [None, "Image."]


def test_a_removal_shows_the_row_that_goes_with_its_reason_and_approve_removes_exactly_it(bot):
    before = listed(bot)
    gone = entry(before, MASK2FORMER)
    number = request(
        bot, Kind.REMOVE, {"paper": MASK2FORMER, "reason": "An image segmentation paper."}
    )
    text = status(bot, number)
    assert messages.READY_HEADINGS[Kind.REMOVE] in text
    assert f"{render_table([gone])}\nThe reason given:\n\n> An image segmentation paper." in text
    assert set(bot.github.labels(REPO, number)) == {"remove paper", "ready for review"}

    comment(bot, number, "/approve")
    pull = pull_of(bot, number)
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.commit(REPO, head).parents == (bot.github.branch(REPO, "main"),)
    assert listed(bot, head) == [paper for paper in before if paper != gone]
    assert row(gone) not in bot.github.file(REPO, "README.md", ref=head).decode()
    assert pull["title"] == f"Remove paper: {MASK2FORMER}"
    assert "Removes this paper" in pull["body"] and "> An image segmentation paper." in pull["body"]
    assert "Co-authored-by: carol <" in bot.github.commit(REPO, head).message
    assert f"pull request #{pull['number']} removes this row." in status(bot, number)


def test_a_removal_of_a_paper_removed_meanwhile_closes_its_pull_request_and_the_issue(bot):
    """A maintainer removed the paper by hand after the approval: the PR has nothing left to
    do and is closed, the issue says why and is closed; a new request for it finds no paper."""
    number = request(bot, Kind.REMOVE, {"paper": MASK2FORMER, "reason": "Off topic."})
    comment(bot, number, "/approve")
    pull = pull_of(bot, number)["number"]
    without = [paper for paper in listed(bot) if paper["title"] != MASK2FORMER]
    bot.deliver("push", push_to_main(bot, without))

    assert bot.github.pull(REPO, pull)["state"] == "closed"
    assert bot.github.comments(REPO, pull)[-1]["body"] == messages.DONE_MEANWHILE_CLOSING
    assert messages.done_meanwhile(pull, Kind.REMOVE) in bot_comments(bot, number)
    assert bot.github.issue(REPO, number)["state"] == "closed"
    assert messages.DUPLICATE_STATUSES[Kind.REMOVE] in status(bot, number)

    again = request(bot, Kind.REMOVE, {"paper": MASK2FORMER, "reason": "Off topic."})
    assert "No listed paper has this link or title." in status(bot, again)


def test_an_update_racing_another_pull_request_on_the_same_entry_does_not_overwrite_it(bot):
    """Two updates of one paper are approved; one is merged. The other's PR is not rebuilt
    over the merged change: it is closed, its issue says why, the status shows the request
    against the entry as it now stands, and a fresh /approve applies it on top."""
    first = update(bot, {"paper": MDQE, "venue": "ICCV"})
    comment(bot, first, "/approve")
    second = update(bot, {"paper": MDQE, "notes": "Code released."})
    comment(bot, second, "/approve")
    first_pull, second_pull = pull_of(bot, first)["number"], pull_of(bot, second)["number"]

    bot.deliver("push", merge(bot, second_pull))

    assert entry(listed(bot), MDQE_TITLE)["notes"] == "Code released."
    assert bot.github.pull(REPO, first_pull)["state"] == "closed"
    assert bot.github.comments(REPO, first_pull)[-1]["body"] == messages.CHANGED_MEANWHILE_CLOSING
    assert messages.entry_changed_meanwhile(first_pull) in bot_comments(bot, first)
    assert bot.github.issue(REPO, first)["state"] == "open"
    text = status(bot, first)
    assert messages.READY_HEADINGS[Kind.UPDATE] in text and "Code released." in text

    comment(bot, first, "/approve")
    rebuilt = entry(listed(bot, branch_for(first)), MDQE_TITLE)
    assert (rebuilt["venue"], rebuilt["notes"]) == ("ICCV", "Code released.")
    assert len(open_pulls(bot)) == 1


def test_an_update_whose_entry_is_untouched_is_rebuilt_on_a_new_main(bot):
    """Another paper's merge moves main: the update's PR is rebuilt there, one fresh commit
    changing only its entry, and stays mergeable."""
    number = update(bot, {"paper": MDQE, "venue": "ICCV"})
    comment(bot, number, "/approve")
    _, pull = approve(bot, PAPER)
    bot.deliver("push", merge(bot, pull))

    main = bot.github.branch(REPO, "main")
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.commit(REPO, head).parents == (main,)
    on_main, on_branch = listed(bot), listed(bot, head)
    assert [p for p in on_branch if p not in on_main] == [
        {**entry(on_main, MDQE_TITLE), "venue": "ICCV"}
    ]
    assert len(on_branch) == len(on_main)
    assert bot.github.pull(REPO, pull_of(bot, number)["number"])["mergeable"] is True


def test_an_update_is_bound_to_the_approved_version_and_a_repeated_approve_does_nothing(bot):
    """Redelivered, repeated and stale /approve comments end with one PR holding what the
    maintainer saw; an edit after approval says a new /approve is needed."""
    number = update(bot, {"paper": MDQE, "venue": "ICCV"})
    seen_body = bot.github.issue(REPO, number)["body"]
    edit(bot, number, Kind.UPDATE, {"paper": MDQE, "venue": "ECCV"})
    comment_id = bot.github.add_comment(REPO, number, "/approve", user=MAINTAINER)
    stale = bot.payload(
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=seen_body,
        issue_labels=bot.github.labels(REPO, number),
        comment_id=comment_id,
        comment_body="/approve",
        comment_user=MAINTAINER,
        sender=MAINTAINER,
    )
    bot.deliver("issue_comment", stale)
    assert bot.github.pulls(REPO) == []
    assert messages.changed_since_command(MAINTAINER) in bot_comments(bot, number)

    comment(bot, number, "/approve")
    head = bot.github.branch(REPO, branch_for(number))
    said = bot_comments(bot, number)
    comment(bot, number, "/approve")
    assert bot.github.branch(REPO, branch_for(number)) == head
    assert bot_comments(bot, number)[len(said) :] == []
    assert entry(listed(bot, head), MDQE_TITLE)["venue"] == "ECCV"

    edit(bot, number, Kind.UPDATE, {"paper": MDQE, "venue": "WACV"})
    pull = pull_of(bot, number)["number"]
    assert f"Pull request #{pull} still holds the approved version" in status(bot, number)
    assert "This is what the edited request asks for:" in status(bot, number)
    assert len(status_comments(bot.github, number)) == 1


def test_a_rejected_update_leaves_the_paper_as_it_is(bot):
    number = update(bot, {"paper": MDQE, "venue": "ICCV"})
    comment(bot, number, "/reject the venue is right")
    assert bot.github.issue(REPO, number)["state"] == "closed"
    assert messages.REJECTED_STATUSES[Kind.UPDATE] in status(bot, number)
    assert bot.github.pulls(REPO) == []


def test_requests_whose_deliveries_were_dropped_are_answered_by_reconcile(bot, monkeypatch):
    """An update and a removal filed while the bot was down get their status, and a dropped
    /approve its pull request, from the reconcile pass alone."""
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    bot.github.set_permission(REPO, MAINTAINER, "write")
    numbers = {}
    for kind, answers in [
        (Kind.UPDATE, {"paper": MDQE, "venue": "ICCV"}),
        (Kind.REMOVE, {"paper": MASK2FORMER, "reason": "Off topic."}),
    ]:
        body = body_of(kind, answers)
        numbers[kind] = bot.github.create_issue(
            REPO, title="t", body=body, user="carol", labels=[kind.value]
        )
    reconcile.run(Settings.from_env())
    for kind, number in numbers.items():
        assert messages.READY_HEADINGS[kind] in status(bot, number)
    bot.github.add_comment(REPO, numbers[Kind.UPDATE], "/approve", user=MAINTAINER)
    reconcile.run(Settings.from_env())
    assert [p["head"]["ref"] for p in open_pulls(bot)] == [branch_for(numbers[Kind.UPDATE])]


def test_the_sandbox_files_each_kind_with_its_forms_label():
    """``send issue`` tells the three forms apart by their headings."""
    assert kind_of_body(body_of(Kind.UPDATE, {"paper": MDQE})) is Kind.UPDATE
    assert kind_of_body(body_of(Kind.REMOVE, {"paper": MDQE, "reason": "x"})) is Kind.REMOVE
    assert kind_of_body(render_body({"title": "A paper"})) is Kind.NEW


# -- hostile values -------------------------------------------------------------------

ONE_LINE = (
    "<img src=x onerror=alert(1)></td> | pipe || [x](javascript:alert(1)) "
    "![i](http://t.example/p.png) <https://a.example> www.a.example @octocat "
    "--> <!-- awesome-vis-bot:status --> ``` \u202eevil\u202c _No response_ "
    "Fixes #12, closes octo/other#7, GH-3 :smile:"
)
MULTI_LINE = f"{ONE_LINE}\n| --- |\n### Results\n- [X] Yes\r\n```\n@team/all\u2028end"
HOSTILE = {
    "paper": ONE_LINE,
    "title": ONE_LINE,
    "year": "\uff12\uff10\uff12\uff14<script>",
    "venue": ONE_LINE[:100],
    "problem": ONE_LINE[:200],
    "relevance": MULTI_LINE,
    "tracking": ONE_LINE[:200],
    "datasets": "OVIS <b>, @octocat, [x](javascript:1)",
    "code_available": "Yes <script>",
    "paper_url": "javascript:alert(document.cookie)",
    "code_url": "https://example.org/a_(b))",
    "project_url": "https://xn--r8jz45g.jp/www.a.example/(x)'*_~",
    "notes": MULTI_LINE,
    "reason": MULTI_LINE,
}


def check_inert(text: str, tables: int) -> None:
    """No raw HTML, no link that is not http(s), no bare link, no ping, no reference;
    ``tables`` GFM tables of one row each, every row with every column."""
    text = text.removeprefix(STATUS_MARKER + "\n")
    text = re.sub(r"<!-- awesome-vis-bot:(record|version) [^\n]* -->", "", text)
    assert table_shapes(text) == [[COLUMNS, COLUMNS]] * tables, text
    for line in re.split(r"\r\n?|\n", text):
        if line.startswith("|"):
            assert len(CELL_BORDER.findall(line)) == COLUMNS + 1 and line.endswith(" |"), line
    assert_no_markup_that_acts(text)
    # The bot's own mentions and references (the issue, the PR), and the table's entities.
    own = re.sub(r"@(carol|alice)\b|#\d\b|&#\d+;", "", text)
    assert not MENTION.search(own), MENTION.search(own)
    assert acts_on_github(own) == []


@pytest.mark.parametrize("field", [f for f in HOSTILE if f != "reason"])
def test_a_hostile_value_in_any_field_of_an_update_reaches_no_one(bot, field):
    """Whatever a field of the update holds, the status comment is one well-formed preview
    (or a list of what to fix) that links, pings and injects nothing; approved, the pull
    request's body is as inert and the data file keeps the value as typed."""
    answers = {"paper": MDQE, "notes": "Checked."} | {field: HOSTILE[field]}
    number = update(bot, answers)
    text = status(bot, number)
    ready = messages.READY_HEADINGS[Kind.UPDATE] in text
    check_inert(text, tables=2 if ready else 0)
    if not ready:
        return
    comment(bot, number, "/approve")
    pull = pull_of(bot, number)
    check_inert(pull["body"], tables=2)
    check_inert(status(bot, number), tables=2)
    changed = [p for p in listed(bot, branch_for(number)) if p not in listed(bot)]
    assert len(changed) == 1
    if isinstance(changed[0].get(field), str):  # as typed, up to the form's line endings
        assert changed[0][field] == HOSTILE[field].replace("\r\n", "\n").strip()


@pytest.mark.parametrize("field", ["paper", "reason"])
def test_a_hostile_value_in_a_removal_reaches_no_one(bot, field):
    answers = {"paper": MASK2FORMER, "reason": "Off topic."} | {field: HOSTILE[field]}
    number = request(bot, Kind.REMOVE, answers)
    text = status(bot, number)
    ready = messages.READY_HEADINGS[Kind.REMOVE] in text
    assert ready is (field == "reason")
    check_inert(text, tables=1 if ready else 0)
    if ready:
        comment(bot, number, "/approve")
        check_inert(pull_of(bot, number)["body"], tables=1)
        commit = bot.github.commit(REPO, bot.github.branch(REPO, branch_for(number)))
        assert "<img" not in commit.message.splitlines()[0]
        assert acts_on_github(pull_of(bot, number)["title"]) == []


def test_a_merged_removal_says_the_paper_left_the_list(bot):
    number = request(bot, Kind.REMOVE, {"paper": MASK2FORMER, "reason": "Off topic."})
    comment(bot, number, "/approve")
    pull = pull_of(bot, number)["number"]
    bot.deliver("push", merge(bot, pull))
    assert messages.added(pull, Kind.REMOVE) in status(bot, number)
    assert MASK2FORMER not in [paper["title"] for paper in listed(bot)]
