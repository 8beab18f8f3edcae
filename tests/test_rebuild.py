"""When the default branch moves, the bot's open PRs are rebuilt on it and never conflict."""

from helpers import PAPER, REPO, SECOND, approve, merge

from bot.core.change import added_papers, branch_for
from bot.core.papers import load_papers


def test_merging_one_paper_pr_rebuilds_the_other_on_the_new_head(bot):
    _, first = approve(bot, PAPER)
    second_issue, second = approve(bot, SECOND)
    push = merge(bot, first)
    main = bot.github.branch(REPO, "main")
    assert bot.deliver("push", push).status_code == 202

    head = bot.github.branch(REPO, branch_for(second_issue))
    assert bot.github.commit(REPO, head).parents == (main,)
    assert set(bot.github.changed_paths(REPO, main, head)) == {"README.md", "data/papers.yaml"}
    on_main = bot.github.file(REPO, "data/papers.yaml", ref=main).decode()
    on_pr = bot.github.file(REPO, "data/papers.yaml", ref=head).decode()
    added = added_papers(load_papers(on_main), load_papers(on_pr))
    assert [p["title"] for p in added] == [SECOND["title"]]
    readme_main = bot.github.file(REPO, "README.md", ref=main).decode().splitlines()
    readme_pr = bot.github.file(REPO, "README.md", ref=head).decode().splitlines()
    assert len(readme_pr) == len(readme_main) + 1
    assert bot.github.pull(REPO, second)["mergeable"] is True
    assert "Co-authored-by: carol" in bot.github.commit(REPO, head).message


def test_the_rebuild_reapplies_the_approved_entry_not_a_later_edit(bot):
    _, first = approve(bot, PAPER)
    second_issue, _ = approve(bot, SECOND)
    bot.github.edit_issue(REPO, second_issue, body="edited after approval, not approved")
    bot.deliver("push", merge(bot, first))
    head = bot.github.branch(REPO, branch_for(second_issue))
    titles = [
        p["title"]
        for p in load_papers(bot.github.file(REPO, "data/papers.yaml", ref=head).decode())
    ]
    assert SECOND["title"] in titles


def test_a_pr_whose_paper_reached_the_list_another_way_is_closed(bot):
    _, pull = approve(bot, PAPER)
    before = bot.github.branch(REPO, "main")
    data = bot.github.file(REPO, "data/papers.yaml", ref=before).decode()
    entry = (
        f"- title: {PAPER['title']!r}\n  year: 2023\n  venue: ICCV\n"
        f"  paper_url: {PAPER['paper_url']}\n"
    )
    after = bot.github.push(REPO, {"data/papers.yaml": entry + data}, message="by hand")
    push = bot.payload("push", ref="refs/heads/main", before=before, after=after)
    bot.deliver("push", push)
    closed = bot.github.pull(REPO, pull)
    assert closed["state"] == "closed"
    last = bot.github.comments(REPO, pull)[-1]["body"]
    assert "reached the list by another route" in last


def test_a_push_to_another_branch_or_an_up_to_date_pr_changes_nothing(bot):
    number, _ = approve(bot, PAPER)
    head = bot.github.branch(REPO, branch_for(number))
    bot.github.clear_requests()
    bot.deliver("push", bot.payload("push", ref="refs/heads/feature"))
    assert bot.github.requests == []
    bot.deliver("push", bot.payload("push", ref="refs/heads/main"))
    assert bot.github.branch(REPO, branch_for(number)) == head
    assert all(r.method == "GET" for r in bot.github.requests)


def test_a_pr_from_a_deleted_fork_never_stops_the_rebuild_of_the_bots_prs(bot):
    """Someone opened a PR from a fork's `paper/issue-1` and deleted the fork (head.repo null):
    it is not the bot's, and merging a paper still rebuilds the bot's other PR."""
    bot.github.open_pull_from_deleted_fork(
        REPO, fork_owner="mallory", branch="paper/issue-1", title="Add paper: mine"
    )
    _, first = approve(bot, PAPER)
    second_issue, _ = approve(bot, SECOND)
    bot.deliver("push", merge(bot, first))
    head = bot.github.branch(REPO, branch_for(second_issue))
    assert bot.github.commit(REPO, head).parents == (bot.github.branch(REPO, "main"),)
    forked = [p for p in bot.github.pulls(REPO) if p["head"]["repo"] is None]
    assert [p["state"] for p in forked] == ["open"]
