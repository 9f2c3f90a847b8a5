"""What the server sends to a workshop's rooms: its events, who is online, that it is gone.

The socket handlers (`realtime`) and the web pages (joining, deleting a workshop) both
send through here, so neither needs the other.
"""

from engineio.exceptions import SocketIsClosedError

from .. import protocol as p
from ..domain import event_message, own_message
from ..extensions import socketio

# This process's sockets by sid: each a `realtime.Connection` (whose it is, its limits).
connections = {}


def workshop_room(workshop_id):
    """The room every viewer of a workshop is in."""
    return f"workshop:{workshop_id}"


def participant_room(participant_id):
    """The room of one participant's connections (all their tabs and devices)."""
    return f"participant:{participant_id}"


def publish(workshop_id, events):
    """Send each change to everyone in the workshop, in `seq` order.

    When the owner may see more (their hidden note), they get their own copy
    with the same `seq` right after the public one.
    """
    for change in events:
        socketio.emit(p.EVENT, event_message(change), to=workshop_room(workshop_id))
        own = own_message(change)
        if own is not None:
            socketio.emit(p.EVENT, own, to=participant_room(change.owner))


def close_workshop(workshop_id):
    """Tell every viewer, in all processes, that the workshop is gone; disconnect ours.

    Viewers on other processes get `closed` through the message queue and leave by
    themselves; until they do, their commands are answered `not_found`.
    """
    socketio.emit(p.CLOSED, {"reason": "deleted"}, to=workshop_room(workshop_id))
    for sid, connection in list(connections.items()):
        if connection.workshop_id == workshop_id:
            socketio.server.disconnect(sid)


def online_here(workshop_id):
    """Who has a socket to this process in the workshop, in order."""
    # A copy: in threading mode other connections come and go while we look.
    return sorted({c.participant_id for c in list(connections.values()) if c.workshop_id == workshop_id})


def send_presence(workshop_id, online):
    """The presence message to everyone in the workshop (in every process)."""
    try:
        socketio.emit(p.PRESENCE, {"online": sorted(online)}, to=workshop_room(workshop_id))
    except SocketIsClosedError:
        pass  # someone left meanwhile; the next presence message goes to who is still here
