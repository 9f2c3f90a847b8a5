"""JSON for Socket.IO packets: input too broken or too deep to parse becomes an unknown event
(an ordinary `unknown_command` answer, no traceback in the log); what the server sends is
encoded by orjson.
"""

import json
import sys

import orjson
import socketio.packet

UNPARSABLE = "__unparsable__"
COMPACT = {"separators": (",", ":")}  # what python-socketio asks of `dumps`


def loads(text, **options):
    """`json.loads`, but a packet that cannot be parsed reads as an unknown event."""
    try:
        return json.loads(text, **options)
    except (RecursionError, ValueError):
        return [UNPARSABLE]


def dumps(value, **options):
    """The packet as compact JSON text, by orjson (every connecting viewer's snapshot is
    encoded: docs/realtime.md). Text that is not ASCII goes as UTF-8 rather than `\\u`
    escapes (Socket.IO frames are UTF-8). What orjson does not take (an integer beyond 64
    bits, a lone surrogate, options other than compact separators) goes through
    `json.dumps` as before."""
    if options in ({}, COMPACT):
        try:
            return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
        except TypeError:
            pass
    return json.dumps(value, **options)


class Packet(socketio.packet.Packet):
    """The server's Socket.IO packets: JSON through this module, and never binary.

    cocreate sends only JSON-able values; python-socketio would otherwise walk every
    message it sends, key by key, looking for bytes.
    """

    @classmethod
    def data_is_binary(cls, data):
        return False


Packet.json = sys.modules[__name__]
