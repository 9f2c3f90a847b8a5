"""Rows and the domain's objects: a whole workshop loaded from its rows or stored as rows,
and the columns of a note, an action and the steps as they are written."""

import dataclasses
from datetime import datetime, timezone

from sqlalchemy import insert, select

from .. import domain
from ..domain.views import action_view
from .schema import actions, applied, clusters, notes, participants, votes, workshops
from .tokens import hash_token, new_token

STEP_FIELDS = {f.name for f in dataclasses.fields(domain.Step)}


def now_iso():
    """The current UTC time as an ISO 8601 string."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def load_workshop(conn, workshop_id, with_series=True):
    """The whole aggregate of a workshop, read from its rows (`with_series`: and the votes
    its carried actions got where they were voted)."""
    row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).one()
    workshop = domain.Workshop(
        id=row.id,
        join_code=row.join_code,
        title=row.title,
        goal=row.goal,
        language=row.language,
        format=row.format,
        current_step=row.current_step,
        locked=row.locked,
        seq=row.seq,
        created_at=row.created_at,
        timer=row.timer,
        retention=row.retention,
        calendar_link=row.calendar_link,
        tables=list(row.tables or []),
        table_mode=row.table_mode,
        focus=row.focus,
        follow_up_of=row.follow_up_of,
        date=row.session_date,
        agenda=row.agenda,
        spotlight=(row.room or {}).get("spotlight"),
        pitch=(row.room or {}).get("pitch"),
        paused=bool((row.room or {}).get("paused")),
        steps=[domain.Step(**{k: v for k, v in spec.items() if k in STEP_FIELDS}) for spec in row.steps],
    )
    for person in conn.execute(
        select(participants).where(participants.c.workshop_id == workshop_id).order_by(participants.c.position)
    ):
        workshop.participants[person.id] = domain.Participant(
            id=person.id,
            name=person.name,
            role=person.role,
            ready=person.ready,
            joined_at=person.joined_at,
            table=person.table_id,
        )
    for note in conn.execute(select(notes).where(notes.c.workshop_id == workshop_id).order_by(notes.c.position)):
        workshop.notes[note.id] = domain.Note(
            id=note.id,
            step=note.step,
            lane=note.lane,
            text=note.text,
            color=note.color,
            x=note.x,
            y=note.y,
            author_id=note.author_id,
            anonymous=note.anonymous,
            version=note.version,
            created_at=note.created_at,
            removed=note.removed,
            group=note.group_id,
            table=note.table_id,
            for_table=note.for_table,
        )
    for cluster in conn.execute(
        select(clusters).where(clusters.c.workshop_id == workshop_id).order_by(clusters.c.position)
    ):
        workshop.clusters[cluster.id] = domain.Cluster(
            id=cluster.id, step=cluster.step, title=cluster.title, created_at=cluster.created_at
        )
    workshop.applied = set(conn.execute(select(applied.c.id).where(applied.c.workshop_id == workshop_id)).scalars())
    for vote in conn.execute(select(votes).where(votes.c.workshop_id == workshop_id)):
        workshop.votes[(vote.participant_id, vote.note_id)] = vote.count
    for action in conn.execute(
        select(actions).where(actions.c.workshop_id == workshop_id).order_by(actions.c.position)
    ):
        workshop.actions[action.id] = domain.Action(
            id=action.id,
            title=action.title,
            created_by=action.created_by,
            owner_id=action.owner_id,
            owner_name=action.owner_name,
            due=action.due,
            status=action.status,
            note_ids=list(action.note_ids),
            created_at=action.created_at,
            removed=action.removed,
            progress=list(action.progress or []),
            link=action.link,
            origin=action.origin,
            carried=action.carried,
            decision=action.decision,
            dropped=action.dropped,
        )
    if with_series:
        _votes_where_voted(conn, workshop)
    return workshop


def _votes_where_voted(conn, workshop):
    """Give each action carried into `workshop` the votes it got in the session it was voted
    in (its `origin`), as the plan counts them; 0 when that session is gone."""
    carried = [action for action in workshop.actions.values() if action.carried and action.origin]
    for origin in {action.origin for action in carried}:
        if conn.execute(select(workshops.c.id).where(workshops.c.id == origin)).first() is None:
            continue
        voted_in = load_workshop(conn, origin, with_series=False)
        for action in carried:
            made = voted_in.actions.get(action.id) if action.origin == origin else None
            if made is not None and not made.carried:
                action.voted = action_view(made, voted_in)["votes"]


def insert_workshop(conn, workshop, now):
    """Store a whole aggregate at once (an imported workshop)."""
    conn.execute(
        insert(workshops).values(
            id=workshop.id,
            join_code=workshop.join_code,
            title=workshop.title,
            goal=workshop.goal,
            language=workshop.language,
            format=workshop.format,
            steps=steps_record(workshop),
            current_step=workshop.current_step,
            locked=workshop.locked,
            seq=workshop.seq,
            timer=None,
            created_at=workshop.created_at,
            updated_at=now,
            retention=workshop.retention,
            follow_up_of=workshop.follow_up_of,
            session_date=workshop.date,
            tables=[dict(table) for table in workshop.tables],
            table_mode=workshop.table_mode,
            agenda=workshop.agenda,
        )
    )
    for position, person in enumerate(workshop.participants.values()):
        # Imported people have no token anyone knows: they are names, not logins.
        conn.execute(
            insert(participants).values(
                id=person.id,
                workshop_id=workshop.id,
                token_hash=hash_token(new_token()),
                name=person.name,
                role=person.role,
                ready=False,
                joined_at=person.joined_at,
                position=position - len(workshop.participants),
                table_id=person.table,
            )
        )
    for position, cluster in enumerate(workshop.clusters.values()):
        conn.execute(
            insert(clusters).values(
                workshop_id=workshop.id,
                id=cluster.id,
                step=cluster.step,
                title=cluster.title,
                created_at=cluster.created_at,
                position=position,
            )
        )
    for position, note in enumerate(workshop.notes.values()):
        conn.execute(
            insert(notes).values(
                workshop_id=workshop.id,
                id=note.id,
                position=position,
                author_id=note.author_id,
                created_at=note.created_at,
                **note_row(note),
            )
        )
    for (voter, note_id), count in workshop.votes.items():
        conn.execute(insert(votes).values(workshop_id=workshop.id, participant_id=voter, note_id=note_id, count=count))
    insert_actions(conn, workshop.id, workshop.actions.values(), first=0)


def insert_actions(conn, workshop_id, actions_in_order, first):
    """Store whole actions of a workshop, numbered in order from position `first`."""
    for position, action in enumerate(actions_in_order, start=first):
        conn.execute(
            insert(actions).values(
                workshop_id=workshop_id,
                id=action.id,
                position=position,
                created_by=action.created_by,
                created_at=action.created_at,
                **action_row(action),
            )
        )


def room_record(workshop):
    """What the facilitator steers live, as the `room` column holds it."""
    return {"spotlight": workshop.spotlight, "pitch": workshop.pitch, "paused": workshop.paused}


def steps_record(workshop):
    """The steps as the `steps` column holds them: a list of plain dicts."""
    return [dataclasses.asdict(step) for step in workshop.steps]


def note_row(note):
    """The columns of a note that commands change."""
    return {
        "step": note.step,
        "lane": note.lane,
        "text": note.text,
        "color": note.color,
        "x": note.x,
        "y": note.y,
        "anonymous": note.anonymous,
        "version": note.version,
        "removed": note.removed,
        "group_id": note.group,
        "table_id": note.table,
        "for_table": note.for_table,
    }


def action_row(action):
    """The columns of an action that commands change."""
    return {
        "title": action.title,
        "owner_id": action.owner_id,
        "owner_name": action.owner_name,
        "due": action.due,
        "status": action.status,
        "note_ids": list(action.note_ids),
        "removed": action.removed,
        "progress": [dict(entry) for entry in action.progress],
        "link": action.link,
        "origin": action.origin,
        "carried": action.carried,
        "decision": action.decision,
        "dropped": action.dropped,
    }
