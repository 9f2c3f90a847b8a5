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

The vote storm and the snapshot joins are in bench/cocreate_only.py, the participants
and their set-up in bench/clients.py, what is seen of the server
(CPU, memory, a profile) in bench/probe.py. The scenarios with load from several
processes (drag, scale-out, capacity, reconnect-storm, soak) are in bench/scenes.py.
"""

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections import Counter

from cocreate import protocol as p

from .clients import Bench, Sent, note_text
from .cocreate_only import snapshot_joins, vote_storm
from .measure import summary_ms
from .workers import raise_open_files

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


async def run(bench, name):
    """Run scenario `name` with `bench`'s clients; returns its result."""
    spec = SCENARIOS[name]
    bench.open_http()
    bench.monitor.start()
    try:
        runner = {"broadcast": broadcast, "vote": vote_storm,
                  "snapshot": snapshot_joins}[spec["kind"]]
        result = await runner(bench, spec)
    finally:
        bench.profiler.stop()
        await asyncio.gather(*(m.close() for m in bench.members))
        await bench.monitor.stop()
        await bench.http.close()
    result.update(scenario=name, target=bench.target, quick=bench.quick)
    if bench.profiler.path:
        result["profile"] = {"path": str(bench.profiler.path), "idle": bench.profiler.idle,
                             "py_spy": bench.profiler.note}
    return result


async def broadcast(bench, spec):
    """Notes on a fixed schedule; each note's latency until every other member has it."""
    workshops, participants = spec["workshops"], spec["participants"]
    senders, interval = spec["senders"], spec["interval"]
    duration = spec["quick_duration"] if bench.quick else spec["duration"]
    _made, groups, setup = await bench.setup_members(workshops, participants)
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    await asyncio.sleep(0.5 if bench.quick else 1.0)  # presence messages of the joins drain
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
            bench.notes[note_id] = record
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
        return all(len(r.receivers) >= expected(r) for r in bench.notes.values()
                   if r.measured == measured and r.ack and r.ack.get("ok"))

    await bench.profiler.start()
    # Warm-up (not measured): caches, JIT-less Python paths, SQLite pages.
    await phase(0.5 if bench.quick else 2.0, measured=False)
    await bench.wait_until(lambda: delivered_all(False), 10)
    bench.monitor.mark("start")
    start = await phase(duration, measured=True)
    send_end = time.perf_counter()
    drain_timeout = max(10.0, duration)
    await bench.wait_until(lambda: all(r.acked for r in bench.notes.values()) and
                          delivered_all(True), drain_timeout)
    bench.monitor.mark("end")
    bench.profiler.stop()
    measured = [r for r in bench.notes.values() if r.measured]
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
        "server_cpu_us_per_delivery": bench.monitor.cpu_us_per("start", "end", deliveries),
        "notes_per_s": round(len(ok) / window, 1),
        "event_bytes": bench.sample_event_bytes,
        "cpu": bench.monitor.between("start", "end"),
        "memory": bench.monitor.memory(),
    }
    return result


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
        return await asyncio.wait_for(run(bench, args.scenario), args.time_limit)

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
