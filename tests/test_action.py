"""``python -m bot action``: the bot as a GitHub Actions job, one process per event.

Each test runs the command as the workflow's step does: in its own process,
with the environment the Actions runner sets (the event's name, its payload
in a file, the repository, the API URL) and the token the workflow passes,
against the stand-in. What the contributor or maintainer sees is read back
from the stand-in; what the run shows, from its exit status and output.
"""

import json
import subprocess
import sys
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest
from github import Auth, GithubIntegration
from helpers import (
    BOT_LOGIN,
    BOT_TOKEN,
    PAPER,
    REPO,
    SECOND,
    approve,
    bot_comments,
    comment,
    edit_body,
    file_issue,
    form_body,
    merge,
    new_key,
    open_pulls,
    post_comment,
    seed,
    status_comment,
    status_comments,
    submit,
)
from processes import clean_environment

from bot.core import messages
from bot.core.change import added_papers, branch_for
from bot.core.papers import load_papers
from standin import Standin

APP_ID, INSTALLATION_ID = 321, 9876
RUN_ID = "4242"


@dataclass
class Actions:
    """The repository's workflow: every event runs the step ``python -m bot action``.

    It has what the shared recipes of ``helpers`` use of conftest's ``bot``
    (``github``, ``payload``, ``file_issue``, ``deliver``), so ``submit``,
    ``comment``, ``approve`` and ``merge`` run here with a job per event in
    place of the webhook.
    """

    github: Standin
    folder: Path

    def __post_init__(self) -> None:
        self._files = count(1)

    def run(
        self, event: str, payload: dict | str, *args: str, **env: str
    ) -> subprocess.CompletedProcess[str]:
        """One job for ``event``: its payload in a file, the runner's environment and ``env``."""
        path = self.folder / f"event-{next(self._files)}.json"
        path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
        runner = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_API_URL": self.github.base_url,
            "GITHUB_RUN_ID": RUN_ID,
            # What the workflow passes: the token, and the account it cannot tell.
            "GITHUB_TOKEN": BOT_TOKEN,
            "BOT_LOGIN": BOT_LOGIN,
        }
        return subprocess.run(
            [sys.executable, "-m", "bot", "action", *args],
            env=clean_environment(**(runner | env)),
            cwd=self.folder,  # a runner's fresh directory: the job needs no queue on disk
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    def deliver(
        self, event: str, payload: dict, delivery: str = ""
    ) -> subprocess.CompletedProcess[str]:
        """The job for an event that must end green."""
        result = self.run(event, payload, GITHUB_RUN_ID=delivery or RUN_ID)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    def payload(self, event: str, action: str | None = None, **fields) -> dict:
        return self.github.payload(REPO, event, action, **fields)

    def file_issue(self, body: str, user: str = "carol") -> tuple[int, dict]:
        return file_issue(self.github, body, user)


@pytest.fixture
def actions(standin: Standin, tmp_path: Path) -> Actions:
    """The list's repository on the stand-in, its workflow running the bot."""
    seed(standin)
    return Actions(standin, tmp_path)


def job_lines(result: subprocess.CompletedProcess[str]) -> list[dict]:
    """The run's JSON log lines of kind ``job`` (one per job, as the worker logs)."""
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    return [line for line in lines if line["msg"] == "job"]


def writes(github: Standin) -> list:
    return [request for request in github.requests if request.method != "GET"]


# -- what contributors and maintainers see ------------------------------------------------


def test_a_new_submission_gets_its_status_comment_and_the_run_logs_one_job_line(actions):
    number, opened = actions.file_issue(form_body(PAPER))

    result = actions.deliver("issues", opened)

    status = status_comment(actions.github, number)
    assert status["user"]["login"] == BOT_LOGIN
    assert "**Ready for review.**" in status["body"]
    assert set(actions.github.labels(REPO, number)) == {"new paper", "ready for review"}
    [line] = job_lines(result)
    assert line["delivery"] == f"actions-run:{RUN_ID}"
    assert (line["event"], line["action"], line["issue"]) == ("issues", "opened", number)
    assert line["outcome"] == "done"
    assert line["github_requests"] > 0


def test_an_edit_that_fixes_the_form_turns_the_status_to_ready_for_review(actions):
    number = submit(actions, {**PAPER, "year": "twenty"})
    assert "**Needs changes.**" in status_comment(actions.github, number)["body"]
    edit_body(actions, number, form_body(PAPER))

    assert len(status_comments(actions.github, number)) == 1
    assert "**Ready for review.**" in status_comment(actions.github, number)["body"]
    assert set(actions.github.labels(REPO, number)) == {"new paper", "ready for review"}


def test_approve_opens_one_pull_request_and_re_running_the_job_opens_no_second(actions):
    number = submit(actions)
    command = post_comment(actions.github, number, "/approve")

    actions.deliver("issue_comment", command)

    [pull] = open_pulls(actions)
    assert pull["head"]["ref"] == branch_for(number)
    assert f"Closes #{number}" in pull["body"]
    assert any(f"#{pull['number']}" in body for body in bot_comments(actions, number))
    assert "approved" in actions.github.labels(REPO, number)
    said = len(actions.github.comments(REPO, number))
    # "Re-run jobs" in the Actions tab runs the job again on the same event file.
    actions.deliver("issue_comment", command)
    assert [p["number"] for p in open_pulls(actions)] == [pull["number"]]
    assert len(actions.github.comments(REPO, number)) == said


def test_reject_closes_the_issue_as_not_planned_quoting_the_reason(actions):
    number = submit(actions)

    comment(actions, number, "/reject out of scope: no video")

    issue = actions.github.issue(REPO, number)
    assert (issue["state"], issue["state_reason"]) == ("closed", "not_planned")
    assert "> out of scope: no video" in bot_comments(actions, number)[-1]
    assert actions.github.pulls(REPO) == []


def test_after_a_merge_the_push_run_rebuilds_the_other_paper_pull_request_on_the_new_main(
    actions,
):
    _, first = approve(actions, PAPER)
    second_issue, second = approve(actions, SECOND)
    push = merge(actions, first)
    github = actions.github
    main = github.branch(REPO, "main")

    actions.deliver("push", push)

    head = github.branch(REPO, branch_for(second_issue))
    assert github.commit(REPO, head).parents == (main,)
    on_main = github.file(REPO, "data/papers.yaml", ref=main).decode()
    on_pull = github.file(REPO, "data/papers.yaml", ref=head).decode()
    added = added_papers(load_papers(on_main), load_papers(on_pull))
    assert [paper["title"] for paper in added] == [SECOND["title"]]
    assert github.pull(REPO, second)["mergeable"] is True


def test_a_submission_of_the_arxiv_link_alone_is_filled_in_from_arxiv(actions, arxiv):
    number, opened = actions.file_issue(
        form_body({"paper_url": "https://arxiv.org/abs/2306.03413"})
    )

    result = actions.run("issues", opened, AUTOFILL="on", ARXIV_API_URL=arxiv.url)

    assert result.returncode == 0, result.stderr
    status = status_comment(actions.github, number)["body"]
    assert "**Ready for review.**" in status
    assert messages.filled_from_arxiv(["Paper title", "Year", "Conference or journal"]) in status
    assert [request.id_list for request in arxiv.requests] == ["2306.03413"]


def test_the_daily_schedule_gives_a_dropped_submission_its_status(actions):
    number, _ = actions.file_issue(form_body(PAPER))  # its own run never happened

    result = actions.run("schedule", {"schedule": "17 4 * * *"}, "--grace", "0")

    assert result.returncode == 0, result.stderr
    assert f"#{number}: no status: replayed issues.opened: done" in result.stdout
    assert "**Ready for review.**" in status_comment(actions.github, number)["body"]
    [line] = job_lines(result)
    assert (line["job"], line["outcome"]) == ("reconcile", "done")


def test_the_schedule_leaves_a_submission_younger_than_the_grace_to_its_own_run(actions):
    number, _ = actions.file_issue(form_body(PAPER))

    actions.deliver("schedule", {"schedule": "17 4 * * *"})

    assert status_comment(actions.github, number) is None


def test_an_event_the_bot_does_not_handle_is_a_green_run_that_says_so(actions):
    closed = actions.payload("pull_request", "closed")
    actions.github.clear_requests()

    result = actions.deliver("pull_request", closed)

    assert result.stdout == "nothing to do: the bot does not handle pull_request.closed\n"
    assert actions.github.requests == []


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b'{"action": "opened", "issue": ', "is not JSON (Expecting value at line 1, column 31)"),
        (b"[1, 2]", "holds a JSON list, not the event's object"),
        (b"\xff\xfe{}", "cannot be read (not UTF-8)"),
    ],
)
def test_a_malformed_event_file_is_a_red_run_naming_the_file_and_the_problem(
    actions, tmp_path, content, problem
):
    event = tmp_path / "broken.json"
    event.write_bytes(content)

    result = actions.run("issues", "{}", GITHUB_EVENT_PATH=str(event))

    assert result.returncode == 2
    assert result.stderr == f"Error: the event file {event} {problem}\n"
    assert actions.github.requests == []


def test_a_missing_event_file_or_token_is_a_red_run_naming_what_to_set(actions, tmp_path):
    gone = actions.run("issues", "{}", GITHUB_EVENT_PATH=str(tmp_path / "gone.json"))
    assert gone.returncode == 2
    assert "gone.json cannot be read (No such file or directory)" in gone.stderr

    number, opened = actions.file_issue(form_body(PAPER))
    tokenless = actions.run("issues", opened, GITHUB_TOKEN="")
    assert tokenless.returncode == 2
    assert "no GitHub credentials: set GITHUB_TOKEN" in tokenless.stderr
    assert status_comment(actions.github, number) is None


def test_github_refusing_the_pull_request_is_said_on_the_issue_and_the_run_stays_green(actions):
    """As when the repository does not let GitHub Actions create pull requests."""
    number = submit(actions)
    actions.github.fail_next("5xx", status=403, method="POST", path=r"/pulls$")

    comment(actions, number, "/approve")  # delivered: the run ends green

    assert "GitHub answered 403" in bot_comments(actions, number)[-1]
    assert open_pulls(actions) == []


def test_a_failure_nobody_was_told_about_is_a_red_run_with_one_line_saying_what(actions):
    _, opened = actions.file_issue(form_body(PAPER))
    opened["repository"]["full_name"] = "octo/gone"  # GitHub no longer has it

    result = actions.run("issues", opened)

    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "Error: issues.opened failed: GitHub answered 404 (Not Found)"
    )
    [line] = job_lines(result)
    assert line["outcome"] == "failed"
    assert writes(actions.github) == []


# -- as a GitHub App -----------------------------------------------------------------------


def installation_token(github: Standin) -> str:
    """The token actions/create-github-app-token hands to the next step."""
    private, public = new_key()
    github.configure_app(APP_ID, public, INSTALLATION_ID, [REPO], slug="paper-app")
    app = GithubIntegration(auth=Auth.AppAuth(APP_ID, private), base_url=github.base_url)
    return app.get_access_token(INSTALLATION_ID).token


def test_with_an_app_token_the_bot_answers_as_the_app(actions):
    number, opened = actions.file_issue(form_body(PAPER))
    token = installation_token(actions.github)

    result = actions.run("issues", opened, GITHUB_TOKEN=token, BOT_LOGIN="paper-app[bot]")

    assert result.returncode == 0, result.stderr
    [answer] = actions.github.comments(REPO, number)
    assert answer["user"]["login"] == "paper-app[bot]"
    assert "**Ready for review.**" in answer["body"]
    actions.run("issues", opened, GITHUB_TOKEN=token, BOT_LOGIN="paper-app[bot]")
    assert len(actions.github.comments(REPO, number)) == 1  # it knows its own comment


def test_an_installation_token_without_its_login_is_a_red_run_saying_to_set_bot_login(actions):
    number, opened = actions.file_issue(form_body(PAPER))
    token = installation_token(actions.github)

    result = actions.run("issues", opened, GITHUB_TOKEN=token, BOT_LOGIN="")

    assert result.returncode == 1
    assert (
        "set BOT_LOGIN to its account, e.g. github-actions[bot]" in result.stderr.splitlines()[-1]
    )
    assert actions.github.comments(REPO, number) == []
