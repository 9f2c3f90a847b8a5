"""The participants of a bench/load.py scenario: python-socketio asyncio clients on one
clock, and the `Bench` that makes their workshops over the HTTP API, connects them and
records what arrives when."""

import asyncio
import json
import math
import random
import time
import uuid
from collections import Counter

import aiohttp
import socketio

from cocreate import protocol as p

from .measure import summary_ms
from .probe import Monitor, Profiler

CONNECT_TIMEOUT = 30
CONNECT_CONCURRENCY = 16
HTTP_CONCURRENCY = 16
CALL_TIMEOUT = 30

WORDS = ("klant", "moeite", "plezier", "samen", "team", "doel", "dialoog", "transparantie",
         "overleg", "eigenaarschap", "koffie", "planning", "feedback", "ruimte", "tijd")


def note_text(rng, length):
    """A note of about `length` characters, like someone typed it."""
    words = []
    while sum(len(w) + 1 for w in words) < length:
        words.append(rng.choice(WORDS))
    return " ".join(words)[:280].strip()


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

    def open_http(self):
        """The HTTP session all clients share; tokens travel in `auth`, never in cookies."""
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                          timeout=aiohttp.ClientTimeout(total=CALL_TIMEOUT))

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
