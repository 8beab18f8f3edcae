"""Worker CPU per intake event on a list of 10,000 papers: the first event, then cached ones.

Runs the real app and its job (inline, in this thread) against the GitHub
stand-in, whose repository holds 10,000 synthetic papers (a 6.8 MB data file)
with their README and year pages; each submission is closed after its event,
so every event sees one open submission, and its link is not arXiv's, so no
arXiv lookup. The CPU is the whole process's: the webhook's check and
enqueue, the job (whose reads run side by side in threads of their own), and
the stand-in serving it, so the job's own share is less: an upper bound.
The first event downloads and parses the data file (and reads the README);
every later one on the unchanged list reads neither, nor the head's listing
(kept by the commit's sha). Target: a cached event at most 100 ms.
Run: ``.venv/bin/python bench/intake_scale.py [PAPERS]``.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the stand-in, beside the package

from bench.common import REPO, bench_app, deliver, opened, submission
from bench.synthetic import synthetic_papers
from bot.core import paths
from bot.core.pages import generated_pages
from bot.core.papers import dump_papers
from standin import Standin

CACHED_EVENTS = 20
TARGET_MS = 100
FILES = (paths.SCHEMA_IN_REPO, *paths.FORMS_IN_REPO)


def one_event(web, github: Standin, index: int) -> tuple[float, float, int]:
    """Worker CPU ms, wall ms and GitHub requests of one ``issues.opened`` delivery."""
    body = submission(index, f"https://example.org/benchmark-paper-{index}")  # no autofill
    number = github.create_issue(REPO, title="x", body=body, user="carol", labels=["new paper"])
    github.clear_requests()
    cpu, wall = time.process_time(), time.perf_counter()
    deliver(web, "issues", opened(github, number, body))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert "Ready for review" in github.comments(REPO, number)[-1]["body"]
    github.edit_issue(REPO, number, state="closed")  # the next event sees one open submission
    return cpu * 1000, wall * 1000, len(github.requests)


def main(count: int) -> None:
    papers = synthetic_papers(count)
    readme = (paths.ROOT / paths.README_IN_REPO).read_text(encoding="utf-8")
    files = {name: (paths.ROOT / name).read_bytes() for name in FILES}
    files |= {paths.DATA_IN_REPO: dump_papers(papers), **generated_pages(papers, readme)}
    megabytes = len(files[paths.DATA_IN_REPO].encode()) / 1e6
    with Standin.start() as github:
        github.create_repo(REPO, files=files)
        web = bench_app(github)
        first = one_event(web, github, 0)
        cached = [one_event(web, github, index) for index in range(1, CACHED_EVENTS + 1)]
    print(f"{count:,} papers, data file {megabytes:.1f} MB")
    print(f"{'event':>14} {'CPU ms':>8} {'max CPU ms':>11} {'wall ms':>8} {'requests':>9}")
    print(f"{'first':>14} {first[0]:>8.1f} {first[0]:>11.1f} {first[1]:>8.1f} {first[2]:>9}")
    cpu = statistics.median(event[0] for event in cached)
    worst = max(event[0] for event in cached)
    wall = statistics.median(event[1] for event in cached)
    requests = max(event[2] for event in cached)
    label = f"cached (x{len(cached)})"
    print(f"{label:>14} {cpu:>8.1f} {worst:>11.1f} {wall:>8.1f} {requests:>9}")
    if cpu > TARGET_MS:
        print(f"  a cached event takes over {TARGET_MS} ms of worker CPU")


if __name__ == "__main__":
    main(int(sys.argv[1]) if sys.argv[1:] else 10_000)
