"""How a change of a workshop runs alone, in order, in every process.

Every command runs under the workshop's lock, in one transaction that applies the domain
and stores the change with the new `seq` (the `seq` update is guarded by the `seq` the
change started from, which proves the cached aggregate was current), and publishes the
events before the lock is released, so every viewer sees changes in `seq` order. On
PostgreSQL the workshop's advisory lock (`Database.serialised`) spans the transaction and
the publishing, and a change of a cached workshop goes to the server in one round trip.
"""

import contextlib
import copy

from sqlalchemy import exc

from .. import domain
from .outage import unreachable
from .persist import FIXED, SAVE_SEQ, SAVE_SEQ_OR_FAIL
from .postgres import Binder, advisory, keeping, lock_and_commit, lock_key
from .rows import load_workshop, now_iso

TOGETHER_ATTEMPTS = 5  # a change over several workshops whose set keeps changing gives up


class _Stale(Exception):
    """The cached aggregate was behind the database; nothing was stored."""


class Locking:
    """One change of a workshop at a time, in `seq` order, its events published in turn."""

    def __init__(self, database, cache, mirror):
        self.database, self.cache, self.mirror = database, cache, mirror
        # On PostgreSQL a change of a cached workshop binds its fixed statements itself.
        self.binder = Binder(database.engine.dialect, FIXED) if database.postgres else None

    def change(self, workshop_id, change, publish, replay=None):
        """Run `change(conn, workshop)` alone and in order; returns (events, seq).

        `replay` = (kind, args) names what made the change from its inputs alone
        (`mirror.REPLAYS`), so other processes can run it on their cached copies.
        """
        with self.cache.lock(workshop_id):
            if self.database.postgres and workshop_id in self.cache:
                try:
                    with self.database.serialised(workshop_id, take_locks=False) as conn:
                        events, workshop = self._try_at_once(conn, workshop_id, change, self.cache.get(workshop_id))
                        return self._changed(workshop, events, publish, replay)
                except _Stale:
                    pass  # the copy was behind: read the workshop, with the lock taken first
            with self.database.serialised(workshop_id) as conn:
                cached = self.cache.get(workshop_id)
                try:
                    events, workshop = self._try_change(conn, workshop_id, change, cached)
                except _Stale:
                    # Another process changed the workshop since we cached it: load and again.
                    events, workshop = self._try_change(conn, workshop_id, change, None)
                return self._changed(workshop, events, publish, replay)

    def _changed(self, workshop, events, publish, replay):
        """A change is stored: keep the aggregate, publish its events and tell the other
        processes (with the events, `mirror`), all before the workshop's locks are released;
        returns (events, seq)."""
        self.cache.keep(workshop)
        with self.mirror.telling_others(workshop.id, events, replay):
            if events and publish is not None:
                publish(workshop.id, events)
        return events, workshop.seq

    def change_together(self, members, change, publish):
        """One change over several workshops at once: the sessions holding a shared action.

        `members(conn)` names the workshops. Their locks are taken in id order, so two such
        changes never wait on each other crosswise; if the set changed before the locks
        were held (a follow-up made, a session deleted), it starts again with the new set.
        `change(conn, workshops)` gets the aggregates by id and returns their events by id;
        every workshop's new `seq` is saved in the one transaction, and each workshop's
        events are published before the locks are released. Returns (events, seqs) by id.
        """
        with self.database.reading() as conn:
            ids = sorted(set(members(conn)))
        for _attempt in range(TOGETHER_ATTEMPTS):
            if not ids:
                raise domain.DomainError("not_found", "Not found.", key="refusal_workshop_gone")
            with contextlib.ExitStack() as held:
                for workshop_id in ids:
                    held.enter_context(self.cache.lock(workshop_id))
                conn = held.enter_context(self.database.serialised(*ids))
                try:
                    with conn.begin():
                        found = sorted(set(members(conn)))
                        if found != ids:
                            ids = found
                            continue
                        workshops = {workshop_id: self.current(conn, workshop_id) for workshop_id in ids}
                        before = {workshop_id: w.seq for workshop_id, w in workshops.items()}
                        events = change(conn, workshops)
                        for workshop_id, changes in events.items():
                            if (
                                changes
                                and conn.execute(
                                    SAVE_SEQ,
                                    {
                                        "workshop": workshop_id,
                                        "seq": workshops[workshop_id].seq,
                                        "before": before[workshop_id],
                                        "updated_at": now_iso(),
                                    },
                                ).rowcount
                                != 1
                            ):
                                raise RuntimeError("a workshop changed under its lock")
                except Exception:
                    for workshop_id in ids:  # an aggregate may hold a change never stored
                        self.cache.forget(workshop_id)
                    raise
                for workshop in workshops.values():
                    self.cache.keep(workshop)
                if publish is not None:
                    for workshop_id, changes in events.items():
                        if changes:
                            publish(workshop_id, changes)
                return events, {workshop_id: w.seq for workshop_id, w in workshops.items()}
        raise RuntimeError("the workshops of a change kept changing")

    def _try_change(self, conn, workshop_id, change, cached):
        """Run `change` in one transaction; returns (events, workshop).

        With `cached`, the aggregate is trusted without reading the database first:
        the seq update, guarded by the seq it started from, proves it was current
        (one statement less on every command). If it was not, `_Stale` is raised
        and nothing is stored. A refused command leaves the aggregate untouched
        (the domain checks before it changes), so the cache stays.
        """
        try:
            with conn.begin():
                workshop = cached if cached is not None else self.current(conn, workshop_id)
                before = workshop.seq
                try:
                    events = change(conn, workshop)
                except domain.DomainError:
                    if cached is not None and self.database.seq(conn, workshop_id) != before:
                        raise _Stale() from None
                    raise
                if events:
                    saved = conn.execute(
                        SAVE_SEQ,
                        {"workshop": workshop_id, "seq": workshop.seq, "before": before, "updated_at": now_iso()},
                    )
                    if saved.rowcount != 1:
                        raise _Stale()
                elif cached is not None and self.database.seq(conn, workshop_id) != before:
                    raise _Stale()
            return events, workshop
        except domain.DomainError:
            raise
        except Exception as error:
            # The aggregate may now hold a change that was never stored.
            self.cache.forget(workshop_id)
            if cached is not None and not unreachable(error):
                raise _Stale() from None  # perhaps it was out of date: load it and try again
            raise

    def _try_at_once(self, conn, workshop_id, change, cached):
        """`_try_change` on PostgreSQL with a cached aggregate, in one round trip.

        The change's statements are kept, not sent (`postgres.keeping`; the change runs
        them on the `Keeper`, which binds the fixed ones itself), then go to the
        server as one query with the workshop's advisory lock, BEGIN, the guarded `seq`
        update (`SAVE_SEQ_OR_FAIL`) and COMMIT around them: one at a time they cost six
        round trips before the events could be published, each a wait for the server
        and then for this process's turn again. A guard or statement that fails stores
        nothing and means the aggregate may have been behind: `_Stale` (the caller runs
        the change again the usual way). A refusal, or a change with no events, stands
        only when the stored `seq` is the cached one. `Database.serialised` releases the lock
        (if a failure came before it was taken, releasing it only draws a warning).
        """
        before = cached.seq
        key = lock_key(workshop_id)
        refused = None
        with keeping(conn, self.binder) as kept:
            try:
                events = change(kept, cached)
            except domain.DomainError as error:
                refused = error
            except Exception:
                self.cache.forget(workshop_id)  # it may hold a change never stored
                raise
            else:
                if events:
                    kept.execute(
                        SAVE_SEQ_OR_FAIL,
                        {"workshop": workshop_id, "seq": cached.seq, "before": before, "updated_at": now_iso()},
                    )
        conn.rollback()  # SQLAlchemy's side of the statements kept: nothing was sent
        if refused is not None or not events:
            advisory(conn, "pg_advisory_lock", [key])
            current = self.database.seq(conn, workshop_id)
            conn.rollback()
            if current != before:
                self.cache.forget(workshop_id)
                raise _Stale()
            if refused is not None:
                raise refused
            return events, cached
        try:
            lock_and_commit(conn, [key], kept.statements)
        except exc.DBAPIError as error:
            self.cache.forget(workshop_id)  # it holds a change never stored
            if unreachable(error):
                raise
            raise _Stale() from None  # the guard failed, or a statement did
        return events, cached

    def current(self, conn, workshop_id):
        """The workshop as stored now: the cached aggregate when its seq is current."""
        seq = self.database.seq(conn, workshop_id)
        if seq is None:
            raise domain.DomainError("not_found", "Workshop not found.", key="refusal_workshop_gone")
        cached = self.cache.get(workshop_id)
        if cached is None or cached.seq != seq:
            cached = load_workshop(conn, workshop_id)
        self.cache.keep(cached)
        return cached

    def workshop(self, workshop_id):
        """A copy of the current aggregate of a workshop, read under its lock."""
        with self.cache.lock(workshop_id), self.database.reading() as conn:
            return copy.deepcopy(self.current(conn, workshop_id))
