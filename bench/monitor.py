"""The benchmark's one monitor: CPU, memory and open files of the servers under test and
of the machine around them, and a py-spy profile of a server while it is measured.

`Watch` marks moments (`mark(name)`) and tells what happened between two of them: each
server's CPU seconds and cores, how long it waited for a CPU (Linux schedstat), the
CPU of the services (PostgreSQL with all its backends, redis-server) and what the rest
of the machine used. A background thread samples the servers' resident memory and
open file descriptors (`series()`, for the soak), and times a fixed piece of work on its
own CPU time (`speed_probe`): when that takes longer, the machine itself got slower
(another guest on the host, a lower clock), whatever the processes under test did.
"""

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil


def process_cpu():
    """CPU seconds this process used so far (all its threads, user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def waited_for_cpu(pid):
    """Seconds the threads of `pid` spent runnable but waiting for a CPU (Linux schedstat):
    high when other programs take the cores, so latencies say more about the machine."""
    total = 0
    try:
        for task in os.scandir(f"/proc/{pid}/task"):
            try:
                with open(f"{task.path}/schedstat") as stat:
                    total += int(stat.read().split()[1])
            except (OSError, IndexError, ValueError):
                continue
    except OSError:
        return None
    return total / 1e9


def machine_busy():
    """CPU seconds the whole machine has spent busy (all cores; Linux /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def speed_probe(repeats=3):
    """Milliseconds of this thread's CPU time for a fixed piece of Python work (the least of
    `repeats` tries): the same on an unchanged machine, however busy it is."""
    best = None
    for _ in range(repeats):
        started = time.thread_time()
        sum(i * i for i in range(20_000))
        spent = (time.thread_time() - started) * 1000
        best = spent if best is None else min(best, spent)
    return best


def tree_cpu(process):
    """CPU seconds of a process, its live children and the children it has reaped."""
    try:
        times = process.cpu_times()
        total = times.user + times.system + times.children_user + times.children_system
        for child in process.children(recursive=True):
            try:
                child_times = child.cpu_times()
                total += child_times.user + child_times.system
            except psutil.Error:
                continue
        return total
    except psutil.Error:
        return None


class Watch:
    """`servers` and `services`: {name: pid}. Services count with their children."""

    def __init__(self, servers, services=None, sample_every=0.5):
        self.servers = {name: psutil.Process(pid) for name, pid in servers.items() if pid}
        self.services = {name: psutil.Process(pid) for name, pid in (services or {}).items() if pid}
        self.marks = {}
        self.samples = []  # (time, {name: (rss bytes, fds)})
        self.speeds = []  # (time, `speed_probe()` ms)
        self.sample_every = sample_every
        self._stop = threading.Event()
        self._thread = None

    def _cpu(self, process):
        try:
            times = process.cpu_times()
            return times.user + times.system
        except psutil.Error:
            return None

    def mark(self, name):
        self.marks[name] = {
            "at": time.monotonic(),
            "servers": {n: (self._cpu(p), waited_for_cpu(p.pid)) for n, p in self.servers.items()},
            "services": {n: tree_cpu(p) for n, p in self.services.items()},
            "busy": machine_busy(),
            "me": self._cpu(psutil.Process()),
        }

    def between(self, start, end, load_cpu_s=0.0):
        """What the servers, the services and the machine used between two marks.

        `load_cpu_s`: what the load processes used meanwhile (their own reports), so the
        rest of the machine ("others") is what neither the load nor the servers used.
        """
        a, b = self.marks[start], self.marks[end]
        wall = max(b["at"] - a["at"], 1e-9)
        out = {
            "wall_s": round(wall, 3),
            "clock_start": round(a["at"], 4),
            "clock_end": round(b["at"], 4),
            "servers": {},
            "services": {},
        }
        total = 0.0
        for name in self.servers:
            (c0, w0), (c1, w1) = a["servers"][name], b["servers"][name]
            if c0 is None or c1 is None:
                continue
            total += c1 - c0
            out["servers"][name] = {
                "cpu_s": round(c1 - c0, 3),
                "cores": round((c1 - c0) / wall, 3),
                "waited_share": None if w0 is None or w1 is None else round((w1 - w0) / wall, 3),
            }
        services = 0.0
        for name in self.services:
            c0, c1 = a["services"][name], b["services"][name]
            if c0 is None or c1 is None:
                continue
            services += c1 - c0
            out["services"][name] = {"cpu_s": round(c1 - c0, 3), "cores": round((c1 - c0) / wall, 3)}
        out["server_cpu_s"] = round(total, 3)
        out["server_cores"] = round(total / wall, 3)
        out["services_cpu_s"] = round(services, 3)
        waits = [s["waited_share"] for s in out["servers"].values() if s["waited_share"] is not None]
        out["server_cpu_wait_share"] = max(waits) if waits else None
        me = (b["me"] or 0) - (a["me"] or 0)
        if a["busy"] is not None and b["busy"] is not None:
            others = (b["busy"] - a["busy"]) - total - services - load_cpu_s - me
            out["others_cores"] = round(max(0.0, others) / wall, 3)
            # Everything together: near all the cores, the load and the servers wait for
            # each other, whoever else is there.
            out["machine_cores"] = round((b["busy"] - a["busy"]) / wall, 3)
            out["cpus"] = os.cpu_count()
        try:
            out["load_average_1m"] = round(os.getloadavg()[0], 2)
        except OSError:
            pass
        probes = sorted(ms for at, ms in self.speeds if a["at"] <= at <= b["at"])
        if probes:
            out["probe_ms"] = round(probes[len(probes) // 2], 3)
        return out

    # -- memory and file descriptors ----------------------------------------------------

    def _sample(self):
        while not self._stop.is_set():
            now = time.monotonic()
            row = {}
            for name, process in self.servers.items():
                try:
                    row[name] = (process.memory_info().rss, process.num_fds())
                except psutil.Error:
                    continue
            self.samples.append((now, row))
            self.speeds.append((now, speed_probe()))
            self._stop.wait(self.sample_every)

    def start(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread:
            self._thread.join(5)

    def rss_max_mib(self):
        """The highest resident memory each server reached, in MiB."""
        peak = {}
        for _at, row in self.samples:
            for name, (rss, _fds) in row.items():
                peak[name] = max(peak.get(name, 0), rss)
        return {name: round(value / 2**20, 1) for name, value in peak.items()}

    def now(self, name):
        """(rss bytes, open fds) of one server right now."""
        process = self.servers[name]
        return process.memory_info().rss, process.num_fds()

    def memory(self):
        """The servers' highest resident memory (MiB: the highest of them, and each one's),
        and the first server's memory, threads and open files now."""
        peaks = self.rss_max_mib()
        out = {"server_rss_max_mib": max(peaks.values(), default=None), "servers_rss_max_mib": peaks}
        first = next(iter(self.servers.values()), None)
        if first is not None:
            try:
                out.update(
                    server_rss_end_mib=round(first.memory_info().rss / 2**20, 1),
                    server_threads=first.num_threads(),
                    server_fds=first.num_fds(),
                )
            except psutil.Error:
                pass
        return out


class Profiler:
    """py-spy on one server (collapsed stacks, `--format raw`) from `start()` to `stop()`."""

    def __init__(self, pid, path, idle=False, gil=False):
        self.pid, self.path, self.idle, self.gil = pid, path, idle, gil
        self.process = None
        self.note = None

    def start(self):
        """Attach py-spy when a path was given and py-spy is installed."""
        spy = Path(sys.executable).parent / "py-spy"
        if not (self.path and self.pid and spy.exists()) or self.process:
            return
        command = [
            str(spy),
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(self.path),
        ]
        if self.idle:
            command.append("--idle")  # waiting counts too: finds stalls, not CPU
        elif self.gil:
            command.append("--gil")  # threading mode: only the thread running Python
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)  # py-spy attaches before the measured part starts; no event tells

    def stop(self):
        """Detach; py-spy writes its file."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            _out, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _out, err = self.process.communicate()
        self.process = None
        self.note = (err or "").strip()[-300:]
