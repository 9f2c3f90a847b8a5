"""The socket layer: authenticate, load the schema, run the command, send the events.

No rules here: those are the domain's. `init_app` wires it to an app whose `socketio`
is set up.
"""

from ..extensions import socketio
from . import handlers, packets, polling, presence, resync


def init_app(app):
    """Register the handlers; share presence and keep up with other processes (Redis)."""
    # Only Socket.IO packets: Engine.IO must keep reading its own "probe" as plain text.
    socketio.server.packet_class = packets.Packet
    polling.never_wait_for_a_poll(socketio.server.eio)
    handlers.init_app(app)
    presence.init_app(app)  # online lists shared across processes through Redis
    resync.init_app(app)  # viewers catch up after the Redis message queue was away
