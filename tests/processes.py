"""The service as separate processes, started from the Procfile's own lines, for tests.

``Service`` starts ``web`` and ``worker`` exactly as a Procfile platform does
(``sh -c`` with ``PORT`` set), with an environment pointing at a stand-in,
writes each process's output to a file, and stops every process it started
(the whole process group) at teardown. Waits are bounded: ``wait_until``
fails the test with what it was waiting for.
"""

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import BOT_TOKEN, REPO, SECRET, sign

from bot.service import procfile
from standin import Standin

# Variables of the developer's shell that must not leak into the service under test.
SERVICE_VARIABLES = (
    "BOT_LOGIN",
    "PORT",
    "QUEUE_URL",
    "REDIS_URL",
    "WEB_CONCURRENCY",
    "WEB_THREADS",
    "WEB_HOST",
    "AUTOFILL",
    "ARXIV_API_URL",
    "WATCH",
    "WATCH_RECHECK_HOURS",
    "WATCH_ALLOW_HOSTS",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus ``settings``.

    Autofill and the watch are off unless ``settings`` turn them on: no test may ask the
    real arXiv, nor the sites the committed list links to.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GITHUB_") and key not in SERVICE_VARIABLES
    }
    return env | {"AUTOFILL": "off", "WATCH": "off"} | settings


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    """Poll ``condition`` until it is truthy; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.1)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    seconds: float


@dataclass
class Service:
    """The Procfile's processes for one test; ``stop_all`` at teardown."""

    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, name: str, *, as_name: str = "", **overrides: str) -> subprocess.Popen[bytes]:
        """Start the Procfile's ``name`` line; its output goes to ``<log_dir>/<name>.log``.

        ``as_name`` runs a second copy of a line (two workers) under its own name.
        """
        command = procfile.read()[name]
        env = {**self.env, "PORT": str(self.port), **overrides}
        label = as_name or name
        with (self.log_dir / f"{label}.log").open("ab") as log:
            process = procfile.start(command, env, stdout=log, stderr=subprocess.STDOUT)
        self.processes[label] = process
        return process

    def stop(self, name: str) -> int:
        return procfile.stop(self.processes.pop(name), timeout=10)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def json_lines(self, name: str) -> list[dict[str, Any]]:
        """The structured lines a process logged (other lines skipped)."""
        lines = []
        for line in self.log(name).splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def get(self, path: str) -> Answer:
        return self._send(urllib.request.Request(self.url + path))

    def deliver(self, event: str, payload: dict, delivery: str | None = None) -> Answer:
        body = json.dumps(payload).encode()
        request = urllib.request.Request(
            self.url + "/webhook",
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": event,
                "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
                "X-Hub-Signature-256": sign(body),
            },
        )
        return self._send(request)

    def _send(self, request: urllib.request.Request) -> Answer:
        start = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        return Answer(status, json.loads(raw or b"{}"), time.perf_counter() - start)

    def wait_healthy(self, timeout: float = 30) -> Answer:
        """Wait until ``/healthz`` answers 200; a process that died fails at once."""

        def healthy() -> Answer | None:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise AssertionError(f"{name} exited {process.returncode}:\n{self.log(name)}")
            try:
                answer = self.get("/healthz")
            except OSError:
                return None
            return answer if answer.status == 200 else None

        return wait_until(healthy, "/healthz to answer 200", timeout)


def service_environment(standin: Standin, queue_url: str, **extra: str) -> dict[str, str]:
    """The settings of a token-authenticated service for the seeded repository."""
    settings: Mapping[str, str] = {
        "GITHUB_WEBHOOK_SECRET": SECRET,
        "GITHUB_TOKEN": BOT_TOKEN,
        "GITHUB_API_URL": standin.base_url,
        "GITHUB_REPOSITORY": REPO,
        "QUEUE_URL": queue_url,
        "WEB_CONCURRENCY": "1",
        "WEB_HOST": "127.0.0.1",
    }
    return clean_environment(**settings, **extra)
