"""Socket.IO handlers: authenticate, validate, hand to the domain through the store, emit.

The rules live in `domain`; each handler here is a few lines of plumbing.

Connecting, leaving and the commands are registered on Flask-SocketIO's python-socketio
server directly (`init_app`): they need no Flask request, and building one for every
command cost ~0.25 ms of the ~1.5 ms a note took from arrival to broadcast (bench/,
broadcast-20), and a tenth of a reconnect's CPU (reconnect-storm). A handshake's cookies
are read from its WSGI environ.
"""

import functools
import logging
import time
from collections import deque
from dataclasses import dataclass, field

from flask_socketio import ConnectionRefusedError
from marshmallow import ValidationError
from werkzeug.wrappers import Request

from . import collector, dragging, presence
from . import protocol as p
from .access import store_of, token_of
from .addresses import configured_room
from .dragging import holds_of
from .links import add_links
from .broadcast import connections, participant_room, publish, workshop_room
from .domain import FACILITATOR, DomainError
from .extensions import socketio
from .schemas import COMMAND_SCHEMAS
from .store import RETRY_AFTER, UNAVAILABLE

log = logging.getLogger(__name__)

# A drag's frames can arrive bunched after a hiccup on the room's Wi-Fi: its refused frames
# weigh a tenth of other refused messages before a socket is cut off.
DRAG_STRIKE_FACTOR = 10
ECHO_MAX = 40  # how much of an unknown event's name the answer repeats


class TokenBucket:
    """Allows `burst` actions at once, refilled at `rate` per second."""

    def __init__(self, burst, rate):
        self.capacity, self.rate = burst, rate
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self):
        """True when one more action is allowed now."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Strikes:
    """Refused messages within a sliding window: a flood is cut off, old bursts are forgotten.

    A long workshop sees a person rate-limited now and then (a double-click storm, a
    phone replaying its outbox); only `limit` refusals within `window` seconds
    disconnect, so those never add up to a disconnection hours later.
    """

    def __init__(self, limit, window, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.times = deque()

    def add(self):
        """Count one refusal; True when there are now more than `limit` in the window."""
        now = self.clock()
        self.times.append(now)
        while self.times and self.times[0] <= now - self.window:
            self.times.popleft()
        return len(self.times) > self.limit


@dataclass
class Connection:
    """One authenticated socket: whose it is and how fast it may send."""

    workshop_id: str
    participant_id: str
    commands: TokenBucket
    moves: TokenBucket
    drags: TokenBucket
    strikes: Strikes
    drag_strikes: Strikes  # refused drag frames: bunched frames of a real drag are no flood
    held: set = field(default_factory=set)  # notes this socket holds while dragging
    facilitator: bool = False  # may send what only a facilitator sends (the pointer)
    links: object = None  # adds this viewer's links to its snapshots (`links.add_links`)

    @classmethod
    def open(cls, workshop_id, participant_id, config):
        """A connection with the configured rate limits (`COMMAND_BURST`, `COMMAND_RATE`, …)."""
        return cls(workshop_id, participant_id,
                   TokenBucket(config["COMMAND_BURST"], config["COMMAND_RATE"]),
                   TokenBucket(config["MOVE_BURST"], config["MOVE_RATE"]),
                   TokenBucket(config["DRAG_BURST"], config["DRAG_RATE"]),
                   Strikes(int(config["STRIKE_LIMIT"]), float(config["STRIKE_WINDOW"])),
                   Strikes(DRAG_STRIKE_FACTOR * int(config["STRIKE_LIMIT"]),
                           float(config["STRIKE_WINDOW"])))


def _presence(workshop_id):
    presence.announce(workshop_id)  # with other processes' viewers


def _failure(code, message, fields=None):
    return {"ok": False, **p.error_body(code, message, fields)}


def _unavailable():
    return {"ok": False, **p.error_body("unavailable", UNAVAILABLE, retry_after=RETRY_AFTER)}


def _sent_as_event(sid):
    # A real (dis)connect is still pending while its handler runs; an already
    # connected client emitting "connect" or "disconnect" is just sending an event.
    return socketio.server.manager.is_connected(sid, "/")


def _unknown():
    return ConnectionRefusedError("Unknown workshop or token.", {"code": "unauthorized"})


def _reserved():
    return _failure("unknown_command", "This event name is reserved.")


def on_connect(app, sid, *args):
    """Accept a viewer with a valid token, then send the snapshot.

    `args` are the handshake's WSGI environ and the client's `auth`; without a token in
    `auth`, the handshake's header, query or cookie may carry it.
    """
    if _sent_as_event(sid):
        return _reserved()
    environ = args[0] if args and isinstance(args[0], dict) else {}
    auth = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    workshop_id = auth.get("workshop")
    if not isinstance(workshop_id, str) or len(workshop_id) > p.ID_MAX:
        workshop_id = None
    token = auth.get("token") if isinstance(auth.get("token"), str) else None
    handshake = Request(environ)
    with app.app_context():
        try:
            _welcome(app, sid, handshake, workshop_id,
                     token or (workshop_id and token_of(handshake, workshop_id)))
        except ConnectionRefusedError:
            raise
        except Exception as error:
            connections.pop(sid, None)
            if not store_of(app).unreachable(error):
                raise
            # The page tries again by itself after `retry_after` seconds.
            raise ConnectionRefusedError(UNAVAILABLE, {"code": "unavailable",
                                                       "retry_after": RETRY_AFTER}) from None


def _welcome(app, sid, handshake, workshop_id, token):
    """Authenticate, register the connection and send its snapshot; refuse a bad token."""
    workshops = store_of(app)
    viewer = workshops.authenticate(workshop_id, token)
    if viewer is None:
        raise _unknown()
    connection = connections[sid] = Connection.open(workshop_id, viewer.id, app.config)
    connection.facilitator = viewer.role == FACILITATOR
    socketio.server.enter_room(sid, workshop_room(workshop_id), namespace="/")
    socketio.server.enter_room(sid, participant_room(viewer.id), namespace="/")
    connection.links = functools.partial(
        add_links, key=app.extensions["cocreate.secret"],
        base=configured_room(app.config, handshake.host_url).base)
    try:
        workshops.snapshot(workshop_id, viewer.id,
                           deliver=lambda snap: socketio.emit(p.SNAPSHOT, snap, to=sid),
                           decorate=connection.links)
    except DomainError:
        # The token was remembered, but the workshop has been deleted since (by another
        # process, or `cocreate purge`): as for any unknown workshop.
        connections.pop(sid, None)
        raise _unknown() from None
    _presence(workshop_id)


def on_disconnect(app, sid, *_reason):
    """Forget the connection and tell the room who is still online."""
    if _sent_as_event(sid):
        return _reserved()
    gone = connections.pop(sid, None)
    collector.connection_closed()
    if gone is not None:
        with app.app_context():
            for note_id in gone.held:  # a dropped connection never keeps a note held
                holds_of(app).release(gone.workshop_id, note_id, gone.participant_id)
            _presence(gone.workshop_id)


def _run(workshops, holds, sid, name, args):
    connection = connections.get(sid)
    if connection is None:
        return _failure("unauthorized", "Not connected to a workshop.")
    bucket = {p.NOTE_MOVE: connection.moves, p.NOTE_DRAG: connection.drags,
              p.POINTER: connection.drags}.get(name, connection.commands)
    if not bucket.take():
        strikes = (connection.drag_strikes if name in (p.NOTE_DRAG, p.POINTER)
                   else connection.strikes)
        if strikes.add():
            socketio.server.disconnect(sid)
        return _failure("rate_limited", "Too many messages; slow down a little.")
    try:
        payload = COMMAND_SCHEMAS[name].load(args[0] if len(args) == 1 else
                                             ({} if not args else args))
    except ValidationError as err:
        return _failure("invalid", "Some fields are not right.", err.messages)
    try:
        if name == p.SYNC:
            snap = workshops.snapshot(connection.workshop_id, connection.participant_id,
                                      decorate=connection.links)
            return {"ok": True, "seq": snap["seq"], "snapshot": snap}
        if name == p.NOTE_DRAG:
            return dragging.relay(workshops, holds, connection, sid, payload)
        if name == p.ACTION_LINK:
            return _update_link(workshops, connection, payload["id"])
        if name == p.NOTE_MOVE:
            return dragging.drop(workshops, holds, connection, payload, publish)
        if name == p.POINTER:
            return dragging.point(connection, sid, payload)
        _events, seq = workshops.execute(connection.workshop_id, connection.participant_id,
                                         name, payload, publish)
    except DomainError as err:
        return {"ok": False, **err.body()}
    return {"ok": True, "seq": seq}


def _update_link(workshops, connection, action_id):
    """`action:link`: the action's update link for the facilitator or its owner, in the ack
    alone, so that it appears as the action is handed over and reaches nobody else."""
    workshop = workshops.workshop(connection.workshop_id)
    action = workshop.actions.get(action_id)
    if action is None or action.removed:
        return _failure("not_found", "Action not found.")
    view = connection.links({"actions": [{"id": action_id}]}, workshop,
                            workshop.participants[connection.participant_id])
    link = view["actions"][0].get("update_url")
    if link is None:
        return _failure("forbidden", "Only the facilitator and the action's owner get its link.")
    return {"ok": True, "id": action_id, "update_url": link}


def _handler(workshops, holds, name):
    def handle(sid, *args):
        try:
            return _run(workshops, holds, sid, name, args)
        except Exception as error:
            if workshops.unreachable(error):
                return _unavailable()  # nothing was stored: the same command may follow
            log.exception("command %s failed", name)
            return _failure("internal", "Something went wrong on the server.")
    handle.__name__ = "on_" + name.replace(":", "_")
    return handle


def init_app(app):
    """Register connecting, leaving and the commands, once `socketio` is set up for `app`."""
    dragging.init_app(app)
    socketio.server.on("connect", functools.partial(on_connect, app), namespace="/")
    socketio.server.on("disconnect", functools.partial(on_disconnect, app), namespace="/")
    for name in p.COMMANDS:
        socketio.server.on(name, _handler(store_of(app), holds_of(app), name), namespace="/")


@socketio.on("*")
def on_unknown(event, *args):
    """Anything that is not a command of the protocol."""
    return _failure("unknown_command", f"Unknown command {str(event)[:ECHO_MAX]!r}.")
