"""Keeping this process's cached workshops current with the changes other processes make.

Each change the domain makes from its inputs alone (a command, someone joining) is told
to the other processes as those inputs: the workshop, the `seq` it started from, what
ran with which arguments, and a digest of its events. A process holding that workshop at
that `seq` runs the same on its copy and keeps the copy only when the digests match; in
any other case it forgets the copy and reads the workshop again when next needed. So a
told change can make a copy current, never wrong: the `seq` guard still checks every
change. The messages go between server processes through Redis, never to a client: they
carry what the database holds (who wrote a note, anonymous or not).
"""

import contextlib
import hashlib
import json

from .. import domain

# What a told change runs on the copy, by kind; the domain's functions take `now`, so
# the same inputs make the same change (a uuid the domain draws shows in the digest).
REPLAYS = {
    "command": domain.apply,  # (actor_id, name, payload, now)
    "join": domain.join,  # (participant_id, name, role, now)
}


def digest(events):
    """A short fingerprint of events: everything every viewer and the owner would get."""
    text = json.dumps(
        [[e.type, e.data, e.seq, e.owner, e.own, e.command_id] for e in events],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Mirror:
    """Telling the other processes this one's changes, and hearing theirs."""

    def __init__(self, cache):
        self.cache = cache
        # `tell(message)` sends a message to the other processes; None for a process alone.
        self.tell = None
        # `telling(message)`, a context: the events published inside carry the message to
        # the other processes (`messaging.OrderedRedisManager.telling`); None: told after.
        self.telling = None

    @contextlib.contextmanager
    def telling_others(self, workshop_id, events, replay):
        """Around publishing `events`, stored and under the workshop's lock: the other
        processes are told the change with its events, or right after them."""
        if (self.tell is None and self.telling is None) or not events or replay is None:
            yield
            return
        kind, args = replay
        message = {
            "workshop": workshop_id,
            "before": events[0].seq - 1,
            "kind": kind,
            "args": list(args),
            "digest": digest(events),
        }
        if self.telling is None:
            yield
            self.tell(message)
            return
        with self.telling(message):
            yield

    def hear(self, message):
        """Another process told a change: run it on this process's copy, or forget the copy.

        Returns True when the copy is current with the change afterwards (it ran here, or
        the copy was read after it), False when there was no copy or it was forgotten.
        """
        workshop_id = message.get("workshop") if isinstance(message, dict) else None
        if not isinstance(workshop_id, str) or workshop_id not in self.cache:
            return False
        with self.cache.lock(workshop_id):
            cached = self.cache.get(workshop_id)
            if cached is None:
                return False
            before = message.get("before")
            if isinstance(before, int) and cached.seq > before:
                return True  # read from the database after that change: it holds it
            if cached.seq == before and self._replayed(cached, message):
                return True
            self.cache.forget(workshop_id)
            return False

    @staticmethod
    def _replayed(workshop, message):
        try:
            events = REPLAYS[message["kind"]](workshop, *message["args"])
            return digest(events) == message["digest"]
        except Exception:  # whatever went wrong, the caller forgets the copy
            return False
