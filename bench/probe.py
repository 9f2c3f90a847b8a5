"""What the load process sees of the server process it measures: CPU, waiting for a CPU,
resident memory (`Monitor`), and a py-spy profile while it is measured (`Profiler`)."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from .watch import machine_busy

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is in the bench extras
    psutil = None


class Monitor:
    """CPU seconds and resident memory of the server (and of this load process)."""

    def __init__(self, pid):
        self.server = psutil.Process(pid) if (psutil and pid) else None
        self.me = psutil.Process() if psutil else None
        self.rss_max = 0
        self._task = None
        self._marks = {}

    def _cpu(self, proc):
        if proc is None:
            return None
        times = proc.cpu_times()
        return times.user + times.system

    def rss(self):
        if self.server is None:
            return None
        try:
            return self.server.memory_info().rss
        except psutil.Error:
            return None

    @staticmethod
    def _waited(pid):
        """Seconds the process's threads spent runnable but waiting for a CPU (Linux schedstat).

        High when other programs on the machine take the cores: then latencies say more
        about the machine than about the server.
        """
        if not pid:
            return None
        total = 0
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                try:
                    total += int((task / "schedstat").read_text().split()[1])
                except (OSError, IndexError, ValueError):
                    continue
        except OSError:
            return None
        return total / 1e9

    def mark(self, name):
        """Remember CPU times, run-queue waits and the clock now."""
        server_pid = self.server.pid if self.server else None
        self._marks[name] = (time.perf_counter(), self._cpu(self.server), self._cpu(self.me),
                             self._waited(server_pid), self._waited(os.getpid()),
                             machine_busy())

    def between(self, start, end):
        """CPU use between two marks: seconds and cores (CPU seconds per wall second), and
        how long each process waited for a CPU while it had work (a share of the wall time)."""
        (t0, s0, m0, sw0, mw0, b0), (t1, s1, m1, sw1, mw1, b1) = (self._marks[start],
                                                                  self._marks[end])
        wall = max(t1 - t0, 1e-9)
        # perf_counter is CLOCK_MONOTONIC: the server's logs can be matched to this window.
        out = {"wall_s": round(wall, 3), "clock_start": round(t0, 4), "clock_end": round(t1, 4)}
        if s0 is not None:
            out.update(server_cpu_s=round(s1 - s0, 3), server_cores=round((s1 - s0) / wall, 3))
        if m0 is not None:
            out.update(load_cpu_s=round(m1 - m0, 3), load_cores=round((m1 - m0) / wall, 3))
        if sw0 is not None and sw1 is not None:
            out["server_cpu_wait_share"] = round((sw1 - sw0) / wall, 3)
        if mw0 is not None and mw1 is not None:
            out["load_cpu_wait_share"] = round((mw1 - mw0) / wall, 3)
        if None not in (b0, b1, s0, m0):
            # What everything else on the machine used meanwhile (other users' tests, …).
            out["others_cores"] = round(max(0.0, (b1 - b0) - (s1 - s0) - (m1 - m0)) / wall, 3)
        try:
            out["load_average_1m"] = round(os.getloadavg()[0], 2)
        except OSError:
            pass
        return out

    async def _sample(self):
        while True:
            value = self.rss()
            if value:
                self.rss_max = max(self.rss_max, value)
            await asyncio.sleep(0.25)

    def cpu_us_per(self, start, end, count):
        """Server CPU microseconds per item between two marks, or None."""
        cpu = self.between(start, end).get("server_cpu_s")
        return None if cpu is None or not count else round(cpu * 1e6 / count, 1)

    def start(self):
        if self.server is not None:
            self._task = asyncio.ensure_future(self._sample())

    async def stop(self):
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def memory(self):
        if self.server is None:
            return {"psutil": False}
        info = {"server_rss_max_mib": round(self.rss_max / 2**20, 1),
                "server_rss_end_mib": round((self.rss() or 0) / 2**20, 1)}
        try:
            info["server_threads"] = self.server.num_threads()
            info["server_fds"] = self.server.num_fds()
        except psutil.Error:
            pass
        return info


class Profiler:
    """py-spy on the server for the part that is measured (collapsed stacks, `--format raw`)."""

    def __init__(self, pid, path, idle, gil=False):
        self.pid, self.path, self.idle, self.gil = pid, path, idle, gil
        self.process = None
        self.note = None

    async def start(self):
        spy = Path(sys.executable).parent / "py-spy"
        if not (self.path and self.pid and spy.exists()):
            return
        command = [str(spy), "record", "--pid", str(self.pid), "--rate", "200",
                   "--format", "raw", "--output", str(self.path)]
        if self.idle:
            command.append("--idle")  # waiting counts too: finds stalls, not CPU
        elif self.gil:
            command.append("--gil")  # threading mode: only the thread running Python
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        await asyncio.sleep(1.0)  # attached before the measured part starts

    def stop(self):
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
