"""Load from several processes on one clock.

A `Fleet` spreads the participants' sockets over N worker processes (multiprocessing,
each an asyncio loop of python-socketio `AsyncClient`s), so no single load process is
the bottleneck. Every worker stamps what it sends and receives with `time.monotonic()`
(CLOCK_MONOTONIC, one clock for all processes on Linux); the parent merges the stamps
(`measure.combine_receipts`, `measure.deliveries`) and asks each worker for its own CPU
time, so the report can show whether any load process was saturated.

The parent drives the workers through pipes, one operation at a time, all workers at
once: give them their members, connect, run a script of timed commands, wait for the
messages to settle, collect. Members of one workshop are spread over the workers, so
one message's receivers are usually in several processes.

The workers themselves are bench/workers.py.
"""

import multiprocessing
import time

from .workers import _worker_main, monotonic


# -- the parent -----------------------------------------------------------------------------

class Fleet:
    """N load processes; members are dealt out over them in turn."""

    def __init__(self, processes):
        self.size = max(1, int(processes))
        self.pipes, self.processes = [], []
        self.owner = {}  # member index -> worker number

    def start(self):
        context = multiprocessing.get_context("spawn")
        for number in range(self.size):
            parent, child = context.Pipe()
            process = context.Process(target=_worker_main, args=(child, number), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        return self

    @property
    def pids(self):
        return [process.pid for process in self.processes]

    def _ask(self, op, per_worker):
        """Send `op` to every worker (with its own arguments), then collect every answer."""
        for pipe, args in zip(self.pipes, per_worker):
            pipe.send((op, args))
        answers = [pipe.recv() for pipe in self.pipes]
        errors = [a["error"] for a in answers if isinstance(a, dict) and "error" in a]
        if errors:
            raise RuntimeError(f"load process failed in {op}: {errors[0]}")
        return answers

    def _all(self, op, **args):
        return self._ask(op, [args] * self.size)

    def _split(self, indexes):
        mine = [[] for _ in range(self.size)]
        for index in indexes:
            mine[self.owner[index]].append(index)
        return mine

    def add_members(self, members):
        """`members`: dicts with index, group, workshop, token, url."""
        mine = [[] for _ in range(self.size)]
        for position, spec in enumerate(members):
            number = position % self.size
            self.owner[spec["index"]] = number
            mine[number].append(spec)
        self._ask("members", [{"members": m} for m in mine])

    def configure(self, key_mode="id", streams=False):
        self._all("configure", key_mode=key_mode, streams=streams)

    def connect(self, indexes=None, start_at=None, concurrency=16, auth_extra=None):
        """Connect members (all by default); `{index: connection info or {error}}`."""
        indexes = list(self.owner) if indexes is None else indexes
        answers = self._ask("connect", [{"indexes": m, "start_at": start_at,
                                         "concurrency": concurrency, "auth_extra": auth_extra}
                                        for m in self._split(indexes)])
        merged = {}
        for answer in answers:
            merged.update(answer)
        return merged

    def disconnect(self, indexes=None, start_at=None):
        indexes = list(self.owner) if indexes is None else indexes
        self._ask("disconnect", [{"indexes": m, "start_at": start_at}
                                 for m in self._split(indexes)])

    def run(self, items, wait_ack=False):
        """Send a script of (due, member, command, payload, key, measured) from the members'
        own processes; returns (every send with its ack, sends that left > 50 ms late)."""
        mine = [[] for _ in range(self.size)]
        for item in items:
            mine[self.owner[item[1]]].append(item)
        answers = self._ask("run", [{"items": m, "wait_ack": wait_ack} for m in mine])
        return [s for a in answers for s in a["sends"]], sum(a["late"] for a in answers)

    def calls(self, calls):
        """Send [(member, command, payload)] and wait for the answers (in the same order)."""
        mine = [[] for _ in range(self.size)]
        where = []
        for call in calls:
            number = self.owner[call[0]]
            where.append((number, len(mine[number])))
            mine[number].append(call)
        answers = self._ask("calls", [{"calls": m} for m in mine])
        return [answers[number][position] for number, position in where]

    def mark(self):
        """Each load process's clock, CPU seconds and run-queue wait now."""
        return self._all("mark")

    def count(self):
        return sum(answer["count"] for answer in self._all("count"))

    def settle(self, quiet=1.0, timeout=30.0):
        """Wait until no load process has received anything for `quiet` seconds."""
        deadline = monotonic() + timeout
        last, still_since = -1, monotonic()
        while monotonic() < deadline:
            now_count = self.count()
            if now_count != last:
                last, still_since = now_count, monotonic()
            elif monotonic() - still_since >= quiet:
                return True
            time.sleep(0.1)
        return False

    def collect(self, clear=True):
        """({key: [(member, time)]} of every process's arrivals, {member: stream} or None)."""
        from .measure import combine_receipts

        answers = self._all("collect", clear=clear)
        streams = None
        if answers and answers[0]["streams"] is not None:
            streams = {}
            for answer in answers:
                streams.update(answer["streams"])
        return combine_receipts([answer["receipts"] for answer in answers]), streams

    def close(self):
        for pipe in self.pipes:
            try:
                pipe.send(("quit", {}))
            except OSError:
                pass
        for pipe, process in zip(self.pipes, self.processes):
            try:
                if pipe.poll(15):
                    pipe.recv()
            except (OSError, EOFError):
                pass
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join(5)


def load_usage(before, after):
    """Per load process: CPU cores used and the share of the wall time it waited for a CPU,
    between two `Fleet.mark()`s."""
    out = []
    for start, end in zip(before, after):
        wall = max(end["at"] - start["at"], 1e-9)
        waited = (None if start["waited"] is None or end["waited"] is None
                  else round((end["waited"] - start["waited"]) / wall, 3))
        out.append({"pid": end["pid"], "cpu_s": round(end["cpu"] - start["cpu"], 3),
                    "cores": round((end["cpu"] - start["cpu"]) / wall, 3),
                    "waited_share": waited})
    return out
