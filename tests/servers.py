"""Real Redis, PostgreSQL and nginx, each a child of the test run — never mocks.

Each runs from Debian's packages (`scripts/install-system-deps` installs them) on a free
loopback port, with its data in a temporary folder that is removed afterwards; each can
be stopped and started again on its port (`halt`, `resume`), as an outage does. A
missing binary fails the test loudly. The fixtures that start them are in cluster.py.

PostgreSQL's `initdb` refuses to run as root. When the tests run as root (as in
CI), `initdb` and `postgres` run as Debian's `postgres` system user (created by
the `postgresql` package) through `subprocess`'s `user=`/`group=`, with the data
folder chowned to it; otherwise they run as the current user.
"""

import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
import requests
from requests.adapters import HTTPAdapter

from support import ROOT, free_port

START_TIMEOUT = 30
NGINX = "/usr/sbin/nginx"


def _require(path, package):
    if not path or not Path(path).exists():
        pytest.fail(f"{path or package} is missing: `make test` installs Debian's {package} "
                    "(scripts/install-system-deps)", pytrace=False)
    return path


def _wait(what, ready, process, log_path, timeout=START_TIMEOUT):
    """Poll until the server answers (start-up only), or fail with its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{Path(log_path).read_text()}")
        try:
            if ready():
                return
        except Exception:
            pass
        time.sleep(0.1)  # polling for the port to open; not a synchronisation sleep
    raise RuntimeError(f"{what} did not start:\n{Path(log_path).read_text()}")


def started(server):
    """`server.start()`, or `server.stop()` (no stray process or folder) and the error."""
    try:
        return server.start()
    except BaseException:
        server.stop()
        raise


def _stop(process, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


# -- Redis ------------------------------------------------------------------------------

class RedisServer:
    """`redis-server` on a loopback port, no persistence; `halt` and `resume` restart it."""

    def __init__(self):
        self.binary = _require(shutil.which("redis-server"), "redis-server")
        self.folder = Path(tempfile.mkdtemp(prefix="cocreate-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = self.folder / "redis.log"
        self.process = None

    def start(self):
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [self.binary, "--bind", "127.0.0.1", "--port", str(self.port),
                 "--dir", str(self.folder), "--save", "", "--appendonly", "no"],
                stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        _wait("redis-server", client.ping, self.process, self.log_path)
        client.close()
        return self

    def halt(self):
        """Shut the server down (SIGTERM: its clients' connections close), keeping its port."""
        _stop(self.process)

    def resume(self):
        """Start it again on the same port, empty (nothing was persisted)."""
        return self.start()

    def stop(self):
        if self.process:
            _stop(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


# -- PostgreSQL ---------------------------------------------------------------------------

class PostgresServer:
    """A PostgreSQL cluster made by `initdb` in a temporary folder, on a loopback port."""

    USER = "cocreate"

    def __init__(self):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"),
                          key=lambda path: int(Path(path).parts[-3]))
        self.bin = Path(_require(versions[-1] if versions else None, "postgresql")).parent
        self.folder = Path(tempfile.mkdtemp(prefix="cocreate-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.log_path = self.folder / "postgres.log"
        self.process = None
        self.as_user = {}
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root needs Debian's `postgres` user (package "
                            "postgresql) to run initdb and postgres", pytrace=False)
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}

    def _run(self, *args):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        return dict(env=env, cwd=self.folder, **self.as_user), [str(self.bin / args[0]),
                                                                *args[1:]]

    def start(self):
        options, command = self._run("initdb", "-D", str(self.data), "-U", self.USER,
                                     "--auth=trust", "--no-sync", "-E", "UTF8",
                                     "--locale=C.UTF-8")
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, **options)
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        return self.resume()

    def resume(self):
        """Start `postgres` on the data folder and port it had (after `halt`)."""
        options, command = self._run(
            "postgres", "-D", str(self.data), "-p", str(self.port),
            "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
            "-c", "max_connections=200")
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            **options)

        def ready():
            with psycopg.connect(self.dsn("postgres"), connect_timeout=1):
                return True
        _wait("postgres", ready, self.process, self.log_path)
        return self

    def dsn(self, database):
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{database}"

    PASSWORD = "geheim-wachtwoord"  # ignored by `trust`; there to be kept out of logs

    def create_database(self):
        """A new empty database; returns its URL in the `postgres://` form hosts hand out."""
        name = "cocreate_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}/{name}"

    def halt(self):
        """Shut down as `pg_ctl stop -m fast` does (SIGINT): sessions are ended at once."""
        _stop(self.process, signal.SIGINT)

    def stop(self):
        if self.process:
            self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)


# -- nginx ---------------------------------------------------------------------------------

# The site is docs/deploy.md's nginx configuration, read from the page (`deployed_site`);
# around it, what keeps nginx in its temporary folder.
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

{site}
}}
"""
DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"
SITE_SECTION = "### nginx with sticky sessions"
UPSTREAM_SERVER = re.compile(r"^( *)server 127\.0\.0\.1:\d+(.*;)\n", re.M)
GUIDE_LISTEN = "listen 80;"


def deployed_site():
    """The nginx configuration docs/deploy.md gives (its `map`, `upstream`, `server`)."""
    section = DEPLOY_GUIDE.read_text("utf-8").split(SITE_SECTION, 1)[1]
    return section.split("```nginx\n", 1)[1].split("```", 1)[0]


def site_for_test(site, port, backends):
    """The guide's site in front of these processes, on a loopback port, with a test-only
    `X-Upstream` header that shows which process answered."""
    servers = UPSTREAM_SERVER.findall(site)
    assert servers and GUIDE_LISTEN in site, "docs/deploy.md's nginx block changed shape"
    indent, options = servers[0]
    ours = "".join(f"{indent}server 127.0.0.1:{live.port}{options}\n" for live in backends)
    site = UPSTREAM_SERVER.sub("", site)
    site = site.replace("hash $remote_addr consistent;\n",
                        "hash $remote_addr consistent;\n" + ours, 1)
    assert ours in site, "the guide's upstream has no `hash $remote_addr consistent;`"
    return site.replace(GUIDE_LISTEN, f"listen 127.0.0.1:{port};\n"
                        "    add_header X-Upstream $upstream_addr always;")


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
        site = site_for_test(deployed_site(), self.port, self.backends)
        # As root the workers would drop to a user that cannot write the temp folders.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = self.folder / "nginx.conf"
        conf.write_text(NGINX_CONF.format(folder=self.folder, user=user, site=site))
        log_path = self.folder / "error.log"
        with open(self.folder / "stdout.log", "w") as log:
            self.process = subprocess.Popen(
                [self.binary, "-p", str(self.folder), "-c", str(conf), "-e", str(log_path)],
                stdout=log, stderr=subprocess.STDOUT)
        log_path.touch()
        _wait("nginx", lambda: requests.get(self.url + "/healthz", timeout=1).ok,
              self.process, log_path)
        return self

    def halt(self):
        """Stop nginx at once (SIGTERM): every connection through it closes."""
        _stop(self.process)

    def resume(self):
        """Start nginx again on the same port."""
        return self.start()

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
