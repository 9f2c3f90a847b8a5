"""One authenticated socket: whose it is, which notes it holds, how fast it may send."""

import time
from collections import deque
from dataclasses import dataclass, field

from .. import protocol as p

# A drag's frames can arrive bunched after a hiccup on the room's Wi-Fi: its refused frames
# weigh a tenth of other refused messages before a socket is cut off.
DRAG_STRIKE_FACTOR = 10


class TokenBucket:
    """Allows `burst` actions at once, refilled at `rate` per second."""

    def __init__(self, burst, rate):
        self.capacity, self.rate = burst, rate
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self):
        """True when one more action is allowed now."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Strikes:
    """Refused messages within a sliding window: a flood is cut off, old bursts are forgotten.

    A long workshop sees a person rate-limited now and then (a double-click storm, a
    phone replaying its outbox); only `limit` refusals within `window` seconds
    disconnect, so those never add up to a disconnection hours later.
    """

    def __init__(self, limit, window, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.times = deque()

    def add(self):
        """Count one refusal; True when there are now more than `limit` in the window."""
        now = self.clock()
        self.times.append(now)
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()
        return len(self.times) > self.limit


@dataclass
class Connection:
    """One authenticated socket: whose it is and how fast it may send."""

    workshop_id: str
    participant_id: str
    commands: TokenBucket
    moves: TokenBucket
    drags: TokenBucket
    strikes: Strikes
    drag_strikes: Strikes  # refused drag frames: bunched frames of a real drag are no flood
    held: set = field(default_factory=set)  # notes this socket holds while dragging
    facilitator: bool = False  # may send what only a facilitator sends (the pointer)
    links: object = None  # adds this viewer's links to its snapshots (`links.add_links`)
    language: str = "nl"  # the viewer's interface language: the `text` of its refusals

    @classmethod
    def open(cls, workshop_id, participant_id, config):
        """A connection with the configured rate limits (`COMMAND_BURST`, `COMMAND_RATE`, …)."""
        return cls(
            workshop_id,
            participant_id,
            TokenBucket(config["COMMAND_BURST"], config["COMMAND_RATE"]),
            TokenBucket(config["MOVE_BURST"], config["MOVE_RATE"]),
            TokenBucket(config["DRAG_BURST"], config["DRAG_RATE"]),
            Strikes(int(config["STRIKE_LIMIT"]), float(config["STRIKE_WINDOW"])),
            Strikes(DRAG_STRIKE_FACTOR * int(config["STRIKE_LIMIT"]), float(config["STRIKE_WINDOW"])),
        )

    def admits(self, bucket):
        """True when rate `bucket` (one of `protocol.BUCKETS`) lets one more message through."""
        return {p.COMMAND_BUCKET: self.commands, p.MOVE_BUCKET: self.moves, p.DRAG_BUCKET: self.drags}[bucket].take()

    def strike(self, bucket):
        """Count a message refused by `bucket`; True when that was one too many: cut it off."""
        return (self.drag_strikes if bucket == p.DRAG_BUCKET else self.strikes).add()


@dataclass(frozen=True)
class Sender:
    """Who sent a command, and what its runner may need: the store, the holds, the socket."""

    workshops: object
    holds: object
    connection: Connection
    sid: str
