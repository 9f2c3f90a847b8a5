"""Real Redis, PostgreSQL and nginx for the scale-out tests — never mocks.

Each runs from Debian's packages (`scripts/install-system-deps` installs them), as
a child of the test run, on a free loopback port, with its data in a temporary
folder that is removed afterwards. A missing binary fails the test loudly.
redis-server and PostgreSQL are started by `bench/services.py`, which the
benchmark's scale-out runs share (as root, PostgreSQL runs as Debian's `postgres` user).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
import requests
import socketio
from requests.adapters import HTTPAdapter

from bench.services import (MissingProgram, PostgresServer, RedisServer, require, started,
                            stop_process, wait_until_ready)
from support import Client, LiveServer, free_port

NGINX = "/usr/sbin/nginx"


def _require(path, package):
    try:
        return require(path, package)
    except MissingProgram as missing:
        pytest.fail(str(missing), pytrace=False)


def _started(server_class):
    """A started `server_class()`; a missing program fails the test with its package."""
    try:
        return started(server_class())
    except MissingProgram as missing:
        pytest.fail(str(missing), pytrace=False)


_wait = wait_until_ready
_stop = stop_process


# -- Redis and PostgreSQL -------------------------------------------------------------------

@pytest.fixture(scope="session")
def redis_server():
    """A real redis-server for the Socket.IO message queue and shared presence."""
    server = _started(RedisServer)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server; each user of it makes its own database."""
    server = _started(PostgresServer)
    yield server
    server.stop()


# -- nginx ---------------------------------------------------------------------------------

# The upstream and location blocks are those of docs/deploy.md; the rest keeps nginx
# in its temporary folder. `X-Upstream` (test only) shows which process answered.
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}

    upstream cocreate {{
        hash $remote_addr consistent;
{servers}
    }}

    server {{
        listen 127.0.0.1:{port};
        add_header X-Upstream $upstream_addr always;

        location / {{
            proxy_pass http://cocreate;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}

        location /socket.io/ {{
            proxy_pass http://cocreate;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_buffering off;
            proxy_read_timeout 1h;
        }}
    }}
}}
"""


class NginxProxy:
    """nginx on a loopback port, sticky by client address in front of cocreate processes."""

    def __init__(self, backends):
        self.binary = _require(NGINX, "nginx")
        self.folder = Path(tempfile.mkdtemp(prefix="cocreate-nginx-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.backends = backends
        self.process = None

    def start(self):
        servers = "\n".join(f"        server 127.0.0.1:{live.port};" for live in self.backends)
        # As root the workers would drop to a user that cannot write the temp folders.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = self.folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=self.folder, port=self.port, servers=servers,
                                          user=user))
        log_path = self.folder / "error.log"
        with open(self.folder / "stdout.log", "w") as log:
            self.process = subprocess.Popen(
                [self.binary, "-p", str(self.folder), "-c", str(conf), "-e", str(log_path)],
                stdout=log, stderr=subprocess.STDOUT)
        log_path.touch()
        _wait("nginx", lambda: requests.get(self.url + "/healthz", timeout=1).ok,
              self.process, log_path)
        return self

    def stop(self):
        if self.process:
            _stop(self.process, signal.SIGQUIT)  # graceful
        shutil.rmtree(self.folder, ignore_errors=True)

    def session(self, source):
        """A `requests.Session` whose connections come from loopback address `source`."""
        session = requests.Session()
        adapter = SourceAddressAdapter(source)
        session.mount("http://", adapter)
        return session

    def backend_for(self, source):
        """The port of the process nginx sends this client address to."""
        with self.session(source) as session:
            answer = session.get(self.url + "/healthz", timeout=5)
        assert answer.ok, answer.text
        return int(answer.headers["X-Upstream"].rsplit(":", 1)[1])


class SourceAddressAdapter(HTTPAdapter):
    """Connections from a chosen loopback address (127.0.0.0/8 is all local on Linux)."""

    def __init__(self, source, **kwargs):
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.source, 0)
        super().init_poolmanager(*args, **kwargs)


# -- several cocreate processes ------------------------------------------------------------

class Cluster:
    """Two `cocreate serve` processes sharing Redis and a new PostgreSQL database,
    with nginx in front of them."""

    def __init__(self, folder, redis_server, postgres_server, processes=2):
        self.database_url = postgres_server.create_database()
        env = {"DATABASE_URL": self.database_url,
               "COCREATE_MESSAGE_QUEUE": redis_server.url,
               "COCREATE_PRESENCE_TTL": "2",
               # Links follow the address each request came in on (nginx's, or a process's).
               "COCREATE_PUBLIC_URL": "",
               # Every process signs owners' links with the same key.
               "COCREATE_SECRET_KEY": "9" * 64,
               # Many requests from one address; the limits have tests of their own.
               "COCREATE_JOIN_GUESS_LIMIT": "100000 per minute",
               "COCREATE_CREATE_LIMIT": "100000 per hour"}
        self.servers = [LiveServer(Path(folder) / f"process{index}", env=env)
                        for index in range(processes)]
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

class ProxiedClient(Client):
    """A recording client that goes through nginx from one loopback address, as a
    browser does: long-polling first, then the upgrade to WebSocket, with an Origin."""

    def __init__(self, nginx, source, workshop_id, token):
        super().__init__(nginx.url, workshop_id, token)
        # The socket the WebSocket upgrade will use, from the same address.
        self.upgrade = socket.create_connection(("127.0.0.1", nginx.port), timeout=10,
                                                source_address=(source, 0))
        self.listen(socketio.Client(reconnection=False, http_session=nginx.session(source),
                                    # The Origin of `connect(headers=…)`, not a second one.
                                    websocket_extra_options={"socket": self.upgrade,
                                                             "suppress_origin": True}))

    def connect(self):
        """Connect through nginx and wait for the first snapshot."""
        self.sio.connect(self.url, auth={"workshop": self.workshop_id, "token": self.token},
                         headers={"Origin": self.url}, transports=["polling", "websocket"],
                         wait_timeout=10)
        self.wait_for(lambda: self.snapshots)
        return self

    def close(self):
        """Disconnect, and close the upgrade socket even if it was never used."""
        super().close()
        if self.sio.eio.http is not None:
            self.sio.eio.http.close()
        self.upgrade.close()


@pytest.fixture
def proxied_clients():
    """`connect(nginx, source, workshop_id, token)`: a connected ProxiedClient; all closed
    after the test."""
    made = []

    def connect(nginx, source, workshop_id, token):
        client = ProxiedClient(nginx, source, workshop_id, token).connect()
        made.append(client)
        return client

    yield connect
    for client in made:
        client.close()
