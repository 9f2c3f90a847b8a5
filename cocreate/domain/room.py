"""The room as the facilitator steers it from the front or a phone: `spotlight:set`,
`pitch:start`, `pitch:next`, `pitch:stop` and `room:pause`."""

import random

from .. import protocol as p
from ..protocol import Command
from .errors import DomainError, invalid
from .rules import require_facilitator, step_at
from .timer import start_timer, stop_timer
from .workshop import Event

SPOTLIGHT_KINDS = ("note", "cluster", "table", "participant")
PITCH_OF = ("participants", "tables")
PITCH_ORDERS = ("random", "joined")


def _spotlit(workshop, kind, thing_id):
    """`{kind, id}` once the thing exists and may be shown to the room; else an error."""
    if kind is None:
        return None
    if kind not in SPOTLIGHT_KINDS:
        raise invalid(
            "kind",
            f"Must be one of {', '.join(SPOTLIGHT_KINDS)}.",
            key="refusal_one_of",
            choices=", ".join(SPOTLIGHT_KINDS),
        )
    if kind == "note":
        note = workshop.notes.get(thing_id)
        if note is None or note.removed:
            raise invalid("id", "Unknown note.", key="refusal_note_gone")
        if workshop.is_hidden(note):
            raise DomainError(
                "invalid",
                "This note is still private: reveal the step first.",
                key="refusal_spotlight_private",
                fields={"id": ["hidden"]},
            )
    elif kind == "cluster" and thing_id not in workshop.clusters:
        raise invalid("id", "Unknown cluster.", key="refusal_cluster_gone")
    elif kind == "table" and thing_id not in {table["id"] for table in workshop.tables}:
        raise invalid("id", "Unknown table.", key="refusal_table_unknown")
    elif kind == "participant":
        person = workshop.participants.get(thing_id)
        if person is None or person.is_facilitator:
            raise invalid("id", "Unknown participant.", key="refusal_participant_unknown")
    return {"kind": kind, "id": thing_id}


def _spotlight_event(workshop, spotlight):
    workshop.spotlight = spotlight
    return Event(p.SPOTLIGHT_SET, dict(spotlight) if spotlight else {"kind": None, "id": None})


def set_spotlight(workshop, actor, payload, now):
    """`spotlight:set`: one note, cluster, table or person large on every screen, or none."""
    require_facilitator(actor)
    spotlight = _spotlit(workshop, payload.get("kind"), payload.get("id"))
    if spotlight == workshop.spotlight:
        return []
    return [_spotlight_event(workshop, spotlight)]


def _pitchers(workshop, of, order, seed):
    """Who presents, in turn: the participants (never a facilitator) or the tables."""
    if of == "tables":
        queue = [table["id"] for table in workshop.tables]
    else:
        people = [person for person in workshop.participants.values() if not person.is_facilitator]
        people.sort(key=lambda person: person.joined_at)  # stable: joined order, then listed
        queue = [person.id for person in people]
    if order == "random":
        random.Random(seed).shuffle(queue)  # seeded by the command: the same order everywhere
    return queue


def _check_pitchable(workshop, index, of):
    step = step_at(workshop, index)
    if step.hidden:
        raise DomainError(
            "invalid",
            "Reveal this step's notes before the pitch round.",
            key="refusal_pitch_reveal_first",
            fields={"step": ["hidden"]},
        )
    if of == "participants" and (
        step.anonymity == "required" or any(note.anonymous for note in workshop.live_notes(index))
    ):
        raise DomainError(
            "invalid",
            "This step has anonymous notes: pitch it by table, or pick another step.",
            key="refusal_pitch_anonymous",
            fields={"step": ["anonymous"]},
        )
    if of == "tables" and not workshop.tables:
        raise DomainError("invalid", "There are no tables.", key="refusal_no_tables", fields={"of": ["no_tables"]})


def _pitch_events(workshop, actor, now):
    """`pitch.set`, the spotlight on who presents now, and their time on the room timer."""
    pitch = workshop.pitch
    events = [Event(p.PITCH_SET, dict(pitch, queue=list(pitch["queue"])))]
    kind = "table" if pitch["of"] == "tables" else "participant"
    spotlight = {"kind": kind, "id": pitch["current"]} if pitch["current"] else None
    if spotlight != workshop.spotlight:
        events.append(_spotlight_event(workshop, spotlight))
    if pitch["current"]:
        events += start_timer(workshop, actor, {"seconds": pitch["minutes"] * 60}, now)
    else:
        events += stop_timer(workshop, actor, {}, now)
    return events


def start_pitch(workshop, actor, payload, now):
    """`pitch:start`: a round of pitches, N minutes each, the first presenter in the spotlight."""
    require_facilitator(actor)
    of, order = payload["of"], payload["order"]
    if of not in PITCH_OF:
        raise invalid("of", f"Must be one of {', '.join(PITCH_OF)}.", key="refusal_one_of", choices=", ".join(PITCH_OF))
    if order not in PITCH_ORDERS:
        raise invalid(
            "order", f"Must be one of {', '.join(PITCH_ORDERS)}.", key="refusal_one_of", choices=", ".join(PITCH_ORDERS)
        )
    _check_pitchable(workshop, payload["step"], of)
    queue = _pitchers(workshop, of, order, f"{workshop.id}/{now}")
    if not queue:
        raise invalid("of", "Nobody to pitch yet.", key="refusal_pitch_nobody")
    workshop.pitch = {
        "queue": queue,
        "current": queue[0],
        "step": payload["step"],
        "of": of,
        "minutes": payload["minutes"],
    }
    return _pitch_events(workshop, actor, now)


def next_pitch(workshop, actor, payload, now):
    """`pitch:next`: the next presenter (or `to` one of the queue: skip or back); after the
    last, the round ends."""
    require_facilitator(actor)
    pitch = workshop.pitch
    if not pitch or not pitch["current"]:
        raise DomainError("conflict", "No pitch round is running.", key="refusal_no_pitch")
    queue = pitch["queue"]
    if payload.get("to") is not None:
        if payload["to"] not in queue:
            raise invalid("to", "Not in this pitch round.", key="refusal_pitch_not_in")
        current = payload["to"]
    else:
        at = queue.index(pitch["current"]) + 1
        current = queue[at] if at < len(queue) else None
    if current is None:
        return stop_pitch(workshop, actor, {}, now)
    workshop.pitch = dict(pitch, current=current)
    return _pitch_events(workshop, actor, now)


def stop_pitch(workshop, actor, payload, now):
    """`pitch:stop`: the round ends, the spotlight and the timer with it."""
    require_facilitator(actor)
    if not workshop.pitch:
        return []
    workshop.pitch = dict(workshop.pitch, queue=[], current=None)
    events = _pitch_events(workshop, actor, now)
    workshop.pitch = None
    return events


def pause_room(workshop, actor, payload, now):
    """`room:pause`: every participant's screen asks them to look to the front, or lets go."""
    require_facilitator(actor)
    if workshop.paused == payload["on"]:
        return []
    workshop.paused = payload["on"]
    return [Event(p.ROOM_PAUSED, {"on": workshop.paused})]


def leave(workshop):
    """Events that end a pitch round and take the spotlight down when the room moves to
    another step: what was large belongs to the step left behind."""
    events = []
    if workshop.pitch:
        workshop.pitch = dict(workshop.pitch, queue=[], current=None)
        events.append(Event(p.PITCH_SET, dict(workshop.pitch)))
        workshop.pitch = None
    if workshop.spotlight:
        events.append(_spotlight_event(workshop, None))
    return events


COMMANDS = (
    Command(p.SET_SPOTLIGHT, "SpotlightSet", set_spotlight, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.PITCH_START, "PitchStart", start_pitch, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.PITCH_NEXT, "PitchNext", next_pitch, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.PITCH_STOP, "Empty", stop_pitch, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.ROOM_PAUSE, "RoomPause", pause_room, who=p.FACILITATOR, delivery=p.LIVE),
)
