"""The scenarios of bench/load.py that only cocreate has: the vote storm (everyone casts
their whole budget at once; the tallies must be exact) and the joins of a 300-note
workshop (connect until the snapshot has arrived).
"""

import asyncio
import json
import random
import time
import uuid
from collections import Counter

from cocreate import protocol as p

from .clients import CALL_TIMEOUT, Member
from .measure import summary_ms


async def vote_storm(bench, spec):
    """Everyone casts their whole budget at once; the tallies must be exact."""
    if bench.target == "relay":
        raise SystemExit("vote-storm has no relay equivalent")
    n = spec["quick_participants"] if bench.quick else spec["participants"]
    budget, note_count = spec["budget"], spec["notes"]
    made, groups, setup = await bench.setup_members(1, n)
    workshop_id, facilitator_token, _people = made[0]
    facilitator = Member(bench, len(bench.members), 0, workshop_id, facilitator_token, "F")
    bench.members.append(facilitator)
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
    await bench.wait_until(lambda: all(m.events[p.VOTING_OPENED] for m in everyone), 20)

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

    await bench.profiler.start()
    bench.monitor.mark("start")
    t0 = time.perf_counter()
    await asyncio.gather(*(storm(m) for m in members))
    t_emitted = time.perf_counter()
    total = n * budget
    acked = await bench.wait_until(lambda: sum(codes.values()) >= total, 120, step=0.01)
    t_acked = time.perf_counter()
    good = sum(1 for c in casts if c[4] and c[4].get("ok"))
    delivered = await bench.wait_until(
        lambda: all(m.events[p.VOTE_CHANGED] >= good for m in everyone), 120, step=0.01)
    t_delivered = time.perf_counter()
    bench.monitor.mark("end")
    bench.profiler.stop()

    # One more dot each: must be refused, never past the budget.
    extra = await asyncio.gather(*(m.sio.call(p.VOTE_CAST, {"note_id": note_ids[0]},
                                              timeout=CALL_TIMEOUT) for m in members),
                                 return_exceptions=True)
    extra_codes = Counter(
        "timeout" if isinstance(a, Exception) else
        ("ok" if a.get("ok") else a["error"]["code"]) for a in extra)
    closed = await facilitator.sio.call(p.VOTING_CLOSE, {}, timeout=CALL_TIMEOUT)
    await bench.wait_until(lambda: all(m.closed_tallies is not None for m in everyone), 30)
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
        slot = bench.seq_arrivals.get((workshop_id, answer["seq"]))
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
        "server_cpu_us_per_delivery": bench.monitor.cpu_us_per("start", "end", received),
        "server_cpu_ms_per_cast": (None if not good else
                                   round(bench.monitor.between("start", "end")
                                         .get("server_cpu_s", 0) * 1000 / good, 3)),
        "cpu": bench.monitor.between("start", "end"),
        "memory": bench.monitor.memory(),
    }


async def snapshot_joins(bench, spec):
    """Joins of a 300-note workshop: connect until the snapshot has arrived."""
    if bench.target == "relay":
        raise SystemExit("snapshot-300 has no relay equivalent")
    joins = spec["quick_joins"] if bench.quick else spec["joins"]
    made, groups, setup = await bench.setup_members(1, spec["writers"])
    workshop_id = made[0][0]
    writers = groups[0]
    # The same joins into the same room before any note: what a join costs without notes.
    empty = []
    for j in range(joins):
        member = await bench.joiner(workshop_id, f"E{j:03d}")
        started, _connected, got = await member.connect()
        empty.append(got - started)
        await member.close()
    # Spread over the four steps; step 3 has lanes, the first lane is taken.
    refused = await bench.add_notes(writers, spec["notes"], steps=4)
    if refused:
        return {"ok": False, "error": f"note:add refused: {dict(refused)}", "setup": setup}
    await asyncio.sleep(1.0)
    await bench.profiler.start()
    bench.monitor.mark("start")
    times, notes_seen = [], set()
    snapshot_bytes = None
    for j in range(joins):  # one at a time, each leaving again: one join, not a crowd
        member = await bench.joiner(workshop_id, f"J{j:03d}")
        started, _connected, got = await member.connect()
        times.append(got - started)
        notes_seen.add(len(member.snapshot["notes"]))
        if snapshot_bytes is None:
            snapshot_bytes = len(json.dumps(member.snapshot, separators=(",", ":")))
        await member.close()
    bench.monitor.mark("end")
    bench.profiler.stop()
    return {
        "ok": True,
        "params": {"notes": spec["notes"], "writers": len(writers), "joins": joins},
        "setup": setup,
        "snapshot_notes": sorted(notes_seen),
        "snapshot_bytes": snapshot_bytes,
        # From starting to connect until the snapshot has arrived.
        "join_snapshot_ms": summary_ms(times),
        "empty_workshop_join_ms": summary_ms(empty),
        "cpu": bench.monitor.between("start", "end"),
        "memory": bench.monitor.memory(),
    }
