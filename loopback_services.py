"""Throwaway redis-server and PostgreSQL on loopback ports, shared by the tests and the benchmark.

Used by the tests' scale-out and failover fixtures (tests/servers.py, tests/cluster.py) and by
the benchmark's deployments (bench/deployment.py); the app never imports it. Each runs from
Debian's packages (`scripts/install-system-deps` installs them) as a child process, on a
free loopback port, with its data in a temporary folder that `stop()` removes.

PostgreSQL's `initdb` refuses to run as root. As root, `initdb` and `postgres` run as
Debian's `postgres` system user (created by the `postgresql` package) through
`subprocess`'s `user=`/`group=`, with the data folder chowned to it.
"""

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

START_TIMEOUT = 30


class MissingProgram(RuntimeError):
    """A program from a Debian package is not installed."""


def free_port():
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require(path, package):
    """`path`, or MissingProgram naming the Debian package that provides it."""
    if not path or not Path(path).exists():
        raise MissingProgram(
            f"{path or package} is missing: `make test` and `make bench` "
            f"install Debian's {package} (scripts/install-system-deps)"
        )
    return path


def wait_until_ready(what, ready, process, log_path, timeout=START_TIMEOUT):
    """Poll `ready()` until it is true (start-up only), or raise with the program's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited early:\n{Path(log_path).read_text()}")
        try:
            if ready():
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        time.sleep(0.1)  # polling for the port to open; not a synchronisation sleep
    raise RuntimeError(f"{what} did not start:\n{Path(log_path).read_text()}")


def stop_process(process, sig=signal.SIGTERM):
    """`sig`, then SIGKILL when the process has not ended within 15 seconds."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def started(server):
    """`server.start()`, or `server.stop()` (no stray process or folder) and the error."""
    try:
        return server.start()
    except BaseException:
        server.stop()
        raise


class RedisServer:
    """`redis-server` on a loopback port, no persistence; `halt` and `resume` restart it."""

    def __init__(self):
        self.binary = require(shutil.which("redis-server"), "redis-server")
        self.folder = Path(tempfile.mkdtemp(prefix="cocreate-redis-"))
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = self.folder / "redis.log"
        self.process = None

    def start(self):
        import redis

        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--bind",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                    "--dir",
                    str(self.folder),
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        wait_until_ready("redis-server", client.ping, self.process, self.log_path)
        client.close()
        return self

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def halt(self):
        """Shut the server down (SIGTERM: its clients' connections close), keeping its port."""
        stop_process(self.process)

    def resume(self):
        """Start it again on the same port, empty (nothing was persisted)."""
        return self.start()

    def flush(self):
        """Forget every key (shared presence, holds) before the next user."""
        import redis

        client = redis.Redis.from_url(self.url, socket_timeout=5)
        try:
            client.flushall()
        finally:
            client.close()

    def stop(self):
        if self.process:
            stop_process(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


class PostgresServer:
    """A PostgreSQL cluster made by `initdb` in a temporary folder, on a loopback port."""

    USER = "cocreate"
    PASSWORD = "geheim-wachtwoord"  # ignored by `trust`; there to be kept out of logs

    def __init__(self, max_connections=200):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda path: int(Path(path).parts[-3]))
        self.bin = Path(require(versions[-1] if versions else None, "postgresql")).parent
        self.folder = Path(tempfile.mkdtemp(prefix="cocreate-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.log_path = self.folder / "postgres.log"
        self.max_connections = max_connections
        self.process = None
        self.as_user = {}
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise MissingProgram(
                    "running as root needs Debian's `postgres` user (package postgresql) to run initdb and postgres"
                ) from None
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}

    def _run(self, *args):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"}
        return dict(env=env, cwd=self.folder, **self.as_user), [str(self.bin / args[0]), *args[1:]]

    def start(self):
        options, command = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            self.USER,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, **options)
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        return self.resume()

    def resume(self):
        """Start `postgres` on the data folder and port it had (after `halt`)."""
        import psycopg

        options, command = self._run(
            "postgres",
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "unix_socket_directories=",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            f"max_connections={self.max_connections}",
        )
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)

        def ready():
            with psycopg.connect(self.dsn("postgres"), connect_timeout=1):
                return True

        wait_until_ready("postgres", ready, self.process, self.log_path)
        return self

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def dsn(self, database):
        return f"postgresql://{self.USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self):
        """A new empty database; returns its URL in the `postgres://` form hosts hand out."""
        import psycopg

        name = "cocreate_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgres://{self.USER}:{self.PASSWORD}@127.0.0.1:{self.port}/{name}"

    def halt(self):
        """Shut down as `pg_ctl stop -m fast` does (SIGINT): sessions are ended at once."""
        stop_process(self.process, signal.SIGINT)

    def stop(self):
        if self.process:
            self.halt()
        shutil.rmtree(self.folder, ignore_errors=True)
