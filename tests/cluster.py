"""Clusters of cocreate processes behind nginx, and clients that reach them through it.

A pytest plugin (`pytest_plugins` in tests/conftest.py), so the integration tests and
the browser tests both get its fixtures: `redis_server`, `postgres_server`,
`shared_database`, `restartable_postgres`, `cluster`, `fresh_cluster`, `proxied_clients`, `proxied_viewers`.
The servers themselves (real Redis, PostgreSQL and nginx) are in servers.py.
"""

import socket
import threading
from pathlib import Path

import pytest
import socketio

from loopback_services import started
from servers import NginxProxy, PostgresServer, RedisServer
from support import Client, LiveServer, Viewer


@pytest.fixture(scope="session")
def redis_server():
    """A real redis-server for the Socket.IO message queue and shared presence."""
    server = started(RedisServer())
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server; each user of it makes its own database."""
    server = started(PostgresServer())
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_database(request, tmp_path):
    """The URL of a new database that two `Store`s share as two processes would: a
    SQLite file, then a PostgreSQL database (where a change runs in one round trip)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database()


@pytest.fixture
def restartable_postgres():
    """A PostgreSQL server of this test's own, which the test may stop and start."""
    server = started(PostgresServer())
    yield server
    server.stop()


# -- several cocreate processes ------------------------------------------------------------


class Cluster:
    """Two `cocreate serve` processes sharing Redis and a new PostgreSQL database,
    with nginx in front of them."""

    def __init__(self, folder, redis_server, postgres_server, processes=2):
        self.database_url = postgres_server.create_database()
        env = {
            "DATABASE_URL": self.database_url,
            "COCREATE_MESSAGE_QUEUE": redis_server.url,
            "COCREATE_PRESENCE_TTL": "2",
            # Links follow the address each request came in on (nginx's, or a process's).
            "COCREATE_PUBLIC_URL": "",
            # Every process signs owners' links with the same key.
            "COCREATE_SECRET_KEY": "9" * 64,
            # Many requests from one address; the limits have tests of their own.
            "COCREATE_JOIN_GUESS_LIMIT": "100000 per minute",
            "COCREATE_CREATE_LIMIT": "100000 per hour",
            "COCREATE_JOIN_LIMIT": "100000 per minute",
            "COCREATE_WORKSHOP_JOIN_LIMIT": "100000 per minute",
        }
        self.servers = [LiveServer(Path(folder) / f"process{index}", env=env) for index in range(processes)]
        self.nginx = None

    def start(self):
        """Start every process at once (on an empty database), then nginx."""
        errors = []

        def start(live):
            try:
                live.start()
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=start, args=(live,)) for live in self.servers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            self.stop()
            raise errors[0]
        self.nginx = NginxProxy(self.servers)
        try:
            self.nginx.start()
        except BaseException:
            self.stop()
            raise
        return self

    def addresses(self, each):
        """`each` loopback client addresses per process, as nginx's `hash $remote_addr`
        spreads them: one list per process, in the order of `servers`."""
        chosen = {live.port: [] for live in self.servers}
        for last in range(2, 255):
            source = f"127.0.0.{last}"
            backend = chosen[self.nginx.backend_for(source)]
            if len(backend) < each:
                backend.append(source)
            if all(len(sources) == each for sources in chosen.values()):
                return [chosen[live.port] for live in self.servers]
        raise AssertionError(f"nginx spread 253 addresses too unevenly: {chosen}")

    def stop(self):
        if self.nginx:
            self.nginx.stop()
        for live in self.servers:
            live.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis_server, postgres_server):
    """Two processes behind nginx, shared by the tests of a module."""
    made = Cluster(tmp_path_factory.mktemp("cluster"), redis_server, postgres_server).start()
    yield made
    made.stop()


@pytest.fixture
def fresh_cluster(tmp_path, redis_server, postgres_server):
    """Two processes behind nginx of this test's own, for tests that kill one."""
    made = Cluster(tmp_path, redis_server, postgres_server).start()
    yield made
    made.stop()


# -- clients through nginx ---------------------------------------------------------------


class FromAddress(socketio.Client):
    """A python-socketio client whose every connection comes from one loopback address —
    the long-polling requests, the WebSocket upgrade and each reconnection — so nginx's
    `hash $remote_addr` treats it as one browser."""

    def __init__(self, nginx, source, **options):
        self.nginx, self.source, self.upgrade = nginx, source, None
        # The Origin of `connect(headers=…)`, not a second one.
        super().__init__(
            http_session=nginx.session(source), websocket_extra_options={"suppress_origin": True}, **options
        )

    def connect(self, *args, **kwargs):
        """Connect, or reconnect, with a new socket for the upgrade to WebSocket."""
        self.close_upgrade()
        self.upgrade = socket.create_connection(
            ("127.0.0.1", self.nginx.port), timeout=10, source_address=(self.source, 0)
        )
        self.eio.websocket_extra_options["socket"] = self.upgrade
        return super().connect(*args, **kwargs)

    def close_upgrade(self):
        """Close the upgrade's socket, used or not."""
        if self.upgrade is not None:
            self.upgrade.close()


class ThroughNginx:
    """Connects as a browser does: long-polling first, then the upgrade to WebSocket,
    with an Origin."""

    def connect(self):
        """Connect through nginx and wait for the first snapshot."""
        self.sio.connect(
            self.url,
            auth={"workshop": self.workshop_id, "token": self.token},
            headers={"Origin": self.url},
            transports=["polling", "websocket"],
            wait_timeout=10,
        )
        self.wait_for(lambda: self.snapshots)
        return self

    def close(self):
        """Disconnect, and close the connections to nginx."""
        super().close()
        if self.sio.eio.http is not None:
            self.sio.eio.http.close()
        self.sio.close_upgrade()


class ProxiedClient(ThroughNginx, Client):
    """A recording client that goes through nginx from one loopback address."""

    def __init__(self, nginx, source, workshop_id, token):
        super().__init__(nginx.url, workshop_id, token, FromAddress(nginx, source, reconnection=False))


class ProxiedViewer(ThroughNginx, Viewer):
    """A viewer that goes through nginx from one loopback address and, like a browser,
    reconnects through it by itself."""

    def __init__(self, nginx, source, workshop_id, token):
        super().__init__(nginx.url, workshop_id, token, FromAddress(nginx, source, reconnection=True))


def _connector(kind):
    made = []

    def connect(nginx, source, workshop_id, token):
        client = kind(nginx, source, workshop_id, token).connect()
        made.append(client)
        return client

    return connect, made


@pytest.fixture
def proxied_clients():
    """`connect(nginx, source, workshop_id, token)`: a connected ProxiedClient; all closed
    after the test."""
    connect, made = _connector(ProxiedClient)
    yield connect
    for client in made:
        client.close()


@pytest.fixture
def proxied_viewers():
    """`connect(nginx, source, workshop_id, token)`: a connected ProxiedViewer; all closed
    after the test."""
    connect, made = _connector(ProxiedViewer)
    yield connect
    for client in made:
        client.close()
