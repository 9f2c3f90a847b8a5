"""The floor: a bare python-socketio relay, run the way `cocreate serve` runs.

Same async mode, same web server and listening socket per mode
(`cocreate.cli.run_server` and `listen`), same Socket.IO server options
(`max_http_buffer_size` 64 KiB, default JSON, same-origin CORS). A client connects with
`auth: {workshop}`, is put in that room and gets a tiny `snapshot`; on
`note:add` the relay emits a `note.added` event of the same shape and size
as cocreate's to the room and acks `{ok, seq}`. No validation, no storage,
no rate limit: everything cocreate does on top is what the ratio measures.

With `--message-queue redis://…` several relays share their rooms through Redis with
python-socketio's own `RedisManager` (each relay counts its own `seq`). A client that
connects with `auth: {snapshot_bytes: N}` gets a snapshot of about N bytes (the
reconnect storm compares with cocreate's snapshot of a workshop with notes).

    python -m bench.relay --mode eventlet --port 5001 [--message-queue redis://127.0.0.1:6379/0]
"""

import argparse
import os
import sys
from datetime import datetime, timezone

# The same monkey-patching, options and server as cocreate, so both run on the same async
# set-up; the package and its cli import nothing that patching must precede.
from cocreate import SOCKET_BUFFER
from cocreate.cli import ASYNC_MODES, listen, patch_for, run_server


def make_app(mode, message_queue=None):
    """The relay as a WSGI app (Socket.IO on /socket.io, `GET /healthz` beside it)."""
    import socketio

    manager = socketio.RedisManager(message_queue) if message_queue else None
    sio = socketio.Server(
        async_mode=mode, max_http_buffer_size=SOCKET_BUFFER, cors_allowed_origins=None, client_manager=manager
    )
    rooms = {}  # sid -> room
    seqs = {}  # room -> seq

    @sio.on("connect")
    def connect(sid, environ, auth=None):
        room = (auth or {}).get("workshop") if isinstance(auth, dict) else None
        if not isinstance(room, str):
            raise socketio.exceptions.ConnectionRefusedError("no room")
        rooms[sid] = room
        sio.enter_room(sid, room)
        size = auth.get("snapshot_bytes")
        padding = "x" * min(size, 1_000_000) if isinstance(size, int) and size > 0 else None
        sio.emit("snapshot", {"seq": seqs.get(room, 0), "padding": padding}, to=sid)

    @sio.on("disconnect")
    def disconnect(sid, reason=None):
        rooms.pop(sid, None)

    @sio.on("note:add")
    def note_add(sid, payload):
        room = rooms[sid]
        seq = seqs[room] = seqs.get(room, 0) + 1
        # The same fields cocreate adds to a note.added event, so the bytes on the wire match.
        data = {
            "id": payload.get("id"),
            "step": payload.get("step"),
            "lane": None,
            "text": payload.get("text"),
            "color": "yellow",
            "x": None,
            "y": None,
            "anonymous": False,
            "version": 1,
            "author": sid[:16],
            "author_name": "P000",
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "group": None,
        }
        sio.emit("event", {"seq": seq, "type": "note.added", "data": data}, to=room)
        return {"ok": True, "seq": seq}

    @sio.on("note:drag")
    def note_drag(sid, payload):
        # A drag frame to everyone else in the room, with who drags, as cocreate sends it.
        sio.emit(
            "drag",
            {
                "id": payload.get("id"),
                "x": payload.get("x"),
                "y": payload.get("y"),
                "by": {"id": sid[:16], "name": "P000"},
            },
            to=rooms[sid],
            skip_sid=sid,
        )
        return {"ok": True}

    @sio.on("note:move")
    def note_move(sid, payload):
        room = rooms[sid]
        seq = seqs[room] = seqs.get(room, 0) + 1
        data = {
            "id": payload.get("id"),
            "step": 0,
            "x": payload.get("x"),
            "y": payload.get("y"),
            "lane": None,
            "group": None,
        }
        sio.emit("event", {"seq": seq, "type": "note.moved", "data": data}, to=room)
        return {"ok": True, "seq": seq}

    def healthz(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status": "ok", "relay": true}']

    return socketio.WSGIApp(sio, healthz)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench.relay")
    parser.add_argument("--mode", choices=ASYNC_MODES, default=os.environ.get("COCREATE_ASYNC_MODE", "eventlet"))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5001")))
    parser.add_argument("--message-queue", help="redis://… shared by several relays")
    args = parser.parse_args(argv)
    patch_for(args.mode)
    app = make_app(args.mode, args.message_queue)
    print(f"relay: serving on http://{args.host}:{args.port} ({args.mode})", flush=True)
    run_server(args.mode, app, listen(args.host, args.port))  # as `cocreate serve` does
    return 0


if __name__ == "__main__":
    sys.exit(main())
