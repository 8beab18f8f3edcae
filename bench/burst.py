"""A burst: 300 submissions filed at once, answered without one secondary-limit refusal.

The stand-in enforces GitHub's secondary rate limits on content-creating
requests (80 a minute, 500 an hour) scaled down in time by ``--scale`` (1/30
by default: 80 per 2 s, 500 per 120 s), so the run takes minutes, not hours.
The bot (web + two workers on Redis, from the Procfile) is told GitHub's
limits less its margin, scaled the same way (GITHUB_WRITE_LIMITS). Printed:
refusals, submissions answered, the time to the last answer next to the
floor the bot's own limits allow for the writes it made, and how far the
answers kept the filing order (oldest submission first).

Run: ``.venv/bin/python bench/burst.py [--submissions N] [--scale S]`` (needs redis-server).
"""

import argparse
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # the stand-in and the tests' recipes

from helpers import PAPER, REPO, form_body, seed, status_comments  # noqa: E402
from processes import Service, service_environment, wait_until  # noqa: E402
from soak import redis_server  # noqa: E402

from bot.github.pacing import DEFAULT_LIMITS  # noqa: E402
from standin import Standin  # noqa: E402
from standin.limits import GITHUB_LIMITS, WRITES, SecondaryLimits  # noqa: E402


def floor_seconds(writes: int, limits: tuple[tuple[int, float], ...]) -> float:
    """The earliest the last of ``writes`` writes can go, within every window (greedy)."""
    stamps: list[float] = []
    now = 0.0
    for _ in range(writes):
        while True:
            waits = [
                stamps[-count] + seconds - now
                for count, seconds in limits
                if len(stamps) >= count and stamps[-count] + seconds > now
            ]
            if not waits:
                break
            now += max(waits)
        stamps.append(now)
    return now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--scale", type=float, default=1 / 30)
    args = parser.parse_args()
    limits = tuple((count, seconds * args.scale) for count, seconds in DEFAULT_LIMITS)
    setting = ",".join(f"{count}/{seconds:g}" for count, seconds in limits)
    folder = Path(tempfile.mkdtemp(prefix="burst-"))
    redis_process, redis_url = redis_server(folder)
    try:
        with Standin.start() as github:
            seed(github)
            github.secondary_limits = SecondaryLimits(windows=GITHUB_LIMITS, scale=args.scale)
            env = service_environment(github, redis_url, GITHUB_WRITE_LIMITS=setting)
            service = Service(env, log_dir=folder)
            try:
                service.start("web")
                service.start("worker")
                service.start("worker", as_name="worker2")
                service.wait_healthy()
                wait_until(lambda: service.get("/healthz").body["pending_jobs"] == 0, "start-up")
                numbers = []
                for index in range(args.submissions):
                    title, link = f"Burst paper {index}", f"https://example.org/paper/{index}"
                    body = form_body({**PAPER, "title": title, "paper_url": link})
                    numbers.append(
                        github.create_issue(
                            REPO, title="[Paper]", body=body, user="carol", labels=["new paper"]
                        )
                    )
                github.clear_requests()
                started = time.monotonic()
                for number in numbers:
                    payload = github.payload(REPO, "issues", "opened", issue_number=number)
                    assert service.deliver("issues", payload).status == 202
                answered: dict[int, float] = {}

                def all_answered() -> bool:
                    for number in numbers:
                        if number not in answered and status_comments(github, number):
                            answered[number] = time.monotonic() - started
                    return len(answered) == len(numbers)

                wait_until(all_answered, "every submission's answer", timeout=3600)
                last = max(answered.values())
            finally:
                service.stop_all()
            writes = sum(1 for r in github.requests if r.method in WRITES and r.status < 400)
            refused = github.secondary_limits.refused
    finally:
        redis_process.terminate()
        redis_process.wait(10)
    order = sorted(numbers, key=answered.__getitem__)
    inversions = sum(1 for a, b in pairwise(order) if a > b)
    print(f"{args.submissions} submissions at once, GitHub's limits scaled by {args.scale:.4g}")
    print(f"secondary-limit refusals           {refused:>8}")
    print(f"submissions answered               {len(answered):>8} / {len(numbers)}")
    print(f"writes made                        {writes:>8}")
    print(f"last answer after                  {last:>8.1f} s")
    github_limits = tuple((count, seconds * args.scale) for count, seconds in GITHUB_LIMITS)
    print(f"floor for these writes (bot)       {floor_seconds(writes, limits):>8.1f} s")
    print(f"floor for these writes (GitHub)    {floor_seconds(writes, github_limits):>8.1f} s")
    print(f"answers out of filing order        {inversions:>8} of {len(order) - 1} neighbours")


if __name__ == "__main__":
    main()
