"""Who is dragging which note: a hold per note, for a few seconds after the last frame.

Volatile like the frames that renew it: in this process's memory, or in Redis (a key per
note with a time to live) when several processes share the workshops.
"""

import threading
import time

from .messaging import redis_client

HOLD_SECONDS = 3.0
PREFIX = "cocreate:hold"

# Take the hold when it is free or already ours; otherwise answer who has it.
TAKE = """
local current = redis.call('GET', KEYS[1])
if (not current) or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return false
end
return current
"""
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def open_holds(message_queue, seconds=HOLD_SECONDS):
    """Holds shared through Redis when the message queue is Redis, else in this process."""
    if isinstance(message_queue, str) and message_queue.startswith(("redis://", "rediss://", "unix://")):
        return SharedHolds(message_queue, seconds)
    return LocalHolds(seconds)


class LocalHolds:
    """Holds of one process, in memory."""

    def __init__(self, seconds=HOLD_SECONDS, clock=time.monotonic):
        self.seconds, self.clock = seconds, clock
        self._held = {}  # (workshop, note) -> (holder, expires at)
        self._guard = threading.Lock()

    def take(self, workshop_id, note_id, holder_id):
        """Hold the note for `holder_id` (or renew it); returns the other holder's id, or None."""
        now = self.clock()
        key = (workshop_id, note_id)
        with self._guard:
            current = self._held.get(key)
            if current and current[0] != holder_id and current[1] > now:
                return current[0]
            self._held[key] = (holder_id, now + self.seconds)
            if len(self._held) > 1024:
                self._forget_expired(now)
        return None

    def holder(self, workshop_id, note_id):
        """Who holds the note now, or None."""
        current = self._held.get((workshop_id, note_id))
        return current[0] if current and current[1] > self.clock() else None

    def release(self, workshop_id, note_id, holder_id):
        """Let go of the note if `holder_id` holds it."""
        with self._guard:
            current = self._held.get((workshop_id, note_id))
            if current and current[0] == holder_id:
                del self._held[(workshop_id, note_id)]

    def _forget_expired(self, now):
        for key in [key for key, (_holder, until) in self._held.items() if until <= now]:
            del self._held[key]


class SharedHolds:
    """Holds shared by every process through Redis, each key expiring by itself."""

    def __init__(self, url, seconds=HOLD_SECONDS):
        import redis  # only needed with the Redis queue

        self.redis = redis_client(url)
        self.errors = redis.RedisError
        self.milliseconds = int(seconds * 1000)
        self._take = self.redis.register_script(TAKE)
        self._release = self.redis.register_script(RELEASE)
        self._fallback = LocalHolds(seconds)

    @staticmethod
    def _key(workshop_id, note_id):
        return f"{PREFIX}:{workshop_id}:{note_id}"

    def take(self, workshop_id, note_id, holder_id):
        """Hold the note for `holder_id` (or renew it); returns the other holder's id, or None."""
        try:
            other = self._take(keys=[self._key(workshop_id, note_id)], args=[holder_id, self.milliseconds])
        except self.errors:  # Redis away: this process's holds still keep its people apart
            return self._fallback.take(workshop_id, note_id, holder_id)
        return other.decode() if other else None

    def holder(self, workshop_id, note_id):
        """Who holds the note now, or None."""
        try:
            current = self.redis.get(self._key(workshop_id, note_id))
        except self.errors:
            return self._fallback.holder(workshop_id, note_id)
        return current.decode() if current else None

    def release(self, workshop_id, note_id, holder_id):
        """Let go of the note if `holder_id` holds it."""
        try:
            self._release(keys=[self._key(workshop_id, note_id)], args=[holder_id])
        except self.errors:
            self._fallback.release(workshop_id, note_id, holder_id)
