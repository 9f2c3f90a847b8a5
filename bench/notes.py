"""Notes to everyone: the note broadcast (one process, or scale-out over two) and the highest
note rate one process holds.

- broadcast: participants join workshops, a few senders per workshop send real `note:add`
  commands on a fixed schedule (within the server's rate limit), and each note's latency
  runs from its emit until EVERY other participant of its workshop has the `note.added`
  event. `scale-out` is the same over a deployment of two processes, with every client's
  `seq` order checked.
- capacity: one server, 10 workshops of 20; the note rate is stepped up until p99 passes
  its bar (or a note is lost), then narrowed down: the highest rate that held.
"""

import sys
import time

from .measure import RateSearch, machine_full, seq_order
from .scene import broadcast_window, note_items


def broadcast(scene, spec):
    """Notes on a fixed schedule to every other member of their workshop."""
    workshops = scene.spec(spec, "workshops")
    duration = scene.spec(spec, "duration")
    check_seq = spec.get("check_seq", False) and scene.target == "cocreate"
    # "-rooms": each workshop's members on one process (a room behind one address).
    setup = scene.setup(
        workshops, spec["participants"], streams=check_seq, spread=not scene.args.target.endswith("-rooms")
    )
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    time.sleep(1.0)  # the joins' presence messages drain; nothing to wait for tells when
    groups = scene.by_group()
    senders = [groups[w][s] for s in range(spec["senders"]) for w in sorted(groups)]
    rate = len(senders) / spec["interval"]
    result, streams = broadcast_window(scene, senders, rate, duration, 0.5 if scene.quick else 2.0)
    result.update(
        ok=True,
        setup=setup,
        memory=scene.memory(),
        params={
            "workshops": workshops,
            "participants_per_workshop": spec["participants"],
            "participants": workshops * spec["participants"],
            "senders_per_workshop": spec["senders"],
            "interval_s": spec["interval"],
            "notes_per_s": rate,
            "duration_s": duration,
            "servers": len(scene.urls),
        },
    )
    # Only cocreate numbers a workshop's changes; two relays each count their own.
    result["seq"] = seq_order(streams, scene.group_of) if streams is not None else None
    return result


def capacity(scene, spec):
    """Step the note rate; the highest that kept p99 within the bar with nothing lost."""
    setup = scene.setup(spec["workshops"], spec["participants"])
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    time.sleep(1.0)
    everyone = [m["index"] for m in sorted(scene.members, key=lambda m: (m["index"] % 20, m["group"]))]
    step_s = scene.spec(spec, "step_s")
    search = RateSearch(
        spec["start"], factor=spec["factor"], precision=scene.spec(spec, "precision"), max_steps=spec["max_steps"]
    )
    steps = []
    # Warm-up at the first rate, not measured.
    scene.fleet.run(note_items(everyone, spec["start"], 1.0 if scene.quick else 3.0, time.monotonic() + 0.2, False))
    scene.fleet.settle(quiet=0.5, timeout=20)
    scene.fleet.collect()
    rate = search.next_rate()
    while rate is not None:
        result, _streams = broadcast_window(scene, everyone, rate, step_s, 0)
        p99 = result["latency_all_ms"]["p99"]
        late_share = result["notes"]["late_sends"] / max(1, result["notes"]["sent"])
        passed = (
            result["deliveries"]["lost"] == 0
            and p99 is not None
            and p99 <= spec["p99_ms"]
            and not result["notes"]["refused"]
            and result["notes"]["settled"]
            and late_share <= 0.01
        )
        cpu = result["cpu"]
        steps.append(
            {
                "rate": round(rate, 1),
                "passed": passed,
                "p99_ms": p99,
                "p50_ms": result["latency_all_ms"]["p50"],
                "lost": result["deliveries"]["lost"],
                "refused": result["notes"]["refused"],
                "late_share": round(late_share, 3),
                "events_per_s": result["events_per_s"],
                "server_cores": cpu.get("server_cores"),
                "server_wait": cpu.get("server_cpu_wait_share"),
                "load_cores_max": cpu["load_cores_max"],
                "load_saturated": cpu["load_saturated"],
                "others_cores": cpu.get("others_cores"),
                "machine_cores": cpu.get("machine_cores"),
                "machine_full": machine_full(cpu),
                "server_cpu_us_per_delivery": result["server_cpu_us_per_delivery"],
                # The same on any machine: what one note costs the server, all told.
                "server_cpu_ms_per_note": (
                    None
                    if not result["notes"]["sent"]
                    else round(cpu["server_cpu_s"] * 1000 / result["notes"]["sent"], 3)
                ),
            }
        )
        print(
            f"[capacity] {scene.target} {rate:7.1f} notes/s: p99 {p99} ms, lost "
            f"{result['deliveries']['lost']}, {'pass' if passed else 'fail'}",
            file=sys.stderr,
            flush=True,
        )
        search.record(rate, passed)
        scene.fleet.settle(quiet=1.0, timeout=30)  # a backlog drains before the next step
        rate = search.next_rate()
    best = search.best
    at_best = next((s for s in steps if s["passed"] and s["rate"] == round(best, 1)), None) if best else None
    return {
        "ok": True,
        "setup": setup,
        "memory": scene.memory(),
        "params": {
            "workshops": spec["workshops"],
            "participants": spec["participants"],
            "step_s": step_s,
            "p99_bar_ms": spec["p99_ms"],
            "precision": scene.spec(spec, "precision"),
        },
        "steps": steps,
        "best_rate": round(best, 1) if best else None,
        "lowest_failing_rate": (round(search.lowest_fail, 1) if search.lowest_fail else None),
        "at_best": at_best,
        # A step at the best rate whose load process was saturated proves nothing.
        "load_saturated": any(s["load_saturated"] for s in steps if best and s["rate"] <= round(best, 1) * 1.5),
    }
