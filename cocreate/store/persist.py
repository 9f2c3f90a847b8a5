"""How each event is stored: the statements a command runs, by event type.

`execute` looks up `PERSIST[event.type]` for every event a command makes and runs it
in the command's transaction, before the new `seq` is saved.
"""

from sqlalchemy import bindparam, delete, insert, select, text, update

from .. import protocol as p
from .rows import action_row, note_row, room_record, steps_record
from .schema import actions, applied, clusters, notes, participants, votes, workshops

# The statements every command runs, built once: building them anew each time costs more
# CPU than SQLite takes to run them.
SEQ = select(workshops.c.seq).where(workshops.c.id == bindparam("workshop"))
SEQ_SQLITE = "SELECT seq FROM workshops WHERE id = ?"  # `SEQ` for the sqlite3 driver
SAVE_SEQ = (
    update(workshops)
    .where(workshops.c.id == bindparam("workshop"), workshops.c.seq == bindparam("before"))
    .values(seq=bindparam("seq"), updated_at=bindparam("updated_at"))
)
# The same guard for a change sent in one round trip (`locking`, PostgreSQL): the statement
# fails (division by zero) when the seq was not the one the change started from, so the
# transaction it ends stores nothing; a row count would only be read after the COMMIT.
SAVE_SEQ_OR_FAIL = text(
    "WITH saved AS (UPDATE workshops SET seq = :seq, updated_at = :updated_at"
    " WHERE id = :workshop AND seq = :before RETURNING 1) SELECT 1 / count(*) FROM saved"
)
INSERT_NOTE = insert(notes)
# In UPDATE_NOTE the SET clause comes from the keys given (those of `note_row`).
UPDATE_NOTE = update(notes).where(notes.c.workshop_id == bindparam("workshop"), notes.c.id == bindparam("note"))
DELETE_VOTE = delete(votes).where(
    votes.c.workshop_id == bindparam("workshop"),
    votes.c.participant_id == bindparam("voter"),
    votes.c.note_id == bindparam("note"),
)
INSERT_VOTE = insert(votes)
INSERT_APPLIED = insert(applied)  # a command id, so the same command is not run twice
SAVE_READY = (
    update(participants)
    .where(participants.c.workshop_id == bindparam("workshop"), participants.c.id == bindparam("participant"))
    .values(ready=bindparam("ready"))
)
SAVE_TABLE = (
    update(participants)
    .where(participants.c.workshop_id == bindparam("workshop"), participants.c.id == bindparam("participant"))
    .values(table_id=bindparam("table"))
)
# On PostgreSQL a change of a cached workshop binds these itself (`postgres.Binder`).
FIXED = (SAVE_SEQ_OR_FAIL, INSERT_NOTE, UPDATE_NOTE, DELETE_VOTE, INSERT_VOTE, INSERT_APPLIED, SAVE_READY, SAVE_TABLE)


def _save_steps(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id).values(steps=steps_record(workshop)))


def _save_timer(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id).values(timer=workshop.timer))


def _insert_note(conn, workshop, change):
    note = workshop.notes[change.data["id"]]
    conn.execute(
        INSERT_NOTE,
        {
            "workshop_id": workshop.id,
            "id": note.id,
            "position": change.seq,
            "author_id": note.author_id,
            "created_at": note.created_at,
            **note_row(note),
        },
    )


def _update_note(conn, workshop, change):
    note = workshop.notes[change.data["id"]]
    conn.execute(UPDATE_NOTE, {"workshop": workshop.id, "note": note.id, **note_row(note)})
    if note.removed:
        conn.execute(delete(votes).where(votes.c.workshop_id == workshop.id, votes.c.note_id == note.id))


def _save_vote(conn, workshop, change):
    voter, note_id = change.owner, change.own["note_id"]
    conn.execute(DELETE_VOTE, {"workshop": workshop.id, "voter": voter, "note": note_id})
    count = workshop.votes.get((voter, note_id), 0)
    if count:
        conn.execute(
            INSERT_VOTE, {"workshop_id": workshop.id, "participant_id": voter, "note_id": note_id, "count": count}
        )


def _insert_action(conn, workshop, change):
    action = workshop.actions[change.data["id"]]
    conn.execute(
        insert(actions).values(
            workshop_id=workshop.id,
            id=action.id,
            position=change.seq,
            created_by=action.created_by,
            created_at=action.created_at,
            **action_row(action),
        )
    )


def _update_action(conn, workshop, change):
    action = workshop.actions[change.data["id"]]
    conn.execute(
        update(actions)
        .where(actions.c.workshop_id == workshop.id, actions.c.id == action.id)
        .values(**action_row(action))
    )


def _save_step(conn, workshop, change):
    """The room's step, the times steps started and ended, and everyone not ready."""
    values = {"current_step": workshop.current_step}
    if change.data.get("times"):
        values["steps"] = steps_record(workshop)
    conn.execute(update(workshops).where(workshops.c.id == workshop.id).values(**values))
    conn.execute(update(participants).where(participants.c.workshop_id == workshop.id).values(ready=False))


def _save_agenda(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id).values(agenda=workshop.agenda))


def _save_settings(conn, workshop, change):
    conn.execute(
        update(workshops)
        .where(workshops.c.id == workshop.id)
        .values(title=workshop.title, goal=workshop.goal, locked=workshop.locked, calendar_link=workshop.calendar_link)
    )


def _save_tables(conn, workshop, change):
    """The tables, the projector's focus and where everyone sits (`tables.set`)."""
    conn.execute(
        update(workshops)
        .where(workshops.c.id == workshop.id)
        .values(tables=[dict(table) for table in workshop.tables], table_mode=workshop.table_mode, focus=workshop.focus)
    )
    for person in workshop.participants.values():
        conn.execute(SAVE_TABLE, {"workshop": workshop.id, "participant": person.id, "table": person.table})


def _save_seat(conn, workshop, change):
    conn.execute(SAVE_TABLE, {"workshop": workshop.id, "participant": change.data["id"], "table": change.data["table"]})


def _save_focus(conn, workshop, change):
    conn.execute(update(workshops).where(workshops.c.id == workshop.id).values(focus=workshop.focus))


def _save_room(conn, workshop, change):
    """The spotlight, the pitch round and the pause (`spotlight.set`, `pitch.set`, `room.paused`)."""
    conn.execute(update(workshops).where(workshops.c.id == workshop.id).values(room=room_record(workshop)))


def _save_ready(conn, workshop, change):
    conn.execute(SAVE_READY, {"workshop": workshop.id, "participant": change.data["id"], "ready": change.data["ready"]})


def _save_clusters(conn, workshop, change):
    """Rewrite the clusters of the event's step and the membership of its notes."""
    step = change.data["step"]
    conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop.id, clusters.c.step == step))
    # Grouping can empty clusters of other steps too; those are gone for good.
    for dissolved in change.data.get("dissolved", []):
        conn.execute(delete(clusters).where(clusters.c.workshop_id == workshop.id, clusters.c.id == dissolved))
    for position, cluster in enumerate(workshop.clusters.values()):
        if cluster.step == step:
            conn.execute(
                insert(clusters).values(
                    workshop_id=workshop.id,
                    id=cluster.id,
                    step=step,
                    title=cluster.title,
                    created_at=cluster.created_at,
                    position=position,
                )
            )
    for note in workshop.notes.values():
        if note.step == step:
            conn.execute(
                update(notes)
                .where(notes.c.workshop_id == workshop.id, notes.c.id == note.id)
                .values(group_id=note.group)
            )


PERSIST = {
    p.NOTE_ADDED: _insert_note,
    p.NOTE_EDITED: _update_note,
    p.NOTE_MOVED: _update_note,
    p.NOTE_REMOVED: _update_note,
    p.STEP_CHANGED: _save_step,
    p.WORKSHOP_EDITED: _save_settings,
    p.WORKSHOP_LOCKED: _save_settings,
    p.PARTICIPANT_READY_CHANGED: _save_ready,
    p.TABLES_SET: _save_tables,
    p.PARTICIPANT_TABLE: _save_seat,
    p.PROJECTOR_FOCUSED: _save_focus,
    p.NOTES_REVEALED: _save_steps,
    p.NOTES_GROUPED: _save_clusters,
    p.VOTING_OPENED: _save_steps,
    p.VOTING_CLOSED: _save_steps,
    p.VOTE_CHANGED: _save_vote,
    p.ACTION_ADDED: _insert_action,
    p.ACTION_EDITED: _update_action,
    p.ACTION_REMOVED: _update_action,
    p.NOTES_UNGROUPED: _save_clusters,
    p.STEP_EDITED: _save_steps,
    p.TIMER_CHANGED: _save_timer,
    p.SPOTLIGHT_SET: _save_room,
    p.PITCH_SET: _save_room,
    p.ROOM_PAUSED: _save_room,
    p.AGENDA_SET: _save_agenda,
}
