"""Notes: `note:add`, `note:edit`, `note:move`, `note:remove`, `note:group`, `note:ungroup`
and `notes:reveal`."""

import uuid
from dataclasses import dataclass

from .. import protocol as p
from ..protocol import Command
from .errors import DomainError, forbidden, invalid, not_found
from .rules import created_before, live_note, require_facilitator, require_writable, step_at
from .views import note_view, step_counts
from . import canvas
from .workshop import DEFAULT_COLOR, Cluster, Event, Note


def _lane(step, lane):
    keys = step.lane_keys()
    if not keys:
        if lane is not None:
            raise invalid("lane", "This step has no lanes.", key="refusal_step_no_lanes")
        return None
    if lane is None:
        return keys[0]
    if lane not in keys:
        raise invalid("lane", "Unknown lane for this step.", key="refusal_lane_unknown")
    return lane


def _color(color):
    if color is None:
        return DEFAULT_COLOR
    if color not in p.PALETTE:
        raise invalid("color", "Unknown colour.", key="refusal_colour_unknown")
    return color


def _require_author_or_facilitator(note, actor):
    if note.author_id != actor.id and not actor.is_facilitator:
        raise forbidden("Only the author or the facilitator may change this note.", key="refusal_note_not_yours")


def _anonymous(step, wanted):
    if step.anonymity == "required":
        return True
    if wanted and step.anonymity == "off":
        raise invalid("anonymous", "Anonymous notes are not allowed in this step.", key="refusal_anonymous_not_allowed")
    return bool(wanted)


def note_event(kind, note, workshop):
    """An event about one note: public for everyone, the full note for its author if hidden."""
    public = note_view(note, workshop)
    if not workshop.is_hidden(note):
        return Event(kind, public)
    public["counts"] = step_counts(workshop, note.step)
    author = workshop.participants[note.author_id]
    return Event(kind, public, owner=author.id, own=note_view(note, workshop, author))


def _placed(workshop, index):
    return [note for note in workshop.live_notes(index) if note.x is not None and note.y is not None]


def _taken(workshop, index, note):
    """What a note of a canvas step must keep clear of: the other notes and the frames."""
    others = [other for other in _placed(workshop, index) if other.id != note.id]
    members = {}
    for other in others:
        if other.group:
            members.setdefault(other.group, []).append((other.x, other.y))
    return [(other.x, other.y) for other in others] + [canvas.frame_around(places) for places in members.values()]


def place_on_canvas(workshop, index, note):
    """Give a note of a canvas step a free place (in its lane's band, if any)."""
    step = workshop.steps[index]
    note.x, note.y = canvas.free_spot(_taken(workshop, index, note), step.lanes, note.lane)


def arrange_canvas(workshop, index, moved=()):
    """Lay a canvas step's clusters out as grids in their frames and keep every note and
    frame clear of the others; the notes `moved` (ids, in the order they joined) give way
    and join the end of their cluster's grid. Returns the notes whose place changed."""
    step = workshop.steps[index]
    if step.current_layout() != "canvas":
        return []
    order = {note_id: position for position, note_id in enumerate(moved)}
    notes = sorted(_placed(workshop, index), key=lambda note: (order.get(note.id, -1), round(note.y, 2), note.x))
    clusters = {}
    for note in notes:
        if note.group:
            clusters.setdefault(note.group, []).append((note.id, note.x, note.y))
    changed = {members[0][0] for members in clusters.values() if any(note_id in order for note_id, _x, _y in members)}
    ordered = sorted(
        clusters.values(),
        key=lambda members: (
            members[0][0] in changed,
            workshop.clusters[workshop.notes[members[0][0]].group].created_at,
        ),
    )
    loose = [(note.id, note.x, note.y) for note in notes if not note.group]
    places = canvas.arrange(ordered, loose, step.lanes)
    for note_id, (x, y) in places.items():
        note = workshop.notes[note_id]
        note.x, note.y = x, y
        note.lane = canvas.lane_at(step.lanes, x) or note.lane
    return [workshop.notes[note_id] for note_id in places]


def _table_of_note(workshop, actor, for_table):
    """(table, written for the table?) of a note in a step worked at the tables.

    A note carries its author's table; `for_table` writes on behalf of a table (the
    facilitator for any table, a participant for their own): the table is its author.
    """
    if for_table is None:
        return actor.table, False
    if for_table not in {table["id"] for table in workshop.tables}:
        raise invalid("for_table", "Unknown table.", key="refusal_table_unknown")
    if not actor.is_facilitator and actor.table != for_table:
        raise forbidden("Write on behalf of your own table only.", key="refusal_own_table_only")
    return for_table, True


def add_note(workshop, actor, payload, now):
    """`note:add`: a new note; the same client id again changes nothing.

    On a canvas a note without a place lands in free space, never on top of another.
    """
    if created_before(workshop.notes, payload["id"], actor, lambda note: note.author_id):
        return []
    require_writable(workshop, actor, now)
    step = step_at(workshop, payload["step"])
    note = Note(
        id=payload["id"],
        step=payload["step"],
        text=payload["text"],
        author_id=actor.id,
        lane=_lane(step, payload.get("lane")),
        color=_color(payload.get("color")),
        x=payload.get("x"),
        y=payload.get("y"),
        anonymous=_anonymous(step, payload.get("anonymous")),
        created_at=now,
    )
    if step.tables:
        note.table, note.for_table = _table_of_note(workshop, actor, payload.get("for_table"))
    if note.x is not None and note.y is not None:
        note.x, note.y = canvas.clamp(note.x, note.y)
    elif step.current_layout() == "canvas":
        place_on_canvas(workshop, note.step, note)
    workshop.notes[note.id] = note
    return [note_event(p.NOTE_ADDED, note, workshop)]


def edit_note(workshop, actor, payload, now):
    """`note:edit`: text, colour or lane; a stale `version` gets `conflict`."""
    note = live_note(workshop, payload["id"])
    _require_author_or_facilitator(note, actor)
    require_writable(workshop, actor, now)
    if "version" in payload and payload["version"] != note.version:
        raise DomainError(
            "conflict",
            "Someone changed this note meanwhile.",
            key="refusal_note_changed",
            current=note_view(note, workshop, actor),
        )
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


def movable_note(workshop, actor, note_id, now):
    """The note `actor` may move or drag now; a hidden note moves for its author only."""
    note = live_note(workshop, note_id)
    require_writable(workshop, actor, now)
    if workshop.is_hidden(note) and note.author_id != actor.id:
        raise forbidden("Only its author may move a note that is still private.", key="refusal_private_note_move")
    return note


@dataclass(frozen=True)
class Drag:
    """Someone dragging a note: whether the note is private, and who they are to others."""

    hidden: bool
    by: dict | None


def drag(workshop, person_id, note_id, now, check=True):
    """`note:drag` (volatile, nothing changes): `Drag` for this person and note.

    With `check`, refuses like `note:move` would: a removed note, a locked board, a
    private note of someone else. `by` is None when it would name an anonymous author.
    """
    person = workshop.participants.get(person_id)
    if person is None:
        raise DomainError("unauthorized", "Unknown participant.", key="error_unauthorized")
    note = movable_note(workshop, person, note_id, now) if check else live_note(workshop, note_id)
    return Drag(hidden=workshop.is_hidden(note), by=mover(workshop, note, person_id))


def mover(workshop, note, person_id):
    """`{id, name}` of who moves a note, or None when that would name an anonymous author."""
    person = workshop.participants.get(person_id)
    if person is None or (note.anonymous and note.author_id == person_id):
        return None
    return {"id": person.id, "name": person.name}


def _cluster_to_join(workshop, actor, note, cluster_id):
    require_facilitator(actor)
    if cluster_id is None:
        return None
    cluster = workshop.clusters.get(cluster_id)
    if cluster is None:
        raise not_found("Cluster", key="refusal_cluster_gone")
    if cluster.step != note.step:
        raise invalid("cluster", "This cluster belongs to another step.", key="refusal_cluster_other_step")
    if workshop.is_hidden(note):
        raise invalid(
            "cluster", "Reveal the notes of this step before grouping them.", key="refusal_group_reveal_first"
        )
    return cluster.id


def moved_event(note, workshop):
    """`note.moved` with the note's place, lane and cluster (for its author only while hidden)."""
    data = {"id": note.id, "step": note.step, "x": note.x, "y": note.y, "lane": note.lane, "group": note.group}
    if not workshop.is_hidden(note):
        return Event(p.NOTE_MOVED, data)
    return Event(p.NOTE_MOVED, {"id": note.id, "step": note.step, "hidden": True}, owner=note.author_id, own=data)


def move_note(workshop, actor, payload, now):
    """`note:move`: the drop — a place on the board (0..1), another lane, a cluster or none.

    On a canvas with lanes a place decides the lane; a lane without a place puts the
    note in free space in that lane. Joining or leaving a cluster is the facilitator's;
    a cluster left empty is gone (`notes.ungrouped`, as `note:ungroup` says it).
    """
    note = movable_note(workshop, actor, payload["id"], now)
    step = workshop.steps[note.step]
    on_canvas = step.current_layout() == "canvas"
    group = _cluster_to_join(workshop, actor, note, payload["cluster"]) if "cluster" in payload else note.group
    lane = _lane(step, payload["lane"]) if "lane" in payload else note.lane
    if "x" in payload:
        note.x, note.y = canvas.clamp(payload["x"], payload["y"])
        if on_canvas and "lane" not in payload:
            lane = canvas.lane_at(step.lanes, note.x) or lane
    moved_lane = lane != note.lane
    note.lane = lane
    if on_canvas and moved_lane and "x" not in payload:
        place_on_canvas(workshop, note.step, note)
    left = note.group if group != note.group else None
    note.group = group
    others = []
    if on_canvas and (left or group):
        others = [other for other in arrange_canvas(workshop, note.step, [note.id]) if other is not note]
    elif on_canvas and "x" in payload:  # a note dropped onto others lands beside them
        top = canvas.TOP if step.lanes else 0.0
        box = (note.x, note.y, canvas.NOTE_WIDTH, canvas.NOTE_HEIGHT)
        note.x, note.y = canvas.nearest_free(box, _taken(workshop, note.step, note), top, step.lanes)
        note.lane = canvas.lane_at(step.lanes, note.x) or note.lane
    events = [moved_event(note, workshop)] + [moved_event(other, workshop) for other in others]
    if left and not any(other.group == left for other in workshop.live_notes()):
        del workshop.clusters[left]
        events.append(Event(p.NOTES_UNGROUPED, {"id": left, "step": note.step, "note_ids": []}))
    return events


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
        raise invalid("ids", "Group notes of one step only.", key="refusal_group_one_step")
    step = steps.pop()
    if workshop.steps[step].hidden:
        raise invalid("ids", "Reveal the notes of this step before grouping them.", key="refusal_group_reveal_first")
    cluster = workshop.clusters.get(payload.get("id") or "")
    if cluster is not None and cluster.step != step:
        raise invalid("id", "This cluster belongs to another step.", key="refusal_cluster_other_step")
    if cluster is None:
        cluster = Cluster(id=payload.get("id") or str(uuid.uuid4()), step=step, created_at=now)
        workshop.clusters[cluster.id] = cluster
    if "title" in payload:
        cluster.title = payload["title"]
    members = {note.id for note in notes}
    before = {note.id for note in workshop.live_notes(step) if note.group == cluster.id}
    for note in workshop.live_notes(step):
        if note.group == cluster.id and note.id not in members:
            note.group = None
    for note in notes:
        note.group = cluster.id
    in_use = {note.group for note in workshop.live_notes()}
    dissolved = [key for key in workshop.clusters if key not in in_use]
    for key in dissolved:
        del workshop.clusters[key]
    placed = arrange_canvas(workshop, step, [note.id for note in notes if note.id not in before])
    return [
        Event(
            p.NOTES_GROUPED,
            {
                "id": cluster.id,
                "step": step,
                "title": cluster.title,
                "note_ids": [note.id for note in notes],
                "dissolved": dissolved,
            },
        )
    ] + [moved_event(note, workshop) for note in placed]


def ungroup_notes(workshop, actor, payload, now):
    """`note:ungroup`: the facilitator dissolves a cluster; its notes stay on the board."""
    require_facilitator(actor)
    cluster = workshop.clusters.get(payload["id"])
    if cluster is None:
        raise not_found("Cluster", key="refusal_cluster_gone")
    released = [note for note in workshop.notes.values() if note.group == cluster.id]
    for note in released:
        note.group = None
    del workshop.clusters[cluster.id]
    return [
        Event(p.NOTES_UNGROUPED, {"id": cluster.id, "step": cluster.step, "note_ids": [note.id for note in released]})
    ]


def reveal_notes(workshop, actor, payload, now):
    """`notes:reveal`: the facilitator shows a private step's notes to everyone at once."""
    require_facilitator(actor)
    step = step_at(workshop, payload["step"])
    if not step.hidden:
        return []
    step.revealed = True
    notes = [note_view(note, workshop) for note in workshop.live_notes(payload["step"])]
    return [Event(p.NOTES_REVEALED, {"step": payload["step"], "notes": notes})]


# The drop ends a drag: `realtime/dragging.py` refuses it while someone else holds the note.
COMMANDS = (
    Command(p.NOTE_ADD, "NoteAdd", add_note),
    Command(p.NOTE_EDIT, "NoteEdit", edit_note),
    Command(p.NOTE_MOVE, "NoteMove", move_note, bucket=p.MOVE_BUCKET, answer=p.DROP),
    Command(p.NOTE_REMOVE, "ById", remove_note),
    Command(p.NOTE_GROUP, "NoteGroup", group_notes, who=p.FACILITATOR),
    Command(p.NOTE_UNGROUP, "ById", ungroup_notes, who=p.FACILITATOR),
    Command(p.NOTES_REVEAL, "NotesReveal", reveal_notes, who=p.FACILITATOR, delivery=p.LIVE),
)
