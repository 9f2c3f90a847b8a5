"""Live drags and the facilitator's pointer: frames relayed to the room, never stored.

A dragger holds the note (`holds`) until the drop (`note:move`, stored like any command)
or a few seconds after the last frame; meanwhile another person's drag or drop gets `busy`.
"""

from .. import protocol as p
from ..domain import DomainError
from ..protocol import Command
from .broadcast import publish, workshop_room
from ..extensions import socketio
from .holds import open_holds

EXTENSION = "cocreate.holds"


def init_app(app):
    """Keep holds in this process, or in Redis when the message queue is Redis."""
    app.extensions[EXTENSION] = open_holds(app.config.get("MESSAGE_QUEUE"), float(app.config["DRAG_HOLD"]))


def holds_of(app):
    """The app's holds."""
    return app.extensions[EXTENSION]


def _busy(holder):
    # `by`: who, unless that would name an anonymous author.
    return DomainError("busy", "Someone else is moving this note right now.", key="error_busy", by=holder)


def relay(sender, _command, payload):
    """`note:drag`: hold the note for the dragger and show the frame to everyone else."""
    workshops, connection = sender.workshops, sender.connection
    workshop_id, person = connection.workshop_id, connection.participant_id
    drag = workshops.drag(workshop_id, person, payload["id"])
    other = sender.holds.take(workshop_id, payload["id"], person)
    if other is not None:
        raise _busy(workshops.drag(workshop_id, other, payload["id"], check=False).by)
    connection.held.add(payload["id"])
    if not drag.hidden:  # a private note's place is its author's alone
        socketio.emit(
            p.DRAG,
            {"id": payload["id"], "x": payload["x"], "y": payload["y"], "by": drag.by},
            to=workshop_room(workshop_id),
            skip_sid=sender.sid,
        )
    return {"ok": True}


def point(sender, _command, payload):
    """`pointer`: the facilitator's finger on the remote, a dot on every other screen;
    `x: null` hides it."""
    if not sender.connection.facilitator:
        raise DomainError("forbidden", "This is for the facilitator.", key="error_forbidden")
    socketio.emit(
        p.POINTER,
        {"x": payload["x"], "y": payload.get("y") if payload["x"] is not None else None},
        to=workshop_room(sender.connection.workshop_id),
        skip_sid=sender.sid,
    )
    return {"ok": True}


def drop(sender, command, payload):
    """A command answered `protocol.DROP` (`note:move`): refused with `busy` while someone
    else holds the note; stored like any command, and it releases ours."""
    workshops, holds, connection = sender.workshops, sender.holds, sender.connection
    workshop_id, person = connection.workshop_id, connection.participant_id
    holder = holds.holder(workshop_id, payload["id"])
    if holder is not None and holder != person:
        raise _busy(workshops.drag(workshop_id, holder, payload["id"], check=False).by)
    _events, seq = workshops.execute(workshop_id, person, command.name, payload, publish)
    holds.release(workshop_id, payload["id"], person)
    connection.held.discard(payload["id"])
    return {"ok": True, "seq": seq}


COMMANDS = (
    Command(p.NOTE_DRAG, "NoteDrag", relay, delivery=p.LIVE, bucket=p.DRAG_BUCKET, answer=p.VOLATILE),
    Command(p.POINTER, "Pointer", point, who=p.FACILITATOR, delivery=p.LIVE, bucket=p.DRAG_BUCKET, answer=p.VOLATILE),
)
