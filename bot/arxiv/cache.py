"""arXiv records kept for a day, by id: an edit, the approval and reconcile ask arXiv once.

A record changes rarely (a new version, a journal reference added), so a day
old is fresh enough, and arXiv's rate limit makes every request count. Only
records are kept: a lookup that failed is tried again next time. With a
Redis queue the records are kept in Redis, for every worker; otherwise in
the worker process.
"""

import dataclasses
import json
import threading
import time
from abc import ABC, abstractmethod

import redis

from bot.arxiv.gate import KEY_PREFIX
from bot.core.metadata import ArxivRecord

LIFETIME_SECONDS = 24 * 60 * 60


class Cache(ABC):
    @abstractmethod
    def get(self, arxiv_id: str) -> ArxivRecord | None: ...

    @abstractmethod
    def put(self, record: ArxivRecord) -> None: ...


class MemoryCache(Cache):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, tuple[float, ArxivRecord]] = {}

    def get(self, arxiv_id: str) -> ArxivRecord | None:
        with self._lock:
            expires, record = self._records.get(arxiv_id, (0.0, None))
            if expires <= time.monotonic():
                self._records.pop(arxiv_id, None)
                return None
            return record

    def put(self, record: ArxivRecord) -> None:
        with self._lock:
            self._records[record.arxiv_id] = (time.monotonic() + LIFETIME_SECONDS, record)


class RedisCache(Cache):
    def __init__(self, connection: redis.Redis) -> None:
        self._redis = connection

    def get(self, arxiv_id: str) -> ArxivRecord | None:
        stored = self._redis.get(f"{KEY_PREFIX}record:{arxiv_id}")
        return ArxivRecord(**json.loads(stored)) if stored else None

    def put(self, record: ArxivRecord) -> None:
        text = json.dumps(dataclasses.asdict(record))
        self._redis.set(f"{KEY_PREFIX}record:{record.arxiv_id}", text, ex=LIFETIME_SECONDS)
