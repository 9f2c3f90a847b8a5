"""The drag scenario: people dragging notes live, frames relayed to every other viewer.

25 workshops of 20 (`drag`; 5 in `drag-100`); in each, three people drag a note at 30
frames a second. Each frame's latency runs from its `note:drag` emit until every other
participant of the workshop received the `drag` message; senders and receivers are
spread over several load processes (bench/load.py). The relay relays the same frames.
For cocreate it also checks that no frame reached the database (row counts and every
workshop's `seq` are the same before and after the frames) and that every drop is stored.
"""

import sqlite3
import time
import uuid

from cocreate import protocol as p

from .measure import deliveries, summary_ms

DROP = (0.42, 0.37)


def database_state(path):
    """Row counts of the tables a change writes, and every workshop's seq (read-only)."""
    if not path:
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("notes", "applied_commands", "clusters", "votes", "actions")
        }
        counts["seq"] = conn.execute("SELECT coalesce(sum(seq), 0) FROM workshops").fetchone()[0]
        counts["positions"] = conn.execute("SELECT count(*) FROM notes WHERE x IS NOT NULL").fetchone()[0]
    return counts


def drops_stored(answers):
    """How many notes lie where the draggers dropped them, in the `sync` answers of the
    workshops. A `sync` left unanswered (a server still working off a backlog) shows no
    drop: counted as not stored, so the bar is missed rather than the run lost."""
    return sum(
        1
        for answer in answers
        for note in (answer.get("snapshot") or {}).get("notes", ())
        if (note.get("x"), note.get("y")) == DROP
    )


def frame_items(movers, rate, seconds, start, measured):
    """Each mover's frames at `rate` a second, the movers offset from each other; warm-up
    frames are numbered from 5000 so they never share a key with measured ones."""
    count = max(1, int(seconds * rate))
    items = []
    for position, (member, note_id) in enumerate(movers):
        offset = position / (rate * len(movers))
        for k in range(count):
            number = k + (0 if measured else 5000)
            items.append(
                (
                    start + offset + k / rate,
                    member,
                    p.NOTE_DRAG,
                    {"id": note_id, "x": number / 10000, "y": 0.5},
                    f"drag:{note_id}:{number}",
                    measured,
                )
            )
    return items


def drag(scene, spec):
    """Run the scenario with `scene` (a `scene.Scene`); returns the result dict."""
    workshops, participants = spec["workshops"], spec["participants"]
    draggers, rate = spec["draggers"], spec["rate"]
    duration = scene.spec(spec, "duration")
    database = scene.args.database
    setup = scene.setup(workshops, participants)
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    by_group = scene.by_group()
    movers = [(by_group[w][d], str(uuid.uuid4())) for w in sorted(by_group) for d in range(draggers)]
    if scene.target == "cocreate":  # each dragger's own note; on the relay just an id
        answers = scene.fleet.calls(
            [(member, p.NOTE_ADD, {"id": note_id, "step": 0, "text": "Sleep mij"}) for member, note_id in movers]
        )
        refused = [a for a in answers if not a.get("ok")]
        if refused:
            return {"ok": False, "error": f"note:add refused: {refused[0]}", "setup": setup}
    time.sleep(1.0)  # the notes' events and the joins' presence drain
    before = database_state(database)
    scene.fleet.run(frame_items(movers, rate, 0.5 if scene.quick else 2.0, time.monotonic() + 0.2, False))
    scene.fleet.settle(quiet=0.5, timeout=20)
    scene.begin()
    sends, late = scene.fleet.run(frame_items(movers, rate, duration, time.monotonic() + 0.2, True))
    scene.fleet.settle(quiet=1.0, timeout=max(20.0, duration))
    cpu = scene.end()
    receipts, _streams = scene.fleet.collect()
    after = database_state(database)
    measured = [s for s in sends if s["measured"]]
    # A frame counts whether or not its ack came back: the frames after the first are
    # fire-and-forget in the browser too.
    for send in measured:
        send["ok"] = send["code"] != "rate_limited" and not str(send["code"]).startswith("emit")
    merged = deliveries(measured, receipts, scene.audience)
    refused = sum(1 for s in measured if s["code"] not in (None, "no-ack"))
    drops = scene.fleet.calls(
        [(member, p.NOTE_MOVE, {"id": note_id, "x": DROP[0], "y": DROP[1]}) for member, note_id in movers]
    )
    stored = None
    if scene.target == "cocreate":
        time.sleep(0.5)
        snapshots = scene.fleet.calls([(by_group[w][-1], p.SYNC, {}) for w in sorted(by_group)])
        stored = drops_stored(snapshots)
    first = min((s["sent"] for s in measured), default=0.0)
    window = max((merged["last_arrival"] or first) - first, 1e-9)
    return {
        "ok": True,
        "params": {
            "workshops": workshops,
            "participants_per_workshop": participants,
            "participants": workshops * participants,
            "draggers_per_workshop": draggers,
            "frames_per_s_each": rate,
            "duration_s": duration,
        },
        "setup": setup,
        "frames": {"sent": len(measured), "refused": refused, "late_sends": late},
        "deliveries": {k: merged[k] for k in ("expected", "delivered", "lost", "duplicates")},
        "latency_all_ms": summary_ms(merged["latencies"]),
        "events_per_s": round(merged["delivered"] / window, 1),
        "server_cpu_us_per_delivery": (
            None if not merged["delivered"] else round(cpu["server_cpu_s"] * 1e6 / merged["delivered"], 1)
        ),
        "database": {
            "before_frames": before,
            "after_frames": after,
            "unchanged": before == after if before is not None else None,
        },
        "drops": {"sent": len(movers), "acked_ok": sum(1 for d in drops if d.get("ok")), "stored": stored},
        "cpu": cpu,
        "memory": scene.memory(),
    }
