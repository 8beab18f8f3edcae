"""A list of 2,000 papers, its data file past 1 MB, through intake, approval and rebuild.

GitHub's contents API gives a file above 1 MB only as raw bytes (in JSON:
encoding "none", no content), and the bot used to fail there with nothing
posted. Here the contributor still gets the preview, the maintainer's
``/approve`` still opens a pull request that changes exactly the data file
and the generated pages whose text changes, and a merge still rebuilds the
other pull requests; the stand-in holds GitHub's limit.
"""

import uuid

from conftest import LARGE_LIST
from helpers import (
    BOT_TOKEN,
    PAPER,
    REPO,
    SECOND,
    approve,
    bot_comments,
    comment,
    merge,
    only_status,
    submit,
)

from bench.synthetic import synthetic_papers
from bot.cli import main
from bot.core import paths
from bot.core.change import branch_for
from bot.core.pages import generated_pages
from bot.core.papers import add_paper, dump_papers, load_papers
from bot.core.table import render_row, update_readme

MB = 1024 * 1024
OLD = {**PAPER, "year": "2005"}  # a year whose papers have their own page
OLDER = {**SECOND, "year": "2010"}


def blob_reads(bot) -> list[str]:
    """The files read: by blob sha, or by path at a new head."""
    return [
        r.path
        for r in bot.github.requests
        if r.method == "GET" and ("/git/blobs/" in r.path or "/contents/" in r.path)
    ]


def checkout_of(bot, ref: str, root) -> None:
    """Every file of the repository at ``ref``, written below ``root``."""
    tree = bot.github.client(BOT_TOKEN).get_repo(REPO).get_git_tree(ref, recursive=True)
    for entry in tree.tree:
        if entry.type == "blob":
            (root / entry.path).parent.mkdir(parents=True, exist_ok=True)
            (root / entry.path).write_bytes(bot.github.file(REPO, entry.path, ref=ref))


def test_a_contributor_gets_the_preview_and_a_duplicate_is_named_on_a_list_past_1_mb(
    bot, large_list
):
    assert len(bot.github.file(REPO, paths.DATA_IN_REPO)) > MB
    number = submit(bot)
    assert "**Ready for review.**" in only_status(bot, number)
    listed = large_list[1234]
    again = {**PAPER, "title": "Resubmitted", "paper_url": listed["paper_url"] + "v2"}
    status = only_status(bot, submit(bot, again))
    assert "**Needs changes.**" in status
    assert listed["title"] in status


def test_an_intake_event_on_an_unchanged_list_does_not_download_the_list_again(bot, large_list):
    """The list changed once: the next event downloads it (and the README) once, the ones
    after never."""
    newest = {**PAPER, "title": f"Changed by hand {uuid.uuid4()}", "paper_url": "https://x.org/a"}
    papers = add_paper(large_list, {**newest, "year": 2024})
    readme = bot.github.file(REPO, paths.README_IN_REPO).decode()
    files = {paths.DATA_IN_REPO: dump_papers(papers), **generated_pages(papers, readme)}
    bot.github.push(REPO, files, message="A paper added by hand")
    bot.github.clear_requests()
    submit(bot)
    assert len(blob_reads(bot)) == 2
    bot.github.clear_requests()
    number = submit(bot, SECOND)
    assert blob_reads(bot) == []
    assert "**Ready for review.**" in only_status(bot, number)


def test_approving_an_old_paper_changes_only_the_data_file_and_its_years_page(
    bot, large_list, tmp_path
):
    base = bot.github.branch(REPO, "main")
    number, pull = approve(bot, OLD)
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.commit(REPO, head).parents == (base,)
    assert bot.github.changed_paths(REPO, base, head) == [paths.DATA_IN_REPO, "papers/2005.md"]
    page = bot.github.file(REPO, "papers/2005.md", ref=head).decode()
    entry = load_papers(bot.github.file(REPO, paths.DATA_IN_REPO, ref=head).decode())[0]
    assert render_row(entry) in page
    assert len(load_papers(bot.github.file(REPO, paths.DATA_IN_REPO, ref=head).decode())) == (
        LARGE_LIST + 1
    )
    checkout_of(bot, head, tmp_path)
    assert main(["--root", str(tmp_path), "check"]) == 0  # the list's CI passes on the PR
    assert bot.github.pull(REPO, pull)["mergeable"] is True


def test_merging_one_pull_request_rebuilds_the_other_on_a_list_past_1_mb(bot, large_list):
    _, first = approve(bot, OLD)
    second_issue, _ = approve(bot, OLDER)
    bot.deliver("push", merge(bot, first))
    main_sha = bot.github.branch(REPO, "main")
    head = bot.github.branch(REPO, branch_for(second_issue))
    assert bot.github.commit(REPO, head).parents == (main_sha,)
    changed = bot.github.changed_paths(REPO, main_sha, head)
    assert changed == [paths.DATA_IN_REPO, "papers/2010.md"]
    titles = [p["title"] for p in load_papers(bot.github.file(REPO, paths.DATA_IN_REPO).decode())]
    assert PAPER["title"] in titles


def test_a_list_whose_readme_grew_past_1_mb_is_told_to_render_its_pages_then_approved(bot):
    """The list outgrew its README before pages existed: the README (read raw, past 1 MB) is
    not what the data makes, so the maintainer is told to run check; after render, it works."""
    papers = synthetic_papers(LARGE_LIST)
    readme = update_readme(bot.github.file(REPO, paths.README_IN_REPO).decode(), papers)
    assert len(readme.encode()) > MB
    bot.github.push(REPO, {paths.DATA_IN_REPO: dump_papers(papers), paths.README_IN_REPO: readme})
    number = submit(bot)
    comment(bot, number, "/approve")
    assert bot.github.pulls(REPO) == []
    [failure] = [c for c in bot_comments(bot, number) if "stopped while reading README.md" in c]
    assert "`python -m bot check` says why" in failure
    bot.github.push(REPO, generated_pages(papers, readme), message="python -m bot render")
    base = bot.github.branch(REPO, "main")
    comment(bot, number, "/approve")
    head = bot.github.branch(REPO, branch_for(number))
    assert bot.github.changed_paths(REPO, base, head) == [paths.README_IN_REPO, paths.DATA_IN_REPO]
