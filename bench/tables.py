"""The report's tables: one Markdown section per scenario, each row with its bar's verdict.

Each `*_rows(runs, verdicts)` takes the runs by (mode, scenario, target) and the list of
(label, verdict, detail) to add to, and returns Markdown lines. The judgements are
bench/measure.py's: a run is *busy* when other programs used the machine meanwhile, and
*saturated* when one of its load processes used more than `LOAD_SATURATED` of a core;
either makes a verdict that they could have caused inconclusive (⚠ in the tables).
"""

from .measure import (
    BUSY_SHARE,
    DRAG_CPU_BAR,
    LOAD_SATURATED,
    OTHERS_CORES,
    RATIO_BAR,
    SNAPSHOT_BAR_MS,
    SOAK_ATTEMPTS,
    SPEED_DRIFT,
    STORM_BAR,
    busy,
    busy_one_process,
    capacity_verdict,
    cpu_ratio,
    decisive_steps,
    load_cpu,
    load_saturated,
    probe_ms,
    ratio_verdict,
    soak_judgement,
    value_at,
)
from .scenarios import SCENARIOS

MODE_ORDER = {"eventlet": 0, "gevent": 1, "threading": 2}
SCENARIO_ORDER = {name: number for number, name in enumerate(SCENARIOS)}


def table(title, columns):
    """A section's heading and its table's header rows."""
    return [f"## {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def repeats_note(scenario):
    """How often a full run repeats a scenario's targets."""
    return SCENARIOS[scenario].get("repeats", 1)


def by_mode(runs, scenario, target="cocreate"):
    """(mode, run) of one scenario and target, in MODE_ORDER."""
    return sorted(
        ((mode, run) for (mode, s, t), run in runs.items() if s == scenario and t == target),
        key=lambda mode_run: MODE_ORDER.get(mode_run[0], 9),
    )


def wait_cell(run, who):
    share = value_at(run, "cpu", f"{who}_cpu_wait_share")
    return "–" if share is None else f"{share:.0%}"


def in_ms(value):
    return "–" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def verdict_text(ok):
    return "inconclusive" if ok is None else ("met" if ok else "**missed**")


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
    return "| " + " | ".join(cells) + f" | {failed_cell(run)} |" + " |" * empty_cells + (f" {bar} |" if bar else "")


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
    lines = table(
        "Drag frames (p99 ≤ 1.5× relay, server CPU per frame ≤ 1.3× relay, no frame stored, every drop stored)",
        [
            "mode",
            "draggers",
            "cocreate p50 / p99 ms",
            "relay p50 / p99 ms",
            "**p99 ratio**",
            "server CPU µs per delivered frame cocreate / relay",
            "**CPU ratio**",
            "lost cocreate / relay",
            "database unchanged by frames",
            "drops stored",
            "busiest load process, cores (processes) cocreate / relay",
            "other programs' cores cocreate / relay",
            "bar",
        ],
    )
    for scenario in ("drag-100", "drag"):
        for (mode, s, target), cc in sorted(runs.items()):
            if s != scenario or target != "cocreate":
                continue
            relay = runs.get((mode, scenario, "relay"))
            if not cc.get("ok") or not (relay or {}).get("ok"):
                lines.append(
                    f"| {mode} | {failed_cell(cc if not cc.get('ok') else relay)} |" + " |" * 11 + " **missed** |"
                )
                verdicts.append((f"{scenario}, {mode}", False, "failed"))
                continue
            p99 = cc["latency_all_ms"]["p99"] / relay["latency_all_ms"]["p99"]
            cost_cc, cost_relay = (cc["server_cpu_us_per_delivery"], relay["server_cpu_us_per_delivery"])
            cpu = cost_cc / cost_relay if cost_cc and cost_relay else None
            drops, lost = cc["drops"], cc["deliveries"]["lost"]
            kept = drops["stored"] == drops["sent"] == drops["acked_ok"]
            clean = cc["database"]["unchanged"] is True
            failed = bool(lost) or not kept or not clean
            saturated = load_saturated(cc) or load_saturated(relay)
            time_ok = ratio_verdict(
                cc["latency_all_ms"]["p99"],
                relay["latency_all_ms"]["p99"],
                RATIO_BAR,
                failed,
                not busy(cc),
                not busy(relay),
                saturated,
            )
            # CPU per frame does not depend on how busy the machine is.
            ok = False if failed or (cpu is not None and cpu > DRAG_CPU_BAR) else time_ok
            params = cc["params"]
            label = f"{params['workshops']}×{params['draggers_per_workshop']} draggers"
            verdicts.append(
                (
                    f"drag, {label}, {mode}",
                    ok,
                    f"p99 ratio {p99:.2f}, CPU ratio {cpu:.2f}"
                    + (", a load process saturated" if saturated else "")
                    + (", busy machine" if busy(cc) or busy(relay) else ""),
                )
            )
            lines.append(
                f"| {mode} | {params['workshops']} × {params['draggers_per_workshop']} at "
                f"{params['frames_per_s_each']}/s | {latency_cells(cc, fields=('p50', 'p99'))} | "
                f"{latency_cells(relay, fields=('p50', 'p99'))} | **{p99:.2f}** | {cost_cc:.0f} / "
                f"{cost_relay:.0f} | **{cpu:.2f}** | {lost} / {relay['deliveries']['lost']} | "
                f"{'yes' if clean else '**no**'} | {drops['stored']} of {drops['sent']} | "
                f"{load_cell(cc)} / {load_cell(relay)} | {others_cell(cc)} / {others_cell(relay)} | "
                f"{verdict_text(ok)}{flag_cell(cc) or flag_cell(relay)} |"
            )
    lines += note_lines(
        "Drag load: 25 workshops of 20 (`drag`; 5 workshops in `drag-100`), three people per "
        "workshop each sending 30 `note:drag` frames a second (2,250 frames/s, each to 19 "
        "others), from several load processes (bench/load.py). A frame's latency runs from "
        "its emit until every other participant of the workshop has the `drag` message; the "
        "relay relays the same frames. The database is read before and after the frames (row "
        "counts, every workshop's `seq`): frames never reach it. Then each dragger drops the "
        "note, and every drop must be in the workshop's snapshot. When the p50 runs into seconds "
        "(`drag` offers 42,750 deliveries a second), neither server keeps up on this machine "
        "with the load processes beside it, and the ratios compare two backlogs. With repeats "
        f"(full runs: {repeats_note('drag')} each, relay and cocreate alternating) each target's run "
        "with the lowest "
        "p99 counts, as for the note broadcast."
    )
    return lines


SCALE_ROWS = (
    ("relay", "2 relays + Redis (floor)"),
    ("cocreate", "2 cocreate + PostgreSQL + Redis"),
    ("cocreate-rooms", "2 cocreate + PostgreSQL + Redis, each workshop on one process"),
    ("cocreate-pg", "1 cocreate + PostgreSQL"),
    ("cocreate-sqlite", "1 cocreate + SQLite"),
)


def scale_out_rows(runs, verdicts):
    if not ran(runs, "scale-out"):
        return []
    lines = table(
        "Scale-out: 1,000 participants in 50 workshops (p99 ≤ 1.5× two relays, 0 lost, one "
        "gap-free `seq` order per workshop)",
        [
            "mode",
            "deployment",
            "participants",
            "p50 / p99 / max ms",
            "**p99 ratio**",
            "lost",
            "every client the same gap-free `seq` order",
            "deliveries/s",
            "server CPU µs per delivery: servers / + PostgreSQL and Redis",
            "busiest load process, cores (processes)",
            "servers waited for a CPU",
            "other programs' cores",
            "bar",
        ],
    )
    modes = sorted({m for (m, s, _t) in runs if s == "scale-out"})
    for mode in modes:
        floor = runs.get((mode, "scale-out", "relay"))
        for target, label in SCALE_ROWS:
            run = runs.get((mode, "scale-out", target))
            if run is None:
                continue
            if not run.get("ok"):
                lines.append(
                    failed_row([mode, label], run, 9, "**missed**")
                    if target == "cocreate"
                    else failed_row([mode, label], run, 10)
                )
                if target == "cocreate":
                    verdicts.append((f"scale-out, 2 processes, {mode}", False, "failed"))
                continue
            p99 = run["latency_all_ms"]["p99"]
            floor_p99 = value_at(floor, "latency_all_ms", "p99") if (floor or {}).get("ok") else None
            ratio = p99 / floor_p99 if p99 is not None and floor_p99 else None
            seq = run.get("seq")
            seq_text = "–" if seq is None else ("yes" if seq["ok"] else f"**no** ({seq['problems']})")
            lost = run["deliveries"]["lost"]
            cost, with_services = (run.get("server_cpu_us_per_delivery"), run.get("services_cpu_us_per_delivery") or 0)
            cost_text = "–" if cost is None else f"{cost:.0f} / {cost + with_services:.0f}"
            bar = ""
            if target == "cocreate":
                failed = bool(lost) or not (seq or {}).get("ok") or run["setup"]["connected"] != run["setup"]["wanted"]
                ok = ratio_verdict(
                    p99,
                    floor_p99,
                    RATIO_BAR,
                    failed,
                    not busy(run),
                    not busy(floor),
                    load_saturated(run) or load_saturated(floor),
                )
                bar = verdict_text(ok) + flag_cell(run)
                verdicts.append(
                    (
                        f"scale-out, 1,000 on 2 processes (PostgreSQL + Redis), {mode}",
                        ok,
                        (f"p99 ratio {ratio:.2f}" if ratio else "no ratio")
                        + f", lost {lost}, seq {'consistent' if (seq or {}).get('ok') else 'broken'}"
                        + (", busy machine" if busy(run) or busy(floor) else ""),
                    )
                )
            elif target != "relay":
                bar = "reported" + flag_cell(run)
            waits = [s.get("waited_share") for s in (value_at(run, "cpu", "servers") or {}).values()]
            waits = [f"{w:.0%}" for w in waits if w is not None]
            lines.append(
                f"| {mode} | {label} | {run['params']['participants']} | {latency_cells(run)} | "
                + (f"**{ratio:.2f}**" if ratio and target != "relay" else "–")
                + f" | {lost} | {seq_text} | {run.get('events_per_s')} | {cost_text} | "
                f"{load_cell(run)} | {' / '.join(waits) or '–'} | {others_cell(run)} | {bar} |"
            )
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
        f"{repeats_note('scale-out')} each, every deployment in turn) each deployment's run with "
        "the lowest p99 counts."
    )
    return lines


def broadcast_rows(runs, verdicts):
    """The note broadcast in each async mode, against the relay."""
    if not ran(runs, "broadcast-20", "broadcast-100", "broadcast-500"):
        return []
    lines = table(
        "Note broadcast (p99 cocreate / p99 relay ≤ 1.5, 0 lost)",
        [
            "mode",
            "participants",
            "cocreate p50 / p99 / max ms",
            "relay p50 / p99 / max ms",
            "**p99 ratio**",
            "lost cocreate / relay",
            "deliveries/s",
            "server CPU µs per delivery cocreate / relay",
            "waited for a CPU cocreate / relay / load",
            "other programs' cores cocreate / relay",
            "RSS MiB cocreate / relay",
            "bar",
        ],
    )
    keys = sorted(
        {(m, s) for (m, s, _t) in runs if s and s.startswith("broadcast")},
        key=lambda k: (MODE_ORDER.get(k[0], 9), SCENARIO_ORDER.get(k[1], 9)),
    )
    for mode, scenario in keys:
        cc, relay = runs.get((mode, scenario, "cocreate")), runs.get((mode, scenario, "relay"))
        people = value_at(cc, "params", "participants") or value_at(relay, "params", "participants")
        label = (
            f"{people}"
            + (
                f" ({value_at(cc, 'params', 'workshops')} workshops)"
                if (value_at(cc, "params", "workshops") or 1) > 1
                else ""
            )
            if people
            else scenario
        )

        def lat(run):
            if not run or not run.get("ok"):
                return "failed: " + str((run or {}).get("error", "not run"))[:80]
            v = run["latency_all_ms"]
            return f"{in_ms(v['p50'])} / {in_ms(v['p99'])} / {in_ms(v['max'])}"

        ratio = None
        if cc and relay and cc.get("ok") and relay.get("ok"):
            p_cc, p_relay = cc["latency_all_ms"]["p99"], relay["latency_all_ms"]["p99"]
            if p_cc is not None and p_relay:
                ratio = p_cc / p_relay
        lost_cc = value_at(cc, "deliveries", "lost")
        lost_relay = value_at(relay, "deliveries", "lost")
        connected = value_at(cc, "setup", "connected") == value_at(cc, "setup", "wanted")
        # Other programs only ever add latency: a pass with a clean relay run, or a miss with
        # a clean cocreate run, stands; anything else on a busy machine is inconclusive.
        if not (cc and cc.get("ok")) or lost_cc or not connected:
            ok = False
        elif ratio is None:
            ok = None
        elif ratio <= RATIO_BAR:
            ok = True if not busy_one_process(relay) else None
        else:
            ok = False if not busy_one_process(cc) else None
        cost_cc = value_at(cc, "server_cpu_us_per_delivery")
        cost_relay = value_at(relay, "server_cpu_us_per_delivery")
        cost = f"{cost_cc:.0f} / {cost_relay:.0f} (×{cost_cc / cost_relay:.1f})" if cost_cc and cost_relay else "–"
        disturbed = busy_one_process(cc) or busy_one_process(relay)
        verdicts.append(
            (
                f"broadcast, {label}, {mode}",
                ok,
                (f"p99 ratio {ratio:.2f}" if ratio is not None else "no ratio")
                + (f", lost {lost_cc}" if lost_cc else "")
                + (", busy machine" if disturbed else ""),
            )
        )
        lines.append(
            f"| {mode} | {label} | {lat(cc)} | {lat(relay)} | "
            + (f"**{ratio:.2f}**" if ratio is not None else "–")
            + f" | {lost_cc if lost_cc is not None else '–'} / "
            f"{lost_relay if lost_relay is not None else '–'}"
            + f" | {value_at(cc, 'events_per_s') or '–'} | {cost}"
            + f" | {wait_cell(cc, 'server')} / {wait_cell(relay, 'server')} / {wait_cell(cc, 'load')}"
            + f" | {others_cell(cc)} / {others_cell(relay)}"
            + f" | {value_at(cc, 'memory', 'server_rss_max_mib')} / "
            f"{value_at(relay, 'memory', 'server_rss_max_mib')}" + f" | {verdict_text(ok)}{' ⚠' if disturbed else ''} |"
        )
    lines.append("")
    lines.append(
        "Load shape: 20 and 100 participants in one workshop with 4 senders each sending "
        "a note every 250 ms (16 notes/s); 500 = 25 workshops of 20 with 2 senders each "
        "every 500 ms (100 notes/s). Warm-up first, then a measured window (10 s, "
        "quick: 3 s). Relay and cocreate runs alternate; with repeats (full runs: "
        f"{repeats_note('broadcast-20')} each) the table shows each target's run with "
        "the lowest p99. "
        "*Server CPU µs per delivery* is the server's CPU time in the "
        "window divided by the events delivered: it does not depend on how busy the "
        "machine is. *Waited for a CPU* is the share of the window the process was "
        "runnable but not running (Linux schedstat; in threading mode summed over the "
        "server's threads, which also wait for each other). *Other programs' cores*: "
        "what the rest of the machine used meanwhile. ⚠ marks rows where other "
        f"programs used more than {OTHERS_CORES} cores or the load process (or a "
        f"one-thread server) waited more than {BUSY_SHARE:.0%}: their latencies say more "
        "about the machine than about the server. A pass stands when the relay run was "
        "clean, a miss when the cocreate run was clean; otherwise the row is "
        "*inconclusive*."
    )
    lines.append("")
    return lines


def vote_storm_rows(runs, verdicts):
    """The vote storm in each async mode (cocreate only)."""
    if not ran(runs, "vote-storm"):
        return []
    lines = table(
        "Vote storm (cocreate only; absolute numbers)",
        [
            "mode",
            "voters × budget",
            "all acked",
            "ack p50 / p99 ms",
            "vote.changed to all p50 / p99 ms",
            "lost",
            "tallies exact",
            "over-budget cast refused",
            "server CPU ms per cast",
            "load process cores",
            "waited for a CPU server / load",
            "other programs' cores",
            "bar",
        ],
    )
    for mode, run in by_mode(runs, "vote-storm"):
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 10, "**missed**"))
            verdicts.append((f"vote storm, {mode}", False, "failed"))
            continue
        p = run["params"]
        ok = run["tallies_exact"] and run["never_past_budget"] and run["deliveries"]["lost"] == 0
        verdicts.append(
            (
                f"vote storm, {p['participants']} voters, {mode}",
                ok,
                f"exact {run['tallies_exact']}, never past budget {run['never_past_budget']}",
            )
        )
        lines.append(
            f"| {mode} | {p['participants']} × {p['budget']} = {p['casts']} | "
            f"{run['storm']['all_acked_s']} s | {in_ms(run['ack_ms']['p50'])} / "
            f"{in_ms(run['ack_ms']['p99'])} | {in_ms(run['latency_all_ms']['p50'])} / "
            f"{in_ms(run['latency_all_ms']['p99'])} | {run['deliveries']['lost']} | "
            f"{'yes' if run['tallies_exact'] else '**no**'} | "
            f"{run['over_budget_cast'].get('budget_exceeded', 0)}/{p['participants']} | "
            f"{value_at(run, 'server_cpu_ms_per_cast')} | {value_at(run, 'cpu', 'load_cores')} | "
            f"{wait_cell(run, 'server')} / {wait_cell(run, 'load')} | {others_cell(run)} | "
            f"{verdict_text(ok)}{' ⚠' if busy_one_process(run) else ''} |"
        )
    lines.append("")
    return lines


def snapshot_rows(runs, verdicts):
    """Joins of a 300-note workshop in each async mode (cocreate only)."""
    if not ran(runs, "snapshot-300"):
        return []
    lines = table(
        "Join snapshot of a 300-note workshop (cocreate only; p95 ≤ 100 ms)",
        [
            "mode",
            "joins",
            "connect → snapshot p50 / p95 / max ms",
            "same joins, empty workshop p50 / p95 ms",
            "snapshot bytes",
            "waited for a CPU server / load",
            "other programs' cores",
            "bar",
        ],
    )
    for mode, run in by_mode(runs, "snapshot-300"):
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 5, "**missed**"))
            verdicts.append((f"join snapshot, {mode}", False, "failed"))
            continue
        lat, empty = run["join_snapshot_ms"], run["empty_workshop_join_ms"]
        ok = (
            lat["p95"] is not None
            and lat["p95"] <= SNAPSHOT_BAR_MS
            and run["snapshot_notes"] == [run["params"]["notes"]]
        )
        verdicts.append((f"join snapshot (300 notes), {mode}", ok, f"p95 {in_ms(lat['p95'])} ms"))
        lines.append(
            f"| {mode} | {lat['n']} | {in_ms(lat['p50'])} / {in_ms(lat['p95'])} / "
            f"{in_ms(lat['max'])} | {in_ms(empty['p50'])} / {in_ms(empty['p95'])} | "
            f"{run['snapshot_bytes']} | {wait_cell(run, 'server')} / {wait_cell(run, 'load')} | "
            f"{others_cell(run)} | {verdict_text(ok)}{' ⚠' if busy_one_process(run) else ''} |"
        )
    lines.append("")
    return lines


def render_rows(runs, renders):
    """The 300-note board in Chromium in each async mode, reported without a bar; a line
    for the list of targets in `renders`."""
    if not ran(runs, "render-300"):
        return []
    lines = table(
        "Render a 300-note board in headless Chromium (cocreate only)",
        [
            "mode",
            "loads",
            "board: painted p50 / p95 / max ms",
            "board: DOMContentLoaded / snapshot p50 ms",
            "projector: painted p50 / p95 / max ms",
            "projector: DOMContentLoaded / snapshot p50 ms",
            "server CPU ms per load board / projector",
            "Chromium",
        ],
    )

    def painted(view):
        v = view["painted_ms"]
        return f"{in_ms(v['p50'])} / {in_ms(v['p95'])} / {in_ms(v['max'])}"

    def early(view):
        return f"{in_ms(view['dom_content_loaded_ms']['p50'])} / {in_ms(view['snapshot_ms']['p50'])}"

    for mode, run in by_mode(runs, "render-300"):
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 6))  # reported, not held to a bar
            renders.append(f"- render a 300-note board, {mode}: **failed**")
            continue
        board, projector = run["board"], run["projector"]
        lines.append(
            f"| {mode} | {run['params']['loads']} | {painted(board)} | {early(board)} | "
            f"{painted(projector)} | {early(projector)} | "
            f"{board['server_cpu_ms_per_load']} / "
            f"{projector['server_cpu_ms_per_load']} | {run['chromium']} |"
        )
        renders.append(
            f"- render a 300-note board, {mode}: reported (painted p95: board "
            f"{in_ms(board['painted_ms']['p95'])} ms, projector "
            f"{in_ms(projector['painted_ms']['p95'])} ms)"
        )
    lines.append("")
    lines.append(
        "Each load opens the page in a fresh browser context (cold cache, "
        "1920×1080) of Debian's Chromium, headless, software rendering; one "
        "unmeasured load of each view comes first. Times are the page's own "
        "`performance.now()` from navigation start. *Painted*: all 300 note "
        "elements are in the DOM (checked every animation frame) and two more "
        "frames have run, so the frame that drew them has been painted; late by "
        "at most a frame. *Snapshot*: the page's connection handed the server's "
        "snapshot to the app. The board is a participant's (`/w/<id>`), the "
        "projector the facilitator's `/w/<id>/present`, which also scales the "
        "notes down until they fit the screen."
    )
    lines.append("")
    return lines


def capacity_rows(runs, verdicts):
    if not ran(runs, "capacity"):
        return []
    lines = table(
        "Capacity of one process (highest note rate with p99 ≤ 250 ms and nothing lost; goal:"
        " cocreate ≥ 0.5× the relay)",
        [
            "mode",
            "target",
            "highest rate held, notes/s",
            "deliveries/s there",
            "p50 / p99 ms there",
            "first rate that failed: p99 ms, lost",
            "server CPU ms per note there (notes per CPU-second)",
            "steps tried",
            "busiest load process at the deciding steps",
            "other programs' cores at the deciding steps",
            "ratio cocreate / relay (by CPU per note)",
            "bar",
        ],
    )
    for mode in sorted({m for (m, s, _t) in runs if s == "capacity"}):
        relay, cc = runs.get((mode, "capacity", "relay")), runs.get((mode, "capacity", "cocreate"))
        cost = {t: value_at(r, "at_best", "server_cpu_ms_per_note") for t, r in (("relay", relay), ("cocreate", cc))}
        by_cpu = cpu_ratio(relay, cc)
        ratio, ok = capacity_verdict(relay, cc)
        for target, run in (("relay", relay), ("cocreate", cc)):
            if run is None:
                continue
            if not run.get("ok"):
                lines.append(failed_row([mode, target], run, 9))
                continue
            at = run.get("at_best") or {}
            fail = next((s for s in run["steps"] if s["rate"] == run.get("lowest_failing_rate")), None)
            decisive = decisive_steps(run)
            lines.append(
                f"| {mode} | {target} | **{run.get('best_rate') or '–'}** | "
                f"{at.get('events_per_s', '–')} | {in_ms(at.get('p50_ms'))} / {in_ms(at.get('p99_ms'))}"
                f" | "
                + (f"{fail['rate']}: {in_ms(fail['p99_ms'])}, {fail['lost']}" if fail else "–")
                + " | "
                + (f"{cost[target]:.2f} ({1000 / cost[target]:.0f})" if cost[target] else "–")
                + f" | {len(run['steps'])} | "
                + " / ".join(f"{s['load_cores_max']:.2f}" for s in decisive)
                + " | "
                + " / ".join(f"{s.get('others_cores') or 0:.2f}" for s in decisive)
                + " | "
                + (
                    (f"**{ratio:.2f}**" if ratio is not None else "–") + (f" ({by_cpu:.2f})" if by_cpu else "")
                    if target == "cocreate"
                    else ""
                )
                + " | "
                + (verdict_text(ok) if target == "cocreate" else "")
                + " |"
            )
        verdicts.append(
            (
                f"capacity of one process, {mode}",
                ok,
                (
                    f"cocreate {cc['best_rate']} / relay {relay['best_rate']} notes/s = {ratio:.2f}"
                    if ratio is not None
                    else "no ratio"
                )
                + (f"; by server CPU per note {by_cpu:.2f}" if by_cpu else ""),
            )
        )
    lines += note_lines(
        "Load: 10 workshops of 20 on one server process (SQLite for cocreate); every "
        "participant sends in turn, so the note rate is spread over 200 sockets (cocreate "
        "allows each 5 a second). Each step sends at one rate for 6 s (quick: 2 s) and passes "
        "when the p99 of a note until every other member has it stays ≤ 250 ms, nothing is "
        "lost or refused and the load kept to its schedule. The rate goes up by 1.5× until a "
        "step fails, then halves the gap (on a log scale) to within 10 % (quick: 30 %). The "
        "deciding steps are the best pass and the lowest fail; if a load process was "
        "saturated (> "
        f"{LOAD_SATURATED:.0%} of a core) or other programs used > {OTHERS_CORES} cores in "
        "them, the verdict they could have caused is inconclusive. On a small machine the "
        "load processes and the server share the cores. "
        "*By CPU per note*: the relay's server CPU per note over "
        "cocreate's at the highest rate both held: the ratio the capacities would have if "
        "both were held back by their own CPU alone."
    )
    return lines


def storm_rows(runs, verdicts):
    if not ran(runs, "reconnect-storm"):
        return []
    lines = table(
        "Reconnect storm: 200 participants in 10 workshops drop and come back at once (p95 ≤ "
        "2× the relay's connect storm; every client a fresh snapshot)",
        [
            "mode",
            "target",
            "clients",
            "back → fresh snapshot p50 / p95 / max ms",
            "**p95 ratio**",
            "without a snapshot",
            "stale snapshots",
            "snapshot bytes",
            "server CPU ms per reconnect",
            "busiest load process, cores (processes)",
            "other programs' cores",
            "bar",
        ],
    )
    for mode in sorted({m for (m, s, _t) in runs if s == "reconnect-storm"}):
        relay = runs.get((mode, "reconnect-storm", "relay"))
        cc = runs.get((mode, "reconnect-storm", "cocreate"))
        floor = value_at(relay, "reconnect_to_snapshot_ms", "p95") if (relay or {}).get("ok") else None
        for target, run in (("relay", relay), ("cocreate", cc)):
            if run is None:
                continue
            if not run.get("ok"):
                lines.append(
                    failed_row([mode, target], run, 9, "**missed**")
                    if target == "cocreate"
                    else failed_row([mode, target], run, 10)
                )
                if target == "cocreate":
                    verdicts.append((f"reconnect storm, {mode}", False, "failed"))
                continue
            p95 = run["reconnect_to_snapshot_ms"]["p95"]
            ratio, bar = None, ""
            if target == "cocreate":
                ratio = p95 / floor if p95 and floor else None
                failed = bool(run["without_snapshot"] or run["stale_snapshots"])
                ok = ratio_verdict(
                    p95,
                    floor,
                    STORM_BAR,
                    failed,
                    not busy(run),
                    not busy(relay),
                    load_saturated(run) or load_saturated(relay),
                )
                bar = verdict_text(ok) + flag_cell(run)
                verdicts.append(
                    (
                        f"reconnect storm, 200 clients, {mode}",
                        ok,
                        (f"p95 ratio {ratio:.2f}" if ratio else "no ratio")
                        + f", {run['without_snapshot']} without a snapshot, "
                        f"{run['stale_snapshots']} stale" + (", busy machine" if busy(run) or busy(relay) else ""),
                    )
                )
            lines.append(
                f"| {mode} | {target} | {run['params']['participants']} | "
                f"{latency_cells(run, 'reconnect_to_snapshot_ms', ('p50', 'p95', 'max'))} | "
                + (f"**{ratio:.2f}**" if ratio else "–")
                + f" | {run['without_snapshot']} | {run['stale_snapshots']} | "
                f"{run['snapshot_bytes']} | {run['server_cpu_ms_per_reconnect']} | {load_cell(run)} | "
                f"{others_cell(run)} | {bar} |"
            )
    lines += note_lines(
        "Each workshop holds 30 notes (quick: 10). All 200 sockets close at once, then all "
        "connect again at one moment (spread over four load processes); the time runs from "
        "that moment until each has its snapshot, which must be fresh: the workshop's `seq` "
        "and notes as they were left. The relay's floor is the same storm against the relay, "
        "which answers each connect with a message the size of cocreate's snapshot. With "
        f"repeats (full runs: {repeats_note('reconnect-storm')} each) each target's run with the "
        "lowest p95 counts."
    )
    return lines


def number_cell(value):
    return "–" if value is None else f"{value:.2f}"


def soak_rows(runs, verdicts):
    if not ran(runs, "soak"):
        return []
    lines = table(
        "Soak: a two-hour workshop in about five minutes (RSS growth ≤ 10 %, no file "
        "descriptor growth, last round's p99 ≤ 1.2× the first's)",
        [
            "mode",
            "workshops × people",
            "measured rounds × s",
            "commands",
            "lost / refused",
            "p99 ms first / last round (**ratio**)",
            "RSS MiB after warm-up → end (**growth**)",
            "open fds after warm-up → end",
            "other programs' cores first / last round",
            "speed probe ms first / last round",
            "load processes' CPU s first / last round",
            "bar",
        ],
    )
    for (mode, scenario, _target), run in sorted(runs.items()):
        if scenario != "soak":
            continue
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 9, "**missed**"))
            verdicts.append((f"soak, {mode}", False, "failed"))
            continue
        ok, disturbed = soak_judgement(run)
        v, rounds = run["verdict"], run["rounds"]
        first, last = rounds[0], rounds[-1]
        attempt = f"attempt {run.get('attempt', 1)} of {run['attempts']}" if run.get("attempts", 1) > 1 else ""
        verdicts.append(
            (
                f"soak, {mode}",
                ok,
                f"RSS growth {v['rss_growth']:.1%}, fd growth {v['fd_growth']}, "
                f"p99 ratio {v['p99_ratio']:.2f}"
                + (", busy or slower machine in the first or last round" if disturbed else "")
                + (f", {attempt}" if attempt else ""),
            )
        )
        p = run["params"]
        lines.append(
            f"| {mode} | {p['workshops']} × {p['participants_per_workshop']} + a facilitator | "
            f"{p['rounds']} × {p['round_s']:.0f} (after {p['warmup_s']:.0f} s warm-up)"
            f"{f'; {attempt}' if attempt else ''} | "
            f"{run['commands']} | {run['lost']} / {run['refused']} | "
            f"{in_ms(first['latency_all_ms']['p99'])} / {in_ms(last['latency_all_ms']['p99'])} "
            f"(**{v['p99_ratio']:.2f}**) | {run['rss_mib']['start']} → {run['rss_mib']['end']} "
            f"(**{v['rss_growth']:+.1%}**) | {run['fds']['start']} → {run['fds']['end']} | "
            f"{others_cell(first)} / {others_cell(last)} | {number_cell(probe_ms(first))} / "
            f"{number_cell(probe_ms(last))} | {number_cell(load_cpu(first))} / "
            f"{number_cell(load_cpu(last))} | "
            f"{verdict_text(ok)}{' ⚠' if disturbed else ''} |"
        )
    lines += note_lines(
        "Each round is the agenda of a workshop in short: the facilitator moves the step and "
        "starts a timer; everyone writes two notes, edits one and moves the other; the "
        "facilitator opens a dot vote, everyone casts two dots (a quarter take one back), the "
        "vote closes; a quarter add an action and update its status; the timer stops. The five "
        "facilitators each act at a moment of their own, up to 2 % of a round apart. Each "
        "person waits for the answer to a command before the next. Rounds of 60 s after a 30 s "
        "warm-up (quick: 15 s after 8 s); a command's latency runs until every other member "
        "has its event. RSS and open files of the server are read after the warm-up and at "
        "the end, when the room is quiet. *Speed probe*: the CPU time a fixed piece of Python "
        "work took on the orchestrator, every half second (the round's median): it does not "
        f"depend on how busy the machine is, only on its speed. A probe more than "
        f"{SPEED_DRIFT - 1:.0%} slower in the last round makes a missed p99 bar "
        "inconclusive, in the first round a met one, as other programs' CPU does (⚠); so "
        f"does the load processes' CPU more than {SPEED_DRIFT - 1:.0%} higher (they send and "
        "receive the same every round, on both cores, where the probe runs on one). A "
        f"soak whose verdict came out inconclusive runs again, up to {SOAK_ATTEMPTS} times "
        "in all; the table shows the first attempt with a verdict (or the last attempt)."
    )
    return lines
