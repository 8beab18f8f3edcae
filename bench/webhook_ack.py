"""Webhook ack: signed deliveries at concurrency 1, 8 and 32 against the Procfile's processes.

gunicorn runs the Procfile's own ``web`` line (``WEB_HOST=127.0.0.1``, so
nothing leaves loopback) and the ``worker`` line beside it, as
in production, against the GitHub stand-in and a SQLite queue in a
temporary directory. Each delivery opens its own connection, as GitHub's
do. Bounded: ``--deliveries`` per level (default 2,000) and ``--seconds``
per level at most (default 60). Prints deliveries per second, p50 / p99 /
max ack latency and the peak resident memory of gunicorn (master and
workers together) and of the worker; then checks that every acknowledged
delivery became a job that the worker finished (its log has one line per job).
Run: ``.venv/bin/python bench/webhook_ack.py``.
"""

import argparse
import hashlib
import hmac
import http.client
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the stand-in, and the tests' process tools

from processes import clean_environment, free_port, wait_until  # noqa: E402

from bench.common import REPO, SECRET, TOKEN  # noqa: E402
from bot.core import paths  # noqa: E402
from bot.service import procfile  # noqa: E402
from standin import Standin, payloads  # noqa: E402

WARM_UP = 50
FILES = (paths.README_IN_REPO, paths.DATA_IN_REPO, paths.SCHEMA_IN_REPO, paths.FORM_IN_REPO)


def environment(github: Standin, queue: Path, port: int) -> dict[str, str]:
    """The developer's environment without bot settings, plus the service's own."""
    return clean_environment(
        GITHUB_WEBHOOK_SECRET=SECRET,
        GITHUB_TOKEN=TOKEN,
        GITHUB_API_URL=github.base_url,
        GITHUB_REPOSITORY=REPO,
        QUEUE_URL=f"sqlite:///{queue}",
        PORT=str(port),
        WEB_HOST="127.0.0.1",
        AUTOFILL="off",  # the worker's pace would be arXiv's: this measures the webhook
    )


# -- the client ---------------------------------------------------------------------------


class Delivery:
    """One signed ``issues.opened`` of an issue without the intake label: the job is a no-op,
    so the worker keeps up and the figures are the web's own."""

    def __init__(self, github: Standin) -> None:
        payload = payloads.payload(
            "issues", "opened", repo=REPO, base_url=github.base_url, issue_labels=[]
        )
        self.body = json.dumps(payload).encode()
        digest = hmac.new(SECRET.encode(), self.body, hashlib.sha256).hexdigest()
        self.signature = f"sha256={digest}"

    def send(self, port: int) -> tuple[float, int, str]:
        """Seconds from connecting to the whole answer read, the status, the delivery id."""
        delivery = str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": "issues",
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": self.signature,
        }
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("POST", "/webhook", body=self.body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        return time.perf_counter() - start, response.status, delivery


def run_level(
    delivery: Delivery, port: int, concurrency: int, count: int, seconds: float
) -> tuple[list[float], list[int], list[str], float]:
    """``count`` deliveries from ``concurrency`` threads, stopping early at ``seconds``."""
    taken = itertools.count()
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: list[int] = []
    accepted: list[str] = []

    def client() -> None:
        while next(taken) < count and time.monotonic() < deadline:
            latency, status, delivery_id = delivery.send(port)
            with lock:
                latencies.append(latency)
                statuses.append(status)
                if status == 202:
                    accepted.append(delivery_id)

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(client) for _ in range(concurrency)]:
            future.result()
    return latencies, statuses, accepted, time.perf_counter() - start


# -- memory ---------------------------------------------------------------------------------


def group_rss_kib(group: int) -> int:
    """Resident memory of every process in a process group (gunicorn and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp, after state and ppid
                status = stat.with_name("status").read_text()
                total += int(re.search(r"VmRSS:\s+(\d+)", status)[1])
        except (OSError, TypeError, IndexError):
            continue  # the process ended meanwhile
    return total


class PeakMemory:
    """Samples the groups' resident memory every 20 ms; keeps each group's peak."""

    def __init__(self, groups: dict[str, int]) -> None:
        self.groups = groups
        self.peak = dict.fromkeys(groups, 0)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            for name, group in self.groups.items():
                self.peak[name] = max(self.peak[name], group_rss_kib(group))

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# -- the run ----------------------------------------------------------------------------------


def finished_jobs(log: Path) -> set[str]:
    """Delivery ids of the jobs the worker logged as done."""
    done = set()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("msg") == "job" and record.get("outcome") == "done":
                done.add(record.get("delivery"))
    return done


def start_processes(env: dict[str, str], logs: Path) -> dict[str, subprocess.Popen[bytes]]:
    processes = {}
    for name, command in procfile.read().items():
        with (logs / f"{name}.log").open("wb") as log:
            processes[name] = procfile.start(command, env, stdout=log, stderr=subprocess.STDOUT)
    return processes


def healthy(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--deliveries", type=int, default=2000, help="per level (default 2000)")
    parser.add_argument("--seconds", type=float, default=60, help="per level at most (60)")
    parser.add_argument("--levels", default="1,8,32", help="concurrency levels (1,8,32)")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]

    with Standin.start() as github, tempfile.TemporaryDirectory() as tmp:
        github.add_token(TOKEN, "vis-bot[bot]")
        github.create_repo(REPO, files={name: (paths.ROOT / name).read_bytes() for name in FILES})
        port, logs = free_port(), Path(tmp)
        processes = start_processes(environment(github, logs / "queue.db", port), logs)
        try:
            wait_until(lambda: healthy(port), "/healthz", timeout=30)
            return measure(Delivery(github), port, levels, args, processes, logs)
        finally:
            for process in processes.values():
                procfile.stop(process, timeout=30)


def measure(
    delivery: Delivery,
    port: int,
    levels: list[int],
    args: argparse.Namespace,
    processes: dict[str, subprocess.Popen[bytes]],
    logs: Path,
) -> int:
    """Print the table; 0 when every acknowledged delivery became a finished job."""
    accepted_all: list[str] = []
    *_, accepted, _ = run_level(delivery, port, 4, WARM_UP, args.seconds)  # imports, caches
    accepted_all += accepted
    groups = {name: process.pid for name, process in processes.items()}
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"gunicorn as in the Procfile, {os.cpu_count()} CPUs, load average before: {load}")
    print(
        f"{'concurrency':>11} {'deliveries':>10} {'per s':>7} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'not 202':>7} {'web RSS MB':>10} {'worker RSS MB':>13}"
    )
    for concurrency in levels:
        with PeakMemory(groups) as memory:
            latencies, statuses, accepted, elapsed = run_level(
                delivery, port, concurrency, args.deliveries, args.seconds
            )
        accepted_all += accepted
        ms = sorted(latency * 1000 for latency in latencies)
        p99 = statistics.quantiles(ms, n=100, method="inclusive")[98]
        print(
            f"{concurrency:>11} {len(ms):>10} {len(ms) / elapsed:>7.0f} "
            f"{statistics.median(ms):>7.1f} {p99:>7.1f} {ms[-1]:>7.1f} "
            f"{sum(s != 202 for s in statuses):>7} {memory.peak['web'] / 1024:>10.0f} "
            f"{memory.peak['worker'] / 1024:>13.0f}"
        )
    wanted = set(accepted_all)
    try:
        wait_until(lambda: wanted <= finished_jobs(logs / "worker.log"), "the jobs", 180)
    except SystemExit as error:
        print(error)
    done = wanted & finished_jobs(logs / "worker.log")
    print(f"jobs: {len(wanted)} deliveries answered 202, {len(done)} finished by the worker")
    return 0 if done == wanted else 1


if __name__ == "__main__":
    sys.exit(main())
