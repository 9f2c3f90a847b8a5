"""Commands in, events out: every rule about who may change what lives here."""

from .. import protocol as p
from .errors import DomainError, forbidden, invalid, not_found
from .views import note_view
from .workshop import (DEFAULT_COLOR, PALETTE, Event, Note,
                       Participant)


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
    return [Event(p.PARTICIPANT_JOINED, _participant_data(person), workshop.seq)]


def _participant_data(person):
    return {"id": person.id, "name": person.name, "role": person.role, "ready": person.ready}


def _require_facilitator(actor):
    if not actor.is_facilitator:
        raise forbidden()


def _require_unlocked(workshop, actor):
    if workshop.locked and not actor.is_facilitator:
        raise DomainError("locked", "The board is locked by the facilitator.")


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
    if color not in PALETTE:
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


def add_note(workshop, actor, payload, now):
    """`note:add`: a new note; the same client id again changes nothing."""
    existing = workshop.notes.get(payload["id"])
    if existing is not None:
        if existing.author_id != actor.id:
            raise DomainError("conflict", "This note id is already taken.")
        return []
    _require_unlocked(workshop, actor)
    step = _step(workshop, payload["step"])
    note = Note(id=payload["id"], step=payload["step"], text=payload["text"],
                author_id=actor.id, lane=_lane(step, payload.get("lane")),
                color=_color(payload.get("color")), x=payload.get("x"), y=payload.get("y"),
                anonymous=_anonymous(step, payload.get("anonymous")), created_at=now)
    workshop.notes[note.id] = note
    return [Event(p.NOTE_ADDED, note_view(note, workshop))]


def edit_note(workshop, actor, payload, now):
    """`note:edit`: text, colour or lane; a stale `version` gets `conflict`."""
    note = _live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    _require_unlocked(workshop, actor)
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
    return [Event(p.NOTE_EDITED, note_view(note, workshop))]


def move_note(workshop, actor, payload, now):
    """`note:move`: a new position on the board (0..1 coordinates)."""
    note = _live_note(workshop, payload["id"])
    _require_unlocked(workshop, actor)
    note.x, note.y = payload["x"], payload["y"]
    return [Event(p.NOTE_MOVED, {"id": note.id, "x": note.x, "y": note.y})]


def remove_note(workshop, actor, payload, now):
    """`note:remove`: the author or the facilitator takes a note off the board."""
    note = _live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    _require_unlocked(workshop, actor)
    note.removed = True
    return [Event(p.NOTE_REMOVED, {"id": note.id, "step": note.step})]


def go_to_step(workshop, actor, payload, now):
    """`step:go`: the facilitator moves everyone to another step; ready marks reset."""
    _require_facilitator(actor)
    _step(workshop, payload["index"], "index")
    workshop.current_step = payload["index"]
    for person in workshop.participants.values():
        person.ready = False
    return [Event(p.STEP_CHANGED, {"index": workshop.current_step})]


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
    p.STEP_GO: go_to_step,
    p.WORKSHOP_EDIT: edit_workshop,
    p.WORKSHOP_LOCK: lock_workshop,
    p.PARTICIPANT_READY: mark_ready,
}

