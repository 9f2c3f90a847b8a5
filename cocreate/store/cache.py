"""The workshops this process keeps in memory, the most recent ones, each with its lock.

A cached workshop is trusted only as far as the `seq` guard allows (`locking`): another
process may have changed it since.
"""

import threading
from collections import OrderedDict

CACHE_SIZE = 256


def keep_recent(kept, key, value, most):
    """Put `key` in the ordered dict `kept` as the most recent; forget the oldest past `most`."""
    kept[key] = value
    kept.move_to_end(key)
    while len(kept) > most:
        kept.popitem(last=False)


class Cache:
    """Cached workshop aggregates by id, and the lock each workshop's changes take here."""

    def __init__(self, size=CACHE_SIZE):
        self.size = size
        self._guard = threading.Lock()
        self._locks = {}
        self._workshops = OrderedDict()

    def lock(self, workshop_id):
        """The lock that lets one change (or read in turn) of a workshop run at a time here."""
        with self._guard:
            lock = self._locks.get(workshop_id)
            if lock is None:
                lock = self._locks[workshop_id] = threading.Lock()
            return lock

    def __contains__(self, workshop_id):
        return workshop_id in self._workshops

    def get(self, workshop_id):
        """The cached aggregate of a workshop, or None."""
        return self._workshops.get(workshop_id)

    def keep(self, workshop):
        """Cache `workshop` as the most recent one; the oldest past the size is forgotten."""
        keep_recent(self._workshops, workshop.id, workshop, self.size)

    def forget(self, workshop_id):
        """Drop a workshop's copy (it may hold a change that was never stored)."""
        self._workshops.pop(workshop_id, None)
