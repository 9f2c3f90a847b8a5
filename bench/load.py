"""The benchmark's one load engine: participants' sockets in several processes on one clock.

A `Fleet` deals the participants' sockets out over N load processes (multiprocessing, each
an asyncio loop of python-socketio `AsyncClient`s), so no single load process need be the
bottleneck; a scenario picks N (one for the scenarios of one process, as a room has). Every
load process stamps what it sends and receives with `time.monotonic()` (CLOCK_MONOTONIC,
one clock for all processes on Linux); the parent merges the stamps
(`measure.combine_receipts`, `measure.deliveries`) and asks each load process for its own
CPU time, so the report can show whether one was saturated.

The parent drives the load processes through pipes, one operation at a time, all at once:
give them their members, connect, run a script of timed commands, wait for the messages to
settle, collect. Members of one workshop are spread over the processes, so one message's
receivers are usually in several of them.

What a load process records, by message:
- `snapshot`: per member, when it came, its seq, byte size and note count;
- `event` (not a member's `own` copy): an arrival under the key `"<type>:<data.id>"`
  (key mode "id", e.g. `note.added:<note id>`) or `"<workshop>#<seq>"` (key mode "seq");
  with streams on, also `("event", seq, "<type>:<id>")` in the member's stream; the last
  event of each type in `keep`, per member;
- `drag`: an arrival under `"drag:<note id>:<round(x * 10000)>"`.
"""

import asyncio
import gc
import json
import multiprocessing
import os
import resource
import time
from collections import defaultdict

from cocreate import protocol as p

from .measure import combine_receipts
from .monitor import process_cpu, waited_for_cpu

CONNECT_TIMEOUT = 30
ACK_TIMEOUT = 30


def monotonic():
    return time.monotonic()


def raise_open_files(wanted=8192):
    """Lift the soft open-file limit for many sockets; returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Fleet:
    """N load processes; members are dealt out over them in turn."""

    def __init__(self, processes):
        self.size = max(1, int(processes))
        self.pipes, self.processes = [], []
        self.owner = {}  # member index -> worker number
        self.kept = {}

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

    def configure(self, key_mode="id", streams=False, keep=()):
        """How arrivals are keyed, whether each member's stream is kept, and which event
        types' last data each member keeps."""
        self._all("configure", key_mode=key_mode, streams=streams, keep=list(keep))

    def connect(self, indexes=None, start_at=None, concurrency=16, auth_extra=None):
        """Connect members (all by default); `{index: connection info or {error}}`."""
        indexes = list(self.owner) if indexes is None else indexes
        answers = self._ask(
            "connect",
            [
                {"indexes": m, "start_at": start_at, "concurrency": concurrency, "auth_extra": auth_extra}
                for m in self._split(indexes)
            ],
        )
        merged = {}
        for answer in answers:
            merged.update(answer)
        return merged

    def disconnect(self, indexes=None, start_at=None):
        indexes = list(self.owner) if indexes is None else indexes
        self._ask("disconnect", [{"indexes": m, "start_at": start_at} for m in self._split(indexes)])

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
        """({key: [(member, time)]} of every process's arrivals, {member: stream} or None);
        the kept events are in `self.kept` ({(member, type): data})."""
        answers = self._all("collect", clear=clear)
        streams = None
        if answers and answers[0]["streams"] is not None:
            streams = {}
            for answer in answers:
                streams.update(answer["streams"])
        self.kept = {key: data for answer in answers for key, data in answer["kept"]}
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
        waited = (
            None
            if start["waited"] is None or end["waited"] is None
            else round((end["waited"] - start["waited"]) / wall, 3)
        )
        out.append(
            {
                "pid": end["pid"],
                "cpu_s": round(end["cpu"] - start["cpu"], 3),
                "cores": round((end["cpu"] - start["cpu"]) / wall, 3),
                "waited_share": waited,
            }
        )
    return out


# -- a load process ------------------------------------------------------------------------


class Member:
    """One participant's socket in a worker."""

    def __init__(self, worker, spec):
        self.worker = worker
        self.index, self.group = spec["index"], spec["group"]
        self.workshop, self.token, self.url = spec["workshop"], spec["token"], spec["url"]
        self.sio = None
        self.snapshot_at = None
        self.snapshot = None
        self.snapshot_seen = None

    def _client(self):
        import socketio

        sio = socketio.AsyncClient(reconnection=False, http_session=self.worker.http, request_timeout=CONNECT_TIMEOUT)
        sio.on(p.SNAPSHOT, self._on_snapshot)
        sio.on(p.EVENT, self._on_event)
        sio.on(p.DRAG, self._on_drag)
        return sio

    def _on_snapshot(self, data):
        now = monotonic()
        self.snapshot_at = now
        self.snapshot = data
        if self.worker.streams is not None:
            self.worker.streams[self.index].append(("snapshot", data.get("seq")))
        self.snapshot_seen.set()

    def _on_event(self, data):
        now = monotonic()
        if data.get("own"):
            return
        body = data.get("data")
        if data.get("type") in self.worker.keep:
            self.worker.kept[(self.index, data.get("type"))] = body
        what = f"{data.get('type')}:{body.get('id') if isinstance(body, dict) else None}"
        key = what if self.worker.key_mode == "id" else f"{self.workshop}#{data.get('seq')}"
        self.worker.arrived(key, self.index, now)
        if self.worker.streams is not None:
            self.worker.streams[self.index].append(("event", data.get("seq"), what))

    def _on_drag(self, data):
        now = monotonic()
        self.worker.arrived(f"drag:{data.get('id')}:{round((data.get('x') or 0) * 10000)}", self.index, now)

    async def connect(self, auth_extra=None):
        """Connect; returns what the connection and its snapshot took."""
        self.sio = self._client()
        self.snapshot_seen = asyncio.Event()
        self.snapshot_at = self.snapshot = None
        started = monotonic()
        auth = {"workshop": self.workshop, "token": self.token, **(auth_extra or {})}
        await self.sio.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=CONNECT_TIMEOUT)
        connected = monotonic()
        await asyncio.wait_for(self.snapshot_seen.wait(), CONNECT_TIMEOUT)
        snap = self.snapshot
        notes = snap.get("notes") if isinstance(snap, dict) else None
        return {
            "started": started,
            "connected": connected,
            "snapshot_at": self.snapshot_at,
            "seq": snap.get("seq") if isinstance(snap, dict) else None,
            "notes": len(notes) if isinstance(notes, list) else None,
            "bytes": len(json.dumps(snap, separators=(",", ":"))),
        }

    async def close(self):
        if self.sio is None:
            return
        try:
            await asyncio.wait_for(self.sio.disconnect(), 5)
        except Exception:  # noqa: BLE001 - closing; the server may be busy
            pass


class Worker:
    """The asyncio side of one load process: its members and what they saw."""

    def __init__(self, conn, number):
        self.conn, self.number = conn, number
        self.members = {}
        self.http = None
        self.key_mode = "id"
        self.streams = None
        self.keep, self.kept = set(), {}
        self.receipts = defaultdict(list)
        self.count = 0

    def arrived(self, key, member, now):
        self.receipts[key].append((member, now))
        self.count += 1

    async def serve(self):
        import aiohttp

        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), cookie_jar=aiohttp.DummyCookieJar())
        loop = asyncio.get_running_loop()
        try:
            while True:
                op, args = await loop.run_in_executor(None, self.conn.recv)
                if op == "quit":
                    break
                try:
                    answer = await getattr(self, "op_" + op)(**args)
                except Exception as err:  # noqa: BLE001 - the parent reports it
                    answer = {"error": f"{type(err).__name__}: {err}"}
                self.conn.send(answer)
        finally:
            await asyncio.gather(*(m.close() for m in self.members.values()))
            await self.http.close()
        self.conn.send({"bye": True})

    async def op_members(self, members):
        for spec in members:
            self.members[spec["index"]] = Member(self, spec)
        return {"members": len(self.members)}

    async def op_configure(self, key_mode="id", streams=False, keep=()):
        self.key_mode = key_mode
        self.streams = defaultdict(list) if streams else None
        self.keep, self.kept = set(keep), {}
        return {}

    async def op_connect(self, indexes=None, start_at=None, concurrency=16, auth_extra=None):
        chosen = [self.members[i] for i in (indexes if indexes is not None else self.members)]
        limit = asyncio.Semaphore(concurrency) if concurrency else None
        if start_at is not None:
            await asyncio.sleep(max(0.0, start_at - monotonic()))

        async def one(member):
            try:
                if limit is None:
                    return member.index, await member.connect(auth_extra)
                async with limit:
                    return member.index, await member.connect(auth_extra)
            except Exception as err:  # noqa: BLE001 - reported, not raised
                return member.index, {"error": f"{type(err).__name__}: {err}"[:300]}

        return dict(await asyncio.gather(*(one(m) for m in chosen)))

    async def op_disconnect(self, indexes=None, start_at=None):
        chosen = [self.members[i] for i in (indexes if indexes is not None else self.members)]
        if start_at is not None:
            await asyncio.sleep(max(0.0, start_at - monotonic()))
        await asyncio.gather(*(m.close() for m in chosen))
        return {"closed": len(chosen)}

    async def op_run(self, items, wait_ack=False):
        """Send the script: `items` are (due, member, command, payload, key, measured)."""
        by_member = defaultdict(list)
        for item in items:
            by_member[item[1]].append(item)
        sends, pending = [], []
        late = 0

        async def member_loop(index, mine):
            nonlocal late
            member = self.members[index]
            for due, _index, command, payload, key, measured in sorted(mine, key=lambda i: i[0]):
                delay = due - monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                elif delay < -0.05:
                    late += 1
                record = {
                    "key": key,
                    "sender": index,
                    "group": member.group,
                    "workshop": member.workshop,
                    "command": command,
                    "measured": measured,
                    "sent": None,
                    "acked": None,
                    "ok": False,
                    "seq": None,
                    "code": None,
                }
                sends.append(record)
                done = asyncio.get_running_loop().create_future()

                def on_ack(answer=None, record=record, done=done):
                    record["acked"] = monotonic()
                    ok = isinstance(answer, dict) and answer.get("ok")
                    record["ok"] = bool(ok)
                    if ok:
                        record["seq"] = answer.get("seq")
                    else:
                        error = (answer or {}).get("error") if isinstance(answer, dict) else None
                        record["code"] = (error or {}).get("code", "bad-ack")
                    if not done.done():
                        done.set_result(None)

                record["sent"] = monotonic()
                try:
                    await member.sio.emit(command, payload, callback=on_ack)
                except Exception as err:  # noqa: BLE001 - a closed socket: counted
                    record["code"] = f"emit: {type(err).__name__}"
                    continue
                if wait_ack:
                    try:
                        await asyncio.wait_for(asyncio.shield(done), ACK_TIMEOUT)
                    except asyncio.TimeoutError:
                        record["code"] = "no-ack"
                else:
                    pending.append(done)

        await asyncio.gather(*(member_loop(i, mine) for i, mine in by_member.items()))
        if pending:
            await asyncio.wait(pending, timeout=ACK_TIMEOUT)
        for record in sends:
            if record["acked"] is None and record["code"] is None:
                record["code"] = "no-ack"
        return {"sends": sends, "late": late}

    async def op_calls(self, calls):
        """Commands that wait for their answers: [(member, command, payload)] -> answers."""

        async def one(index, command, payload):
            try:
                return await self.members[index].sio.call(command, payload, timeout=ACK_TIMEOUT)
            except Exception as err:  # noqa: BLE001 - an answer that never came
                return {"ok": False, "error": {"code": f"call: {type(err).__name__}"}}

        return await asyncio.gather(*(one(*call) for call in calls))

    async def op_mark(self):
        return {"at": monotonic(), "cpu": process_cpu(), "waited": waited_for_cpu(os.getpid()), "pid": os.getpid()}

    async def op_count(self):
        return {"count": self.count}

    async def op_collect(self, clear=True):
        out = {
            "receipts": dict(self.receipts),
            "streams": dict(self.streams) if self.streams is not None else None,
            "kept": list(self.kept.items()),
        }
        if clear:
            self.receipts = defaultdict(list)
            self.count = 0
            if self.streams is not None:
                self.streams = defaultdict(list)
        gc.collect()  # between windows (see `_worker_main`)
        return out


def _worker_main(conn, number):
    raise_open_files()
    # A full collection among hundreds of clients pauses the load process, and every note
    # one of its members waits for looks that much slower, the relay's as cocreate's: the
    # collector runs between measured windows (`op_collect`), never during one.
    gc.disable()
    asyncio.run(Worker(conn, number).serve())
