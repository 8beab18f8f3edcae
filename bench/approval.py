"""Approval to pull request: GitHub requests, and time from the `/approve` delivery to the
comment that links the PR (and to the job's end), at 0 and 100 ms per request.

Runs the real app and its job (inline) against the GitHub stand-in, whose
added latency per request stands for the network to api.github.com. Each
submission is filed and answered first (the status comment and labels are
there, as on GitHub). Two cases:
  warm: the usual one: the worker read the head's files for the submission's
        intake, and main has not moved since;
  cold: main moved just before (a merge changed the data file and README), so
        the approval is the first job to read the new head's files.
SPEC 5 and 6 put a floor under the count: 7 writes (tree, commit, ref, pull,
the link comment, the status comment, the labels) and 4 reads (the current
body, the status comment, the commenter's permission, the head): 11.
Run: ``.venv/bin/python bench/approval.py``.
"""

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the stand-in, beside the package

from bench.common import REPO, bench_app, deliver, opened, submission
from bot.core import paths
from bot.core.pages import generated_pages
from bot.core.papers import add_paper, dump_papers, load_papers
from standin import Standin

ROUNDS = 5
FILES = (paths.README_IN_REPO, paths.DATA_IN_REPO, paths.SCHEMA_IN_REPO, paths.FORM_IN_REPO)
MAINTAINER = "alice"
TARGET_REQUESTS, TARGET_LINK_S = 8, 0.8


def merge_another_paper(github: Standin, index: int) -> None:
    """Main moves as a merged PR moves it: one more paper, the README regenerated."""
    data = github.file(REPO, paths.DATA_IN_REPO).decode()
    readme = github.file(REPO, paths.README_IN_REPO).decode()
    paper = {"title": f"Merged Paper {index}", "year": 2024, "venue": "CVPR"}
    papers = add_paper(load_papers(data), {**paper, "paper_url": f"https://x.org/merged-{index}"})
    github.push(REPO, {paths.DATA_IN_REPO: dump_papers(papers), **generated_pages(papers, readme)})


def one_approval(web, github: Standin, index: int, cold: bool) -> tuple[float, float, int]:
    """Seconds to the link comment and to the job's end, and the requests, of one approval."""
    body = submission(index, f"https://arxiv.org/abs/2401.{index:05d}")
    number = github.create_issue(REPO, title="x", body=body, user="carol", labels=["new paper"])
    deliver(web, "issues", opened(github, number, body))
    if cold:
        merge_another_paper(github, index)
    comment_id = github.add_comment(REPO, number, "/approve", user=MAINTAINER)
    payload = github.payload(
        REPO,
        "issue_comment",
        "created",
        issue_number=number,
        issue_body=body,
        comment_id=comment_id,
        comment_body="/approve",
        comment_user=MAINTAINER,
        sender=MAINTAINER,
    )
    github.clear_requests()
    started = time.perf_counter()  # the stand-in's log's clock
    deliver(web, "issue_comment", payload)
    ended = time.perf_counter()
    log = github.requests
    opened_pull = next(
        i for i, r in enumerate(log) if r.method == "POST" and r.path.endswith("/pulls")
    )
    comments = f"/issues/{number}/comments"
    link = next(r for r in log[opened_pull:] if r.method == "POST" and r.path.endswith(comments))
    return link.at - started, ended - started, len(log)


def run(latency: float, cold: bool) -> list[tuple[float, float, int]]:
    with Standin.start() as github:
        github.create_repo(REPO, files={n: (paths.ROOT / n).read_bytes() for n in FILES})
        github.set_permission(REPO, MAINTAINER, "write")
        # Autofill off: this measures the GitHub side (arXiv's own pace is 3 s a request).
        web = bench_app(github, autofill=False)
        github.latency = latency
        return [one_approval(web, github, index, cold) for index in range(ROUNDS)]


def main() -> None:
    print(
        f"{'case':>5} {'latency':>8} {'requests':>9} {'to link s':>10} {'max':>6} {'to end s':>9}"
    )
    for cold in (False, True):
        for latency in (0.0, 0.1):
            results = run(latency, cold)
            to_link = [link for link, _, _ in results]
            to_end = [end for _, end, _ in results]
            requests = max(count for _, _, count in results)
            case = "cold" if cold else "warm"
            print(
                f"{case:>5} {latency * 1000:>5.0f} ms {requests:>9}"
                f" {statistics.median(to_link):>10.3f} {max(to_link):>6.3f}"
                f" {statistics.median(to_end):>9.3f}"
            )
    print(f"targets: <= {TARGET_REQUESTS} requests, <= {TARGET_LINK_S} s to the link at 100 ms")
    print("floor SPEC 5-6 sets for the count: 7 writes + 4 reads = 11")


if __name__ == "__main__":
    main()
