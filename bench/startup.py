"""Start-up time of the command line: ``python -m bot --help`` and ``python -m bot check``.

Each command runs as a fresh process on the committed list, several times;
the median and the worst wall-clock time are printed (target: 0.3 s each).
Run: ``.venv/bin/python bench/startup.py``.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 10
COMMANDS = (["--help"], ["check"])


def seconds(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", *arguments], cwd=ROOT, check=True, capture_output=True
    )
    return time.perf_counter() - started


def main() -> None:
    print(f"{'command':<24} {'median s':>9} {'max s':>7}")
    for arguments in COMMANDS:
        times = [seconds(arguments) for _ in range(ROUNDS)]
        name = "python -m bot " + " ".join(arguments)
        print(f"{name:<24} {statistics.median(times):>9.3f} {max(times):>7.3f}")


if __name__ == "__main__":
    main()
