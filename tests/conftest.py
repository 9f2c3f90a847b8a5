"""Shared fixtures: a real cocreate server in a subprocess, and recording socket clients."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 20
WAIT_TIMEOUT = 10


def free_port():
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
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
        env = {**os.environ, "COCREATE_INSTANCE_PATH": str(self.instance_path),
               "PORT": str(self.port), "HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1",
               **self.extra_env}
        env.setdefault("COCREATE_ASYNC_MODE", "eventlet")
        if not env.get("COCREATE_PROXIES"):
            # Every browser of the tests runs on this machine: loopback is the room's address.
            env.setdefault("COCREATE_PUBLIC_URL", self.url)
        with open(self.log_path, "a") as log:  # the child keeps its own copy of the handle
            self.process = subprocess.Popen([sys.executable, "-m", "cocreate", "serve"],
                                            cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
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

    # -- HTTP helpers -------------------------------------------------------------

    def create_workshop(self, title="Teamdag", **fields):
        """POST /api/workshops; returns the JSON answer."""
        answer = requests.post(self.url + "/api/workshops", json={"title": title, **fields},
                               timeout=10)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def join(self, workshop_id, name):
        """POST /api/workshops/<id>/participants; returns `{participant_id, token}`."""
        answer = requests.post(f"{self.url}/api/workshops/{workshop_id}/participants",
                               json={"name": name}, timeout=10)
        assert answer.status_code == 201, answer.text
        return answer.json()


class Client:
    """A python-socketio client that records every snapshot, event, presence and closed
    message."""

    def __init__(self, url, workshop_id, token):
        self.url, self.workshop_id, self.token = url, workshop_id, token
        self.snapshots, self.events, self.presence, self.closed = [], [], [], []
        self.drags = []
        self._changed = threading.Condition()
        self.listen(socketio.Client(reconnection=False))

    def listen(self, sio):
        """Use `sio` as this client's socket, recording what the server sends on it."""
        self.sio = sio
        for name, into in (("snapshot", self.snapshots), ("event", self.events),
                           ("presence", self.presence), ("closed", self.closed),
                           ("drag", self.drags)):
            sio.on(name, lambda data, into=into: self._record(into, data))

    def _record(self, into, data):
        with self._changed:
            into.append(data)
            self._changed.notify_all()

    def connect(self):
        """Connect and wait for the first snapshot."""
        self.sio.connect(self.url, auth={"workshop": self.workshop_id, "token": self.token},
                         transports=["websocket"], wait_timeout=WAIT_TIMEOUT)
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


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One live server shared by tests that each create their own workshop."""
    # Hundreds of tests share this server from one address; limits get their own test.
    live = LiveServer(tmp_path_factory.mktemp("server"), env={
        "COCREATE_JOIN_GUESS_LIMIT": "100000 per minute",
        "COCREATE_CREATE_LIMIT": "100000 per hour"}).start()
    yield live
    live.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A live server of this test's own, for tests that kill or restart it."""
    live = LiveServer(tmp_path / "instance").start()
    yield live
    live.stop()


@pytest.fixture
def start_server(tmp_path):
    """`start_server(**env)`: a live server of this test's own with these settings."""
    started = []

    def start(**env):
        started.append(LiveServer(tmp_path / f"server-{len(started)}", env=env).start())
        return started[-1]
    yield start
    for live in started:
        live.stop()


def _client_factory():
    """A `connect(url, workshop_id, token)` function and the clients it made."""
    made = []

    def connect(url, workshop_id, token):
        client = Client(url, workshop_id, token).connect()
        made.append(client)
        return client
    return connect, made


@pytest.fixture
def clients():
    """A factory of connected clients, all closed after the test."""
    connect, made = _client_factory()
    yield connect
    for client in made:
        client.close()


@pytest.fixture(scope="module")
def module_clients():
    """Like `clients`, but the clients stay connected until the end of the test module."""
    connect, made = _client_factory()
    yield connect
    for client in made:
        client.close()
