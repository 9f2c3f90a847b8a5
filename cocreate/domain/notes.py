"""Notes: `note:add`, `note:edit`, `note:move`, `note:remove`, `note:group`, `note:ungroup`
and `notes:reveal`."""

import uuid

from .. import protocol as p
from .errors import DomainError, forbidden, invalid, not_found
from .rules import created_before, live_note, require_facilitator, require_writable, step_at
from .views import note_view, step_counts
from .workshop import DEFAULT_COLOR, Cluster, Event, Note


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


def _require_author_or_facilitator(note, actor):
    if note.author_id != actor.id and not actor.is_facilitator:
        raise forbidden("Only the author or the facilitator may change this note.")


def _anonymous(step, wanted):
    if step.anonymity == "required":
        return True
    if wanted and step.anonymity == "off":
        raise invalid("anonymous", "Anonymous notes are not allowed in this step.")
    return bool(wanted)


def note_event(kind, note, workshop):
    """An event about one note: public for everyone, the full note for its author if hidden."""
    public = note_view(note, workshop)
    if not workshop.is_hidden(note):
        return Event(kind, public)
    public["counts"] = step_counts(workshop, note.step)
    author = workshop.participants[note.author_id]
    return Event(kind, public, owner=author.id, own=note_view(note, workshop, author))


def add_note(workshop, actor, payload, now):
    """`note:add`: a new note; the same client id again changes nothing."""
    if created_before(workshop.notes, payload["id"], actor, lambda note: note.author_id):
        return []
    require_writable(workshop, actor, now)
    step = step_at(workshop, payload["step"])
    note = Note(id=payload["id"], step=payload["step"], text=payload["text"],
                author_id=actor.id, lane=_lane(step, payload.get("lane")),
                color=_color(payload.get("color")), x=payload.get("x"), y=payload.get("y"),
                anonymous=_anonymous(step, payload.get("anonymous")), created_at=now)
    workshop.notes[note.id] = note
    return [note_event(p.NOTE_ADDED, note, workshop)]


def edit_note(workshop, actor, payload, now):
    """`note:edit`: text, colour or lane; a stale `version` gets `conflict`."""
    note = live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    require_writable(workshop, actor, now)
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
    return [note_event(p.NOTE_EDITED, note, workshop)]


def move_note(workshop, actor, payload, now):
    """`note:move`: a new position on the board (0..1 coordinates)."""
    note = live_note(workshop, payload["id"])
    require_writable(workshop, actor, now)
    note.x, note.y = payload["x"], payload["y"]
    return [Event(p.NOTE_MOVED, {"id": note.id, "x": note.x, "y": note.y})]


def remove_note(workshop, actor, payload, now):
    """`note:remove`: the author or the facilitator takes a note off the board."""
    note = live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    require_writable(workshop, actor, now)
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
    require_facilitator(actor)
    notes = [live_note(workshop, note_id) for note_id in dict.fromkeys(payload["ids"])]
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
    require_facilitator(actor)
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
    require_facilitator(actor)
    step = step_at(workshop, payload["step"])
    if not step.hidden:
        return []
    step.revealed = True
    notes = [note_view(note, workshop) for note in workshop.live_notes(payload["step"])]
    return [Event(p.NOTES_REVEALED, {"step": payload["step"], "notes": notes})]
