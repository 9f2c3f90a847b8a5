"""Socket.IO handlers: connecting, leaving, every command (`commands`), anything else.

They are registered on python-socketio's server directly (`init_app`): they need no Flask
request, and building one per message is work the room waits for. A handshake's cookies
are read from its WSGI environ.
"""

import functools

from flask import request
from flask_socketio import ConnectionRefusedError
from werkzeug.wrappers import Request

from .. import protocol as p
from ..access import store_of, token_of
from ..addresses import configured_room
from ..domain import FACILITATOR, DomainError
from ..extensions import socketio
from ..i18n import choose_language
from ..links import add_links
from ..store import RETRY_AFTER, UNAVAILABLE
from . import collector, dragging, presence
from .broadcast import connections, participant_room, workshop_room
from .commands import DECLARED, failure, handler
from .dragging import holds_of
from .sockets import Connection

ECHO_MAX = 40  # how much of an unknown event's name the answer repeats


def _presence(workshop_id):
    presence.announce(workshop_id)  # with other processes' viewers


def _sent_as_event(sid):
    # A real (dis)connect is still pending while its handler runs; an already
    # connected client emitting "connect" or "disconnect" is just sending an event.
    return socketio.server.manager.is_connected(sid, "/")


def _unknown():
    return ConnectionRefusedError("Unknown workshop or token.", {"code": "unauthorized"})


def _reserved(sid):
    return failure(sid, "unknown_command", "This event name is reserved.", key="refusal_reserved_event")


def on_connect(app, sid, *args):
    """Accept a viewer with a valid token, then send the snapshot.

    `args` are the handshake's WSGI environ and the client's `auth`; without a token in
    `auth`, the handshake's header, query or cookie may carry it.
    """
    if _sent_as_event(sid):
        return _reserved(sid)
    environ = args[0] if args and isinstance(args[0], dict) else {}
    auth = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    workshop_id = auth.get("workshop")
    if not isinstance(workshop_id, str) or len(workshop_id) > p.ID_MAX:
        workshop_id = None
    token = auth.get("token") if isinstance(auth.get("token"), str) else None
    handshake = Request(environ)
    with app.app_context():
        try:
            _welcome(app, sid, handshake, workshop_id, token or (workshop_id and token_of(handshake, workshop_id)))
        except ConnectionRefusedError:
            raise
        except Exception as error:
            connections.pop(sid, None)
            if not store_of(app).unreachable(error):
                raise
            # The page tries again by itself after `retry_after` seconds.
            raise ConnectionRefusedError(UNAVAILABLE, {"code": "unavailable", "retry_after": RETRY_AFTER}) from None


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
        add_links, key=app.extensions["cocreate.secret"], base=configured_room(app.config, handshake.host_url).base
    )

    def deliver(snap):
        # The page chose its language the same way: the person's choice, else the workshop's.
        connection.language = choose_language(snap["workshop"]["language"], asking=handshake)
        socketio.emit(p.SNAPSHOT, snap, to=sid)

    try:
        workshops.snapshot(workshop_id, viewer.id, deliver=deliver, decorate=connection.links)
    except DomainError:
        # The token was remembered, but the workshop has been deleted since (by another
        # process, or `cocreate purge`): as for any unknown workshop.
        connections.pop(sid, None)
        raise _unknown() from None
    _presence(workshop_id)


def on_disconnect(app, sid, *_reason):
    """Forget the connection and tell the room who is still online."""
    if _sent_as_event(sid):
        return _reserved(sid)
    gone = connections.pop(sid, None)
    collector.connection_closed()
    if gone is not None:
        with app.app_context():
            for note_id in gone.held:  # a dropped connection never keeps a note held
                holds_of(app).release(gone.workshop_id, note_id, gone.participant_id)
            _presence(gone.workshop_id)


def init_app(app):
    """Register connecting, leaving and the commands, once `socketio` is set up for `app`."""
    dragging.init_app(app)
    socketio.server.on("connect", functools.partial(on_connect, app), namespace="/")
    socketio.server.on("disconnect", functools.partial(on_disconnect, app), namespace="/")
    for name in DECLARED:
        socketio.server.on(name, handler(store_of(app), holds_of(app), name), namespace="/")


@socketio.on("*")
def on_unknown(event, *args):
    """Anything that is not a command of the protocol."""
    name = str(event)[:ECHO_MAX]
    return failure(
        request.sid,
        "unknown_command",
        f"Unknown command {name!r}.",
        key="refusal_unknown_command",
        values={"command": name},
    )
