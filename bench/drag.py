"""The drag scenario: people dragging notes live, frames relayed to every other viewer.

25 workshops of 20; in each, three people drag a note at 30 frames a second. Each
frame's latency is the time from its `note:drag` emit until every other participant of
the workshop received the `drag` message. The relay floor relays the same frames. For
cocreate it also checks that no frame reached the database (row counts and every
workshop's `seq` are the same before and after the frames) and that every drop is stored.
"""

import asyncio
import sqlite3
import time
import uuid

from cocreate import protocol as p

from .load import summary_ms, _per

DROP = (0.42, 0.37)


class Frame:
    """One drag frame on its way: when it left and who has it so far."""

    __slots__ = ("group", "sent", "receivers", "last")

    def __init__(self, group, sent):
        self.group, self.sent, self.receivers, self.last = group, sent, set(), 0.0


def database_state(path):
    """Row counts of the tables a change writes, and every workshop's seq (read-only)."""
    if not path:
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in ("notes", "applied_commands", "clusters", "votes", "actions")}
        counts["seq"] = conn.execute("SELECT coalesce(sum(seq), 0) FROM workshops").fetchone()[0]
        counts["positions"] = conn.execute(
            "SELECT count(*) FROM notes WHERE x IS NOT NULL").fetchone()[0]
    return counts


async def drag(bench, spec, database=None):
    """Run the scenario with `bench` (a `load.Bench`); returns the result dict."""
    workshops, participants = spec["workshops"], spec["participants"]
    draggers, rate = spec["draggers"], spec["rate"]
    duration = spec["quick_duration"] if bench.quick else spec["duration"]
    _made, groups, setup = await bench.setup_members(workshops, participants)
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    frames = {}  # (note id, frame number) -> Frame

    def arrived(member, data):
        frame = frames.get((data.get("id"), round(data.get("x", -1) * 10000)))
        if frame is None or member.index in frame.receivers:
            return
        frame.receivers.add(member.index)
        frame.last = time.perf_counter()

    for member in bench.members:
        member.sio.on(p.DRAG, lambda data, m=member: arrived(m, data))
    # Each dragger's note: written by them on cocreate, just an id on the relay.
    movers = [(member, str(uuid.uuid4())) for group in groups for member in group[:draggers]]
    for member, note_id in movers:
        if bench.target == "cocreate":
            ack = await member.sio.call(p.NOTE_ADD, {"id": note_id, "step": 0, "text": "Sleep mij"},
                                        timeout=30)
            if not ack.get("ok"):
                return {"ok": False, "error": f"note:add refused: {ack}", "setup": setup}
    await asyncio.sleep(1.0)  # the notes' events and the joins' presence drain
    before = database_state(database)
    refused = []

    async def drag_loop(member, note_id, count, offset, measured):
        interval = 1 / rate
        start = time.perf_counter() + offset
        for k in range(count):
            delay = start + k * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            number = k + (0 if measured else 5000)  # warm-up frames have their own numbers
            payload = {"id": note_id, "x": number / 10000, "y": 0.5}
            if measured:
                frames[(note_id, number)] = Frame(member.group, time.perf_counter())
            if k == 0:  # the first frame asks (the note may be held); the rest just go
                ack = await member.sio.call(p.NOTE_DRAG, payload, timeout=30)
                if not ack.get("ok"):
                    refused.append(ack)
            else:
                await member.sio.emit(p.NOTE_DRAG, payload)

    async def phase(seconds, measured):
        count = max(1, int(seconds * rate))
        await asyncio.gather(*(drag_loop(member, note_id, count, index / (rate * len(movers)),
                                         measured)
                               for index, (member, note_id) in enumerate(movers)))

    def expected(frame):
        return len(groups[frame.group]) - 1

    await bench.profiler.start()
    await phase(0.5 if bench.quick else 2.0, measured=False)
    await asyncio.sleep(0.5)
    bench.monitor.mark("start")
    started = time.perf_counter()
    await phase(duration, measured=True)
    await bench.wait_until(lambda: all(len(f.receivers) >= expected(f) for f in frames.values()),
                           max(10.0, duration))
    bench.monitor.mark("end")
    bench.profiler.stop()
    after = database_state(database)
    # The drops: stored and sequenced, one per dragger.
    drops = await asyncio.gather(*(member.sio.call(p.NOTE_MOVE, {"id": note_id, "x": DROP[0],
                                                                  "y": DROP[1]}, timeout=30)
                                   for member, note_id in movers))
    stored = None
    if bench.target == "cocreate":
        await asyncio.sleep(0.5)
        placed = 0
        for group in groups:
            snapshot = (await group[-1].sio.call(p.SYNC, {}, timeout=30))["snapshot"]
            placed += sum(1 for note in snapshot["notes"] if (note["x"], note["y"]) == DROP)
        stored = placed
    complete = [f for f in frames.values() if len(f.receivers) >= expected(f)]
    deliveries = sum(len(f.receivers) for f in frames.values())
    wanted = sum(expected(f) for f in frames.values())
    window = max(max((f.last for f in frames.values()), default=started) - started, 1e-9)
    return {
        "ok": not refused,
        "params": {"workshops": workshops, "participants_per_workshop": participants,
                   "participants": workshops * participants, "draggers_per_workshop": draggers,
                   "frames_per_s_each": rate, "duration_s": duration},
        "setup": setup,
        "frames": {"sent": len(frames), "first_frame_refused": len(refused)},
        "deliveries": {"expected": wanted, "delivered": deliveries, "lost": wanted - deliveries,
                       "frames_fully_delivered": len(complete)},
        "latency_all_ms": summary_ms([f.last - f.sent for f in complete]),
        "events_per_s": round(deliveries / window, 1),
        "server_cpu_us_per_delivery": _per(bench.monitor, "start", "end", deliveries),
        "database": {"before_frames": before, "after_frames": after,
                     "unchanged": before == after if before is not None else None},
        "drops": {"sent": len(movers), "acked_ok": sum(1 for d in drops if d.get("ok")),
                  "stored": stored},
        "cpu": bench.monitor.between("start", "end"),
        "memory": bench.monitor.memory(),
    }
