"""Start and stop the servers under test: `cocreate serve` or the relay, each a subprocess.

The same approach as the test suite's LiveServer (a free loopback port, its own
instance folder, wait for /healthz), written again here: bench/ imports nothing
from tests/.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30


def free_port():
    """A TCP port on loopback that nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One server process on 127.0.0.1: `kind` is "cocreate" or "relay"."""

    def __init__(self, kind, mode, workdir, gc_log=False):
        self.kind, self.mode, self.gc_log = kind, mode, gc_log
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / f"{kind}-{mode}.log"
        self.process = None

    def command(self):
        if self.gc_log:  # the experiment of bench/wrap.py
            if self.kind == "cocreate":
                return [sys.executable, "-m", "bench.wrap", "--gc-log", "cocreate"]
            return [sys.executable, "-m", "bench.wrap", "--gc-log", "relay", "--mode", self.mode]
        if self.kind == "cocreate":
            return [sys.executable, "-m", "cocreate", "serve"]
        return [sys.executable, "-m", "bench.relay", "--mode", self.mode]

    def start(self):
        """Start the server and wait until /healthz answers; returns self."""
        instance = self.instance = self.workdir / f"instance-{self.kind}-{self.mode}-{self.port}"
        instance.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "COCREATE_INSTANCE_PATH": str(instance), "PORT": str(self.port),
               "HOST": "127.0.0.1", "COCREATE_ASYNC_MODE": self.mode, "PYTHONUNBUFFERED": "1"}
        # One load address creates every workshop of a run: lift the per-address HTTP limit.
        env["COCREATE_CREATE_LIMIT"] = "100000 per hour"
        env.pop("DATABASE_URL", None)
        env.pop("COCREATE_MESSAGE_QUEUE", None)
        with open(self.log_path, "a") as log:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
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
