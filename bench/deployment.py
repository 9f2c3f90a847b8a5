"""What one run measures: `cocreate serve` or the relay, each a subprocess, one or several.

A `Server` starts as the test suite's LiveServer does (a free loopback port, its own
instance folder, wait for /healthz); bench/ imports nothing from tests/. A `Deployment`
is one server on its own SQLite file, or several sharing PostgreSQL and/or a Redis
message queue (`Services`, started once per benchmark run from loopback_services.py,
as the scale-out tests start them).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from loopback_services import PostgresServer, RedisServer, free_port, started

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30


class Server:
    """One server process on 127.0.0.1: `kind` is "cocreate" or "relay"."""

    def __init__(self, kind, mode, workdir, gc_log=False, env=None, message_queue=None):
        self.kind, self.mode, self.gc_log = kind, mode, gc_log
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / f"{kind}-{mode}-{self.port}.log"
        self.extra_env = env or {}
        self.message_queue = message_queue
        self.process = None

    def command(self):
        if self.gc_log:  # the experiment of bench/wrap.py
            if self.kind == "cocreate":
                return [sys.executable, "-m", "bench.wrap", "--gc-log", "cocreate"]
            return [sys.executable, "-m", "bench.wrap", "--gc-log", "relay", "--mode", self.mode]
        if self.kind == "cocreate":
            return [sys.executable, "-m", "cocreate", "serve"]
        queue = ["--message-queue", self.message_queue] if self.message_queue else []
        return [sys.executable, "-m", "bench.relay", "--mode", self.mode, *queue]

    def start(self):
        """Start the server and wait until /healthz answers; returns self."""
        instance = self.instance = self.workdir / f"instance-{self.kind}-{self.mode}-{self.port}"
        instance.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            "COCREATE_INSTANCE_PATH": str(instance),
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "COCREATE_ASYNC_MODE": self.mode,
            "PYTHONUNBUFFERED": "1",
        }
        # One load address creates every workshop of a run: lift the per-address HTTP limit.
        env["COCREATE_CREATE_LIMIT"] = "100000 per hour"
        env["COCREATE_JOIN_LIMIT"] = env["COCREATE_WORKSHOP_JOIN_LIMIT"] = "100000 per minute"
        env.pop("DATABASE_URL", None)
        env.pop("COCREATE_MESSAGE_QUEUE", None)
        env.update(self.extra_env)
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} ({self.mode}) exited early:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)  # waiting for the port to open
        self.stop()
        raise RuntimeError(f"{self.kind} ({self.mode}) did not start:\n{self.log()[-3000:]}")

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


class Services:
    """redis-server and PostgreSQL, each started the first time a deployment needs it."""

    def __init__(self):
        self.redis = self.postgres = None

    def need_redis(self):
        if self.redis is None:
            self.redis = started(RedisServer())
        return self.redis

    def need_postgres(self):
        if self.postgres is None:
            self.postgres = started(PostgresServer(max_connections=300))
        return self.postgres

    def stop(self):
        for service in (self.redis, self.postgres):
            if service is not None:
                service.stop()


class Deployment:
    """The servers one run measures: `processes` of `kind`, on SQLite (one process) or a
    fresh PostgreSQL database, with a Redis message queue when `queue`."""

    def __init__(self, kind, mode, workdir, services, processes=1, postgres=False, queue=False, gc_log=False):
        self.kind, self.mode, self.workdir = kind, mode, workdir
        self.services, self.count = services, processes
        self.postgres, self.queue, self.gc_log = postgres, queue, gc_log
        self.servers = []

    def start(self):
        env, queue_url = {}, None
        if self.queue:
            redis = self.services.need_redis()
            redis.flush()  # no presence or holds left from an earlier run
            queue_url = redis.url
            if self.kind == "cocreate":
                env["COCREATE_MESSAGE_QUEUE"] = queue_url
        if self.postgres and self.kind == "cocreate":
            env["DATABASE_URL"] = self.services.need_postgres().create_database()
        if self.count > 1 and self.kind == "cocreate":
            env["COCREATE_SECRET_KEY"] = "7" * 64  # every process signs links alike
        try:
            for _ in range(self.count):
                self.servers.append(
                    Server(self.kind, self.mode, self.workdir, self.gc_log, env=env, message_queue=queue_url).start()
                )
        except BaseException:
            self.stop()
            raise
        return self

    @property
    def urls(self):
        return [server.url for server in self.servers]

    @property
    def pids(self):
        return [server.pid for server in self.servers]

    @property
    def sqlite(self):
        """The SQLite file of a one-process cocreate, else None."""
        if self.kind != "cocreate" or self.postgres or not self.servers:
            return None
        return self.servers[0].instance / "cocreate.sqlite3"

    def service_pids(self):
        pids = {}
        if self.queue and self.services.redis:
            pids["redis"] = self.services.redis.pid
        if self.postgres and self.services.postgres:
            pids["postgres"] = self.services.postgres.pid
        return pids

    def alive(self):
        return all(server.alive() for server in self.servers)

    def stop(self):
        for server in self.servers:
            server.stop()

    def log(self):
        return "\n".join(server.log() for server in self.servers)
