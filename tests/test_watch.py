"""The watch (SPEC 13) end to end: the list on the GitHub stand-in, its arXiv links asked of
the arXiv stand-in, its repositories of the GitHub stand-in, its other links of local sites
on 127.0.0.1 (allowed through WATCH_ALLOW_HOSTS); what maintainers see is read back from
the stand-in: the one report issue, the one release pull request.
"""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
import yaml
from helpers import BOT_TOKEN, REPO
from processes import clean_environment

from bot.core import messages, paths
from bot.core.papers import dump_papers
from bot.core.table import update_readme
from bot.core.watch import FAILED, OK, RELEASE_BRANCH, REPORT_LABEL, UNKNOWN, proposed
from bot.links import Limits, LinkChecker
from bot.service import watch
from bot.service.config import Settings
from bot.service.queue import WATCH_SCHEDULE, Jobs
from standin.sites import Answer, Sites

T0 = datetime(2025, 3, 1, 4, 17, tzinfo=UTC)
FAST = Limits(timeout=0.5, interval=0.02, busy_pause=0.05, longest_wait=3)


def paper(title: str, paper_url: str, **fields) -> dict:
    return {"title": title, "year": 2023, "venue": "CVPR", "paper_url": paper_url, **fields}


@pytest.fixture
def sites():
    with Sites.start() as server:
        server.page("/paper")
        server.page("/project", Answer(301, location="/project/"))
        server.page("/project/")
        server.page("/busy", Answer(429, retry_after=1), Answer(200))
        server.page("/down", Answer(503))
        yield server


@pytest.fixture
def listed(bot, sites, arxiv, monkeypatch):
    """The bot's repository holding a list whose links lead to the stand-ins and the sites."""
    github = bot.github
    github.create_repo("octo/with-code", files={"README.md": "# A", "train.py": "print()"})
    github.create_repo("octo/readme-only", files={"README.md": "# Soon", "LICENSE": "MIT"})
    github.create_repo("octo/waiting", files={"README.md": "# Soon", ".gitignore": "*.pyc"})
    github.create_repo("octo/empty", empty=True)
    github.create_repo("octo/archived", files={"main.py": ""}, archived=True)
    papers = [
        paper(
            "DVIS",
            "https://arxiv.org/abs/2306.03413",
            code_available=True,
            code_url="https://github.com/octo/with-code",
            project_url=sites.url("/project"),
        ),
        paper(
            "MDQE",
            "https://arxiv.org/pdf/2303.14618v1.pdf",
            code_available=False,
            code_url="https://github.com/octo/waiting",
            notes="Code Not Available Yet",
        ),
        paper(
            "UNINEXT",
            "https://arxiv.org/abs/2303.06674",
            code_url="https://github.com/Octo/Readme-Only",
            notes="No code available yet.",
        ),
        paper("On a site", sites.url("/paper"), code_url="https://github.com/octo/empty"),
        paper("Busy site", sites.url("/busy"), project_url=sites.url("/down")),
        paper("Not on arXiv", "https://arxiv.org/abs/2399.00001"),
        paper("Gone code", sites.url("/paper?v=2"), code_url="https://github.com/octo/gone"),
        paper("Archived", sites.url("/paper?v=3"), code_url="https://github.com/octo/archived"),
        paper("Dead page", sites.url("/dead")),
    ]
    put_list(bot, papers)
    monkeypatch.setenv("GITHUB_REPOSITORY", REPO)
    monkeypatch.setenv("ARXIV_API_URL", arxiv.url)
    monkeypatch.setenv("WATCH", "on")
    monkeypatch.setenv("WATCH_ALLOW_HOSTS", "127.0.0.1")
    return papers


def put_list(bot, papers: list[dict]) -> str:
    """Push ``papers`` as the list (data file and table) on main, as a maintainer would."""
    readme = bot.github.file(REPO, paths.README_IN_REPO).decode()
    files = {
        paths.DATA_IN_REPO: dump_papers(papers),
        paths.README_IN_REPO: update_readme(readme, papers),
    }
    return bot.github.push(REPO, files, message="The list")


def settings() -> Settings:
    return Settings.from_env(webhook=False)


def a_pass(hours: float = 0) -> watch.Summary:
    """One pass ``hours`` after T0, with short HTTP timeouts and pauses."""
    given = settings()
    links = LinkChecker("test", allow_hosts=given.watch_allow_hosts, limits=FAST)
    return watch.run(given, links=links, now=T0 + timedelta(hours=hours))


def writes(github) -> list:
    return [request for request in github.requests if request.method != "GET"]


def reports(github) -> list[dict]:
    issues = [github.issue(REPO, n) for n in range(1, 100) if _exists(github, n)]
    return [i for i in issues if REPORT_LABEL in [label["name"] for label in i["labels"]]]


def _exists(github, number: int) -> bool:
    try:
        github.issue(REPO, number)
    except KeyError:
        return False
    return True


def release_pulls(github, state: str = "open") -> list[dict]:
    return [p for p in github.pulls(REPO, state) if p["head"]["ref"] == RELEASE_BRANCH]


# -- the link report ------------------------------------------------------------------


def test_a_dead_link_is_reported_only_on_the_second_pass_recheck_hours_later(bot, listed):
    first = a_pass()
    assert first.outcomes == {OK: 12, FAILED: 4, UNKNOWN: 1}
    assert (first.broken, first.pending) == (0, 4)
    [report] = reports(bot.github)
    assert report["state"] == "closed"  # nothing broken yet; the record is kept in it
    assert report["title"] == "Link report: nothing broken"
    assert "4 more links failed once" in report["body"]

    bot.github.clear_requests()
    too_soon = a_pass(hours=1)
    assert too_soon.broken == 0
    assert writes(bot.github) == []

    confirmed = a_pass(hours=21)
    assert (confirmed.broken, confirmed.pending) == (4, 0)
    assert confirmed.report == f"reopened #{report['number']}"
    [report] = reports(bot.github)
    assert report["state"] == "open"
    assert report["title"] == "Link report: 4 broken links"
    body = report["body"]
    for title, field, what in [
        ("Not on arXiv", "Paper link", "arXiv has no paper with this id"),
        ("Gone code", "Code link", "GitHub has no such repository"),
        ("Archived", "Code link", "the repository is archived"),
        ("Dead page", "Paper link", "HTTP 404"),
    ]:
        [row] = [line for line in body.splitlines() if line.startswith(f"| {title} |")]
        assert f"| {field} |" in row and what in row and "| 2025-03-01 04:17 UTC |" in row


def test_two_passes_in_a_row_change_nothing(bot, listed):
    a_pass()
    a_pass(hours=21)
    bot.github.clear_requests()

    again = a_pass(hours=21.5)

    assert again.report.endswith("unchanged")
    assert writes(bot.github) == []
    assert len(reports(bot.github)) == 1


def test_the_report_is_closed_once_the_links_are_fixed_and_reopened_when_one_breaks(
    bot, listed, sites
):
    a_pass()
    a_pass(hours=21)
    fixed = [p for p in listed if p["title"] not in {"Not on arXiv", "Gone code", "Archived"}]
    put_list(bot, fixed)
    sites.page("/dead")

    done = a_pass(hours=22)

    [report] = reports(bot.github)
    assert done.report == f"closed #{report['number']}"
    assert (report["state"], report["state_reason"]) == ("closed", "completed")
    assert report["title"] == "Link report: nothing broken"
    assert "**Nothing is broken.**" in report["body"]
    sites.page("/dead", Answer(410))
    a_pass(hours=30)
    a_pass(hours=51)
    [report] = reports(bot.github)
    assert report["state"] == "open" and "HTTP 410" in report["body"]


def test_arxiv_is_asked_once_for_every_id_of_the_list(bot, listed, arxiv):
    a_pass()
    [request] = arxiv.requests
    assert sorted(request.id_list.split(",")) == [
        "2303.06674",
        "2303.14618",
        "2306.03413",
        "2399.00001",
    ]
    assert request.user_agent.startswith("awesome-vis-bot")


def test_arxiv_answering_garbage_or_github_refusing_is_unknown_never_broken(bot, listed, arxiv):
    arxiv.fail_next("garbage")
    bot.github.fail_next(
        "5xx", count=20, status=403, method="GET", path=r"(?i)^/repos/octo/(?!awe)"
    )
    summary = a_pass()
    assert summary.outcomes[UNKNOWN] == 1 + 4 + 6  # the 503 site, arXiv's links, repositories
    assert summary.pending == 1  # the dead page alone
    assert summary.release == "none"


# -- code releases ---------------------------------------------------------------------


def test_a_code_release_becomes_one_pull_request_and_a_readme_only_repository_does_not(bot, listed):
    github = bot.github
    assert a_pass().release == "none"  # README and dotfiles only; README and licence; empty
    github.push("octo/waiting", {"src/model.py": "class MDQE: ..."})

    summary = a_pass(hours=1)

    [pull] = release_pulls(github)
    assert summary.release == f"opened #{pull['number']}"
    assert pull["title"] == "Code released for 1 paper"
    main = github.branch(REPO, "main")
    head = github.branch(REPO, RELEASE_BRANCH)
    assert github.commit(REPO, head).parents == (main,)
    assert github.changed_paths(REPO, main, head) == [paths.README_IN_REPO, paths.DATA_IN_REPO]
    before = yaml.safe_load(github.file(REPO, paths.DATA_IN_REPO))
    after = yaml.safe_load(github.file(REPO, paths.DATA_IN_REPO, ref=RELEASE_BRANCH))
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    expected = {key: value for key, value in before[1].items() if key != "notes"}
    assert changed == [(before[1], expected | {"code_available": True})]
    assert proposed(pull["body"]) == {"arxiv:2303.14618"}

    github.clear_requests()
    assert a_pass(hours=2).release == f"#{pull['number']} unchanged"
    assert writes(github) == []


def test_more_released_papers_update_the_one_pull_request(bot, listed):
    github = bot.github
    github.push("octo/waiting", {"train.py": ""})
    a_pass()
    github.push("octo/readme-only", {"configs/base.yaml": "lr: 1"})

    summary = a_pass(hours=1)

    [pull] = release_pulls(github)
    assert summary.release == f"updated #{pull['number']}"
    assert pull["title"] == "Code released for 2 papers"
    assert proposed(pull["body"]) == {"arxiv:2303.14618", "arxiv:2303.06674"}
    head = github.branch(REPO, RELEASE_BRANCH)
    assert github.commit(REPO, head).parents == (github.branch(REPO, "main"),)
    released = yaml.safe_load(github.file(REPO, paths.DATA_IN_REPO, ref=RELEASE_BRANCH))
    assert [p.get("code_available") for p in released[:3]] == [True, True, True]
    assert "notes" not in released[1] and "notes" not in released[2]


def test_the_release_pull_request_is_rebuilt_on_a_push_and_closed_when_no_paper_is_left(
    bot, listed
):
    github = bot.github
    github.push("octo/waiting", {"train.py": ""})
    a_pass()
    [pull] = release_pulls(github)
    before = github.branch(REPO, "main")
    after = github.push(REPO, {"CONTRIBUTING.md": "Be kind."}, message="Docs")

    bot.deliver("push", bot.payload("push", ref="refs/heads/main", before=before, after=after))

    head = github.branch(REPO, RELEASE_BRANCH)
    assert github.commit(REPO, head).parents == (after,)
    assert github.pull(REPO, pull["number"])["mergeable"] is True
    marked = [dict(p) for p in listed]
    marked[1]["code_available"] = True
    moved = put_list(bot, marked)

    bot.deliver("push", bot.payload("push", ref="refs/heads/main", before=after, after=moved))

    closed = github.pull(REPO, pull["number"])
    assert closed["state"] == "closed"
    assert github.comments(REPO, pull["number"])[-1]["body"] == messages.RELEASE_CLOSING
    assert proposed(closed["body"]) == set()  # closed by the bot: nothing declined


def test_a_release_a_maintainer_closed_is_not_proposed_again(bot, listed):
    github = bot.github
    github.push("octo/waiting", {"train.py": ""})
    a_pass()
    [pull] = release_pulls(github)
    github.client(BOT_TOKEN).get_repo(REPO).get_pull(pull["number"]).edit(state="closed")

    assert a_pass(hours=1).release == "none"
    assert release_pulls(github) == []
    github.push("octo/readme-only", {"train.py": ""})
    a_pass(hours=2)
    [again] = release_pulls(github)
    assert proposed(again["body"]) == {"arxiv:2303.06674"}  # the newly released one only


# -- the command, the worker, the Actions schedule -------------------------------------------


def command_environment(standin, arxiv, **extra: str) -> dict[str, str]:
    settings = {
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_API_URL": standin.base_url,
        "GITHUB_REPOSITORY": REPO,
        "ARXIV_API_URL": arxiv.url,
        "WATCH": "on",
        "WATCH_ALLOW_HOSTS": "127.0.0.1",
    }
    return clean_environment(**settings | extra)


def run_bot(env: dict[str, str], *args: str, cwd=paths.ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def shorter(bot, papers: list[dict]) -> None:
    """Fewer links, for the runs with the production pacing (a second per host)."""
    put_list(bot, [*papers[:4], papers[-1]])


def test_python_m_bot_watch_runs_one_pass_and_says_what_it_did(bot, listed, arxiv, tmp_path):
    shorter(bot, listed)
    env = command_environment(bot.github, arxiv, QUEUE_URL=f"sqlite:///{tmp_path / 'q.db'}")

    result = run_bot(env, "watch")

    assert result.returncode == 0, result.stderr
    [report] = reports(bot.github)
    assert result.stdout.splitlines() == [
        "links: 10 checked: 9 ok, 1 failed, 0 unknown",
        "broken: 0 (1 more failed once)",
        f"link report: made #{report['number']}, closed",
        "code released: none",
    ]
    [line] = [json.loads(x) for x in result.stderr.splitlines() if '"msg": "watch"' in x]
    assert (line["links"], line["failed"]) == (10, 1)


def test_the_command_refuses_without_a_repository_and_does_nothing_when_off(bot, arxiv):
    env = command_environment(bot.github, arxiv)
    del env["GITHUB_REPOSITORY"]
    missing = run_bot(env, "watch")
    assert missing.returncode == 2
    assert "the watch needs GITHUB_REPOSITORY" in missing.stderr
    off = run_bot(command_environment(bot.github, arxiv, WATCH="off"), "watch")
    assert (off.returncode, off.stdout) == (0, "the watch is off (WATCH=off): nothing checked\n")


def test_the_actions_schedule_runs_the_watch_after_reconcile(bot, listed, arxiv, tmp_path):
    shorter(bot, listed)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"schedule": "17 4 * * *"}))
    env = command_environment(
        bot.github,
        arxiv,
        GITHUB_EVENT_NAME="schedule",
        GITHUB_EVENT_PATH=str(event),
        BOT_LOGIN="vis-bot[bot]",
    )

    result = run_bot(env, "action", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "pull requests: rebuilt if stale: replayed push: done" in result.stdout
    assert "links: 10 checked: 9 ok, 1 failed, 0 unknown" in result.stdout
    assert len(reports(bot.github)) == 1
    off = run_bot(env | {"WATCH": "off"}, "action", cwd=tmp_path)
    assert "links:" not in off.stdout


def test_the_worker_runs_the_watch_daily_unless_it_is_off(bot, listed, tmp_path):
    shorter(bot, listed)
    env = {**os.environ, "QUEUE_URL": f"sqlite:///{tmp_path / 'q.db'}"}
    daily = datetime(2025, 3, 1, 4, 17)
    jobs = Jobs(Settings.from_env(env), immediate=True)
    assert "watch" in [task.name for task in jobs.huey.read_periodic(daily)]
    assert WATCH_SCHEDULE(daily) and not WATCH_SCHEDULE(daily + timedelta(minutes=1))

    jobs.watch()  # what the consumer runs at 04:17

    assert len(reports(bot.github)) == 1
    off = Jobs(Settings.from_env(env | {"WATCH": "off"}))
    assert "watch" not in [task.name for task in off.huey.read_periodic(daily)]
