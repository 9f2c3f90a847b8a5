"""A series of sessions in the database: making a follow-up, changing an action the sessions
share, finding an action by its update link, and the sessions of a series.

Every session holding a shared action has its own row of it (the same id and `origin`);
a change to it runs over all of those sessions at once (`Locking.change_together`), so
the rows never differ and each session's viewers get an `action.edited` with that
session's own `seq`. Deleting a session removes its rows only: the action lives on in
the others, and its update link (made with `origin`) still opens it.
"""

import functools

from sqlalchemy import and_, or_, select, update

from .. import domain
from .. import protocol as p
from ..domain import series
from .persist import PERSIST
from .rows import insert_actions, insert_workshop, now_iso
from .schema import actions, workshops
from .tokens import new_id, with_free_join_code

# Commands that change an action in place: on a shared action they change every copy.
SHARED_COMMANDS = (p.ACTION_EDIT, p.ACTION_RELINK, p.ACTION_REVIEW)


class Shared(domain.DomainError):
    """Raised inside a workshop's change when its command touches a shared action: the
    command then runs again over every session holding it. (A `DomainError`, so the
    workshop's cached aggregate is kept: nothing was changed.)"""

    def __init__(self, action):
        super().__init__("shared", "The action is shared by the sessions of a series.")
        self.origin, self.action_id = action.origin, action.id


def refuse_if_shared(workshop, name, payload):
    """Raise `Shared` when command `name` would change an action other sessions hold too."""
    if name in SHARED_COMMANDS:
        action = workshop.actions.get(payload.get("id"))
        if action is not None and action.shared and not action.removed:
            raise Shared(action)


def _holders(origin, action_id):
    """The workshops holding a copy of one shared action (for `Locking.change_together`)."""

    def members(conn):
        return (
            conn.execute(select(actions.c.workshop_id).where(actions.c.origin == origin, actions.c.id == action_id))
            .scalars()
            .all()
        )

    return members


def _opened_by_link(workshop_id, action_id):
    """The workshops an update link made with `workshop_id` opens: every session holding the
    shared action, or the workshop itself while the action is its own."""

    def members(conn):
        return (
            conn.execute(
                select(actions.c.workshop_id).where(
                    actions.c.id == action_id,
                    or_(
                        actions.c.origin == workshop_id,
                        and_(actions.c.workshop_id == workshop_id, actions.c.origin.is_(None)),
                    ),
                )
            )
            .scalars()
            .all()
        )

    return members


def _copy_to_the_others(conn, held, acting_id, action_id, events):
    """Every other session takes the acting one's change of a shared action; all stored."""
    if events[acting_id]:
        source = held[acting_id].actions[action_id]
        for other_id, other in held.items():
            if other_id != acting_id:
                events[other_id] = series.follow_shared(other, source)
    for workshop_id, changes in events.items():
        for change in changes:
            PERSIST[change.type](conn, held[workshop_id], change)
    return events


class Series:
    """Follow-ups and shared actions."""

    def __init__(self, database, locking, members):
        self.database, self.locking, self.members = database, locking, members

    def create_follow_up(
        self, earlier_id, title, goal, language, format_key, facilitator_name, retention, date, publish=None
    ):
        """The next session of `earlier_id`'s series, carrying every action of it that is
        neither done nor dropped; returns (workshop, facilitator token).

        `language` and `format_key` may be None, `goal` empty: the earlier session's then.
        """
        made = []

        def change(conn, earlier, join_code):
            spoken = language or earlier.language
            fmt = format_key or earlier.format
            steps = [series.review_step(spoken)] + domain.steps_in_language(domain.load_format(fmt), spoken)
            now = now_iso()
            follow_up = domain.new_workshop(
                new_id(),
                join_code,
                title,
                goal or earlier.goal,
                spoken,
                fmt,
                steps,
                now,
                retention,
                follow_up_of=earlier.id,
                date=date,
            )
            events = series.share(earlier)
            for event in events:
                PERSIST[event.type](conn, earlier, event)
            carried = [series.carried_copy(action) for action in series.to_carry(earlier)]
            conn.execute(
                update(workshops)
                .where(workshops.c.id == earlier.id, workshops.c.series_id.is_(None))
                .values(series_id=earlier.id)
            )
            insert_workshop(conn, follow_up, now)
            conn.execute(
                update(workshops)
                .where(workshops.c.id == follow_up.id)
                .values(series_id=select(workshops.c.series_id).where(workshops.c.id == earlier.id).scalar_subquery())
            )
            # The carried actions come first, before anything the new session adds.
            insert_actions(conn, follow_up.id, carried, first=-len(carried))
            made.append(follow_up)
            return events

        with_free_join_code(
            lambda code: self.locking.change(earlier_id, functools.partial(change, join_code=code), publish)
        )
        _participant, token, _events = self.members.join(made[-1].id, facilitator_name, domain.FACILITATOR)
        return self.locking.workshop(made[-1].id), token

    def change_shared(self, acting_id, actor_id, name, payload, shared, publish):
        """Run a command on a shared action over every session holding it: (events, seq)."""

        def change(conn, held):
            if acting_id not in held:
                raise domain.DomainError("not_found", "Action not found.", key="refusal_action_gone")
            events = {acting_id: domain.apply(held[acting_id], actor_id, name, payload, now_iso())}
            return _copy_to_the_others(conn, held, acting_id, shared.action_id, events)

        events, seqs = self.locking.change_together(_holders(shared.origin, shared.action_id), change, publish)
        return events[acting_id], seqs[acting_id]

    def report_progress(self, workshop_id, action_id, status, text, publish=None):
        """An owner's update through their link (made with `workshop_id`): every session
        holding the action sees it. Returns the action as the board sees it."""
        acting = []

        def change(conn, held):
            acting[:] = [_preferred(held, workshop_id).id]
            events = {acting[0]: domain.report_progress(held[acting[0]], action_id, status, text, now_iso())}
            return _copy_to_the_others(conn, held, acting[0], action_id, events)

        events, _seqs = self.locking.change_together(_opened_by_link(workshop_id, action_id), change, publish)
        return events[acting[0]][-1].data

    def linked_action(self, workshop_id, action_id):
        """(workshop, action) an update link made with `workshop_id` opens, or None: the
        session it started in while that exists, else the newest session holding it."""
        with self.database.reading() as conn:
            holders = _opened_by_link(workshop_id, action_id)(conn)
        found = self._still_there(holders)
        if not found:
            return None
        workshop = _preferred({w.id: w for w in found}, workshop_id)
        return workshop, workshop.actions[action_id]

    def series_sessions(self, workshop_id):
        """Every session of `workshop_id`'s series, oldest first (only itself when it starts
        none); None when there is no such workshop."""
        with self.database.reading() as conn:
            row = conn.execute(select(workshops.c.series_id).where(workshops.c.id == workshop_id)).first()
            if row is None:
                return None
            rows = (
                conn.execute(
                    select(workshops.c.id, workshops.c.created_at, workshops.c.follow_up_of).where(
                        workshops.c.series_id == row.series_id
                    )
                ).all()
                if row.series_id
                else []
            )
        return self._still_there(_in_order(rows) if rows else [workshop_id])

    def returning_person(self, workshop_id, earlier_id, token):
        """(id, name) of the participant `token` makes of `earlier_id`, a session before
        `workshop_id` in its series: the same person joining the next session. Anyone
        else — a wrong or forged token, a facilitator's, a workshop outside the series or
        not before this one — is refused with `forbidden`, so nobody takes over another
        person's actions by typing their name."""
        refused = domain.DomainError(
            "forbidden",
            "That is not a participant of an earlier session of this series.",
            key="refusal_not_earlier_participant",
        )
        order = [session.id for session in self.series_sessions(workshop_id) or []]
        if earlier_id not in order or order.index(earlier_id) >= order.index(workshop_id):
            raise refused
        member = self.members.authenticate(earlier_id, token)
        if member is None or member.role != domain.PARTICIPANT:
            raise refused
        return member.id, self.locking.workshop(earlier_id).participants[member.id].name

    def returning_candidates(self, workshop_id, token_of):
        """Who this browser was in the earlier sessions of `workshop_id`'s series, newest
        session first: [(session, participant id, name)]; `token_of(session id)` gives the
        browser's token there (its cookie), or None."""
        found = []
        sessions = self.series_sessions(workshop_id) or []
        order = [session.id for session in sessions]
        earlier = sessions[: order.index(workshop_id)] if workshop_id in order else []
        for session in reversed(earlier):
            member = self.members.authenticate(session.id, token_of(session.id))
            if member is not None and member.role == domain.PARTICIPANT:
                found.append((session, member.id, session.participants[member.id].name))
        return found

    def _still_there(self, workshop_ids):
        """The workshops of `workshop_ids`, in that order, leaving out any deleted meanwhile."""
        found = []
        for workshop_id in workshop_ids:
            try:
                found.append(self.locking.workshop(workshop_id))
            except domain.DomainError:
                continue
        return found


def _preferred(held, workshop_id):
    """The session whose copy speaks for a linked action: the one the link was made with
    while it exists, else the newest."""
    if workshop_id in held:
        return held[workshop_id]
    return max(held.values(), key=lambda workshop: (workshop.created_at, workshop.id))


def _in_order(rows):
    """Session ids oldest first; within one second, a session after the one it follows up."""
    earlier = {row.id: row.follow_up_of for row in rows}

    def depth(session_id):
        count = 0
        while earlier.get(session_id) in earlier:
            session_id, count = earlier[session_id], count + 1
        return count

    return [row.id for row in sorted(rows, key=lambda row: (row.created_at, depth(row.id), row.id))]
