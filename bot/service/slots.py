"""The write pacer's windows in Redis, so that every worker of a deployment shares them.

One sorted set of write times per installation (and a "blocked until" key
for GitHub's ``Retry-After``), checked and updated by one Lua script, so two
workers never both take the last slot of a window.
"""

import time
import uuid

import redis

from bot.github.pacing import Limits

_RESERVE = """
local now = tonumber(ARGV[1])
local blocked = tonumber(redis.call('get', KEYS[2]) or '0')
if blocked > now then return tostring(blocked - now) end
local longest = 0
for i = 3, #ARGV, 2 do
  local seconds = tonumber(ARGV[i + 1])
  if seconds > longest then longest = seconds end
end
redis.call('zremrangebyscore', KEYS[1], '-inf', now - longest)
for i = 3, #ARGV, 2 do
  local count, seconds = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local inside = redis.call('zcount', KEYS[1], now - seconds, '+inf')
  if inside >= count then
    local oldest = redis.call('zrangebyscore', KEYS[1], now - seconds, '+inf',
                              'WITHSCORES', 'LIMIT', inside - count, 1)
    return tostring(tonumber(oldest[2]) + seconds - now)
  end
end
redis.call('zadd', KEYS[1], now, ARGV[2])
redis.call('expire', KEYS[1], math.ceil(longest) + 1)
return '0'
"""


class RedisSlots:
    """``bot.github.pacing.Slots`` on the queue's Redis server."""

    def __init__(self, url: str, prefix: str) -> None:
        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self._reserve = self.redis.register_script(_RESERVE)

    def reserve(self, key: str, limits: Limits) -> float:
        windows = [str(number) for pair in limits for number in pair]
        keys = [f"{self.prefix}.writes.{key}", f"{self.prefix}.blocked.{key}"]
        answer = self._reserve(keys=keys, args=[repr(time.time()), uuid.uuid4().hex, *windows])
        return float(answer)

    def block(self, key: str, seconds: float) -> None:
        until = time.time() + seconds
        blocked = f"{self.prefix}.blocked.{key}"
        self.redis.set(blocked, repr(until), ex=int(seconds) + 1)
