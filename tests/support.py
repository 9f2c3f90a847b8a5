"""What the tests share: a live server, a recording socket client, a workshop with its
people, notes and acks.

Imported as `support`: pytest puts `tests/` on `sys.path` when it loads tests/conftest.py.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests
import socketio
from flask.testing import FlaskClient

from cocreate import protocol as p

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20
WAIT_TIMEOUT = 10
# Refusals the page's outbox sends again, after a pause (static/js/connection.js).
RETRYABLE = ("rate_limited", "unavailable")
RETRY_PAUSE = 1.0

# The steps of the default format (cocreation).
GOALS = 0  # open, anonymity off
BRAND = 1  # open, anonymity off
FRICTION = 2  # "Knuppel in het hoenderhok": private writing, anonymity allowed
PLATFORM = 3  # four lanes
LANES = ("transparency", "accessibility", "dialogue", "reflection")


def new_id():
    """A new client-made id, as the board makes one for every note, cluster and action."""
    return str(uuid.uuid4())


def free_port():
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the HTTP API -----------------------------------------------------------------------


class WorkshopApi:
    """Creating and joining workshops over the JSON API; `_created` says how to POST."""

    def create_workshop(self, title="Teamdag", token=None, **fields):
        """POST /api/workshops (with `token` as bearer: a follow-up needs the earlier
        session's facilitator); returns the JSON answer."""
        return self._created("/api/workshops", {"title": title, **fields}, token)

    def join(self, workshop_id, name):
        """POST /api/workshops/<id>/participants; returns `{participant_id, token}`."""
        return self._created(f"/api/workshops/{workshop_id}/participants", {"name": name})

    def _created(self, path, body, token=None):
        """POST `body` to `path`, assert 201 Created and return the JSON answer."""
        raise NotImplementedError


def bearer(token):
    """The `Authorization` header for a token (none for None)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


class AppClient(WorkshopApi, FlaskClient):
    """Flask's test client with the same `create_workshop` and `join` as `LiveServer`."""

    def _created(self, path, body, token=None):
        answer = self.post(path, json=body, headers=bearer(token))
        assert answer.status_code == 201, answer.text
        return answer.json


class LiveServer(WorkshopApi):
    """`cocreate serve` as a subprocess on a free loopback port, with its own database."""

    def __init__(self, instance_path, env=None):
        self.instance_path = Path(instance_path)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.instance_path / "server.log"
        self.extra_env = env or {}
        self.process = None

    def start(self):
        """Start the server and wait until /healthz answers."""
        self.instance_path.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "COCREATE_INSTANCE_PATH": str(self.instance_path),
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env.setdefault("COCREATE_ASYNC_MODE", "eventlet")
        if not env.get("COCREATE_PROXIES"):
            # Every browser of the tests runs on this machine: loopback is the room's address.
            env.setdefault("COCREATE_PUBLIC_URL", self.url)
        with open(self.log_path, "a") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cocreate", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)  # polling for the port to open; not a synchronisation sleep
        self.kill()
        raise RuntimeError(f"server did not start:\n{self.log()}")

    def kill(self):
        """SIGKILL: no shutdown, no flushing — like a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        """Stop the server politely."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self):
        """Everything the server printed so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""

    def _created(self, path, body, token=None):
        answer = requests.post(self.url + path, json=body, headers=bearer(token), timeout=10)
        assert answer.status_code == 201, answer.text
        return answer.json()


# -- sockets ------------------------------------------------------------------------------


class Client:
    """A python-socketio client that records every snapshot, event, presence and closed
    message."""

    def __init__(self, url, workshop_id, token, sio=None):
        self.url, self.workshop_id, self.token = url, workshop_id, token
        self.snapshots, self.events, self.presence, self.closed = [], [], [], []
        self.drags, self.pointers = [], []
        self._changed = threading.Condition()
        self.listen(sio or socketio.Client(reconnection=False))

    def listen(self, sio):
        """Use `sio` as this client's socket, recording what the server sends on it."""
        self.sio = sio
        for name, into in (
            (p.SNAPSHOT, self.snapshots),
            (p.EVENT, self.events),
            (p.PRESENCE, self.presence),
            (p.CLOSED, self.closed),
            (p.DRAG, self.drags),
            (p.POINTER, self.pointers),
        ):
            sio.on(name, lambda data, into=into: self._record(into, data))

    def _record(self, into, data):
        with self._changed:
            into.append(data)
            self._changed.notify_all()

    def connect(self):
        """Connect and wait for the first snapshot."""
        self.sio.connect(
            self.url,
            auth={"workshop": self.workshop_id, "token": self.token},
            transports=["websocket"],
            wait_timeout=WAIT_TIMEOUT,
        )
        self.wait_for(lambda: self.snapshots)
        return self

    def call(self, command, payload):
        """Emit a command and return its ack."""
        return self.sio.call(command, payload, timeout=WAIT_TIMEOUT)

    def wait_for(self, predicate, timeout=WAIT_TIMEOUT):
        """Block until `predicate()` is true (re-checked on every message) or fail."""
        with self._changed:
            if not self._changed.wait_for(predicate, timeout):
                raise AssertionError("timed out waiting for a condition on received messages")

    def wait_for_seq(self, seq, timeout=WAIT_TIMEOUT):
        """Block until an event with this `seq` has arrived."""
        self.wait_for(lambda: any(e["seq"] >= seq for e in self.events), timeout)

    def event_types(self):
        """The types of the received events, in arrival order."""
        return [e["type"] for e in self.events]

    def close(self):
        """Disconnect if connected."""
        if self.sio.connected:
            self.sio.disconnect()


class Viewer(Client):
    """A client that behaves like the board page: it reconnects by itself (python-socketio's
    reconnection, with the delays of the browser's client), gets a fresh snapshot on every
    connection, applies events in `seq` order and asks for a snapshot (`sync`) on a gap.

    `notes` is what its screen would show: the notes of its latest snapshot and of every
    event after it, by id. python-socketio runs each message's handler on a thread of its
    own, so two may run out of order where the page handles them in order: a snapshot
    older than what the viewer has already applied is ignored rather than shown.
    """

    def __init__(self, url, workshop_id, token, sio=None):
        self.notes, self.seq, self.live, self.drops = {}, None, False, 0
        self.refusals = []  # the retryable refusals `deliver` got (and sent again after)
        self._resyncing = False
        super().__init__(url, workshop_id, token, sio or socketio.Client(reconnection=True))
        self.sio.on("disconnect", self._dropped)

    def _dropped(self, *_reason):
        with self._changed:
            self.live = False
            self.drops += 1
            self._changed.notify_all()

    def _record(self, into, data):
        with self._changed:
            into.append(data)
            if into is self.snapshots:
                self._load(data)
            elif into is self.events:
                self._apply(data)
            self._changed.notify_all()

    def _load(self, snapshot):
        self.live = True
        if self.seq is not None and snapshot["seq"] < self.seq:
            return
        self.seq = snapshot["seq"]
        self.notes = {note["id"]: note for note in snapshot["notes"]}

    def _apply(self, event):
        if self.seq is None or event["seq"] <= self.seq:
            return  # already in the snapshot, or the owner's fuller copy of a change
        if event["seq"] != self.seq + 1:
            self._resync()
            return
        self.seq = event["seq"]
        data = event["data"]
        if event["type"] in (p.NOTE_ADDED, p.NOTE_EDITED, p.NOTE_MOVED):
            self.notes[data["id"]] = {**self.notes.get(data["id"], {}), **data}
        elif event["type"] == p.NOTE_REMOVED:
            self.notes.pop(data["id"], None)

    def _resync(self):
        if self._resyncing:
            return
        self._resyncing = True

        def ask():
            try:
                ack = self.sio.call(p.SYNC, {}, timeout=WAIT_TIMEOUT)
            except socketio.exceptions.SocketIOError:
                ack = {"ok": False}  # the connection dropped: its next snapshot comes
            with self._changed:
                self._resyncing = False
                if ack.get("ok"):
                    self.snapshots.append(ack["snapshot"])
                    self._load(ack["snapshot"])
                self._changed.notify_all()

        threading.Thread(target=ask, daemon=True).start()

    def ask(self, command, payload):
        """Emit a command; its ack, or None when the connection dropped before the answer
        (the browser's client gives up on an ack then, too)."""
        answers = []
        with self._changed:
            drops = self.drops

        def answered(*args):
            with self._changed:
                answers.append(args[0] if args else None)
                self._changed.notify_all()

        try:
            self.sio.emit(command, payload, callback=answered)
        except socketio.exceptions.SocketIOError:
            return None  # not connected
        self.wait_for(lambda: answers or self.drops != drops, timeout=3 * WAIT_TIMEOUT)
        return answers[0] if answers else None

    def deliver(self, command, payload, timeout=60):
        """Send a command until the server answers it, as the page's outbox does (after a
        dropped connection or a retryable refusal, the same command again); returns the ack."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.wait_for(lambda: self.live, timeout=max(0.1, deadline - time.monotonic()))
            ack = self.ask(command, payload)
            if ack is not None and (ack["ok"] or ack["error"]["code"] not in RETRYABLE):
                return ack
            if ack is not None:
                with self._changed:
                    self.refusals.append(ack["error"])
                    self._changed.notify_all()
                time.sleep(RETRY_PAUSE)  # the outbox's pause before sending again
        raise AssertionError(f"{command} was never answered: {payload}")

    def close(self):
        """Disconnect, and stop reconnecting."""
        self.sio.shutdown()


def wait_all(seq, *everyone):
    """Block until each client has received the event with this `seq`."""
    for client in everyone:
        client.wait_for_seq(seq)


# -- a workshop and its people -------------------------------------------------------------


class Workshop:
    """A workshop on a live server, the people who joined it, and sockets as any of them.

    `who` is a participant's name, or "facilitator" for the workshop's creator.
    """

    def __init__(self, server, clients, *names, title="Teamdag", connect_facilitator=False, **fields):
        self.server, self._clients = server, clients
        self.created = server.create_workshop(title, **fields)
        self.id = self.created["id"]
        self.people = {}
        for name in names:
            self.join(name)
        # The facilitator's socket, for tests that need it open from the start.
        self.facilitator = self.connect() if connect_facilitator else None

    def follow_up(self, *names, title="Terugkomdag", **fields):
        """The next session of this workshop's series (made with its facilitator's token),
        with these people joined."""
        return Workshop(
            self.server, self._clients, *names, title=title, follow_up_of=self.id, token=self.token(), **fields
        )

    def join(self, name):
        """Join `name` over the API; returns `{participant_id, token}`."""
        self.people[name] = self.server.join(self.id, name)
        return self.people[name]

    def token(self, who="facilitator"):
        """The token of the facilitator or of a participant."""
        if who == "facilitator":
            return self.created["facilitator_token"]
        return self.people[who]["token"]

    def pid(self, who):
        """A participant's id."""
        return self.people[who]["participant_id"]

    def connect(self, who="facilitator"):
        """A new recording socket as `who`, connected and with its first snapshot."""
        return self._clients(self.server.url, self.id, self.token(who))

    def url(self, path=""):
        """The address of the board, or of one of its pages and downloads (`path`)."""
        return f"{self.server.url}/w/{self.id}{path}"

    def add_action(self, title, owner=None, **fields):
        """The facilitator (connected) adds an action, owned by the participant named `owner`
        if given; returns its id once the server took it."""
        action_id = new_id()
        owned = {"owner": self.pid(owner)} if owner else {}
        ok(self.facilitator.call(p.ACTION_ADD, {"id": action_id, "title": title, **owned, **fields}))
        return action_id

    def update_link(self, action_id):
        """An action's update link, as the facilitator's snapshot holds it."""
        actions = self.connect().snapshots[-1]["actions"]
        return next(action["update_url"] for action in actions if action["id"] == action_id)

    def download(self, name, token=None, **kwargs):
        """GET a download (`plan.md`, `export.json`, …) with a bearer token (the facilitator's
        unless given)."""
        headers = {"Authorization": f"Bearer {token or self.token()}"}
        return requests.get(self.url(f"/{name}"), headers=headers, timeout=WAIT_TIMEOUT, **kwargs)


# -- notes and acks ------------------------------------------------------------------------


def ok(ack):
    """The ack of a command that must succeed."""
    assert ack["ok"] is True, ack
    return ack


def refused(ack, code):
    """The error of a command that must be refused with `code`."""
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    return ack["error"]


def add_note(client, step, text, **extra):
    """Add a note through a socket; returns its id and the seq of its event."""
    note_id = new_id()
    ack = ok(client.call(p.NOTE_ADD, {"id": note_id, "step": step, "text": text, **extra}))
    return note_id, ack["seq"]


def snapshot_note(snapshot, note_id):
    """The note with this id in a snapshot (exactly one, or the test fails)."""
    found = [n for n in snapshot["notes"] if n["id"] == note_id]
    assert len(found) == 1, (note_id, snapshot["notes"])
    return found[0]


class Clock:
    """A clock a test moves by hand (`clock.now += 3`)."""

    def __init__(self, now=100.0):
        self.now = now

    def __call__(self):
        return self.now
