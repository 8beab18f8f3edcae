"""The repository's GitHub Actions workflows are valid: the list's check, and the bot's."""

import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from bot.core import paths
from bot.core.change import branch_for
from bot.service.action import RECONCILE_EVENTS
from bot.service.events import HANDLED

WORKFLOWS = paths.ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "check.yml"
BOT_WORKFLOW = WORKFLOWS / "paper-bot.yml"


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text())
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    workflow["on"] = workflow.pop(True)
    return workflow


@pytest.mark.parametrize("workflow", [WORKFLOW, BOT_WORKFLOW], ids=lambda path: path.name)
def test_workflow_validates_against_githubs_workflow_schema(workflow):
    check_jsonschema = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(check_jsonschema), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_check_on_every_pull_request():
    workflow = load(WORKFLOW)
    assert "pull_request" in workflow["on"]
    steps = [step.get("run") for step in workflow["jobs"]["check"]["steps"]]
    assert "python -m bot check" in steps


def test_the_bot_workflow_runs_for_exactly_the_events_the_bot_handles_and_a_schedule():
    on = load(BOT_WORKFLOW)["on"]
    subscribed = {
        (event, action) for event in ("issues", "issue_comment") for action in on[event]["types"]
    }
    assert subscribed | {("push", None)} == set(HANDLED)
    assert set(on) - {"issues", "issue_comment", "push"} == RECONCILE_EVENTS
    assert on["schedule"] == [{"cron": "17 4 * * *"}]  # daily


def test_the_bot_workflow_never_runs_for_a_push_to_the_bots_own_branches():
    push = load(BOT_WORKFLOW)["on"]["push"]
    assert push == {"branches": ["main"]}
    assert not any(fnmatch(branch_for(12), pattern) for pattern in push["branches"])


def test_one_job_per_issue_at_a_time_and_a_running_one_is_never_cancelled():
    concurrency = load(BOT_WORKFLOW)["concurrency"]
    assert concurrency["group"] == "paper-bot-${{ github.event.issue.number || github.ref }}"
    assert concurrency["cancel-in-progress"] is False


def test_the_bot_workflow_asks_only_for_what_the_bot_writes():
    assert load(BOT_WORKFLOW)["permissions"] == {
        "contents": "write",
        "issues": "write",
        "pull-requests": "write",
    }


def test_the_job_installs_the_checkout_and_runs_the_bot_with_the_app_token_if_configured():
    [job] = load(BOT_WORKFLOW)["jobs"].values()
    steps = job["steps"]
    assert [step.get("run") for step in steps][-2:] == ["pip install .", "python -m bot action"]
    [app] = [step for step in steps if "create-github-app-token" in step.get("uses", "")]
    assert app["if"] == "vars.PAPER_BOT_APP_ID != ''"  # off until the App is configured
    env = steps[-1]["env"]
    assert env["GITHUB_TOKEN"] == "${{ steps.app.outputs.token || github.token }}"
    assert "'github-actions[bot]'" in env["BOT_LOGIN"]
    assert "steps.app.outputs.app-slug" in env["BOT_LOGIN"]


def test_no_step_puts_event_text_into_a_shell_script():
    """An issue's title or a comment is anyone's text: it reaches the bot in the event file only."""
    for workflow in (WORKFLOW, BOT_WORKFLOW):
        for job in load(workflow)["jobs"].values():
            assert not [step["run"] for step in job["steps"] if "${{" in step.get("run", "")]
