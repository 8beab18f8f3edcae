"""The service as deployed: the Procfile's own command lines, real processes, real HTTP.

gunicorn and the worker are started from the Procfile exactly as a platform
starts them, against the GitHub stand-in and a SQLite queue file.
"""

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from helpers import (
    BOT_LOGIN,
    BOT_TOKEN,
    PAPER,
    REPO,
    SECRET,
    file_issue,
    form_body,
    seed,
    status_comment,
)
from processes import Service, clean_environment, service_environment, wait_until

from bot.core import paths
from bot.service import procfile
from bot.service.config import MIN_SECRET_LENGTH


def test_the_procfile_runs_gunicorn_on_port_and_a_worker():
    processes = procfile.read()
    assert set(processes) == {"web", "worker"}
    assert processes["web"].startswith("gunicorn ")
    assert "${WEB_HOST:-0.0.0.0}:$PORT" in processes["web"]
    assert "'bot.app:create_app()'" in processes["web"]
    assert processes["worker"] == "python -m bot worker"


def test_a_delivery_through_gunicorn_is_answered_at_once_and_its_job_completes(service, standin):
    service.start("web")
    service.start("worker")
    health = service.wait_healthy()
    assert health.body["queue"] == "reachable"

    number, payload = file_issue(standin, form_body(PAPER))
    answer = service.deliver("issues", payload, delivery="d-procfile-1")

    assert answer.status == 202
    assert answer.seconds < 1.0  # a generous bound: the job is not done in the request
    comment = wait_until(lambda: status_comment(standin, number), "the status comment")
    assert comment["user"]["login"] == BOT_LOGIN
    assert "**Ready for review.**" in comment["body"]
    wait_until(
        lambda: set(standin.labels(REPO, number)) == {"new paper", "ready for review"},
        "the labels",
    )


def stalled_mid_body(port: int) -> socket.socket:
    """A connection that sent a delivery's headers and part of its body, then nothing."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(
        b"POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"X-GitHub-Event: issues\r\nContent-Length: 5000\r\n\r\n" + b'{"action": "op'
    )
    return client


def never_closing(port: int) -> socket.socket:
    """A connection that sends a whole request, then neither reads the answer nor closes."""
    client = socket.create_connection(("127.0.0.1", port), timeout=30)
    client.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    return client


def test_stalled_connections_never_delay_a_signed_delivery(service, standin):
    """Clients that stop mid-body, send nothing, or never close after their answer all stay
    connected; GitHub's deliveries meanwhile are each answered within a second (GitHub
    gives up after 10 s), by the Procfile's own web line in one worker process. A body that
    stops arriving is answered 408 after BODY_IDLE_SECONDS, a silent connection is dropped,
    and closing on clients that do not close never holds up the others."""
    service.start("web")
    service.wait_healthy()
    port = service.port
    stalled = [stalled_mid_body(port) for _ in range(8)]
    silent = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(4)]
    lingering = [never_closing(port) for _ in range(4)]

    def answered_at_once() -> None:
        _, payload = file_issue(standin, form_body(PAPER))
        answer = service.deliver("issues", payload)
        assert answer.status == 202
        assert answer.seconds < 1.0, f"a delivery waited {answer.seconds:.1f} s"

    try:
        time.sleep(0.5)  # every connection is now holding its request open, or answered
        for _ in range(5):
            answered_at_once()
        for client in stalled:
            status_line = client.makefile("rb").readline()
            assert status_line.startswith(b"HTTP/1.1 408 "), status_line
        answered_at_once()  # while the eight 408s wait for their clients to close
        for client in silent:
            assert client.recv(1) == b""  # closed by the server
    finally:
        for client in stalled + silent + lingering:
            client.close()


def test_each_delivery_and_each_job_log_one_structured_line_without_secrets(service, standin):
    service.start("web")
    service.start("worker")
    service.wait_healthy()
    number, payload = file_issue(standin, form_body(PAPER))
    service.deliver("issues", payload, delivery="d-logged")

    def job_line() -> dict | None:
        jobs = [line for line in service.json_lines("worker") if line.get("job") == "delivery"]
        return jobs[0] if jobs else None

    job = wait_until(job_line, "the job's log line")
    assert job["delivery"] == "d-logged"
    assert (job["event"], job["action"], job["repository"], job["issue"]) == (
        "issues",
        "opened",
        REPO,
        number,
    )
    assert job["outcome"] == "done"
    assert job["duration_ms"] >= 0
    assert job["github_requests"] >= 3  # the data file, the comments, the comment, the labels
    [delivery] = [line for line in service.json_lines("web") if line.get("msg") == "delivery"]
    assert delivery["delivery"] == "d-logged"
    assert (delivery["status"], delivery["issue"], delivery["repository"]) == (202, number, REPO)
    assert "duration_ms" in delivery
    for name in ("web", "worker"):
        assert SECRET not in service.log(name)
        assert BOT_TOKEN not in service.log(name)


def test_a_redelivered_delivery_id_is_dropped(service, standin):
    service.start("web")
    service.wait_healthy()
    _, payload = file_issue(standin, form_body(PAPER))
    first = service.deliver("issues", payload, delivery="d-twice")
    again = service.deliver("issues", payload, delivery="d-twice")
    assert first.status == 202
    assert (again.status, again.body["message"]) == (200, "duplicate delivery, ignored")
    assert service.get("/healthz").body["pending_jobs"] == 1


def test_a_job_queued_while_the_worker_is_down_runs_when_it_starts_again(service, standin):
    service.start("web")
    service.start("worker")
    service.wait_healthy()
    # SIGTERM before the consumer is up would test nothing but a half-started process: huey
    # logs "consumer started" before it sets its signal handlers, so wait for its first job.
    wait_until(
        lambda: any(line.get("job") == "reconcile" for line in service.json_lines("worker")),
        "the worker's start-up reconcile",
    )
    service.stop("worker")
    assert "All workers have stopped." in service.log("worker")  # SIGTERM: a graceful stop
    standin.clear_requests()

    number, payload = file_issue(standin, form_body(PAPER))
    assert service.deliver("issues", payload).status == 202
    assert service.get("/healthz").body["pending_jobs"] == 1
    assert standin.requests == []  # nobody works on it: it waits in the SQLite file

    service.start("worker")
    wait_until(lambda: status_comment(standin, number), "the status comment")
    wait_until(lambda: service.get("/healthz").body["pending_jobs"] == 0, "an empty queue")


# -- settings that cannot run the service ------------------------------------------------


def run_until_exit(service: Service, name: str, timeout: float = 30) -> tuple[int, str]:
    process = service.start(name)
    try:
        code = process.wait(timeout)
    finally:
        service.processes.pop(name, None)
        if process.poll() is None:
            procfile.stop(process)
    return code, service.log(name)


@pytest.mark.parametrize("name", ["web", "worker"])
def test_without_a_webhook_secret_neither_process_starts(tmp_path, name):
    env = clean_environment(GITHUB_TOKEN="tok-secret-1", QUEUE_URL=f"sqlite:///{tmp_path}/q.db")
    code, output = run_until_exit(Service(env, log_dir=tmp_path), name)
    assert code != 0
    assert "Error: cannot start:" in output
    assert "- GITHUB_WEBHOOK_SECRET is not set" in output
    assert "Traceback" not in output
    assert "tok-secret-1" not in output


@pytest.mark.parametrize("name", ["web", "worker"])
def test_a_short_webhook_secret_stops_each_process_saying_why(tmp_path, name):
    """A deployment with GITHUB_WEBHOOK_SECRET=a never accepts a delivery: neither process
    starts, and the message says why and how to make a good secret."""
    env = clean_environment(
        GITHUB_WEBHOOK_SECRET="sesame",
        GITHUB_TOKEN="tok-secret-1",
        QUEUE_URL=f"sqlite:///{tmp_path}/q.db",
    )
    code, output = run_until_exit(Service(env, log_dir=tmp_path), name)
    assert code != 0
    assert f"- GITHUB_WEBHOOK_SECRET is shorter than {MIN_SECRET_LENGTH} characters" in output
    assert "sesame" not in output
    assert "Traceback" not in output


@pytest.mark.parametrize("command", ["serve", "reconcile"])
def test_a_short_webhook_secret_stops_serve_and_reconcile(tmp_path, command):
    env = clean_environment(GITHUB_WEBHOOK_SECRET="sesame", GITHUB_TOKEN="tok-secret-1")
    result = subprocess.run(
        [sys.executable, "-m", "bot", command],
        cwd=paths.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"- GITHUB_WEBHOOK_SECRET is shorter than {MIN_SECRET_LENGTH} characters" in (
        result.stderr
    )
    assert "sesame" not in result.stderr


@pytest.mark.parametrize("name", ["web", "worker"])
def test_a_malformed_private_key_is_named_and_never_printed(tmp_path, name):
    key = "\n".join(
        [
            "-----BEGIN RSA PRIVATE KEY-----",
            "c2VjcmV0LWtleS1tYXRlcmlhbA==",
            "-----END RSA PRIVATE KEY-----",
        ]
    )
    env = clean_environment(
        GITHUB_WEBHOOK_SECRET="hook-secret-0123456789",
        GITHUB_APP_ID="123",
        GITHUB_APP_PRIVATE_KEY=key,
    )
    service = Service(env, log_dir=tmp_path)
    code, output = run_until_exit(service, name)
    assert code != 0
    assert "- GITHUB_APP_PRIVATE_KEY is not a PEM private key" in output
    assert "c2VjcmV0LWtleS1tYXRlcmlhbA" not in output
    assert "hook-secret-0123456789" not in output
    assert "Traceback" not in output


def test_serve_runs_both_procfile_processes_until_interrupted(standin, tmp_path):
    seed(standin)
    service = Service(
        service_environment(standin, f"sqlite:///{tmp_path / 'queue.db'}"), log_dir=tmp_path
    )
    env = procfile.environment({**service.env, "PORT": str(service.port)})
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        service.processes["serve"] = serve
        service.wait_healthy()
        number, payload = file_issue(standin, form_body(PAPER))
        assert service.deliver("issues", payload).status == 202
        wait_until(lambda: status_comment(standin, number), "the status comment")
        os.kill(serve.pid, signal.SIGINT)
        assert serve.wait(30) == 0
    finally:
        service.processes.pop("serve", None)
        if serve.poll() is None:
            procfile.stop(serve)
