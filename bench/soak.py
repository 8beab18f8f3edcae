"""Soak: ten thousand deliveries over hundreds of submissions, and nothing goes wrong.

The Procfile's web process and two workers on a Redis queue run against the
GitHub stand-in. A seeded random script (tests/scenarios.py, the same one
tests/test_interleaving.py asserts on) files at least 200 submissions,
edits, approves (also with stale bodies), rejects and merges them, sends
duplicate deliveries and replays with fresh ids, arms random GitHub faults
(5xx, timeouts, secondary rate limits) and SIGKILLs workers, which are
started again. When the deliveries are sent, the queue is left to settle,
one reconcile pass runs, and every invariant of SPEC 6a is counted.

Run: ``.venv/bin/python bench/soak.py [--deliveries N] [--seed S]`` (needs redis-server).
"""

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the stand-in and the tests' scenario engine

import redis  # noqa: E402
from helpers import MAINTAINER, REPO, seed  # noqa: E402
from processes import Service, free_port, service_environment, wait_until  # noqa: E402
from scenarios import Script  # noqa: E402

from standin import Standin  # noqa: E402

KINDS = (
    "lost submissions (no status)",
    "duplicate status comments",
    "duplicate link comments",
    "two open PRs for one issue",
    "two open PRs for one paper",
    "PRs not holding an approved version",
    "open PR for a closed issue",
    "labels disagree with the status",
    "status disagrees with the open PR",
    "merged but status not Added",
    "invalid tables",
)


def redis_server(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    wait_until(lambda: _pings(client), "redis-server to answer", timeout=15)
    return process, f"redis://127.0.0.1:{port}/0"


def _pings(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=220)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="soak-"))
    redis_process, redis_url = redis_server(folder)
    started = time.perf_counter()
    try:
        with Standin.start() as github:
            seed(github)
            github.set_permission(REPO, MAINTAINER, "write")
            # No write pacing: ten thousand deliveries at GitHub's 80 writes a minute would
            # take days; bench/burst.py measures the pacing itself.
            env = service_environment(github, redis_url, GITHUB_WRITE_LIMITS="1000000/1")
            service = Service(env, log_dir=folder)
            rng = random.Random(args.seed)
            script = Script(
                service, github, rng, max_issues=args.submissions, faults=True, kill_rate=0.002
            )
            try:
                service.start("web")
                service.start("worker")
                service.start("worker", as_name="worker2")
                service.wait_healthy()
                while len(script.sent) < args.deliveries:
                    script.step()
                sent_at = time.perf_counter()
                script.settle(timeout=1800)
                settled_at = time.perf_counter()
                found = script.violations()
            finally:
                service.stop_all()
            stray = github.violations
    finally:
        redis_process.terminate()
        redis_process.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{len(script.sent):,} deliveries over {len(script.values)} submissions, "
        f"{script.kills} workers SIGKILLed and restarted, seed {args.seed}"
    )
    print(
        f"sending {sent_at - started:.0f} s, settling and reconcile "
        f"{settled_at - sent_at:.0f} s, total {time.perf_counter() - started:.0f} s"
    )
    for kind in KINDS:
        print(f"{kind:<40} {found.get(kind, 0):>5}")
    unexpected = set(found) - set(KINDS)
    for kind in sorted(unexpected):
        print(f"{kind:<40} {found[kind]:>5}")
    print(f"{'requests GitHub would refuse':<40} {len(stray):>5}")
    sys.exit(1 if found or stray else 0)


if __name__ == "__main__":
    main()
