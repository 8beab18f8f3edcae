"""The watch's HTTP pass at scale: 10,000 links over 50 hosts, against local sites.

Each host is a name the checker's resolver maps to 127.0.0.1, where one
server (``standin.sites``) answers for every name and counts the requests
each name has in flight. The per-host pause is shortened (the production
pause is 1 s) so the run takes seconds; the floor is what that pause alone
allows: the busiest host's links one after another, a pause apart. The run
fails if any host ever had two requests at once.
Run: ``.venv/bin/python bench/watch.py [--interval SECONDS]``.
"""

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the sites, beside the package

from bot.links import Limits, LinkChecker
from standin.sites import Sites

LINKS, HOSTS = 10_000, 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.1, help="per-host pause (s)")
    parser.add_argument("--workers", type=int, default=Limits.workers, help="hosts at once")
    args = parser.parse_args()
    hosts = [f"site-{n:02d}.bench" for n in range(HOSTS)]
    with Sites.start() as sites:
        sites.page("/paper")
        urls = [f"{sites.url('/paper', hosts[n % HOSTS])}?n={n}" for n in range(LINKS)]
        checker = LinkChecker(
            "awesome-vis-bot (bench)",
            allow_hosts=hosts,
            resolve=lambda host, port: ["127.0.0.1"],
            limits=Limits(interval=args.interval, workers=args.workers),
        )
        started = time.perf_counter()
        outcomes = checker.check(urls)
        took = time.perf_counter() - started
        per_host = Counter(request.host for request in sites.requests)
        most_at_once = max(sites.max_in_flight.values())
    floor = (max(per_host.values()) - 1) * args.interval
    states = Counter(outcome.state for outcome in outcomes.values())
    columns = ["links", "hosts", "pause s", "workers", "floor s", "took s", "links/s"]
    columns.append("most at once per host")
    print("| " + " | ".join(columns) + " |")
    print("|" + " ---: |" * len(columns))
    print(
        f"| {len(outcomes):,} | {len(per_host)} | {args.interval:g} | {args.workers} "
        f"| {floor:.1f} | {took:.1f} | {len(outcomes) / took:.0f} | {most_at_once} |"
    )
    print(f"outcomes: {dict(states)}")
    return 0 if most_at_once == 1 and states["ok"] == LINKS else 1


if __name__ == "__main__":
    sys.exit(main())
