"""A load process of bench/fleet.py: an asyncio loop of python-socketio `AsyncClient`s
(`Member`s) that does what the parent asks through its pipe, stamping what it sends and
receives with `time.monotonic()` (CLOCK_MONOTONIC, one clock for all processes on Linux).

What a worker records, by message:
- `snapshot`: per member, when it came, its seq, byte size and note count;
- `event` (not a member's `own` copy): an arrival under the key `"<type>:<data.id>"`
  (key mode "id", e.g. `note.added:<note id>`) or `"<workshop>#<seq>"` (key mode "seq");
  with streams on, also `("event", seq, "<type>:<id>")` in the member's stream;
- `drag`: an arrival under `"drag:<note id>:<round(x * 10000)>"`.
"""

import asyncio
import gc
import json
import os
import resource
import time
from collections import defaultdict

CONNECT_TIMEOUT = 30
ACK_TIMEOUT = 30


def monotonic():
    return time.monotonic()


def process_cpu():
    """CPU seconds this process used so far (all its threads, user + system)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def waited_for_cpu(pid):
    """Seconds the threads of `pid` spent runnable but waiting for a CPU (Linux schedstat)."""
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


def raise_open_files(wanted=8192):
    """Lift the soft open-file limit for many sockets; returns the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- the worker process -------------------------------------------------------------------

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

        sio = socketio.AsyncClient(reconnection=False, http_session=self.worker.http,
                                   request_timeout=CONNECT_TIMEOUT)
        sio.on("snapshot", self._on_snapshot)
        sio.on("event", self._on_event)
        sio.on("drag", self._on_drag)
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
        what = f"{data.get('type')}:{body.get('id') if isinstance(body, dict) else None}"
        key = what if self.worker.key_mode == "id" else f"{self.workshop}#{data.get('seq')}"
        self.worker.arrived(key, self.index, now)
        if self.worker.streams is not None:
            self.worker.streams[self.index].append(("event", data.get("seq"), what))

    def _on_drag(self, data):
        now = monotonic()
        self.worker.arrived(f"drag:{data.get('id')}:{round((data.get('x') or 0) * 10000)}",
                            self.index, now)

    async def connect(self, auth_extra=None):
        """Connect; returns what the connection and its snapshot took."""
        self.sio = self._client()
        self.snapshot_seen = asyncio.Event()
        self.snapshot_at = self.snapshot = None
        started = monotonic()
        auth = {"workshop": self.workshop, "token": self.token, **(auth_extra or {})}
        await self.sio.connect(self.url, auth=auth, transports=["websocket"],
                               wait_timeout=CONNECT_TIMEOUT)
        connected = monotonic()
        await asyncio.wait_for(self.snapshot_seen.wait(), CONNECT_TIMEOUT)
        snap = self.snapshot
        notes = snap.get("notes") if isinstance(snap, dict) else None
        return {"started": started, "connected": connected, "snapshot_at": self.snapshot_at,
                "seq": snap.get("seq") if isinstance(snap, dict) else None,
                "notes": len(notes) if isinstance(notes, list) else None,
                "bytes": len(json.dumps(snap, separators=(",", ":")))}

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
        self.receipts = defaultdict(list)
        self.count = 0

    def arrived(self, key, member, now):
        self.receipts[key].append((member, now))
        self.count += 1

    async def serve(self):
        import aiohttp

        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                          cookie_jar=aiohttp.DummyCookieJar())
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

    async def op_configure(self, key_mode="id", streams=False):
        self.key_mode = key_mode
        self.streams = defaultdict(list) if streams else None
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
                record = {"key": key, "sender": index, "group": member.group,
                          "workshop": member.workshop, "command": command, "measured": measured,
                          "sent": None, "acked": None, "ok": False, "seq": None, "code": None}
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
        return {"at": monotonic(), "cpu": process_cpu(), "waited": waited_for_cpu(os.getpid()),
                "pid": os.getpid()}

    async def op_count(self):
        return {"count": self.count}

    async def op_collect(self, clear=True):
        out = {"receipts": dict(self.receipts),
               "streams": dict(self.streams) if self.streams is not None else None}
        if clear:
            self.receipts = defaultdict(list)
            self.count = 0
            if self.streams is not None:
                self.streams = defaultdict(list)
        gc.collect()  # between windows (see `_worker_main`)
        return out


def _worker_main(conn, number):
    raise_open_files()
    # A full collection among 250 clients pauses the load process for tens of ms, and every
    # note one of its members waits for looks that much slower, the relay's as cocreate's:
    # the collector runs between measured windows (`op_collect`), never during one.
    gc.disable()
    asyncio.run(Worker(conn, number).serve())
