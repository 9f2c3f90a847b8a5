"""JSON for Socket.IO packets: input too broken or too deep to parse becomes an unknown event.

python-socketio would otherwise log a traceback for a client's bad packet; this way the
client gets an ordinary `unknown_command` answer and the log stays clean.
"""

import json

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
