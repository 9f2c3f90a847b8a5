"""What each viewer may see: pure functions from the aggregate to plain dicts."""

from ..protocol import HISTORY_MAX
from .agenda import copy_agenda


def note_view(note, workshop, viewer=None):
    """A note as `viewer` sees it; an anonymous note never names its author to others.

    Without a viewer it is the public form used in broadcast events: the
    author of an anonymous note is left out for everyone, facilitator included,
    and a note of a step still in private writing is reduced to its id.
    """
    if workshop.is_hidden(note) and (viewer is None or viewer.id != note.author_id):
        return {"id": note.id, "step": note.step, "hidden": True}
    author = None if note.anonymous or note.for_table else workshop.participants.get(note.author_id)
    view = {
        "id": note.id,
        "step": note.step,
        "lane": note.lane,
        "text": note.text,
        "color": note.color,
        "x": note.x,
        "y": note.y,
        "anonymous": note.anonymous,
        "version": note.version,
        "author": author.id if author else None,
        "author_name": author.name if author else None,
        "created_at": note.created_at,
        "group": note.group,
        "table": note.table,
        "for_table": note.for_table,
    }
    if workshop.steps[note.step].vote_state == "closed":
        view["votes"] = workshop.tally(note.id)
    if viewer is not None:
        view["mine"] = note.author_id == viewer.id
    return view


def step_view(index, step, workshop=None):
    """A step with its lanes and rules; while private, how many notes by how many people."""
    view = {
        "index": index,
        "key": step.key,
        "title": step.title,
        "prompt": step.prompt,
        "lanes": [dict(lane) for lane in step.lanes],
        "reveal": step.reveal,
        "anonymity": step.anonymity,
        "voting": step.voting,
        "revealed": step.revealed,
        "vote_state": step.vote_state,
        "budget": step.budget,
        "per_note": step.per_note,
        "layout": step.current_layout(),
        "tables": step.tables,
        "minutes": step.minutes,
        "started_at": step.started_at,
        "ended_at": step.ended_at,
    }
    if workshop is not None and step.hidden:
        view["counts"] = step_counts(workshop, index)
    if workshop is not None and step.vote_state == "open":
        view["progress"] = voting_progress(workshop, index)
    return view


def my_votes(workshop, participant_id, index):
    """`{note_id: dots}` one participant gave on one step."""
    return {
        note: count
        for (who, note), count in workshop.votes.items()
        if who == participant_id and note in workshop.notes and workshop.notes[note].step == index
    }


def voting_progress(workshop, index):
    """How far the room is with voting: never which note got what while it is open."""
    step = workshop.steps[index]
    given = {}  # participant id -> dots on this step; one pass, as this runs on every cast
    for (who, note_id), count in workshop.votes.items():
        note = workshop.notes.get(note_id)
        if note is not None and note.step == index:
            given[who] = given.get(who, 0) + count
    people = [p for p in workshop.participants.values() if not p.is_facilitator]
    used = [given.get(person.id, 0) for person in people]
    return {
        "voters": sum(1 for dots in used if dots),
        "done": sum(1 for dots in used if dots >= step.budget),
        "participants": len(people),
    }


def own_votes(workshop, participant_id, index):
    """The voter's own view of an open vote: their dots and what is left of the budget."""
    mine = my_votes(workshop, participant_id, index)
    return {"step": index, "my_votes": mine, "remaining": max(0, workshop.steps[index].budget - sum(mine.values()))}


# HISTORY_MAX: the progress entries of an action a snapshot carries (its latest); the
# plan, the series page and the update page show them all. One participant made 394 in a
# minute, and every viewer received them all with each change.


def shown_action(action, workshop):
    """An action as a board gets it in a snapshot or `action.added`: its latest progress
    entries, and in `progress_count` how many there are in all."""
    view = action_view(action, workshop)
    view["progress"] = view["progress"][-HISTORY_MAX:]
    view["progress_count"] = len(action.progress)
    return view


def edited_action(action, workshop, known):
    """`action.edited`: the action with only the progress entries after the first `known`
    (what this change added; a board appends them), and `progress_count`."""
    view = action_view(action, workshop, since=known)
    view["progress"] = view["progress"][-HISTORY_MAX:]
    view["progress_count"] = len(action.progress)
    return view


def action_view(action, workshop, since=0):
    """An action with its owner and the dots of its source notes (once tallies are public;
    a carried action's from the session it was voted in), and its whole history (from entry
    `since` on)."""
    owner = None
    if action.owner_id and action.owner_id in workshop.participants:
        owner = {"id": action.owner_id, "name": workshop.participants[action.owner_id].name}
    elif action.owner_name:
        owner = {"id": None, "name": action.owner_name}
    votes = (
        action.voted
        if action.carried
        else sum(
            workshop.tally(note_id)
            for note_id in action.note_ids
            if note_id in workshop.notes and workshop.steps[workshop.notes[note_id].step].vote_state == "closed"
        )
    )
    return {
        "id": action.id,
        "title": action.title,
        "owner": owner,
        "due": action.due,
        "status": action.status,
        "note_ids": list(action.note_ids),
        "created_by": action.created_by,
        "votes": votes,
        "progress": [dict(entry) for entry in action.progress[since:]],
        "link_version": action.link,
        "shared": action.shared,
        "carried": action.carried,
        "decision": action.decision,
        "dropped": action.dropped,
    }


def step_counts(workshop, index):
    """`{notes, authors}` of one step: all a viewer learns of private writing."""
    notes = workshop.live_notes(index)
    return {"notes": len(notes), "authors": len({note.author_id for note in notes})}


def cluster_view(cluster):
    """A cluster: its title and step; its notes say they belong to it."""
    return {"id": cluster.id, "step": cluster.step, "title": cluster.title}


def participant_view(person):
    """A participant as everyone in the workshop sees them."""
    return {"id": person.id, "name": person.name, "role": person.role, "ready": person.ready, "table": person.table}


def workshop_view(workshop):
    """The workshop's own settings."""
    return {
        "id": workshop.id,
        "title": workshop.title,
        "goal": workshop.goal,
        "language": workshop.language,
        "format": workshop.format,
        "join_code": workshop.join_code,
        "current_step": workshop.current_step,
        "locked": workshop.locked,
        "created_at": workshop.created_at,
        "timer": workshop.timer,
        "retention": workshop.retention,
        "tables": [dict(table) for table in workshop.tables],
        "table_mode": workshop.table_mode,
        "focus": workshop.focus,
        "spotlight": spotlight_view(workshop),
        "paused": workshop.paused,
        "pitch": dict(workshop.pitch, queue=list(workshop.pitch["queue"])) if workshop.pitch else None,
        "agenda": copy_agenda(workshop.agenda),
    }


def spotlight_view(workshop):
    """`{kind, id}` of what is in the spotlight, or None; never a note others may not see."""
    spotlight = workshop.spotlight
    if spotlight and spotlight["kind"] == "note":
        note = workshop.notes.get(spotlight["id"])
        if note is None or note.removed or workshop.is_hidden(note):
            return None
    return dict(spotlight) if spotlight else None


def snapshot(workshop, viewer, now):
    """The whole workshop as `viewer` may see it, with the `seq` it reflects."""
    return {
        "seq": workshop.seq,
        "server_time": now,
        "me": participant_view(viewer),
        "workshop": workshop_view(workshop),
        "steps": [step_view(index, step, workshop) for index, step in enumerate(workshop.steps)],
        "participants": [participant_view(p) for p in workshop.participants.values()],
        "notes": [note_view(note, workshop, viewer) for note in workshop.live_notes()],
        "clusters": [cluster_view(cluster) for cluster in workshop.clusters.values()],
        "actions": [shown_action(action, workshop) for action in workshop.actions.values() if not action.removed],
        "voting": (
            own_votes(workshop, viewer.id, workshop.open_voting()) if workshop.open_voting() is not None else None
        ),
    }


def event_message(event):
    """The `event` message every viewer of the workshop receives for one change."""
    return {"seq": event.seq, "type": event.type, "data": event.data}


def own_message(event):
    """The owner's fuller copy of an event (same `seq`), or None when there is none."""
    if event.owner is None:
        return None
    return {"seq": event.seq, "type": event.type, "data": event.own, "own": True}
