"""Scenarios whose load comes from several processes on one clock (bench/fleet.py).

    python -m bench.scenes --target cocreate --urls http://127.0.0.1:5000 --pids 1234 \
        --scenario capacity --out result.json [--quick] [--processes 4]

- drag / drag-100 (bench/drag.py): people dragging notes live, frames to every viewer.
- scale-out: 1,000 participants in 50 workshops, two senders per workshop each sending
  a note a second, against one or two servers (the orchestrator starts cocreate on
  SQLite, on PostgreSQL, or two processes on PostgreSQL + Redis; the relay alone or two
  relays sharing Redis). Latency until every other participant has the note, every
  client's `seq` order checked, server CPU per delivery.
- capacity: one server, 10 workshops of 20; the note rate is stepped up until p99
  passes 250 ms (or a note is lost), then narrowed down: the highest rate that held.
- reconnect-storm and soak: bench/storm.py.

The orchestrator (bench/run.py) starts and stops the servers and services; this module
only loads them and writes one JSON result.
"""

import argparse
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

from .fleet import Fleet, load_usage
from .workers import raise_open_files
from .load import write_result
from .measure import RateSearch, deliveries, saturated, seq_order, summary_ms
from .people import facilitators, make_people
from .sections import machine_full
from .watch import Watch

FLEET_SCENARIOS = {
    "drag": {"kind": "drag", "workshops": 25, "participants": 20, "draggers": 3, "rate": 30,
             "duration": 10.0, "quick_duration": 3.0},
    "drag-100": {"kind": "drag", "workshops": 5, "participants": 20, "draggers": 3, "rate": 30,
                 "duration": 10.0, "quick_duration": 3.0},
    "scale-out": {"kind": "scale-out", "workshops": 50, "quick_workshops": 10, "participants": 20,
                  "senders": 2, "interval": 1.0, "duration": 30.0, "quick_duration": 3.0},
    "capacity": {"kind": "capacity", "workshops": 10, "participants": 20, "start": 40.0,
                 "factor": 1.5, "precision": 0.1, "quick_precision": 0.3, "step_s": 6.0,
                 "quick_step_s": 2.0, "p99_ms": 250.0, "max_steps": 12},
    "reconnect-storm": {"kind": "storm", "workshops": 10, "participants": 20, "notes": 30,
                        "quick_notes": 10},
    "soak": {"kind": "soak", "workshops": 5, "participants": 20, "warmup_s": 30.0,
             "round_s": 60.0, "rounds": 4, "quick_warmup_s": 8.0, "quick_round_s": 15.0,
             "quick_rounds": 3},
}
# Who each scenario runs against, in order (the storm's relay pads its snapshot to the
# size of cocreate's, so cocreate goes first).
TARGETS = {"drag": ("relay", "cocreate"), "drag-100": ("relay", "cocreate"),
           "scale-out": ("relay", "cocreate", "cocreate-rooms", "cocreate-pg", "cocreate-sqlite"),
           "capacity": ("relay", "cocreate"), "reconnect-storm": ("cocreate", "relay"),
           "soak": ("cocreate",)}
# What runs behind a target (default: one process; cocreate on SQLite).
DEPLOYMENTS = {
    ("scale-out", "relay"): {"processes": 2, "queue": True},
    ("scale-out", "cocreate"): {"processes": 2, "postgres": True, "queue": True},
    ("scale-out", "cocreate-rooms"): {"processes": 2, "postgres": True, "queue": True},
    ("scale-out", "cocreate-pg"): {"processes": 1, "postgres": True},
}
TIME_LIMITS = {"soak": 600, "capacity": 480, "scale-out": 300}
LOAD_PROCESSES = 4

WORDS = ("klant", "moeite", "plezier", "samen", "team", "doel", "dialoog", "transparantie",
         "overleg", "eigenaarschap", "koffie", "planning", "feedback", "ruimte", "tijd")


def texts(seed=11, count=64):
    """Notes of 40–160 characters, like someone typed them."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        length, words = rng.randint(40, 160), []
        while sum(len(w) + 1 for w in words) < length:
            words.append(rng.choice(WORDS))
        out.append(" ".join(words)[:280].strip())
    return out


TEXTS = texts()


def note_items(senders, rate, duration, start, measured, step=0):
    """A script of notes at `rate` a second in total, taking the senders in turn."""
    count = max(1, int(duration * rate))
    items = []
    for k in range(count):
        note_id = str(uuid.uuid4())
        items.append((start + k / rate, senders[k % len(senders)], "note:add",
                      {"id": note_id, "step": step, "text": TEXTS[k % len(TEXTS)]},
                      f"note.added:{note_id}", measured))
    return items


class Scene:
    """One scenario against one deployment: the load processes and what they watch."""

    def __init__(self, args):
        self.target = "relay" if args.target.startswith("relay") else "cocreate"
        self.urls = [u for u in args.urls.split(",") if u]
        self.quick, self.args = args.quick, args
        pids = [int(p) for p in args.pids.split(",") if p]
        services = dict(item.split("=") for item in (args.services or "").split(",") if item)
        self.watch = Watch({f"server{i}": pid for i, pid in enumerate(pids)},
                           {name: int(pid) for name, pid in services.items()}).start()
        self.fleet = Fleet(args.processes).start()
        self.members, self.audience, self.group_of, self.made = [], {}, {}, []
        self._load_start = None
        self.profile_path = getattr(args, "profile", None)
        self.profiler = None
        self.pids = pids

    def spec(self, spec, name):
        return spec.get(f"quick_{name}", spec[name]) if self.quick else spec[name]

    def setup(self, workshops, participants, with_facilitators=False, key_mode="id",
              streams=False, spread=True):
        """Workshops, participants over HTTP, every socket connected; the set-up numbers."""
        t0 = time.monotonic()
        self.made, members = make_people(self.target, self.urls, workshops, participants,
                                         spread=spread)
        if with_facilitators:
            members += facilitators(self.made, len(members))
        t_http = time.monotonic()
        self.members = members
        for member in members:
            self.audience.setdefault(member["group"], set()).add(member["index"])
            self.group_of[member["index"]] = member["group"]
        self.fleet.configure(key_mode=key_mode, streams=streams)
        self.fleet.add_members(members)
        answers = self.fleet.connect()
        errors = [a["error"] for a in answers.values() if "error" in a]
        times = [a["snapshot_at"] - a["started"] for a in answers.values() if "error" not in a]
        self.profile()
        return {"http_s": round(t_http - t0, 3), "connect_s": round(time.monotonic() - t_http, 3),
                "connected": len(answers) - len(errors), "wanted": len(members),
                "connect_errors": sorted(set(errors))[:5],
                "connect_to_snapshot_ms": summary_ms(times),
                "load_processes": self.fleet.size}

    def begin(self, name="start"):
        self._load_start = self._load_start or {}
        self._load_start[name] = self.fleet.mark()
        self.watch.mark(name)

    def profile(self):
        """py-spy on the first server from now until `close()` (`--profile FILE`)."""
        spy = Path(sys.executable).parent / "py-spy"
        if not self.profile_path or not spy.exists() or self.profiler:
            return
        self.profiler = subprocess.Popen(
            [str(spy), "record", "--pid", str(self.pids[0]), "--rate", "200", "--format", "raw",
             "--output", self.profile_path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1.0)  # attached before the measured part starts

    def end(self, name="start"):
        """CPU of servers, services, load processes and the rest, since `begin(name)`."""
        load_end = self.fleet.mark()
        self.watch.mark(name + ":end")
        usage = load_usage(self._load_start.pop(name), load_end)
        cpu = self.watch.between(name, name + ":end", load_cpu_s=sum(u["cpu_s"] for u in usage))
        cpu["load"] = usage
        cpu["load_cores"] = round(sum(u["cores"] for u in usage), 3)
        cpu["load_cores_max"] = max((u["cores"] for u in usage), default=None)
        waits = [u["waited_share"] for u in usage if u["waited_share"] is not None]
        cpu["load_cpu_wait_share"] = max(waits) if waits else None
        cpu["load_saturated"] = saturated([u["cores"] for u in usage])
        return cpu

    def memory(self):
        return {"server_rss_max_mib": self.watch.rss_max_mib()}

    def close(self):
        if self.profiler is not None:
            self.profiler.send_signal(signal.SIGINT)
            try:
                self.profiler.wait(30)
            except subprocess.TimeoutExpired:
                self.profiler.kill()
        self.fleet.close()
        self.watch.stop()


def per_delivery(cpu_s, count):
    return None if cpu_s is None or not count else round(cpu_s * 1e6 / count, 1)


def broadcast_window(scene, senders, rate, duration, warmup):
    """Warm-up, then a measured window of notes; what arrived, merged over the processes."""
    if warmup:
        scene.fleet.run(note_items(senders, rate, warmup, time.monotonic() + 0.2, False))
        scene.fleet.settle(quiet=0.5, timeout=20)
    scene.begin()
    sends, late = scene.fleet.run(note_items(senders, rate, duration, time.monotonic() + 0.2,
                                             True))
    settled = scene.fleet.settle(quiet=1.0, timeout=max(20.0, duration))
    cpu = scene.end()
    receipts, streams = scene.fleet.collect()
    measured = [s for s in sends if s["measured"]]
    merged = deliveries(measured, receipts, scene.audience)
    codes = {}
    for send in measured:
        if not send["ok"]:
            codes[send["code"]] = codes.get(send["code"], 0) + 1
    first = min((s["sent"] for s in measured), default=0.0)
    window = max((merged["last_arrival"] or first) - first, 1e-9)
    return {
        "notes": {"sent": len(measured), "acked_ok": sum(1 for s in measured if s["ok"]),
                  "refused": codes, "late_sends": late, "settled": settled},
        "deliveries": {k: merged[k] for k in ("expected", "delivered", "lost", "duplicates",
                                              "complete")},
        "latency_all_ms": summary_ms(merged["latencies"]),
        "ack_ms": summary_ms([s["acked"] - s["sent"] for s in measured if s["acked"]]),
        "events_per_s": round(merged["delivered"] / window, 1),
        "server_cpu_us_per_delivery": per_delivery(cpu.get("server_cpu_s"), merged["delivered"]),
        "services_cpu_us_per_delivery": per_delivery(cpu.get("services_cpu_s"),
                                                     merged["delivered"]),
        "cpu": cpu,
    }, streams


def scale_out(scene, spec):
    workshops = scene.spec(spec, "workshops")
    duration = scene.spec(spec, "duration")
    cocreate = scene.target == "cocreate"
    # "-rooms": each workshop's members on one process (a room behind one address).
    setup = scene.setup(workshops, spec["participants"], streams=cocreate,
                        spread=not scene.args.target.endswith("-rooms"))
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    time.sleep(1.0)  # the joins' presence messages drain
    by_group = {}
    for member in scene.members:
        by_group.setdefault(member["group"], []).append(member["index"])
    senders = [by_group[w][s] for s in range(spec["senders"]) for w in sorted(by_group)]
    rate = len(senders) / spec["interval"]
    result, streams = broadcast_window(scene, senders, rate, duration,
                                       0.5 if scene.quick else 2.0)
    result.update(ok=True, setup=setup, memory=scene.memory(),
                  params={"workshops": workshops, "participants_per_workshop": spec["participants"],
                          "participants": workshops * spec["participants"],
                          "senders_per_workshop": spec["senders"], "interval_s": spec["interval"],
                          "notes_per_s": rate, "duration_s": duration,
                          "servers": len(scene.urls)})
    # Only cocreate numbers a workshop's changes; two relays each count their own.
    result["seq"] = seq_order(streams, scene.group_of) if streams is not None else None
    return result


def capacity(scene, spec):
    """Step the note rate; the highest that kept p99 within the bar with nothing lost."""
    setup = scene.setup(spec["workshops"], spec["participants"])
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    time.sleep(1.0)
    everyone = [m["index"] for m in sorted(scene.members, key=lambda m: (m["index"] % 20,
                                                                        m["group"]))]
    step_s = scene.spec(spec, "step_s")
    search = RateSearch(spec["start"], factor=spec["factor"],
                        precision=scene.spec(spec, "precision"), max_steps=spec["max_steps"])
    steps = []
    # Warm-up at the first rate, not measured.
    scene.fleet.run(note_items(everyone, spec["start"], 1.0 if scene.quick else 3.0,
                               time.monotonic() + 0.2, False))
    scene.fleet.settle(quiet=0.5, timeout=20)
    scene.fleet.collect()
    rate = search.next_rate()
    while rate is not None:
        result, _streams = broadcast_window(scene, everyone, rate, step_s, 0)
        p99 = result["latency_all_ms"]["p99"]
        late_share = result["notes"]["late_sends"] / max(1, result["notes"]["sent"])
        passed = (result["deliveries"]["lost"] == 0 and p99 is not None
                  and p99 <= spec["p99_ms"] and not result["notes"]["refused"]
                  and result["notes"]["settled"] and late_share <= 0.01)
        steps.append({"rate": round(rate, 1), "passed": passed, "p99_ms": p99,
                      "p50_ms": result["latency_all_ms"]["p50"],
                      "lost": result["deliveries"]["lost"], "refused": result["notes"]["refused"],
                      "late_share": round(late_share, 3),
                      "events_per_s": result["events_per_s"],
                      "server_cores": result["cpu"].get("server_cores"),
                      "server_wait": result["cpu"].get("server_cpu_wait_share"),
                      "load_cores_max": result["cpu"]["load_cores_max"],
                      "load_saturated": result["cpu"]["load_saturated"],
                      "others_cores": result["cpu"].get("others_cores"),
                      "machine_cores": result["cpu"].get("machine_cores"),
                      "machine_full": machine_full(result["cpu"]),
                      "server_cpu_us_per_delivery": result["server_cpu_us_per_delivery"],
                      # The same on any machine: what one note costs the server, all told.
                      "server_cpu_ms_per_note": (
                          None if not result["notes"]["sent"] else
                          round(result["cpu"]["server_cpu_s"] * 1000 / result["notes"]["sent"],
                                3))})
        print(f"[capacity] {scene.target} {rate:7.1f} notes/s: p99 {p99} ms, lost "
              f"{result['deliveries']['lost']}, {'pass' if passed else 'fail'}",
              file=sys.stderr, flush=True)
        search.record(rate, passed)
        # Let a backlog drain before the next step.
        scene.fleet.settle(quiet=1.0, timeout=30)
        rate = search.next_rate()
    best = search.best
    at_best = next((s for s in steps if s["passed"] and s["rate"] == round(best, 1)), None) \
        if best else None
    return {"ok": True, "setup": setup, "memory": scene.memory(),
            "params": {"workshops": spec["workshops"], "participants": spec["participants"],
                       "step_s": step_s, "p99_bar_ms": spec["p99_ms"],
                       "precision": scene.spec(spec, "precision")},
            "steps": steps, "best_rate": round(best, 1) if best else None,
            "lowest_failing_rate": (round(search.lowest_fail, 1)
                                    if search.lowest_fail else None),
            "at_best": at_best,
            # A step at the best rate whose load process was saturated proves nothing.
            "load_saturated": any(s["load_saturated"] for s in steps
                                  if best and s["rate"] <= round(best, 1) * 1.5)}


def main(argv=None):
    from . import drag, storm

    parser = argparse.ArgumentParser(prog="bench.scenes")
    parser.add_argument("--target", required=True)
    parser.add_argument("--urls", required=True, help="comma-separated server addresses")
    parser.add_argument("--pids", default="", help="comma-separated server process ids")
    parser.add_argument("--services", default="",
                        help="name=pid,… of PostgreSQL and redis-server, for their CPU")
    parser.add_argument("--scenario", choices=sorted(FLEET_SCENARIOS), required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--processes", type=int, default=LOAD_PROCESSES,
                        help="load processes (default %(default)s)")
    parser.add_argument("--database", help="cocreate's SQLite file (drag: frames never reach it)")
    parser.add_argument("--snapshot-bytes", type=int,
                        help="reconnect-storm on the relay: the size of cocreate's snapshot")
    parser.add_argument("--profile", help="py-spy the first server; collapsed stacks to this file")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if not all(u.startswith(("http://127.", "http://localhost")) for u in args.urls.split(",")):
        parser.error("loads go to loopback only")
    raise_open_files()
    spec = FLEET_SCENARIOS[args.scenario]
    runner = {"drag": drag.drag, "scale-out": scale_out, "capacity": capacity,
              "storm": storm.reconnect_storm, "soak": storm.soak}[spec["kind"]]
    scene = Scene(args)
    try:
        result = runner(scene, spec)
    except Exception as err:  # noqa: BLE001 - reported in the result
        result = {"ok": False, "error": f"{type(err).__name__}: {err}"}
    finally:
        scene.close()
    result.update(scenario=args.scenario, target=args.target, quick=args.quick,
                  load_processes=args.processes)
    return write_result(result, args.out)


if __name__ == "__main__":
    sys.exit(main())
