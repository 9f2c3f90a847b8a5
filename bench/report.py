"""Turn benchmark results (bench/results/*.json) into the Markdown table of latest.md.

    python -m bench.report bench/results/A.json [B.json ...] > bench/results/latest.md

With several files, a later file's run of the same (mode, scenario, target) wins.
The quality bars (DESIGN.md section 5): note broadcast p99 <= 1.5x the relay floor at
20, 100 and 500 participants with 0 lost; 500 participants connected to one process;
an exact vote storm that never passes a budget; a 300-note join snapshot <= 100 ms p95.
The time to render a 300-note board in headless Chromium is reported without a bar.
"""

import json
import sys

from . import limits, sections
from .measure import LOAD_SATURATED, REPEATED
from .sections import OTHERS_CORES, failed_row, in_ms, others_cell, value_at, verdict_text

RATIO_BAR = 1.5
DRAG_CPU_BAR = 1.3  # server CPU per delivered drag frame, cocreate / relay
SNAPSHOT_BAR_MS = 100.0
MODE_ORDER = {"eventlet": 0, "gevent": 1, "threading": 2}
SCENARIO_ORDER = {"broadcast-20": 0, "broadcast-100": 1, "broadcast-500": 2, "vote-storm": 3,
                  "snapshot-300": 4, "render-300": 5, "drag-100": 6, "drag": 7, "scale-out": 8,
                  "capacity": 9, "reconnect-storm": 10, "soak": 11}


def _rank(run):
    """Lower is better: failed runs last, then by the headline latency."""
    _what, value = headline(run)
    return (0, value) if value is not None else (1, 0)


def best_runs(documents):
    """The run of each (mode, scenario, target): a later document replaces an earlier one;
    of repeats within one document, the one with the best headline latency (other
    programs on a shared machine only ever add latency); of a soak's attempts, the one
    `limits.soak_shown` picks."""
    runs = {}
    for document in documents:
        mine = {}
        for run in document.get("runs", []):
            key = (run.get("mode"), run.get("scenario"), run.get("target"))
            mine.setdefault(key, []).append(run)
        for key, candidates in mine.items():
            if key[1] == "soak":  # attempts, not repeats: the first with a verdict counts
                runs[key] = limits.soak_shown(candidates)
            else:
                runs[key] = min(candidates, key=_rank)
    return runs


def _by_mode(runs, scenario, target="cocreate"):
    """(mode, run) of one scenario and target, in MODE_ORDER."""
    return sorted(((mode, run) for (mode, s, t), run in runs.items()
                   if s == scenario and t == target),
                  key=lambda mode_run: MODE_ORDER.get(mode_run[0], 9))


BUSY_SHARE = 0.10


def _busy(run):
    """Whether other programs took CPU from this run: they used more than OTHERS_CORES, or
    the load process (or a one-thread server) waited noticeably for a CPU."""
    cpu = (run or {}).get("cpu") or {}
    keys = ["load_cpu_wait_share"]
    if (run or {}).get("mode") != "threading":  # there, the server's threads wait for each other
        keys.append("server_cpu_wait_share")
    return ((cpu.get("others_cores") or 0) > OTHERS_CORES
            or any((cpu.get(k) or 0) > BUSY_SHARE for k in keys))


def _wait(run, who):
    share = value_at(run, "cpu", f"{who}_cpu_wait_share")
    return "–" if share is None else f"{share:.0%}"


def markdown(documents):
    """latest.md for one or more result documents."""
    runs = best_runs(documents)
    names = ", ".join(f"`{d['name']}.json`" + (" (quick)" if d.get("quick") else "")
                      for d in documents)
    lines = ["# cocreate benchmark", "",
             f"Results from {names}; raw numbers in those files. Loopback; one server process "
             "and one load process of python-socketio `AsyncClient`s (websocket) on one clock, "
             "except where a section says otherwise (drag, scale-out, capacity, reconnect "
             "storm and soak: several load processes on one clock, CLOCK_MONOTONIC, with each "
             "load process's CPU shown; any load process above "
             f"{LOAD_SATURATED:.0%} of a core makes a row inconclusive; those load "
             "processes collect their garbage between measured windows, so no pause of "
             "theirs shows as the server's latency). "
             "Latency of a note = from its `note:add` emit until **every other** participant of "
             "its workshop received the `note.added` event. The floor is `bench/relay.py`: a "
             "bare python-socketio relay in the same async mode, same server options, same "
             "client, same event bytes. Made by `make bench`; numbers are only comparable within "
             "one run on one machine.", ""]
    for document in documents:
        v = document.get("versions", {})
        lines.append(f"- `{document['name']}`: {document.get('cpus')} CPUs, Python "
                     f"{v.get('python')}, python-socketio {v.get('python-socketio')}, "
                     f"engineio {v.get('python-engineio')}, eventlet {v.get('eventlet')}, "
                     f"gevent {v.get('gevent')}; cocreate at {value_at(document, 'git', 'commit')}"
                     + (" (with uncommitted changes)" if value_at(document, "git", "cocreate_dirty")
                        else "")
                     + f"; took {document.get('elapsed_s')} s"
                     + (f"; {', '.join(document['modes'])}: "
                        f"{', '.join(document['scenarios'])}"
                        if document.get("scenarios") and document.get("modes") else "")
                     + ("; **quick mode** (short windows, fewer voters/joins)"
                        if document.get("quick") else ""))
        for mode, why in document.get("skipped_modes", {}).items():
            lines.append(f"  - {mode} not run: {why}")
    lines.append("")

    lines += ["## Note broadcast (p99 cocreate / p99 relay ≤ 1.5, 0 lost)", "",
              "| mode | participants | cocreate p50 / p99 / max ms | relay p50 / p99 / max ms "
              "| **p99 ratio** | lost cocreate / relay | deliveries/s | server CPU µs per "
              "delivery cocreate / relay | waited for a CPU cocreate / relay / load | other programs' "
              "cores cocreate / relay | RSS MiB "
              "cocreate / relay | bar |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(m, s) for (m, s, _t) in runs if s and s.startswith("broadcast")},
                  key=lambda k: (MODE_ORDER.get(k[0], 9), SCENARIO_ORDER.get(k[1], 9)))
    verdicts = []
    for mode, scenario in keys:
        cc, relay = runs.get((mode, scenario, "cocreate")), runs.get((mode, scenario, "relay"))
        people = value_at(cc, "params", "participants") or value_at(relay, "params", "participants")
        label = (f"{people}" + (f" ({value_at(cc, 'params', 'workshops')} workshops)"
                                if (value_at(cc, "params", "workshops") or 1) > 1 else "")
                 if people else scenario)

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
            ok = True if not _busy(relay) else None
        else:
            ok = False if not _busy(cc) else None
        cost_cc = value_at(cc, "server_cpu_us_per_delivery")
        cost_relay = value_at(relay, "server_cpu_us_per_delivery")
        cost = (f"{cost_cc:.0f} / {cost_relay:.0f} (×{cost_cc / cost_relay:.1f})"
                if cost_cc and cost_relay else "–")
        busy = _busy(cc) or _busy(relay)
        verdicts.append((f"broadcast, {label}, {mode}", ok,
                         (f"p99 ratio {ratio:.2f}" if ratio is not None else "no ratio")
                         + (f", lost {lost_cc}" if lost_cc else "")
                         + (", busy machine" if busy else "")))
        lines.append(
            f"| {mode} | {label} | {lat(cc)} | {lat(relay)} | "
            + (f"**{ratio:.2f}**" if ratio is not None else "–")
            + f" | {lost_cc if lost_cc is not None else '–'} / "
              f"{lost_relay if lost_relay is not None else '–'}"
            + f" | {value_at(cc, 'events_per_s') or '–'} | {cost}"
            + f" | {_wait(cc, 'server')} / {_wait(relay, 'server')} / {_wait(cc, 'load')}"
            + f" | {others_cell(cc)} / {others_cell(relay)}"
            + f" | {value_at(cc, 'memory', 'server_rss_max_mib')} / "
              f"{value_at(relay, 'memory', 'server_rss_max_mib')}"
            + f" | {verdict_text(ok)}{' ⚠' if busy else ''} |")
    lines.append("")
    lines.append("Load shape: 20 and 100 participants in one workshop with 4 senders each sending "
                 "a note every 250 ms (16 notes/s); 500 = 25 workshops of 20 with 2 senders each "
                 "every 500 ms (100 notes/s). Warm-up first, then a measured window (10 s, "
                 "quick: 3 s). Relay and cocreate runs alternate; with repeats (full runs: "
                 f"{REPEATED['broadcast-20']} each) the table shows each target's run with the lowest p99. "
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
                 "*inconclusive*.")
    lines.append("")

    lines += sections.drag_rows(runs, verdicts)

    lines += ["## Vote storm (cocreate only; absolute numbers)", "",
              "| mode | voters × budget | all acked | ack p50 / p99 ms | vote.changed to all "
              "p50 / p99 ms | lost | tallies exact | over-budget cast refused | server CPU ms per "
              "cast | load process cores | waited for a CPU server / load | other programs' cores | bar |",
              "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for mode, run in _by_mode(runs, "vote-storm"):
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 10, "**missed**"))
            verdicts.append((f"vote storm, {mode}", False, "failed"))
            continue
        p = run["params"]
        ok = run["tallies_exact"] and run["never_past_budget"] and run["deliveries"]["lost"] == 0
        verdicts.append((f"vote storm, {p['participants']} voters, {mode}", ok,
                         f"exact {run['tallies_exact']}, never past budget "
                         f"{run['never_past_budget']}"))
        lines.append(
            f"| {mode} | {p['participants']} × {p['budget']} = {p['casts']} | "
            f"{run['storm']['all_acked_s']} s | {in_ms(run['ack_ms']['p50'])} / "
            f"{in_ms(run['ack_ms']['p99'])} | {in_ms(run['latency_all_ms']['p50'])} / "
            f"{in_ms(run['latency_all_ms']['p99'])} | {run['deliveries']['lost']} | "
            f"{'yes' if run['tallies_exact'] else '**no**'} | "
            f"{run['over_budget_cast'].get('budget_exceeded', 0)}/{p['participants']} | "
            f"{value_at(run, 'server_cpu_ms_per_cast')} | {value_at(run, 'cpu', 'load_cores')} | "
            f"{_wait(run, 'server')} / {_wait(run, 'load')} | {others_cell(run)} | "
            f"{verdict_text(ok)}{' ⚠' if _busy(run) else ''} |")
    lines.append("")

    lines += ["## Join snapshot of a 300-note workshop (cocreate only; p95 ≤ 100 ms)", "",
              "| mode | joins | connect → snapshot p50 / p95 / max ms | same joins, empty "
              "workshop p50 / p95 ms | snapshot bytes | waited for a CPU server / load | other "
              "programs' cores | bar |", "|---|---|---|---|---|---|---|---|"]
    for mode, run in _by_mode(runs, "snapshot-300"):
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 5, "**missed**"))
            verdicts.append((f"join snapshot, {mode}", False, "failed"))
            continue
        lat, empty = run["join_snapshot_ms"], run["empty_workshop_join_ms"]
        ok = lat["p95"] is not None and lat["p95"] <= SNAPSHOT_BAR_MS and \
            run["snapshot_notes"] == [run["params"]["notes"]]
        verdicts.append((f"join snapshot (300 notes), {mode}", ok, f"p95 {in_ms(lat['p95'])} ms"))
        lines.append(f"| {mode} | {lat['n']} | {in_ms(lat['p50'])} / {in_ms(lat['p95'])} / "
                     f"{in_ms(lat['max'])} | {in_ms(empty['p50'])} / {in_ms(empty['p95'])} | "
                     f"{run['snapshot_bytes']} | {_wait(run, 'server')} / {_wait(run, 'load')} | "
                     f"{others_cell(run)} | {verdict_text(ok)}{' ⚠' if _busy(run) else ''} |")
    lines.append("")

    lines += ["## Render a 300-note board in headless Chromium (cocreate only)", "",
              "| mode | loads | board: painted p50 / p95 / max ms | board: DOMContentLoaded / "
              "snapshot p50 ms | projector: painted p50 / p95 / max ms | projector: "
              "DOMContentLoaded / snapshot p50 ms | server CPU ms per load board / projector "
              "| Chromium |", "|---|---|---|---|---|---|---|---|"]

    def painted(view):
        v = view["painted_ms"]
        return f"{in_ms(v['p50'])} / {in_ms(v['p95'])} / {in_ms(v['max'])}"

    def early(view):
        return f"{in_ms(view['dom_content_loaded_ms']['p50'])} / {in_ms(view['snapshot_ms']['p50'])}"

    renders = []
    for mode, run in _by_mode(runs, "render-300"):
        if not run.get("ok"):
            lines.append(failed_row([mode], run, 6))  # reported, not held to a bar
            renders.append(f"- render a 300-note board, {mode}: **failed**")
            continue
        board, projector = run["board"], run["projector"]
        lines.append(f"| {mode} | {run['params']['loads']} | {painted(board)} | {early(board)} | "
                     f"{painted(projector)} | {early(projector)} | "
                     f"{board['server_cpu_ms_per_load']} / "
                     f"{projector['server_cpu_ms_per_load']} | {run['chromium']} |")
        renders.append(f"- render a 300-note board, {mode}: reported (painted p95: board "
                       f"{in_ms(board['painted_ms']['p95'])} ms, projector "
                       f"{in_ms(projector['painted_ms']['p95'])} ms)")
    lines.append("")
    lines.append("Each load opens the page in a fresh browser context (cold cache, "
                 "1920×1080) of Debian's Chromium, headless, software rendering; one "
                 "unmeasured load of each view comes first. Times are the page's own "
                 "`performance.now()` from navigation start. *Painted*: all 300 note "
                 "elements are in the DOM (checked every animation frame) and two more "
                 "frames have run, so the frame that drew them has been painted; late by "
                 "at most a frame. *Snapshot*: the page's connection handed the server's "
                 "snapshot to the app. The board is a participant's (`/w/<id>`), the "
                 "projector the facilitator's `/w/<id>/present`, which also scales the "
                 "notes down until they fit the screen.")
    lines.append("")

    lines += sections.scale_out_rows(runs, verdicts)
    lines += limits.capacity_rows(runs, verdicts)
    lines += limits.storm_rows(runs, verdicts)
    lines += limits.soak_rows(runs, verdicts)

    lines += ["## Targets", ""]
    for mode, run in _by_mode(runs, "broadcast-500"):
        connected, wanted = value_at(run, "setup", "connected"), value_at(run, "setup", "wanted")
        ok = bool(run.get("ok")) and connected == wanted == 500
        lines.append(f"- 500 participants connected to one process, {mode}: {verdict_text(ok)} "
                     f"({connected}/{wanted}, RSS {value_at(run, 'memory', 'server_rss_max_mib')} MiB)")
    for label, ok, detail in verdicts:
        lines.append(f"- {label}: {verdict_text(ok)} ({detail})")
    lines += renders
    tracebacks = sum(r.get("server_tracebacks", 0) for r in runs.values())
    lines.append(f"- server tracebacks in all runs: {tracebacks}")
    lines.append("")
    return "\n".join(lines) + "\n"


def headline(run):
    """(what, value in ms) of the number that matters for a run's scenario."""
    if not run or not run.get("ok"):
        return None, None
    if run["scenario"] == "snapshot-300":
        return "join p95", run["join_snapshot_ms"]["p95"]
    if run["scenario"] == "render-300":
        return "board painted p95", run["board"]["painted_ms"]["p95"]
    if run["scenario"] == "vote-storm":
        return "vote.changed to all p99", run["latency_all_ms"]["p99"]
    if run["scenario"] == "reconnect-storm":
        return "back → snapshot p95", run["reconnect_to_snapshot_ms"]["p95"]
    if "latency_all_ms" not in run:
        return None, None  # capacity and soak: one run each, nothing to choose
    return "p99", run["latency_all_ms"]["p99"]


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(prog="bench.report")
    parser.add_argument("results", nargs="+", help="bench/results/*.json")
    parser.add_argument("--experiment", nargs=3, action="append", default=[],
                        metavar=("BASELINE", "TRIAL", "TITLE"),
                        help="add a comparison of two runs (e.g. of two commits); may be "
                             "given more than once")
    args = parser.parse_args(argv)
    from .summaries import experiment  # it builds on this module's helpers
    documents = [json.loads(open(path).read()) for path in args.results]
    text = markdown(documents)
    for base_path, trial_path, title in args.experiment:
        baseline, trial = (json.loads(open(path).read()) for path in (base_path, trial_path))
        text += "\n" + experiment(baseline, trial, title)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
