"""JSON for Socket.IO packets: input too broken or too deep to parse becomes an unknown event.

python-socketio would otherwise log a traceback for a client's bad packet; this way the
client gets an ordinary `unknown_command` answer and the log stays clean.
"""

import json
import sys

import socketio.packet

UNPARSABLE = "__unparsable__"


def loads(text, **options):
    """`json.loads`, but a packet that cannot be parsed reads as an unknown event."""
    try:
        return json.loads(text, **options)
    except (RecursionError, ValueError):
        return [UNPARSABLE]


def dumps(value, **options):
    """`json.dumps`, unchanged."""
    return json.dumps(value, **options)


class Packet(socketio.packet.Packet):
    """The server's Socket.IO packets: JSON through this module, and never binary.

    cocreate sends only JSON-able values. python-socketio would otherwise walk every
    message it sends, key by key, looking for bytes: a tenth of the CPU a reconnecting
    room costs the server (bench/: reconnect-storm).
    """

    @classmethod
    def data_is_binary(cls, data):
        return False


Packet.json = sys.modules[__name__]
