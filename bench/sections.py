"""latest.md's sections for the scenarios with load from several processes (bench/scenes.py):
drag and scale-out here, capacity, reconnect storm and soak in bench/limits.py, with the
cells and checks both use.

Each function takes the runs by (mode, scenario, target) and the list of verdicts to
add to, and returns Markdown lines. A run is *busy* when other programs used more
than OTHERS_CORES of the machine meanwhile, and *saturated* when one of its load
processes used more than
`measure.LOAD_SATURATED` of a core: either makes a verdict that they could have caused
inconclusive (⚠ in the tables).
"""

from .measure import REPEATED, ratio_verdict

OTHERS_CORES = 0.3
MACHINE_FULL = 0.9  # of all cores
RATIO_BAR = 1.5
DRAG_CPU_BAR = 1.3
CAPACITY_P99_MS = 250
SOAK_RSS, SOAK_P99 = 0.10, 1.2


def value_at(run, *path):
    for key in path:
        if not isinstance(run, dict):
            return None
        run = run.get(key)
    return run


def in_ms(value):
    return "–" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def verdict_text(ok):
    return "inconclusive" if ok is None else ("met" if ok else "**missed**")


def machine_full(cpu):
    """Whether the whole machine (servers, load and everything else) used nearly every core."""
    cores, cpus = value_at(cpu, "machine_cores"), value_at(cpu, "cpus")
    return bool(cores and cpus and cores >= MACHINE_FULL * cpus)


def busy(run):
    """Other programs took CPU from the run. (A server waiting for a CPU is shown, not
    counted: on a small machine the servers, PostgreSQL, Redis and the load processes of
    both targets' runs wait for each other alike.)"""
    return (value_at(run, "cpu", "others_cores") or 0) > OTHERS_CORES


def load_saturated(run):
    return bool(value_at(run, "cpu", "load_saturated"))


def load_cell(run):
    """`0.41 (4)`: the busiest load process's cores, and how many there were."""
    cores = value_at(run, "cpu", "load_cores_max")
    count = len(value_at(run, "cpu", "load") or []) or value_at(run, "load_processes")
    return "–" if cores is None else f"{cores:.2f} ({count})"


def others_cell(run):
    cores = value_at(run, "cpu", "others_cores")
    return "–" if cores is None else f"{cores:.2f}"


def flag_cell(run):
    return " ⚠" if busy(run) or load_saturated(run) else ""


def failed_cell(run):
    return "failed: " + str((run or {}).get("error", "not run"))[:100]


def failed_row(cells, run, empty_cells, bar=None):
    """A table row for a run that failed: the `cells` naming it, its error, `empty_cells`
    blank cells, then the bar (none without one)."""
    return ("| " + " | ".join(cells) + f" | {failed_cell(run)} |" + " |" * empty_cells
            + (f" {bar} |" if bar else ""))


def ran(runs, *scenarios):
    """Whether any of `scenarios` is among the runs (a section is left out otherwise)."""
    return any(scenario in scenarios for (_mode, scenario, _target) in runs)


def latency_cells(run, key="latency_all_ms", fields=("p50", "p99", "max")):
    if not run or not run.get("ok"):
        return failed_cell(run)
    return " / ".join(in_ms(run[key][f]) for f in fields)


def note_lines(text):
    return ["", text, ""]


def drag_rows(runs, verdicts):
    if not ran(runs, "drag", "drag-100"):
        return []
    lines = ["## Drag frames (p99 ≤ 1.5× relay, server CPU per frame ≤ 1.3× relay, no frame "
             "stored, every drop stored)", "",
             "| mode | draggers | cocreate p50 / p99 ms | relay p50 / p99 ms | **p99 ratio** | "
             "server CPU µs per delivered frame cocreate / relay | **CPU ratio** | lost "
             "cocreate / relay | database unchanged by frames | drops stored | busiest load "
             "process, cores (processes) cocreate / relay | other programs' cores cocreate / "
             "relay | bar |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for scenario in ("drag-100", "drag"):
        for (mode, s, target), cc in sorted(runs.items()):
            if s != scenario or target != "cocreate":
                continue
            relay = runs.get((mode, scenario, "relay"))
            if not cc.get("ok") or not (relay or {}).get("ok"):
                lines.append(f"| {mode} | {failed_cell(cc if not cc.get('ok') else relay)} |"
                             + " |" * 11 + " **missed** |")
                verdicts.append((f"{scenario}, {mode}", False, "failed"))
                continue
            p99 = cc["latency_all_ms"]["p99"] / relay["latency_all_ms"]["p99"]
            cost_cc, cost_relay = (cc["server_cpu_us_per_delivery"],
                                   relay["server_cpu_us_per_delivery"])
            cpu = cost_cc / cost_relay if cost_cc and cost_relay else None
            drops, lost = cc["drops"], cc["deliveries"]["lost"]
            kept = drops["stored"] == drops["sent"] == drops["acked_ok"]
            clean = cc["database"]["unchanged"] is True
            failed = bool(lost) or not kept or not clean
            saturated = load_saturated(cc) or load_saturated(relay)
            time_ok = ratio_verdict(cc["latency_all_ms"]["p99"], relay["latency_all_ms"]["p99"],
                                    RATIO_BAR, failed, not busy(cc), not busy(relay), saturated)
            # CPU per frame does not depend on how busy the machine is.
            ok = False if failed or (cpu is not None and cpu > DRAG_CPU_BAR) else time_ok
            params = cc["params"]
            label = f"{params['workshops']}×{params['draggers_per_workshop']} draggers"
            verdicts.append((f"drag, {label}, {mode}", ok,
                             f"p99 ratio {p99:.2f}, CPU ratio {cpu:.2f}"
                             + (", a load process saturated" if saturated else "")
                             + (", busy machine" if busy(cc) or busy(relay) else "")))
            lines.append(
                f"| {mode} | {params['workshops']} × {params['draggers_per_workshop']} at "
                f"{params['frames_per_s_each']}/s | {latency_cells(cc, fields=('p50', 'p99'))} | "
                f"{latency_cells(relay, fields=('p50', 'p99'))} | **{p99:.2f}** | {cost_cc:.0f} / "
                f"{cost_relay:.0f} | **{cpu:.2f}** | {lost} / {relay['deliveries']['lost']} | "
                f"{'yes' if clean else '**no**'} | {drops['stored']} of {drops['sent']} | "
                f"{load_cell(cc)} / {load_cell(relay)} | {others_cell(cc)} / {others_cell(relay)} | "
                f"{verdict_text(ok)}{flag_cell(cc) or flag_cell(relay)} |")
    lines += note_lines(
        "Drag load: 25 workshops of 20 (`drag`; 5 workshops in `drag-100`), three people per "
        "workshop each sending 30 `note:drag` frames a second (2,250 frames/s, each to 19 "
        "others), from several load processes (bench/fleet.py). A frame's latency runs from "
        "its emit until every other participant of the workshop has the `drag` message; the "
        "relay relays the same frames. The database is read before and after the frames (row "
        "counts, every workshop's `seq`): frames never reach it. Then each dragger drops the "
        "note, and every drop must be in the workshop's snapshot. When the p50 runs into seconds "
        "(`drag` offers 42,750 deliveries a second), neither server keeps up on this machine "
        "with the load processes beside it, and the ratios compare two backlogs. With repeats "
        f"(full runs: {REPEATED['drag']} each, relay and cocreate alternating) each target's run "
        "with the lowest "
        "p99 counts, as for the note broadcast.")
    return lines


SCALE_ROWS = (("relay", "2 relays + Redis (floor)"),
              ("cocreate", "2 cocreate + PostgreSQL + Redis"),
              ("cocreate-rooms", "2 cocreate + PostgreSQL + Redis, each workshop on one process"),
              ("cocreate-pg", "1 cocreate + PostgreSQL"),
              ("cocreate-sqlite", "1 cocreate + SQLite"))


def scale_out_rows(runs, verdicts):
    if not ran(runs, "scale-out"):
        return []
    lines = ["## Scale-out: 1,000 participants in 50 workshops (p99 ≤ 1.5× two relays, 0 lost, "
             "one gap-free `seq` order per workshop)", "",
             "| mode | deployment | participants | p50 / p99 / max ms | **p99 ratio** | lost | "
             "every client the same gap-free `seq` order | deliveries/s | server CPU µs per "
             "delivery: servers / + PostgreSQL and Redis | busiest load process, cores "
             "(processes) | servers waited for a CPU | other programs' cores | bar |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    modes = sorted({m for (m, s, _t) in runs if s == "scale-out"})
    for mode in modes:
        floor = runs.get((mode, "scale-out", "relay"))
        for target, label in SCALE_ROWS:
            run = runs.get((mode, "scale-out", target))
            if run is None:
                continue
            if not run.get("ok"):
                lines.append(failed_row([mode, label], run, 9, "**missed**")
                             if target == "cocreate" else failed_row([mode, label], run, 10))
                if target == "cocreate":
                    verdicts.append((f"scale-out, 2 processes, {mode}", False, "failed"))
                continue
            p99 = run["latency_all_ms"]["p99"]
            floor_p99 = value_at(floor, "latency_all_ms", "p99") if (floor or {}).get("ok") else None
            ratio = p99 / floor_p99 if p99 is not None and floor_p99 else None
            seq = run.get("seq")
            seq_text = "–" if seq is None else ("yes" if seq["ok"] else
                                                f"**no** ({seq['problems']})")
            lost = run["deliveries"]["lost"]
            cost, with_services = (run.get("server_cpu_us_per_delivery"),
                                   run.get("services_cpu_us_per_delivery") or 0)
            cost_text = "–" if cost is None else f"{cost:.0f} / {cost + with_services:.0f}"
            bar = ""
            if target == "cocreate":
                failed = bool(lost) or not (seq or {}).get("ok") or \
                    run["setup"]["connected"] != run["setup"]["wanted"]
                ok = ratio_verdict(p99, floor_p99, RATIO_BAR, failed, not busy(run),
                                   not busy(floor), load_saturated(run) or load_saturated(floor))
                bar = verdict_text(ok) + flag_cell(run)
                verdicts.append((f"scale-out, 1,000 on 2 processes (PostgreSQL + Redis), {mode}",
                                 ok, (f"p99 ratio {ratio:.2f}" if ratio else "no ratio")
                                 + f", lost {lost}, seq {'consistent' if (seq or {}).get('ok') else 'broken'}"
                                 + (", busy machine" if busy(run) or busy(floor) else "")))
            elif target != "relay":
                bar = "reported" + flag_cell(run)
            waits = [s.get("waited_share") for s in (value_at(run, "cpu", "servers") or {}).values()]
            waits = [f"{w:.0%}" for w in waits if w is not None]
            lines.append(
                f"| {mode} | {label} | {run['params']['participants']} | {latency_cells(run)} | "
                + (f"**{ratio:.2f}**" if ratio and target != "relay" else "–")
                + f" | {lost} | {seq_text} | {run.get('events_per_s')} | {cost_text} | "
                f"{load_cell(run)} | {' / '.join(waits) or '–'} | {others_cell(run)} | {bar} |")
    lines += note_lines(
        "Load: 50 workshops of 20 (quick: 10), two senders per workshop each sending a note a "
        "second for 30 s (100 notes/s, 1,900 deliveries/s; quick: 3 s), a workshop's members "
        "spread over the "
        "servers (the bar's row: the hardest case, each workshop changed from both "
        "processes) and over four load processes; in the row *each workshop on one "
        "process* a workshop's members share a process, as a room behind one address does "
        "through nginx's `hash $remote_addr` (docs/deploy.md), the workshops still spread "
        "over both. Latency of a note: from its emit until every "
        "other member of its workshop has it, whichever process each is connected to. The "
        "relays share rooms through python-socketio's `RedisManager` (each counts its own "
        "`seq`, so the order check is cocreate's only); cocreate's processes share a new "
        "PostgreSQL database and the Redis queue (`COCREATE_MESSAGE_QUEUE`), the way "
        "docs/deploy.md runs them. *Server CPU per delivery*: the servers' CPU time in the "
        "window over the events delivered, then with PostgreSQL (all its backends) and "
        "redis-server added: the cost of each step out. The `seq` check: every client's "
        "events carry consecutive `seq`s from its snapshot on, all clients of a workshop "
        "agree on what each `seq` is, and all end at the same one. With repeats (full runs: "
        f"{REPEATED['scale-out']} each, every deployment in turn) each deployment's run with "
        "the lowest p99 counts.")
    return lines
