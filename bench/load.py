"""The load generator: one process of python-socketio asyncio clients, one clock.

Runs one scenario against one server (cocreate or the relay floor) and writes
a JSON result. Everything is timed with `time.perf_counter()` in this one
process, so "sent" and "received by every other participant" are on the
same clock. Every loop is bounded in count and time; the only target is the
`--url` given (the orchestrator passes a 127.0.0.1 address).

    python -m bench.load --target cocreate --url http://127.0.0.1:5000 \
        --pid 1234 --scenario broadcast-20 --out result.json [--quick]

Scenarios (see SCENARIOS):

- broadcast-20 / broadcast-100 / broadcast-500: participants join workshops,
  a few senders per workshop send real `note:add` commands on a fixed
  schedule (within the server's rate limit: burst 20, then 5 a second), and
  each note's latency is the time from emit until EVERY other participant of
  its workshop has received the `note.added` event.
- vote-storm (cocreate only): every participant casts its whole budget at
  once; the `voting.closed` tallies must equal what was cast, exactly, and a
  cast past the budget must be refused.
- snapshot-300 (cocreate only): a workshop with 300 notes; the time from
  starting to connect until the `snapshot` has arrived, over many joins.
- render-300 (cocreate only): a board of 300 notes opened in headless
  Chromium; run by bench/render.py, which builds the workshop with `Bench`.

The scenarios with load from several processes (drag, scale-out, capacity,
reconnect-storm, soak) are in bench/scenes.py.
"""

import argparse
import asyncio
import json
import math
import os
import random
import resource
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp
import socketio

from cocreate import protocol as p

from .measure import summary_ms
from .watch import machine_busy

try:
    import psutil
except ImportError:  # pragma: no cover - psutil is in the bench extras
    psutil = None

CONNECT_TIMEOUT = 30
CONNECT_CONCURRENCY = 16
HTTP_CONCURRENCY = 16
CALL_TIMEOUT = 30

# Broadcast scenarios: workshops x participants, senders per workshop, seconds between
# one sender's notes (0.25 s = 4/s, under the 5/s the server allows), measured seconds.
SCENARIOS = {
    "broadcast-20": {"kind": "broadcast", "workshops": 1, "participants": 20, "senders": 4,
                     "interval": 0.25, "duration": 10.0, "quick_duration": 3.0},
    "broadcast-100": {"kind": "broadcast", "workshops": 1, "participants": 100, "senders": 4,
                      "interval": 0.25, "duration": 10.0, "quick_duration": 3.0},
    "broadcast-500": {"kind": "broadcast", "workshops": 25, "participants": 20, "senders": 2,
                      "interval": 0.5, "duration": 10.0, "quick_duration": 3.0},
    "vote-storm": {"kind": "vote", "participants": 100, "quick_participants": 20, "notes": 10,
                   "budget": 5},
    "snapshot-300": {"kind": "snapshot", "notes": 300, "writers": 15, "joins": 30,
                     "quick_joins": 10},
    "render-300": {"kind": "render", "notes": 300, "writers": 15, "loads": 10,
                   "quick_loads": 3},
}
RELAY_SCENARIOS = ("broadcast-20", "broadcast-100", "broadcast-500")
BROWSER_SCENARIOS = ("render-300",)

WORDS = ("klant", "moeite", "plezier", "samen", "team", "doel", "dialoog", "transparantie",
         "overleg", "eigenaarschap", "koffie", "planning", "feedback", "ruimte", "tijd")


def note_text(rng, length):
    """A note of about `length` characters, like someone typed it."""
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:280].strip()


def raise_open_files(wanted=8192):
    """Lift the soft open-file limit for many sockets; returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _per(monitor, start, end, count):
    """Server CPU microseconds per item between two marks, or None."""
    cpu = monitor.between(start, end).get("server_cpu_s")
    return None if cpu is None or not count else round(cpu * 1e6 / count, 1)


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


class Member:
    """One participant's socket: records snapshots and events as they arrive."""

    def __init__(self, bench, index, group, workshop, token, name):
        self.bench, self.index, self.group = bench, index, group
        self.workshop, self.token, self.name = workshop, token, name
        self.sio = socketio.AsyncClient(reconnection=False, http_session=bench.http,
                                        request_timeout=CONNECT_TIMEOUT)
        self.snapshot = None
        self.snapshot_at = None
        self.snapshot_seen = asyncio.Event()
        self.events = Counter()
        self.own_events = 0
        self.closed_tallies = None
        self.last_progress = None
        self.connect_error = None
        self.sio.on(p.SNAPSHOT, self._on_snapshot)
        self.sio.on(p.EVENT, self._on_event)

    def _on_snapshot(self, data):
        self.snapshot_at = time.perf_counter()
        self.snapshot = data
        self.snapshot_seen.set()

    def _on_event(self, data):
        now = time.perf_counter()
        kind = data.get("type")
        if data.get("own"):
            self.own_events += 1
            return
        self.events[kind] += 1
        self.bench.arrived(self, kind, data, now)
        if kind == p.VOTE_CHANGED:
            self.last_progress = data["data"].get("progress")
        elif kind == p.VOTING_CLOSED:
            self.closed_tallies = data["data"]["tallies"]

    async def connect(self):
        """Connect with `auth: {workshop, token}` and wait for the snapshot; returns seconds."""
        started = time.perf_counter()
        await self.sio.connect(self.bench.url, auth={"workshop": self.workshop, "token": self.token},
                               transports=["websocket"], wait_timeout=CONNECT_TIMEOUT)
        connected = time.perf_counter()
        await asyncio.wait_for(self.snapshot_seen.wait(), CONNECT_TIMEOUT)
        return started, connected, self.snapshot_at

    async def close(self):
        try:
            await asyncio.wait_for(self.sio.disconnect(), 5)
        except Exception:  # noqa: BLE001 - closing at the end; the server may be busy
            pass


class Sent:
    """One note on its way: when it left, its ack, and who has it so far."""

    __slots__ = ("sender", "group", "sent", "acked", "ack", "receivers", "last", "measured",
                 "dups")

    def __init__(self, sender, group, measured):
        self.sender, self.group, self.measured = sender, group, measured
        self.sent = self.acked = self.ack = None
        self.receivers = set()
        self.last = 0.0
        self.dups = 0


class Bench:
    """One scenario against one server."""

    def __init__(self, target, url, pid, quick, profile=None, idle=False, gil=False):
        self.target, self.url, self.quick = target, url.rstrip("/"), quick
        self.monitor = Monitor(pid)
        self.profiler = Profiler(pid, profile, idle, gil)
        self.http = None
        self.members = []
        self.notes = {}          # note id -> Sent
        self.seq_arrivals = {}   # (workshop, seq) -> [count, last arrival]
        self.sample_event_bytes = None

    # -- arrivals ---------------------------------------------------------------

    def arrived(self, member, kind, data, now):
        if kind == p.NOTE_ADDED:
            record = self.notes.get(data["data"]["id"])
            if record is None or member.index == record.sender:
                return
            if member.index in record.receivers:
                record.dups += 1
                return
            record.receivers.add(member.index)
            record.last = now
            if self.sample_event_bytes is None:
                self.sample_event_bytes = len(json.dumps(data, separators=(",", ":")))
        elif kind in (p.VOTE_CHANGED, p.VOTING_CLOSED):
            key = (member.workshop, data["seq"])
            slot = self.seq_arrivals.get(key)
            if slot is None:
                self.seq_arrivals[key] = [1, now]
            else:
                slot[0] += 1
                slot[1] = now

    # -- HTTP set-up (cocreate) ---------------------------------------------------

    async def post(self, path, body, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self.http.post(self.url + path, json=body, headers=headers) as answer:
            text = await answer.text()
            if answer.status != 201:
                raise RuntimeError(f"POST {path}: {answer.status} {text[:300]}")
            return json.loads(text)

    async def join(self, workshop_id, name):
        """Join a workshop as a participant called `name` over HTTP; returns the token."""
        answer = await self.post(f"/api/workshops/{workshop_id}/participants", {"name": name})
        return answer["token"]

    async def make_workshop(self, index, participants, limit):
        """(workshop id, facilitator token, [(name, token)]) — via the HTTP API, or relay rooms."""
        names = [f"P{n:03d}" for n in range(participants)]
        if self.target == "relay":
            return f"room-{index}", "relay", [(name, "relay") for name in names]
        created = await self.post("/api/workshops", {"title": f"Bench {index}", "language": "en"})

        async def limited_join(name):
            async with limit:
                return name, await self.join(created["id"], name)

        people = await asyncio.gather(*(limited_join(name) for name in names))
        return created["id"], created["facilitator_token"], list(people)

    async def connect_all(self, members):
        """Connect members, CONNECT_CONCURRENCY at a time; returns connect→snapshot seconds."""
        limit = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(member):
            async with limit:
                try:
                    started, _connected, got = await member.connect()
                    return got - started
                except Exception as err:  # noqa: BLE001 - reported, not raised
                    member.connect_error = f"{type(err).__name__}: {err}"
                    return None

        times = await asyncio.gather(*(one(m) for m in members))
        return [t for t in times if t is not None]

    async def wait_until(self, predicate, timeout, step=0.02):
        """Poll `predicate` until true or `timeout` seconds; returns whether it came true."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if predicate():
                return True
            await asyncio.sleep(step)
        return predicate()

    # -- scenarios ----------------------------------------------------------------

    def open_http(self):
        """The HTTP session all clients share; tokens travel in `auth`, never in cookies."""
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                          timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT))

    async def run(self, name):
        spec = SCENARIOS[name]
        self.open_http()
        self.monitor.start()
        try:
            runner = {"broadcast": self.broadcast, "vote": self.vote_storm,
                      "snapshot": self.snapshot_joins}[spec["kind"]]
            result = await runner(spec)
        finally:
            self.profiler.stop()
            await asyncio.gather(*(m.close() for m in self.members))
            await self.monitor.stop()
            await self.http.close()
        result.update(scenario=name, target=self.target, quick=self.quick)
        if self.profiler.path:
            result["profile"] = {"path": str(self.profiler.path), "idle": self.profiler.idle,
                                 "py_spy": self.profiler.note}
        return result

    async def setup_members(self, workshops, participants):
        t0 = time.perf_counter()
        limit = asyncio.Semaphore(HTTP_CONCURRENCY)
        made = await asyncio.gather(*(self.make_workshop(w, participants, limit)
                                      for w in range(workshops)))
        t_http = time.perf_counter()
        groups = []
        for w, (workshop_id, _facilitator, people) in enumerate(made):
            group = []
            for name, token in people:
                member = Member(self, len(self.members), w, workshop_id, token, name)
                self.members.append(member)
                group.append(member)
            groups.append(group)
        connect_times = await self.connect_all(self.members)
        t_connected = time.perf_counter()
        failures = [m.connect_error for m in self.members if m.connect_error]
        setup = {"http_s": round(t_http - t0, 3), "connect_s": round(t_connected - t_http, 3),
                 "connected": len(self.members) - len(failures), "wanted": len(self.members),
                 "connect_errors": Counter(failures).most_common(5),
                 "connect_to_snapshot_ms": summary_ms(connect_times)}
        return made, groups, setup

    async def broadcast(self, spec):
        workshops, participants = spec["workshops"], spec["participants"]
        senders, interval = spec["senders"], spec["interval"]
        duration = spec["quick_duration"] if self.quick else spec["duration"]
        _made, groups, setup = await self.setup_members(workshops, participants)
        if setup["connected"] < setup["wanted"]:
            return {"ok": False, "error": "not every participant could connect", "setup": setup}
        await asyncio.sleep(0.5 if self.quick else 1.0)  # presence messages of the joins drain
        text_rng = random.Random(11)
        texts = [note_text(text_rng, text_rng.randint(40, 160)) for _ in range(64)]
        late = Counter()
        acks = Counter()

        def on_ack(record, answer=None):
            record.acked = time.perf_counter()
            record.ack = answer
            if isinstance(answer, dict) and answer.get("ok"):
                acks["ok"] += 1
            else:
                acks["refused"] += 1

        async def send_loop(member, offset, start, count, measured):
            group_size = len(groups[member.group])
            for k in range(count):
                due = start + offset + k * interval
                delay = due - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.05:
                    late["late"] += 1
                note_id = str(uuid.uuid4())
                record = Sent(member.index, member.group, measured)
                self.notes[note_id] = record
                payload = {"id": note_id, "step": 0, "text": texts[(member.index + k) % len(texts)]}
                record.sent = time.perf_counter()
                await member.sio.emit(p.NOTE_ADD, payload,
                                      callback=lambda *a, r=record: on_ack(r, *a))
            return group_size

        async def phase(seconds, measured):
            count = max(1, int(seconds / interval))
            start = time.perf_counter() + 0.05
            loops = []
            total = workshops * senders
            for w, group in enumerate(groups):
                for s in range(senders):
                    offset = interval * (w * senders + s) / total
                    loops.append(send_loop(group[s], offset, start, count, measured))
            await asyncio.gather(*loops)
            return start

        def expected(record):
            return len(groups[record.group]) - 1

        def delivered_all(measured):
            return all(len(r.receivers) >= expected(r) for r in self.notes.values()
                       if r.measured == measured and r.ack and r.ack.get("ok"))

        await self.profiler.start()
        # Warm-up (not measured): caches, JIT-less Python paths, SQLite pages.
        await phase(0.5 if self.quick else 2.0, measured=False)
        await self.wait_until(lambda: delivered_all(False), 10)
        self.monitor.mark("start")
        start = await phase(duration, measured=True)
        send_end = time.perf_counter()
        drain_timeout = max(10.0, duration)
        await self.wait_until(lambda: all(r.acked for r in self.notes.values()) and
                              delivered_all(True), drain_timeout)
        self.monitor.mark("end")
        self.profiler.stop()
        measured = [r for r in self.notes.values() if r.measured]
        ok = [r for r in measured if r.ack and r.ack.get("ok")]
        complete = [r for r in ok if len(r.receivers) >= expected(r)]
        deliveries = sum(len(r.receivers) for r in ok)
        wanted = sum(expected(r) for r in ok)
        last = max((r.last for r in ok if r.last), default=send_end)
        window = max(last - start, 1e-9)
        result = {
            "ok": True,
            "params": {"workshops": workshops, "participants_per_workshop": participants,
                       "participants": workshops * participants,
                       "senders_per_workshop": senders, "interval_s": interval,
                       "duration_s": duration},
            "setup": setup,
            "notes": {"sent": len(measured), "acked_ok": len(ok),
                      "refused": dict(Counter(((r.ack or {}).get("error") or {}).get("code", "no-ack")
                                              for r in measured if not (r.ack and r.ack.get("ok")))),
                      "late_sends": late["late"]},
            "deliveries": {"expected": wanted, "delivered": deliveries, "lost": wanted - deliveries,
                           "duplicates": sum(r.dups for r in ok),
                           "notes_fully_delivered": len(complete)},
            # Per note: from emit until the last other participant of its workshop had it.
            "latency_all_ms": summary_ms([r.last - r.sent for r in complete]),
            "ack_ms": summary_ms([r.acked - r.sent for r in ok if r.acked]),
            "events_per_s": round(deliveries / window, 1),
            # Robust against a busy machine: what the server's CPU paid per delivered event.
            "server_cpu_us_per_delivery": _per(self.monitor, "start", "end", deliveries),
            "notes_per_s": round(len(ok) / window, 1),
            "event_bytes": self.sample_event_bytes,
            "cpu": self.monitor.between("start", "end"),
            "memory": self.monitor.memory(),
        }
        return result

    async def vote_storm(self, spec):
        if self.target == "relay":
            raise SystemExit("vote-storm has no relay equivalent")
        n = spec["quick_participants"] if self.quick else spec["participants"]
        budget, note_count = spec["budget"], spec["notes"]
        made, groups, setup = await self.setup_members(1, n)
        workshop_id, facilitator_token, _people = made[0]
        facilitator = Member(self, len(self.members), 0, workshop_id, facilitator_token, "F")
        self.members.append(facilitator)
        await facilitator.connect()
        members = groups[0]
        everyone = members + [facilitator]
        if setup["connected"] < setup["wanted"]:
            return {"ok": False, "error": "not every participant could connect", "setup": setup}
        voting_step = 3
        note_ids = [str(uuid.uuid4()) for _ in range(note_count)]
        for i, note_id in enumerate(note_ids):
            answer = await facilitator.sio.call(p.NOTE_ADD, {"id": note_id, "step": voting_step,
                                                             "text": f"Idee {i + 1}"},
                                                timeout=CALL_TIMEOUT)
            if not answer.get("ok"):
                return {"ok": False, "error": f"note:add refused: {answer}", "setup": setup}
        opened = await facilitator.sio.call(p.VOTING_OPEN, {"step": voting_step, "budget": budget},
                                            timeout=CALL_TIMEOUT)
        if not opened.get("ok"):
            return {"ok": False, "error": f"voting:open refused: {opened}", "setup": setup}
        await self.wait_until(lambda: all(m.events[p.VOTING_OPENED] for m in everyone), 20)

        plans = {m.index: [random.Random(1000 + m.index).choice(note_ids) for _ in range(budget)]
                 for m in members}
        expected = Counter(note for plan in plans.values() for note in plan)
        casts = []  # [member, note, sent, acked, answer]
        codes = Counter()

        def on_ack(entry, answer=None):
            entry[3] = time.perf_counter()
            entry[4] = answer
            codes["ok" if answer and answer.get("ok") else
                  ((answer or {}).get("error") or {}).get("code", "bad")] += 1

        async def storm(member):
            for note_id in plans[member.index]:
                entry = [member, note_id, time.perf_counter(), None, None]
                casts.append(entry)
                await member.sio.emit(p.VOTE_CAST, {"note_id": note_id},
                                      callback=lambda *a, e=entry: on_ack(e, *a))

        await self.profiler.start()
        self.monitor.mark("start")
        t0 = time.perf_counter()
        await asyncio.gather(*(storm(m) for m in members))
        t_emitted = time.perf_counter()
        total = n * budget
        acked = await self.wait_until(lambda: sum(codes.values()) >= total, 120, step=0.01)
        t_acked = time.perf_counter()
        good = sum(1 for c in casts if c[4] and c[4].get("ok"))
        delivered = await self.wait_until(
            lambda: all(m.events[p.VOTE_CHANGED] >= good for m in everyone), 120, step=0.01)
        t_delivered = time.perf_counter()
        self.monitor.mark("end")
        self.profiler.stop()

        # One more dot each: must be refused, never past the budget.
        extra = await asyncio.gather(*(m.sio.call(p.VOTE_CAST, {"note_id": note_ids[0]},
                                                  timeout=CALL_TIMEOUT) for m in members),
                                     return_exceptions=True)
        extra_codes = Counter(
            "timeout" if isinstance(a, Exception) else
            ("ok" if a.get("ok") else a["error"]["code"]) for a in extra)
        closed = await facilitator.sio.call(p.VOTING_CLOSE, {}, timeout=CALL_TIMEOUT)
        await self.wait_until(lambda: all(m.closed_tallies is not None for m in everyone), 30)
        tallies = facilitator.closed_tallies or {}
        wanted_tallies = {note_id: expected.get(note_id, 0) for note_id in note_ids}
        exact = tallies == wanted_tallies and all(m.closed_tallies == tallies for m in everyone)

        # Broadcast latency per cast: emit until every other viewer had its vote.changed.
        viewers = len(everyone)
        per_cast = []
        incomplete = 0
        for member, _note, sent, _acked_at, answer in casts:
            if not (answer and answer.get("ok")):
                continue
            slot = self.seq_arrivals.get((workshop_id, answer["seq"]))
            if slot and slot[0] >= viewers:
                per_cast.append(slot[1] - sent)
            else:
                incomplete += 1
        received = sum(m.events[p.VOTE_CHANGED] for m in everyone)
        return {
            "ok": True,
            "params": {"participants": n, "budget": budget, "notes": note_count,
                       "casts": total, "viewers": viewers},
            "setup": setup,
            "casts": {"acked": acked, "codes": dict(codes)},
            "over_budget_cast": dict(extra_codes),
            "never_past_budget": extra_codes.get("budget_exceeded", 0) == n,
            "tallies_exact": exact,
            "tally_total": sum(tallies.values()), "cast_total_ok": good,
            "voting_close_ok": bool(closed.get("ok")),
            "final_progress": facilitator.last_progress,
            "deliveries": {"expected": good * viewers, "delivered": received,
                           "lost": good * viewers - received, "all_delivered": delivered,
                           "own_copies": sum(m.own_events for m in members),
                           "casts_not_fully_delivered": incomplete},
            "storm": {"emit_s": round(t_emitted - t0, 3), "all_acked_s": round(t_acked - t0, 3),
                      "all_delivered_s": round(t_delivered - t0, 3),
                      "casts_per_s": round(good / max(t_acked - t0, 1e-9), 1),
                      "events_per_s": round(received / max(t_delivered - t0, 1e-9), 1)},
            "ack_ms": summary_ms([c[3] - c[2] for c in casts if c[3]]),
            "latency_all_ms": summary_ms(per_cast),
            "server_cpu_us_per_delivery": _per(self.monitor, "start", "end", received),
            "server_cpu_ms_per_cast": (None if not good else
                                       round(self.monitor.between("start", "end")
                                             .get("server_cpu_s", 0) * 1000 / good, 3)),
            "cpu": self.monitor.between("start", "end"),
            "memory": self.monitor.memory(),
        }

    async def snapshot_joins(self, spec):
        if self.target == "relay":
            raise SystemExit("snapshot-300 has no relay equivalent")
        joins = spec["quick_joins"] if self.quick else spec["joins"]
        made, groups, setup = await self.setup_members(1, spec["writers"])
        workshop_id = made[0][0]
        writers = groups[0]
        # The same joins into the same room before any note: what a join costs without notes.
        empty = []
        for j in range(joins):
            member = await self.joiner(workshop_id, f"E{j:03d}")
            started, _connected, got = await member.connect()
            empty.append(got - started)
            await member.close()
        # Spread over the four steps; step 3 has lanes, the first lane is taken.
        refused = await self.add_notes(writers, spec["notes"], steps=4)
        if refused:
            return {"ok": False, "error": f"note:add refused: {dict(refused)}", "setup": setup}
        await asyncio.sleep(1.0)
        await self.profiler.start()
        self.monitor.mark("start")
        times, notes_seen = [], set()
        snapshot_bytes = None
        for j in range(joins):  # one at a time, each leaving again: one join, not a crowd
            member = await self.joiner(workshop_id, f"J{j:03d}")
            started, _connected, got = await member.connect()
            times.append(got - started)
            notes_seen.add(len(member.snapshot["notes"]))
            if snapshot_bytes is None:
                snapshot_bytes = len(json.dumps(member.snapshot, separators=(",", ":")))
            await member.close()
        self.monitor.mark("end")
        self.profiler.stop()
        return {
            "ok": True,
            "params": {"notes": spec["notes"], "writers": len(writers), "joins": joins},
            "setup": setup,
            "snapshot_notes": sorted(notes_seen),
            "snapshot_bytes": snapshot_bytes,
            # From starting to connect until the snapshot has arrived.
            "join_snapshot_ms": summary_ms(times),
            "empty_workshop_join_ms": summary_ms(empty),
            "cpu": self.monitor.between("start", "end"),
            "memory": self.monitor.memory(),
        }

    async def add_notes(self, writers, total, steps):
        """`total` notes of typed-looking text, shared out over the writers' sockets; a
        writer's k-th note goes on step k % steps. Returns the refusals by error code."""
        per_writer = math.ceil(total / len(writers))
        text_rng = random.Random(5)
        refused = Counter()

        async def write(member, count):
            answers = []
            for k in range(count):
                payload = {"id": str(uuid.uuid4()), "step": k % steps,
                           "text": note_text(text_rng, text_rng.randint(30, 200))}
                answers.append(member.sio.call(p.NOTE_ADD, payload, timeout=CALL_TIMEOUT))
            for answer in await asyncio.gather(*answers):
                if not answer.get("ok"):
                    refused[answer["error"]["code"]] += 1

        remaining = total
        tasks = []
        for member in writers:
            count = min(per_writer, remaining)
            remaining -= count
            tasks.append(write(member, count))
        await asyncio.gather(*tasks)
        return refused

    async def joiner(self, workshop_id, name):
        """A new participant (joined over HTTP, not timed), not yet connected."""
        token = await self.join(workshop_id, name)
        member = Member(self, len(self.members), 0, workshop_id, token, name)
        self.members.append(member)
        return member


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench.load")
    parser.add_argument("--target", choices=("cocreate", "relay"), required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--pid", type=int, help="server process id, for CPU and RSS")
    parser.add_argument("--scenario", choices=sorted(set(SCENARIOS) - set(BROWSER_SCENARIOS)),
                        required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", help="write the JSON result here (default: stdout)")
    parser.add_argument("--profile", help="py-spy the server while measuring; stacks to this file")
    parser.add_argument("--profile-idle", action="store_true",
                        help="with --profile: count samples where the server waits too")
    parser.add_argument("--profile-gil", action="store_true",
                        help="with --profile: only samples holding the GIL (threading mode)")
    parser.add_argument("--time-limit", type=float, default=300.0,
                        help="give up after this many seconds")
    args = parser.parse_args(argv)
    if not args.url.startswith(("http://127.", "http://localhost")):
        parser.error("loads go to loopback only")
    open_files = raise_open_files()

    async def bounded():
        bench = Bench(args.target, args.url, args.pid, args.quick, profile=args.profile,
                      idle=args.profile_idle, gil=args.profile_gil)
        return await asyncio.wait_for(bench.run(args.scenario), args.time_limit)

    try:
        result = asyncio.run(bounded())
    except asyncio.TimeoutError:
        result = {"ok": False, "error": f"scenario took longer than {args.time_limit} s"}
    except Exception as err:  # noqa: BLE001 - reported in the result
        result = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    result.setdefault("scenario", args.scenario)
    result.setdefault("target", args.target)
    result["open_file_limit"] = open_files
    return write_result(result, args.out)


def write_result(result, path=None):
    """The result as JSON to `path` (or stdout); the exit status: 0 when it is ok."""
    text = json.dumps(result, indent=2)
    if path:
        with open(path, "w") as out:
            out.write(text)
    else:
        print(text)
    return 0 if result.get("ok") else 1


if __name__ == "__main__":
    sys.exit(main())
