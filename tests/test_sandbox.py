"""Sandbox mode and ``send``: the real service on a seeded stand-in, driven as a developer would."""

import json
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from processes import clean_environment, free_port, wait_until

from bot.core import paths

BOT = [sys.executable, "-m", "bot"]


@pytest.fixture
def sandbox(tmp_path):
    """``python -m bot sandbox`` in its own process group, its state file in a folder it
    shares with a developer's files (as with ``SANDBOX_STATE=$HOME/x.json``)."""
    port = free_port()
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "keep.txt").write_text("mine")
    (home / "notes" / "todo.md").write_text("also mine")
    env = clean_environment(SANDBOX_STATE=str(home / "x.json"), AUTOFILL="on")
    log = (tmp_path / "sandbox.log").open("wb")
    process = subprocess.Popen(
        [*BOT, "sandbox", "--port", str(port)],
        cwd=paths.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    state = home / "x.json"
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


def test_a_paper_sent_by_its_arxiv_link_alone_previews_the_row_filled_from_arxiv(sandbox):
    """The sandbox's own arXiv stand-in fills the title, year and venue; the link is canonical."""
    env, state, _ = sandbox
    filed = bot(env, "send", "issue", str(state.with_name("arxiv-link.md")))
    assert "filed issue #1 as carol" in filed.stdout
    status = wait_until(lambda: shows(env, 1, "Ready for review"), "the status comment")
    assert "| DVIS: Decoupled Video Instance Segmentation Framework | 2023 | ICCV |" in status
    assert "https://arxiv.org/abs/2306.03413" in status
    assert "Filled in from arXiv: Paper title, Year, Conference or journal." in status


def test_an_update_and_a_removal_filed_in_the_sandbox_are_previewed(sandbox):
    """``send issue`` files the examples with their forms' labels: by the body's headings,
    or as ``--kind`` says."""
    env, state, _ = sandbox
    filed = bot(env, "send", "issue", str(state.with_name("update-paper.md")))
    assert "filed issue #1 as carol (update paper)" in filed.stdout
    update = wait_until(lambda: shows(env, 1, "Ready for review"), "the update's status")
    assert "labels: ready for review, update paper" in update
    assert "Changed: Code available, Notes (cleared)." in update
    removal = state.with_name("remove-paper.md")
    filed = bot(env, "send", "issue", str(removal), "--kind", "remove")
    assert "filed issue #2 as carol (remove paper)" in filed.stdout
    shown = wait_until(lambda: shows(env, 2, "Ready for review"), "the removal's status")
    assert "This request removes this row from the table" in shown


def stop(process: subprocess.Popen) -> int:
    os.killpg(process.pid, signal.SIGINT)
    return process.wait(30)


def test_the_sandbox_deletes_nothing_in_its_folder_but_its_own_files(sandbox):
    """A developer who points SANDBOX_STATE into their home folder keeps every file there."""
    _, state, process = sandbox
    assert state.with_name("new-paper.md").exists()
    assert stop(process) == 0
    assert (state.parent / "keep.txt").read_text() == "mine"
    assert (state.parent / "notes" / "todo.md").read_text() == "also mine"
    assert not state.exists()


def test_a_second_sandbox_says_one_is_running_and_leaves_it_alone(sandbox):
    """A second `make run` while one runs stops at once with one line; the first one's
    state, queue and service are untouched and it still takes a paper."""
    env, state, _ = sandbox
    before = state.read_text()
    port = json.loads(before)["webhook_url"].rsplit(":", 1)[1].split("/")[0]

    second = bot(env, "sandbox", "--port", port)

    assert second.returncode == 1
    assert second.stderr.startswith("Error: a sandbox is already running (http://127.0.0.1:")
    assert second.stderr.count("\n") == 1 and "Traceback" not in second.stderr
    assert state.read_text() == before
    assert "202" in bot(env, "send", "issue", str(state.with_name("new-paper.md"))).stdout
    assert wait_until(lambda: shows(env, 1, "Ready for review"), "the status comment")


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses something listens on at ``port`` (Linux's /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
            found.add(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_the_sandbox_listens_on_loopback_only(sandbox):
    """Its webhook secret is printed for anyone to read, so only this machine may connect."""
    _, state, _ = sandbox
    port = int(json.loads(state.read_text())["webhook_url"].rsplit(":", 1)[1].split("/")[0])
    assert listening_addresses(port) == {"127.0.0.1"}


def test_send_and_show_say_in_one_line_what_is_wrong(sandbox, tmp_path):
    env, _, _ = sandbox
    (tmp_path / "body.md").write_text("### Paper title\n\nA paper")
    expected = {
        ("sandbox", "show", "99"): "Error: the sandbox has no issue #99",
        ("send", "approve", "99"): "Error: the sandbox has no issue #99",
        ("send", "edit", "99", str(tmp_path / "body.md")): "Error: the sandbox has no issue #99",
        ("send", "issue", "missing.md"): "Error: missing.md cannot be read (No such file",
        ("send", "edit", "1", "missing.md"): "Error: missing.md cannot be read (No such file",
    }
    for arguments, message in expected.items():
        result = bot(env, *arguments)
        assert result.returncode == 1, arguments
        assert result.stderr.startswith(message), (arguments, result.stderr)
        assert result.stderr.count("\n") == 1, (arguments, result.stderr)


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


def test_show_says_in_one_line_when_the_sandbox_was_killed_and_left_its_state(tmp_path):
    state = tmp_path / "sandbox.json"
    gone = f"http://127.0.0.1:{free_port()}"
    tokens = {"alice": "t", "carol": "t"}
    state.write_text(
        json.dumps({"api_url": gone, "repository": "octo/awesome-vis", "tokens": tokens})
    )
    result = bot(clean_environment(SANDBOX_STATE=str(state)), "sandbox", "show", "1")
    assert result.returncode == 1
    assert result.stderr == (
        "Error: the sandbox's GitHub stand-in: GitHub could not be reached (ConnectionError); "
        f"is the sandbox of {state} still running?\n"
    )
