"""Sandbox mode and ``send``: the real service on a seeded stand-in, driven as a developer would."""

import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest
from processes import clean_environment, free_port, wait_until

from bot.core import paths

BOT = [sys.executable, "-m", "bot"]


@pytest.fixture
def sandbox(tmp_path):
    """``python -m bot sandbox`` in its own process group; its state file under tmp_path."""
    port = free_port()
    env = clean_environment(SANDBOX_STATE=str(tmp_path / "sandbox" / "sandbox.json"))
    log = (tmp_path / "sandbox.log").open("wb")
    process = subprocess.Popen(
        [*BOT, "sandbox", "--port", str(port)],
        cwd=paths.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    state = tmp_path / "sandbox" / "sandbox.json"
    try:
        wait_until(lambda: state.exists() or process.poll() is not None, "the sandbox's state")
        assert process.poll() is None, (tmp_path / "sandbox.log").read_text()
        health = json.loads(state.read_text())["webhook_url"].replace("/webhook", "/healthz")
        wait_until(lambda: _answers(health), "the sandbox's service to answer")
        yield env, state, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        log.close()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def bot(env, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BOT, *args], cwd=paths.ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def shows(env, number: int, text: str) -> str | None:
    result = bot(env, "sandbox", "show", str(number))
    return result.stdout if text in result.stdout else None


def test_a_paper_filed_and_approved_in_the_sandbox_becomes_a_pull_request(sandbox):
    env, state, process = sandbox
    example = state.with_name("new-paper.md")

    filed = bot(env, "send", "issue", str(example))
    assert "filed issue #1 as carol" in filed.stdout
    assert "202" in filed.stdout
    status = wait_until(lambda: shows(env, 1, "Ready for review"), "the status comment")
    assert "#1 [Paper]: DVIS: Decoupled Video Instance Segmentation Framework [open]" in status
    assert "--- vis-bot[bot]" in status

    assert "202" in bot(env, "send", "approve", "1").stdout
    shown = wait_until(lambda: shows(env, 1, "=== pull request"), "the pull request")
    assert "--- alice" in shown and "/approve" in shown
    assert "+++ data/papers.yaml (modified)" in shown
    assert "+- title: 'DVIS: Decoupled Video Instance Segmentation Framework'" in shown
    assert "+++ README.md (modified)" in shown

    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(30) == 0
    assert not state.exists()


def test_send_replays_a_saved_payload_and_rejects_a_wrong_secret(sandbox, tmp_path):
    env, state, _ = sandbox
    url = json.loads(state.read_text())["webhook_url"]
    saved = tmp_path / "ping.json"
    saved.write_text(json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}))

    ping = bot(env, "send", "payload", str(saved), "--event", "ping", "--url", url)
    assert ping.returncode == 0 and '"pong"' in ping.stdout
    forged = bot(env, "send", "payload", str(saved), "--event", "ping", "--secret", "wrong")
    assert forged.returncode == 1
    assert forged.stdout.startswith("401 ")


def test_send_says_what_is_missing_or_wrong(tmp_path):
    env = clean_environment(SANDBOX_STATE=str(tmp_path / "none" / "sandbox.json"))
    result = bot(env, "send", "approve", "1")
    assert result.returncode != 0
    assert "no sandbox is running" in result.stderr
    nowhere = bot(env, "send", "payload", __file__, "--event", "ping")
    assert "no secret: pass --secret or set GITHUB_WEBHOOK_SECRET" in nowhere.stderr
    not_json = bot(env, "send", "payload", __file__, "--event", "ping", "--secret", "s")
    assert f"Error: {__file__} is not a readable JSON payload" in not_json.stderr
    assert "Traceback" not in not_json.stderr
