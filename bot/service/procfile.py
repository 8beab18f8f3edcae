"""The Procfile: the one place that says how the service's processes start.

``python -m bot serve``, the sandbox and the tests run its lines the way a
Procfile platform does (each through ``sh -c``, ``PORT`` in the environment),
so what runs locally is the production command line, not a look-alike. Each
line is one command, which the shell ``exec``s: the process we wait for is
gunicorn or the worker itself, not a shell that a signal kills first.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from bot.core import paths

PROCFILE = paths.PROCFILE


def read(path: Path = PROCFILE) -> dict[str, str]:
    """Process type -> command line, in the file's order (``#`` comments skipped)."""
    processes = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, command = line.partition(":")
        if sep and name.strip() and not name.lstrip().startswith("#"):
            processes[name.strip()] = command.strip()
    return processes


def environment(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` with this interpreter's bin directory first on PATH (gunicorn, python)."""
    bin_dir = str(Path(sys.executable).parent)
    return {**env, "PATH": os.pathsep.join([bin_dir, env.get("PATH", os.defpath)])}


def start(
    command: str,
    env: Mapping[str, str],
    *,
    stdout: IO[bytes] | int | None = None,
    stderr: IO[bytes] | int | None = None,
) -> subprocess.Popen[bytes]:
    """One process, as a platform starts it, in its own process group (see ``stop``)."""
    return subprocess.Popen(
        ["sh", "-c", f"exec {command}"],
        env=environment(env),
        cwd=paths.ROOT,
        stdin=subprocess.DEVNULL,
        stdout=stdout,
        stderr=stderr,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> int:
    """SIGTERM to the whole group (the shell, gunicorn and its workers), SIGKILL if it lingers.

    30 s, as Procfile platforms give, is enough for a worker to finish its job.
    """
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout)
            break
        except subprocess.TimeoutExpired:
            continue
    return process.wait()


def run_all(env: Mapping[str, str], path: Path = PROCFILE) -> int:
    """Run every process of the Procfile until one ends or we are told to stop.

    Then stop the others; the exit status is the first non-zero one, as
    honcho or foreman would report it.
    """
    processes = {name: start(command, env) for name, command in read(path).items()}
    stopping: list[int] = []

    def request_stop(signum: int, frame: object) -> None:
        stopping.append(signum)

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stopping and all(p.poll() is None for p in processes.values()):
            time.sleep(0.2)
    finally:
        codes = [stop(process) for process in processes.values()]
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    ended = [code for code in codes if code not in (0, -signal.SIGTERM)]
    return 0 if stopping else next(iter(ended), 0)
