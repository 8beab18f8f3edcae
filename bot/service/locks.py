"""One job at a time per issue: a lock shared through the queue's own backend.

Two worker threads, or two workers on Redis, may run ``issues.opened`` and
``issues.labeled`` of one issue at once; the lifecycle controller takes the
issue's lock for the whole job so that they run one after the other. The
lock lives where the jobs do (the SQLite file, or Redis), so it holds across
processes and machines. A holder that died keeps it only until it expires
(``TTL``), or, on this machine, only until a waiter sees that its process is
gone (a worker killed mid-job and started again goes on at once).
"""

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from huey import Huey
from huey.storage import RedisStorage, SqliteStorage

# Longer than any job (GitHub's retries wait at most a couple of minutes).
TTL_SECONDS = 600
# How long a job waits for another on the same issue before it is retried later.
WAIT_SECONDS = 120
_POLL_SECONDS = 0.05
_HOST = socket.gethostname()
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""
# Take over an abandoned lock only if it still holds the token that was judged abandoned.
_TAKE_OVER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('set', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0
"""


class LockBusy(RuntimeError):
    """Another job held the issue's lock for longer than a job waits; try again later."""


class Locks:
    """Named locks on a huey queue's storage (SQLite, Redis, or memory for inline runs)."""

    def __init__(self, huey: Huey) -> None:
        self.huey = huey

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        key = f"{self.huey.name}.issue-lock.{name}"
        token = f"{time.time() + TTL_SECONDS:.3f} {_HOST} {os.getpid()} {uuid.uuid4().hex}"
        deadline = time.monotonic() + WAIT_SECONDS
        while not self._acquire(key, token):
            if time.monotonic() > deadline:
                raise LockBusy(f"{name} is busy with another job")
            time.sleep(_POLL_SECONDS)
        try:
            yield
        finally:
            self._release(key, token)

    def _acquire(self, key: str, token: str) -> bool:
        storage = self.huey.storage
        if isinstance(storage, SqliteStorage):
            return self._acquire_sqlite(storage, key, token)
        if isinstance(storage, RedisStorage):
            return self._acquire_redis(storage, key, token)
        return storage.put_if_empty(key, token.encode())

    def _acquire_redis(self, storage: RedisStorage, key: str, token: str) -> bool:
        if storage.conn.set(key, token, nx=True, ex=TTL_SECONDS):
            return True
        held = storage.conn.get(key)
        if held is None or not _abandoned(held.decode()):
            return False
        return bool(storage.conn.eval(_TAKE_OVER, 1, key, held, token, TTL_SECONDS))

    def _acquire_sqlite(self, storage: SqliteStorage, key: str, token: str) -> bool:
        with storage.db(commit=True) as cursor:  # begin exclusive: read and write as one
            row = cursor.execute(
                "select value from kv where queue = ? and key = ?", (storage.name, key)
            ).fetchone()
            if row is not None and not _abandoned(bytes(row[0]).decode()):
                return False
            cursor.execute(
                "insert or replace into kv (queue, key, value) values (?, ?, ?)",
                (storage.name, key, token.encode()),
            )
            return True

    def _release(self, key: str, token: str) -> None:
        storage = self.huey.storage
        if isinstance(storage, SqliteStorage):
            with storage.db(commit=True) as cursor:
                cursor.execute(
                    "delete from kv where queue = ? and key = ? and value = ?",
                    (storage.name, key, token.encode()),
                )
        elif isinstance(storage, RedisStorage):
            storage.conn.eval(_RELEASE, 1, key, token)
        else:
            storage.delete_data(key)


def _abandoned(token: str) -> bool:
    """Expired, or held by a process of this machine that no longer runs."""
    expiry, host, pid, _ = token.split(" ")
    if float(expiry) < time.time():
        return True
    if host != _HOST:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
