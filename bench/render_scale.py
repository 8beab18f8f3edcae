"""Render + check of synthetic lists of 1k, 10k and 100k papers: time and peak memory.

Each size runs in a fresh interpreter so that its peak memory (max RSS) is its own.
Run: ``make bench`` or ``.venv/bin/python bench/render_scale.py [SIZES...]``.
"""

import resource
import subprocess
import sys
import time

from bot.core.papers import dump_papers, duplicate_pairs, load_papers
from bot.core.schema import schema_problems
from bot.core.table import render_table

SIZES = (1_000, 10_000, 100_000)


def synthetic_papers(count: int) -> list[dict]:
    return [
        {
            "title": f"Synthetic Paper {i}: Tracking Every Instance in Video Number {i}",
            "year": 2000 + i % 25,
            "venue": "CVPR",
            "problem": "VIS",
            "relevance": f"Line one of paper {i}\nline two",
            "datasets": ["YouTube-VIS 2019", "OVIS"],
            "code_available": i % 2 == 0,
            "paper_url": f"https://arxiv.org/abs/{2300 + i // 100_000}.{i % 100_000:05d}",
            "code_url": f"https://github.com/example/paper-{i}",
        }
        for i in range(count)
    ]


def measure(count: int) -> None:
    """One size, in this process: the work `python -m bot check` and `render` do."""
    text = dump_papers(synthetic_papers(count))
    started = time.perf_counter()
    papers = load_papers(text)
    loaded = time.perf_counter()
    problems = [p for paper in papers for p in schema_problems(paper)] + duplicate_pairs(papers)
    checked = time.perf_counter()
    table = render_table(papers)
    rendered = time.perf_counter()
    assert not problems and table.count("\n") == count + 2
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{count},{loaded - started:.3f},{checked - loaded:.3f},{rendered - checked:.3f},"
        f"{rendered - started:.3f},{peak_mib:.0f}"
    )


def main(sizes: list[int]) -> None:
    print(f"{'papers':>8} {'load s':>8} {'validate s':>10} {'render s':>9} {'total s':>8}", end="")
    print(f" {'us/paper':>9} {'peak MiB':>9}")
    for count in sizes:
        line = subprocess.run(
            [sys.executable, __file__, "--one", str(count)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        n, load, validate, render, total, peak = line.split(",")
        per_paper = float(total) / int(n) * 1e6
        print(
            f"{int(n):>8} {load:>8} {validate:>10} {render:>9} {total:>8}"
            f" {per_paper:>9.1f} {peak:>9}"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        measure(int(sys.argv[2]))
    else:
        main([int(arg) for arg in sys.argv[1:]] or list(SIZES))
