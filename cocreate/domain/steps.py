"""Steps: `step:go` moves everyone (and records when steps start and end), `step:edit`
changes a step's text, lanes and rules."""

import re

from .. import protocol as p
from ..protocol import Command
from . import room
from .agenda import record_move
from .errors import invalid
from .notes import arrange_canvas, moved_event, note_event, place_on_canvas
from .rules import require_facilitator, step_at
from .timer import timer_ended
from .views import note_view, step_view
from .workshop import ANONYMITY_MODES, REVEAL_MODES, Event

LANE_KEY = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{p.LANE_MAX - 1}}}$")


def go_to_step(workshop, actor, payload, now):
    """`step:go`: the facilitator moves everyone to another step; ready marks reset, and a
    countdown, a pitch round and the spotlight of the step left behind end with it."""
    require_facilitator(actor)
    step_at(workshop, payload["index"], "index")
    moved = payload["index"] != workshop.current_step
    times = record_move(workshop, payload["index"], now)
    workshop.current_step = payload["index"]
    for person in workshop.participants.values():
        person.ready = False
    return [
        Event(p.STEP_CHANGED, {"index": workshop.current_step, "times": times}),
        *(timer_ended(workshop, now) + room.leave(workshop) if moved else []),
    ]


def _lanes(spec):
    keys = [lane["key"] for lane in spec]
    if len(set(keys)) != len(keys):
        raise invalid("lanes", "Lane keys must be unique.", key="refusal_lane_keys_unique")
    for key in keys:
        if not LANE_KEY.match(key):
            raise invalid("lanes", "A lane key is lower-case letters, digits and dashes.", key="refusal_lane_key_form")
    return [{"key": lane["key"], "title": lane["title"]} for lane in spec]


def edit_step(workshop, actor, payload, now):
    """`step:edit`: titles, prompts, lanes and rules, before or during the workshop.

    Notes in a lane that no longer exists move to the first lane, each with its
    own `note.edited`; making a step private again hides its notes again.
    """
    require_facilitator(actor)
    step = step_at(workshop, payload["index"], "index")
    was_hidden = step.hidden
    lanes = _lanes(payload["lanes"]) if "lanes" in payload else None
    for name in ("reveal", "anonymity"):
        allowed = REVEAL_MODES if name == "reveal" else ANONYMITY_MODES
        if name in payload and payload[name] not in allowed:
            raise invalid(
                name, f"Must be one of {', '.join(allowed)}.", key="refusal_one_of", choices=", ".join(allowed)
            )
    for name in ("title", "prompt", "anonymity", "tables"):
        if name in payload:
            setattr(step, name, payload[name])
    if "reveal" in payload and payload["reveal"] != step.reveal:
        step.reveal = payload["reveal"]
        step.revealed = False
    if "layout" in payload:
        _check_layout(payload["layout"], lanes if lanes is not None else step.lanes)
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
    placed = []
    if "layout" in payload:
        step.layout = "canvas" if payload["layout"] == "canvas" else None
        if step.layout == "canvas":
            placed = _place_unplaced(workshop, payload["index"])
            # Clusters made in another layout become frames around their notes.
            placed += [note for note in arrange_canvas(workshop, payload["index"]) if note not in placed]
    events = [Event(p.STEP_EDITED, step_view(payload["index"], step, workshop))]
    if was_hidden and not step.hidden:
        # Opening a private step shows its notes, just as a reveal would.
        notes = [note_view(note, workshop) for note in workshop.live_notes(payload["index"])]
        events.append(Event(p.NOTES_REVEALED, {"step": payload["index"], "notes": notes}))
    return (
        events
        + [note_event(p.NOTE_EDITED, note, workshop) for note in moved]
        + [moved_event(note, workshop) for note in placed]
    )


def _check_layout(layout, lanes):
    if layout == "lanes" and not lanes:
        raise invalid("layout", "This step has no lanes: choose grid or canvas.", key="refusal_layout_no_lanes")
    if layout == "grid" and lanes:
        raise invalid("layout", "This step has lanes: choose lanes or canvas.", key="refusal_layout_lanes")


def _place_unplaced(workshop, index):
    """Give every note of a step that became a canvas, and has no place yet, a free one."""
    placed = []
    for note in workshop.live_notes(index):
        if note.x is None or note.y is None:
            place_on_canvas(workshop, index, note)
            placed.append(note)
    return placed


COMMANDS = (
    Command(p.STEP_GO, "StepGo", go_to_step, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.STEP_EDIT, "StepEdit", edit_step, who=p.FACILITATOR, delivery=p.LIVE),
)
