"""A scrapy-redis priority queue whose pops are leases, put back when their worker dies."""

from __future__ import annotations

from typing import Any

from scrapy.http import Request
from scrapy_redis.queue import PriorityQueue

# Pop the best request and record it, atomically, as in flight for worker ARGV[1].
_LEASE = """
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return false end
local ticket = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[2], ticket, popped[1])
redis.call('HSET', KEYS[3], ticket, popped[2] .. '|' .. ARGV[1])
return {tostring(ticket), popped[1]}
"""

# Mark a request seen (set KEYS[1]) and queue it, in one step: a worker dying between the two
# would leave a request that every worker thinks is queued.
_PUSH_UNSEEN = """
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 1
"""

# Put leases back in the queue: those of worker ARGV[2], or (ARGV[2] empty) those whose
# worker's heartbeat key ARGV[1]..worker has expired.
_REQUEUE = """
local owners = redis.call('HGETALL', KEYS[3])
local moved = 0
for i = 1, #owners, 2 do
  local ticket, value = owners[i], owners[i + 1]
  local sep = string.find(value, '|', 1, true)
  local score, worker = string.sub(value, 1, sep - 1), string.sub(value, sep + 1)
  local gone
  if ARGV[2] ~= '' then
    gone = worker == ARGV[2]
  else
    gone = redis.call('EXISTS', ARGV[1] .. worker) == 0
  end
  if gone then
    local payload = redis.call('HGET', KEYS[2], ticket)
    if payload then redis.call('ZADD', KEYS[1], score, payload) end
    redis.call('HDEL', KEYS[2], ticket)
    redis.call('HDEL', KEYS[3], ticket)
    moved = moved + 1
  end
end
return moved
"""


def inflight_key(queue_key: str) -> str:
    """Return the key of the hash of requests leased from the queue ``queue_key``."""
    return f"{queue_key}:inflight"


class LeasedQueue(PriorityQueue):
    """Per-spider queue in Redis: a sorted set of requests plus a hash of leased ones."""

    def __init__(self, server: Any, spider: Any, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.inflight_key = inflight_key(self.key)
        self.owners_key = f"{self.key}:owners"
        self.counter_key = f"{self.key}:tickets"
        self._lease = server.register_script(_LEASE)
        self._requeue = server.register_script(_REQUEUE)
        self._push_unseen = server.register_script(_PUSH_UNSEEN)

    def _keys(self) -> list[str]:
        return [self.key, self.inflight_key, self.owners_key, self.counter_key]

    def lease(self, worker: str) -> tuple[str, Request] | None:
        """Pop the highest-priority request as a lease of ``worker``; None when empty."""
        found = self._lease(keys=self._keys(), args=[worker])
        if not found:
            return None
        ticket, payload = found
        return ticket.decode() if isinstance(ticket, bytes) else str(ticket), \
            self._decode_request(payload)

    def push_unseen(self, request: Request, seen_key: str, fingerprint: str) -> bool:
        """Queue a request unless its fingerprint is in ``seen_key``; True when queued."""
        payload = self._encode_request(request)
        return bool(self._push_unseen(keys=[self.key, seen_key],
                                      args=[fingerprint, -request.priority, payload]))

    def release(self, ticket: str) -> None:
        """Forget a finished lease."""
        pipe = self.server.pipeline()
        pipe.hdel(self.inflight_key, ticket).hdel(self.owners_key, ticket)
        pipe.execute()

    def requeue_dead(self, heartbeat_prefix: str) -> int:
        """Put back the leases of workers whose heartbeat has expired; return how many."""
        return int(self._requeue(keys=self._keys(), args=[heartbeat_prefix, ""]))

    def requeue_worker(self, worker: str) -> int:
        """Put back every lease still held by ``worker``; return how many."""
        return int(self._requeue(keys=self._keys(), args=["", worker]))

    def in_flight(self) -> int:
        """Return how many requests are leased by any worker."""
        return int(self.server.hlen(self.inflight_key))

    def clear(self) -> None:
        """Delete the queue and its leases."""
        self.server.delete(*self._keys())
