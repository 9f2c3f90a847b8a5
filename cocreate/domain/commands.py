"""Commands in, events out: every rule about who may change what lives here."""

import re
import uuid
from datetime import datetime, timedelta

from .. import protocol as p
from .errors import DomainError, forbidden, invalid, not_found
from .views import (action_view, my_votes, note_view, own_votes, step_counts, step_view,
                    voting_progress)
from .workshop import (ANONYMITY_MODES, DEFAULT_COLOR, REVEAL_MODES, Action, Cluster, Event, Note,
                       Participant)

LANE_KEY = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{p.LANE_MAX - 1}}}$")


def apply(workshop, actor_id, name, payload, now):
    """Run command `name` for `actor_id`; mutate `workshop`, number and return the events.

    A command that changes nothing (a repeated create) returns no events.
    Every check runs before the first change, so a refused command leaves
    the workshop untouched.
    """
    actor = workshop.participants.get(actor_id)
    if actor is None:
        raise DomainError("unauthorized", "Unknown participant.")
    handler = COMMANDS.get(name)
    if handler is None:
        raise DomainError("unknown_command", f"Unknown command {name!r}.")
    events = handler(workshop, actor, payload, now)
    for event in events:
        workshop.seq += 1
        event.seq = workshop.seq
    return events


def join(workshop, participant_id, name, role, now):
    """Add a participant (or facilitator) to the workshop; returns the numbered event."""
    person = Participant(id=participant_id, name=name, role=role, joined_at=now)
    workshop.participants[person.id] = person
    workshop.seq += 1
    data = {"id": person.id, "name": person.name, "role": person.role, "ready": person.ready}
    return [Event(p.PARTICIPANT_JOINED, data, workshop.seq)]


# -- checks ---------------------------------------------------------------------

def _require_facilitator(actor):
    if not actor.is_facilitator:
        raise forbidden()


def _require_writable(workshop, actor, now):
    if actor.is_facilitator:
        return
    if workshop.locked:
        raise DomainError("locked", "The board is locked by the facilitator.")
    timer = workshop.timer
    if timer and timer.get("lock_at_end") and now >= timer["ends_at"]:
        raise DomainError("locked", "Time is up: writing is closed.")


def _step(workshop, index, field_name="step"):
    if not 0 <= index < len(workshop.steps):
        raise invalid(field_name, "Unknown step.")
    return workshop.steps[index]


def _lane(step, lane):
    keys = step.lane_keys()
    if not keys:
        if lane is not None:
            raise invalid("lane", "This step has no lanes.")
        return None
    if lane is None:
        return keys[0]
    if lane not in keys:
        raise invalid("lane", "Unknown lane for this step.")
    return lane


def _color(color):
    if color is None:
        return DEFAULT_COLOR
    if color not in p.PALETTE:
        raise invalid("color", "Unknown colour.")
    return color


def _live_note(workshop, note_id):
    note = workshop.notes.get(note_id)
    if note is None or note.removed:
        raise not_found("Note")
    return note


def _require_author_or_facilitator(note, actor):
    if note.author_id != actor.id and not actor.is_facilitator:
        raise forbidden("Only the author or the facilitator may change this note.")


def _anonymous(step, wanted):
    if step.anonymity == "required":
        return True
    if wanted and step.anonymity == "off":
        raise invalid("anonymous", "Anonymous notes are not allowed in this step.")
    return bool(wanted)


def _note_event(kind, note, workshop):
    """An event about one note: public for everyone, the full note for its author if hidden."""
    public = note_view(note, workshop)
    if not workshop.is_hidden(note):
        return Event(kind, public)
    public["counts"] = step_counts(workshop, note.step)
    author = workshop.participants[note.author_id]
    return Event(kind, public, owner=author.id, own=note_view(note, workshop, author))


# -- notes ----------------------------------------------------------------------

def _created_before(things, thing_id, actor, owner_of):
    """True when this actor already made this id (a harmless retry); refuse someone else's."""
    existing = things.get(thing_id)
    if existing is None:
        return False
    if owner_of(existing) != actor.id:
        raise DomainError("conflict", "This id is already taken.")
    return True


def add_note(workshop, actor, payload, now):
    """`note:add`: a new note; the same client id again changes nothing."""
    if _created_before(workshop.notes, payload["id"], actor, lambda note: note.author_id):
        return []
    _require_writable(workshop, actor, now)
    step = _step(workshop, payload["step"])
    note = Note(id=payload["id"], step=payload["step"], text=payload["text"],
                author_id=actor.id, lane=_lane(step, payload.get("lane")),
                color=_color(payload.get("color")), x=payload.get("x"), y=payload.get("y"),
                anonymous=_anonymous(step, payload.get("anonymous")), created_at=now)
    workshop.notes[note.id] = note
    return [_note_event(p.NOTE_ADDED, note, workshop)]


def edit_note(workshop, actor, payload, now):
    """`note:edit`: text, colour or lane; a stale `version` gets `conflict`."""
    note = _live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    _require_writable(workshop, actor, now)
    if "version" in payload and payload["version"] != note.version:
        raise DomainError("conflict", "Someone changed this note meanwhile.",
                          current=note_view(note, workshop, actor))
    changes = {}
    if "text" in payload:
        changes["text"] = payload["text"]
    if "color" in payload:
        changes["color"] = _color(payload["color"])
    if "lane" in payload:
        changes["lane"] = _lane(workshop.steps[note.step], payload["lane"])
    for name, value in changes.items():
        setattr(note, name, value)
    note.version += 1
    return [_note_event(p.NOTE_EDITED, note, workshop)]


def move_note(workshop, actor, payload, now):
    """`note:move`: a new position on the board (0..1 coordinates)."""
    note = _live_note(workshop, payload["id"])
    _require_writable(workshop, actor, now)
    note.x, note.y = payload["x"], payload["y"]
    return [Event(p.NOTE_MOVED, {"id": note.id, "x": note.x, "y": note.y})]


def remove_note(workshop, actor, payload, now):
    """`note:remove`: the author or the facilitator takes a note off the board."""
    note = _live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    _require_writable(workshop, actor, now)
    note.removed = True
    # Dots on a removed note go back to their voters.
    for key in [key for key in workshop.votes if key[1] == note.id]:
        del workshop.votes[key]
    data = {"id": note.id, "step": note.step}
    if workshop.is_hidden(note):
        data["counts"] = step_counts(workshop, note.step)
    return [Event(p.NOTE_REMOVED, data)]


def group_notes(workshop, actor, payload, now):
    """`note:group`: the facilitator gathers notes of one step into a named cluster.

    With the `id` of an existing cluster it sets that cluster's notes and title;
    clusters left without notes disappear (`dissolved`).
    """
    _require_facilitator(actor)
    notes = [_live_note(workshop, note_id) for note_id in dict.fromkeys(payload["ids"])]
    steps = {note.step for note in notes}
    if len(steps) != 1:
        raise invalid("ids", "Group notes of one step only.")
    step = steps.pop()
    if workshop.steps[step].hidden:
        raise invalid("ids", "Reveal the notes of this step before grouping them.")
    cluster = workshop.clusters.get(payload.get("id") or "")
    if cluster is not None and cluster.step != step:
        raise invalid("id", "This cluster belongs to another step.")
    if cluster is None:
        cluster = Cluster(id=payload.get("id") or str(uuid.uuid4()), step=step, created_at=now)
        workshop.clusters[cluster.id] = cluster
    if "title" in payload:
        cluster.title = payload["title"]
    members = {note.id for note in notes}
    for note in workshop.live_notes(step):
        if note.group == cluster.id and note.id not in members:
            note.group = None
    for note in notes:
        note.group = cluster.id
    in_use = {note.group for note in workshop.live_notes()}
    dissolved = [key for key in workshop.clusters if key not in in_use]
    for key in dissolved:
        del workshop.clusters[key]
    return [Event(p.NOTES_GROUPED, {"id": cluster.id, "step": step, "title": cluster.title,
                                    "note_ids": [note.id for note in notes],
                                    "dissolved": dissolved})]


def ungroup_notes(workshop, actor, payload, now):
    """`note:ungroup`: the facilitator dissolves a cluster; its notes stay on the board."""
    _require_facilitator(actor)
    cluster = workshop.clusters.get(payload["id"])
    if cluster is None:
        raise not_found("Cluster")
    released = [note for note in workshop.notes.values() if note.group == cluster.id]
    for note in released:
        note.group = None
    del workshop.clusters[cluster.id]
    return [Event(p.NOTES_UNGROUPED, {"id": cluster.id, "step": cluster.step,
                                      "note_ids": [note.id for note in released]})]


def reveal_notes(workshop, actor, payload, now):
    """`notes:reveal`: the facilitator shows a private step's notes to everyone at once."""
    _require_facilitator(actor)
    step = _step(workshop, payload["step"])
    if not step.hidden:
        return []
    step.revealed = True
    notes = [note_view(note, workshop) for note in workshop.live_notes(payload["step"])]
    return [Event(p.NOTES_REVEALED, {"step": payload["step"], "notes": notes})]


# -- voting ---------------------------------------------------------------------

def open_voting(workshop, actor, payload, now):
    """`voting:open`: dot voting on one step with a budget per participant."""
    _require_facilitator(actor)
    index = payload["step"]
    step = _step(workshop, index)
    if step.hidden:
        raise invalid("step", "Reveal the notes of this step before voting.")
    current = workshop.open_voting()
    if current is not None and current != index:
        raise DomainError("conflict", "Voting is open on another step; close it first.")
    per_note = payload.get("per_note")
    if per_note is not None and per_note > payload["budget"]:
        raise invalid("per_note", "The per-note maximum cannot exceed the budget.")
    step.vote_state, step.budget, step.per_note = "open", payload["budget"], per_note
    return [Event(p.VOTING_OPENED, {"step": index, "budget": step.budget,
                                    "per_note": step.per_note,
                                    "progress": voting_progress(workshop, index)})]


def close_voting(workshop, actor, payload, now):
    """`voting:close`: the tallies become visible to everyone at once."""
    _require_facilitator(actor)
    index = workshop.open_voting()
    if index is None:
        raise DomainError("voting_closed", "No voting is open.")
    workshop.steps[index].vote_state = "closed"
    tallies = {note.id: workshop.tally(note.id) for note in workshop.live_notes(index)}
    return [Event(p.VOTING_CLOSED, {"step": index, "tallies": tallies})]


def _votable(workshop, note_id):
    note = _live_note(workshop, note_id)
    index = workshop.open_voting()
    if index is None:
        raise DomainError("voting_closed", "Voting is not open.")
    if note.step != index:
        raise invalid("note_id", "This note is not part of the current vote.")
    return note, workshop.steps[index]


def _vote_event(workshop, actor, note):
    own = own_votes(workshop, actor.id, note.step)
    own["note_id"] = note.id
    public = {"step": note.step, "progress": voting_progress(workshop, note.step)}
    own["progress"] = public["progress"]
    return Event(p.VOTE_CHANGED, public, owner=actor.id, own=own)


def _once(workshop, payload, events):
    """Remember a command's client id, so an offline retry of it changes nothing."""
    if payload.get("id"):
        workshop.applied.add(payload["id"])
        events[-1].command_id = payload["id"]
    return events


def cast_vote(workshop, actor, payload, now):
    """`vote:cast`: one dot on a note; never past the budget or the per-note maximum.

    With a client `id`, repeating the same cast (an offline retry) changes nothing.
    """
    if payload.get("id") in workshop.applied:
        return []
    note, step = _votable(workshop, payload["note_id"])
    mine = my_votes(workshop, actor.id, note.step)
    if sum(mine.values()) >= step.budget:
        raise DomainError("budget_exceeded", "You have used all your dots.")
    if step.per_note is not None and mine.get(note.id, 0) >= step.per_note:
        raise DomainError("budget_exceeded", "This note has the most dots you may give it.")
    workshop.votes[(actor.id, note.id)] = mine.get(note.id, 0) + 1
    return _once(workshop, payload, [_vote_event(workshop, actor, note)])


def retract_vote(workshop, actor, payload, now):
    """`vote:retract`: take one of your dots back (once per client `id`)."""
    if payload.get("id") in workshop.applied:
        return []
    note, _step_ = _votable(workshop, payload["note_id"])
    key = (actor.id, note.id)
    if not workshop.votes.get(key):
        raise not_found("Your vote on this note")
    workshop.votes[key] -= 1
    if not workshop.votes[key]:
        del workshop.votes[key]
    return _once(workshop, payload, [_vote_event(workshop, actor, note)])


# -- actions --------------------------------------------------------------------

def _owner(workshop, owner):
    """(participant id, free-text name) for an `owner` value: a participant's id or a name."""
    if not owner:
        return None, None
    if owner in workshop.participants:
        return owner, None
    return None, owner


def _source_notes(workshop, note_ids):
    for note_id in note_ids:
        note = workshop.notes.get(note_id)
        if note is None or note.removed:
            raise invalid("note_ids", "A source note does not exist.")
        if workshop.is_hidden(note):
            raise invalid("note_ids", "A source note is still private.")
    return list(dict.fromkeys(note_ids))


def _live_action(workshop, action_id):
    action = workshop.actions.get(action_id)
    if action is None or action.removed:
        raise not_found("Action")
    return action


def add_action(workshop, actor, payload, now):
    """`action:add`: turn notes into something the team will do; the same id again is harmless."""
    if _created_before(workshop.actions, payload["id"], actor, lambda action: action.created_by):
        return []
    _require_writable(workshop, actor, now)
    owner_id, owner_name = _owner(workshop, payload.get("owner"))
    action = Action(id=payload["id"], title=payload["title"], created_by=actor.id,
                    owner_id=owner_id, owner_name=owner_name, due=payload.get("due"),
                    note_ids=_source_notes(workshop, payload.get("note_ids", [])),
                    created_at=now)
    workshop.actions[action.id] = action
    return [Event(p.ACTION_ADDED, action_view(action, workshop))]


def edit_action(workshop, actor, payload, now):
    """`action:edit`: title, owner ("ik pak dit op"), due date or status."""
    action = _live_action(workshop, payload["id"])
    _require_writable(workshop, actor, now)
    owner = _owner(workshop, payload["owner"]) if "owner" in payload else None
    note_ids = _source_notes(workshop, payload["note_ids"]) if "note_ids" in payload else None
    for name in ("title", "due", "status"):
        if name in payload:
            setattr(action, name, payload[name])
    if owner is not None:
        action.owner_id, action.owner_name = owner
    if note_ids is not None:
        action.note_ids = note_ids
    return [Event(p.ACTION_EDITED, action_view(action, workshop))]


def remove_action(workshop, actor, payload, now):
    """`action:remove`: the facilitator or whoever made the action removes it."""
    action = _live_action(workshop, payload["id"])
    if action.created_by != actor.id and not actor.is_facilitator:
        raise forbidden("Only the facilitator or its creator may remove this action.")
    _require_writable(workshop, actor, now)
    action.removed = True
    return [Event(p.ACTION_REMOVED, {"id": action.id})]


# -- steps ----------------------------------------------------------------------

def go_to_step(workshop, actor, payload, now):
    """`step:go`: the facilitator moves everyone to another step; ready marks reset."""
    _require_facilitator(actor)
    _step(workshop, payload["index"], "index")
    workshop.current_step = payload["index"]
    for person in workshop.participants.values():
        person.ready = False
    return [Event(p.STEP_CHANGED, {"index": workshop.current_step})]


def _lanes(spec):
    keys = [lane["key"] for lane in spec]
    if len(set(keys)) != len(keys):
        raise invalid("lanes", "Lane keys must be unique.")
    for key in keys:
        if not LANE_KEY.match(key):
            raise invalid("lanes", "A lane key is lower-case letters, digits and dashes.")
    return [{"key": lane["key"], "title": lane["title"]} for lane in spec]


def edit_step(workshop, actor, payload, now):
    """`step:edit`: titles, prompts, lanes and rules, before or during the workshop.

    Notes in a lane that no longer exists move to the first lane, each with its
    own `note.edited`; making a step private again hides its notes again.
    """
    _require_facilitator(actor)
    step = _step(workshop, payload["index"], "index")
    was_hidden = step.hidden
    lanes = _lanes(payload["lanes"]) if "lanes" in payload else None
    for name in ("reveal", "anonymity"):
        allowed = REVEAL_MODES if name == "reveal" else ANONYMITY_MODES
        if name in payload and payload[name] not in allowed:
            raise invalid(name, f"Must be one of {', '.join(allowed)}.")
    for name in ("title", "prompt", "anonymity"):
        if name in payload:
            setattr(step, name, payload[name])
    if "reveal" in payload and payload["reveal"] != step.reveal:
        step.reveal = payload["reveal"]
        step.revealed = False
    moved = []
    if lanes is not None:
        step.lanes = lanes
        keys = step.lane_keys()
        for note in workshop.live_notes(payload["index"]):
            fitting = note.lane if note.lane in keys else (keys[0] if keys else None)
            if fitting != note.lane:
                note.lane = fitting
                note.version += 1
                moved.append(note)
    events = [Event(p.STEP_EDITED, step_view(payload["index"], step, workshop))]
    if was_hidden and not step.hidden:
        # Opening a private step shows its notes, just as a reveal would.
        notes = [note_view(note, workshop) for note in workshop.live_notes(payload["index"])]
        events.append(Event(p.NOTES_REVEALED, {"step": payload["index"], "notes": notes}))
    return events + [_note_event(p.NOTE_EDITED, note, workshop) for note in moved]


# -- timer ----------------------------------------------------------------------

def start_timer(workshop, actor, payload, now):
    """`timer:start`: a countdown whose end time the server holds, so every screen agrees."""
    _require_facilitator(actor)
    ends_at = datetime.fromisoformat(now) + timedelta(seconds=payload["seconds"])
    workshop.timer = {"seconds": payload["seconds"], "started_at": now,
                      "ends_at": ends_at.isoformat(timespec="seconds"),
                      "lock_at_end": bool(payload.get("lock_at_end", False))}
    return [Event(p.TIMER_CHANGED, {"timer": dict(workshop.timer), "server_time": now})]


def stop_timer(workshop, actor, payload, now):
    """`timer:stop`: clear the countdown (and the writing lock that came with it)."""
    _require_facilitator(actor)
    if workshop.timer is None:
        return []
    workshop.timer = None
    return [Event(p.TIMER_CHANGED, {"timer": None, "server_time": now})]


# -- the workshop ---------------------------------------------------------------

def edit_workshop(workshop, actor, payload, now):
    """`workshop:edit`: the facilitator renames the workshop or restates its goal."""
    _require_facilitator(actor)
    for name in ("title", "goal"):
        if name in payload:
            setattr(workshop, name, payload[name])
    return [Event(p.WORKSHOP_EDITED, {"title": workshop.title, "goal": workshop.goal})]


def mark_ready(workshop, actor, payload, now):
    """`participant:ready`: someone says they are done with this step (or not)."""
    if actor.ready == payload["ready"]:
        return []
    actor.ready = payload["ready"]
    return [Event(p.PARTICIPANT_READY_CHANGED, {"id": actor.id, "ready": actor.ready})]


def lock_workshop(workshop, actor, payload, now):
    """`workshop:lock`: the facilitator makes the board read-only for participants, or not."""
    _require_facilitator(actor)
    if workshop.locked == payload["locked"]:
        return []
    workshop.locked = payload["locked"]
    return [Event(p.WORKSHOP_LOCKED, {"locked": workshop.locked})]


COMMANDS = {
    p.NOTE_ADD: add_note,
    p.NOTE_EDIT: edit_note,
    p.NOTE_MOVE: move_note,
    p.NOTE_REMOVE: remove_note,
    p.NOTE_GROUP: group_notes,
    p.NOTE_UNGROUP: ungroup_notes,
    p.NOTES_REVEAL: reveal_notes,
    p.VOTING_OPEN: open_voting,
    p.VOTING_CLOSE: close_voting,
    p.VOTE_CAST: cast_vote,
    p.VOTE_RETRACT: retract_vote,
    p.ACTION_ADD: add_action,
    p.ACTION_EDIT: edit_action,
    p.ACTION_REMOVE: remove_action,
    p.STEP_GO: go_to_step,
    p.STEP_EDIT: edit_step,
    p.TIMER_START: start_timer,
    p.TIMER_STOP: stop_timer,
    p.WORKSHOP_EDIT: edit_workshop,
    p.WORKSHOP_LOCK: lock_workshop,
    p.PARTICIPANT_READY: mark_ready,
}
