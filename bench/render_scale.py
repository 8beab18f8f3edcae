"""``render`` and ``check`` of synthetic lists of 1k, 10k and 100k papers, beside the floor.

The floor is PyYAML's C loader alone parsing the same data file (plain
``yaml.load(text, Loader=yaml.CSafeLoader)``), also shown with the garbage
collector paused, as ``load_papers`` pauses it; ``check`` is the real command
on a checkout holding the list, its README and its year pages, timed in
turn with the floors in one process (best of 3; of 1 at 100,000 papers),
``render`` once before. The target: ``check`` of 10,000 papers at most 1.5x
the plain floor. Each size runs in a fresh interpreter so that its peak
memory (max RSS, the list's generation included) is its own.
Run: ``make bench`` or ``.venv/bin/python bench/render_scale.py [SIZES...]``.
"""

import argparse
import contextlib
import gc
import io
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.synthetic, from a checkout

from bench.synthetic import synthetic_papers
from bot.checkout import check, render
from bot.core import paths
from bot.core.pages import PAGES_DIR
from bot.core.papers import dump_papers

SIZES = (1_000, 10_000, 100_000)
TARGET = 1.5


def seconds(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def measure(count: int) -> None:
    """One size, in this process: render once, then the floors and check in turn."""
    root = Path(tempfile.mkdtemp(prefix="render-scale-"))
    try:
        for name in (paths.README_IN_REPO, paths.SCHEMA_IN_REPO, *paths.FORMS_IN_REPO):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(paths.ROOT / name, root / name)
        text = dump_papers(synthetic_papers(count))
        (root / paths.DATA_IN_REPO).parent.mkdir(parents=True)
        (root / paths.DATA_IN_REPO).write_text(text, encoding="utf-8")
        checkout = argparse.Namespace(root=root)
        with contextlib.redirect_stdout(io.StringIO()):
            rendered = seconds(lambda: _passes(render(checkout)))
            floors, paused, checks = [], [], []
            for _ in range(3 if count <= 10_000 else 1):  # in turn: all see the same machine
                floors.append(seconds(lambda: yaml.load(text, Loader=yaml.CSafeLoader)))
                gc.disable()
                paused.append(seconds(lambda: yaml.load(text, Loader=yaml.CSafeLoader)))
                gc.enable()
                checks.append(seconds(lambda: _passes(check(checkout))))
        pages = len(list((root / PAGES_DIR).glob("*.md")))
    finally:
        shutil.rmtree(root)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    megabytes = len(text.encode()) / 1e6
    figures = [min(floors), min(paused), min(checks), rendered]
    print(",".join([str(count), f"{megabytes:.1f}", str(pages), *(f"{f:.3f}" for f in figures)]))
    print(f"{peak_mib:.0f}")


def _passes(code: int) -> None:
    assert code == 0, "the command failed on the synthetic list"


COLUMNS = (
    ("papers", 8),
    ("data MB", 8),
    ("pages", 6),
    ("yaml C s", 9),
    ("gc paused s", 12),
    ("check s", 8),
    ("ratio", 6),
    ("to paused", 10),
    ("check us/paper", 15),
    ("render s", 9),
    ("peak MiB", 9),
)


def main(sizes: list[int]) -> None:
    print(" ".join(f"{title:>{width}}" for title, width in COLUMNS))
    for count in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(count)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        n, megabytes, pages, floor, paused, checked, rendered = out[0].split(",")
        ratio = float(checked) / float(floor)
        cells = [
            f"{int(n):,}",
            megabytes,
            pages,
            floor,
            paused,
            checked,
            f"{ratio:.2f}",
            f"{float(checked) / float(paused):.2f}",
            f"{float(checked) / int(n) * 1e6:.1f}",
            rendered,
            out[1],
        ]
        print(" ".join(f"{cell:>{width}}" for cell, (_, width) in zip(cells, COLUMNS, strict=True)))
        if int(n) == 10_000 and ratio > TARGET:
            print(f"  check of 10,000 papers is over {TARGET}x the floor")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        measure(int(sys.argv[2]))
    else:
        main([int(arg) for arg in sys.argv[1:]] or list(SIZES))
