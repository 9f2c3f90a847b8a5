"""Live drags: frames relayed to the room (never stored), holds, and the drop.

`note:drag` frames go to everyone else in the workshop as the unsequenced `drag`
message, about 30 a second while someone drags; the dragger holds the note meanwhile
(`holds`), so a second person's drag or drop gets `busy`, naming the holder unless
that would name an anonymous author. The drop is `note:move`: sequenced and stored
like any command, and it releases the hold.
"""

from . import protocol as p
from .broadcast import workshop_room
from .extensions import socketio
from .holds import open_holds

EXTENSION = "cocreate.holds"


def init_app(app):
    """Keep holds in this process, or in Redis when the message queue is Redis."""
    app.extensions[EXTENSION] = open_holds(app.config.get("MESSAGE_QUEUE"),
                                           float(app.config["DRAG_HOLD"]))


def holds_of(app):
    """The app's holds."""
    return app.extensions[EXTENSION]


def _busy(holder):
    body = p.error_body("busy", "Someone else is moving this note right now.")
    body["error"]["by"] = holder  # who, unless that would name an anonymous author
    return {"ok": False, **body}


def relay(workshops, holds, connection, sid, payload):
    """`note:drag`: hold the note for the dragger and show the frame to everyone else."""
    workshop_id, person = connection.workshop_id, connection.participant_id
    drag = workshops.drag(workshop_id, person, payload["id"])
    other = holds.take(workshop_id, payload["id"], person)
    if other is not None:
        return _busy(workshops.drag(workshop_id, other, payload["id"], check=False).by)
    connection.held.add(payload["id"])
    if not drag.hidden:  # a private note's place is its author's alone
        socketio.emit(p.DRAG, {"id": payload["id"], "x": payload["x"], "y": payload["y"],
                               "by": drag.by}, to=workshop_room(workshop_id), skip_sid=sid)
    return {"ok": True}


def point(connection, sid, payload):
    """`pointer`: the facilitator's finger on the remote, a dot on every other screen.

    Volatile like a drag frame: relayed, never stored or sequenced; `x: null` hides it.
    """
    if not connection.facilitator:
        return {"ok": False, **p.error_body("forbidden", "This is for the facilitator.")}
    socketio.emit(p.POINTER, {"x": payload["x"], "y": payload.get("y") if payload["x"] is not None
                              else None}, to=workshop_room(connection.workshop_id), skip_sid=sid)
    return {"ok": True}


def drop(workshops, holds, connection, payload, publish):
    """`note:move`: refused with `busy` while someone else holds the note; releases ours."""
    workshop_id, person = connection.workshop_id, connection.participant_id
    holder = holds.holder(workshop_id, payload["id"])
    if holder is not None and holder != person:
        return _busy(workshops.drag(workshop_id, holder, payload["id"], check=False).by)
    _events, seq = workshops.execute(workshop_id, person, p.NOTE_MOVE, payload, publish)
    holds.release(workshop_id, payload["id"], person)
    connection.held.discard(payload["id"])
    return {"ok": True, "seq": seq}
