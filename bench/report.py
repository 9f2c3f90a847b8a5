"""The benchmark's report, docs/performance.md, from one or more raw results (bench/results/).

    python -m bench.report bench/results/A.json [B.json ...] > docs/performance.md
    python -m bench.report A.json --experiment BASE.json TRIAL.json "gc.freeze()"

With several files, a later file's run of the same (mode, scenario, target) wins. Each
scenario's table and bar is in bench/tables.py; the bars themselves in bench/measure.py
(DESIGN.md section 5 and the goals of the deployment's scenarios).
"""

import argparse
import json
import sys

from .measure import LOAD_SATURATED, soak_shown, value_at
from .tables import (
    MODE_ORDER,
    SCENARIO_ORDER,
    broadcast_rows,
    by_mode,
    capacity_rows,
    drag_rows,
    in_ms,
    others_cell,
    render_rows,
    scale_out_rows,
    snapshot_rows,
    soak_rows,
    storm_rows,
    verdict_text,
    vote_storm_rows,
)


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


def _rank(run):
    """Lower is better: failed runs last, then by the headline latency."""
    _what, value = headline(run)
    return (0, value) if value is not None else (1, 0)


def best_runs(documents):
    """The run of each (mode, scenario, target): a later document replaces an earlier one;
    of repeats within one document, the one with the best headline latency (other
    programs on a shared machine only ever add latency); of a soak's attempts, the one
    `measure.soak_shown` picks."""
    runs = {}
    for document in documents:
        mine = {}
        for run in document.get("runs", []):
            key = (run.get("mode"), run.get("scenario"), run.get("target"))
            mine.setdefault(key, []).append(run)
        for key, candidates in mine.items():
            if key[1] == "soak":  # attempts, not repeats: the first with a verdict counts
                runs[key] = soak_shown(candidates)
            else:
                runs[key] = min(candidates, key=_rank)
    return runs


def _machine_line(document):
    v = document.get("versions", {})
    return (
        f"- `{document['name']}`: {document.get('cpus')} CPUs, Python "
        f"{v.get('python')}, python-socketio {v.get('python-socketio')}, "
        f"engineio {v.get('python-engineio')}, eventlet {v.get('eventlet')}, "
        f"gevent {v.get('gevent')}; cocreate at {value_at(document, 'git', 'commit')}"
        + (" (with uncommitted changes)" if value_at(document, "git", "cocreate_dirty") else "")
        + f"; took {document.get('elapsed_s')} s"
        + (
            f"; {', '.join(document['modes'])}: {', '.join(document['scenarios'])}"
            if document.get("scenarios") and document.get("modes")
            else ""
        )
        + (
            "; **quick mode** (short windows, fewer voters and joins: a smoke run, not a measurement)"
            if document.get("quick")
            else ""
        )
    )


def markdown(documents):
    """docs/performance.md for one or more result documents."""
    runs = best_runs(documents)
    names = ", ".join(f"`{d['name']}.json`" + (" (quick)" if d.get("quick") else "") for d in documents)
    verdicts, renders = [], []
    tables = (
        broadcast_rows(runs, verdicts)
        + drag_rows(runs, verdicts)
        + vote_storm_rows(runs, verdicts)
        + snapshot_rows(runs, verdicts)
        + render_rows(runs, renders)
        + scale_out_rows(runs, verdicts)
        + capacity_rows(runs, verdicts)
        + storm_rows(runs, verdicts)
        + soak_rows(runs, verdicts)
    )
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (bench/run.py) at the end of each run; the next run "
        "replaces it, so edit the generator (bench/report.py, bench/tables.py), not this "
        f"page. Results from {names} (raw numbers in `bench/results/`, not committed). "
        "Every latency is compared with a floor measured in the same run on the same "
        "machine: `bench/relay.py`, a bare python-socketio relay in the same async mode, "
        "with the same server options, the same client and the same event bytes. Numbers "
        "are only comparable within one run on one machine.",
        "",
    ]
    lines += [_machine_line(document) for document in documents]
    for document in documents:
        for mode, why in document.get("skipped_modes", {}).items():
            lines.append(f"  - {mode} not run: {why}")
    lines += ["", "## The bars", ""]
    for mode, run in by_mode(runs, "broadcast-500"):
        connected, wanted = value_at(run, "setup", "connected"), value_at(run, "setup", "wanted")
        ok = bool(run.get("ok")) and connected == wanted == 500
        lines.append(
            f"- 500 participants connected to one process, {mode}: {verdict_text(ok)} "
            f"({connected}/{wanted}, RSS {value_at(run, 'memory', 'server_rss_max_mib')} MiB)"
        )
    for label, ok, detail in verdicts:
        lines.append(f"- {label}: {verdict_text(ok)} ({detail})")
    lines += renders
    tracebacks = sum(r.get("server_tracebacks", 0) for r in runs.values())
    lines += [
        f"- server tracebacks in all runs: {tracebacks}",
        "",
        "## How it is measured",
        "",
        "All on loopback. The load is python-socketio `AsyncClient`s (websocket) in load "
        "processes on one clock, CLOCK_MONOTONIC (bench/load.py): one load process for the "
        "scenarios run in every async mode, several for drag, scale-out, capacity, the "
        "reconnect storm and the soak, with each load process's CPU shown; any load "
        f"process above {LOAD_SATURATED:.0%} of a core makes a row inconclusive. The load "
        "processes collect their garbage between measured windows, so no pause of theirs "
        "shows as the server's latency. Latency of a note: from its `note:add` emit until "
        "**every other** participant of its workshop received the `note.added` event.",
        "",
    ]
    return "\n".join(lines + tables).rstrip() + "\n"


def one_line(result):
    """A short console summary of one run (bench/run.py prints it as each run ends)."""
    if not result.get("ok"):
        return f"FAILED: {str(result.get('error'))[:200]}"
    scenario = result.get("scenario", "")
    if scenario.startswith(("broadcast", "drag", "scale-out")):
        lat = result["latency_all_ms"]
        seq = result.get("seq")
        return (
            f"p50 {in_ms(lat['p50'])} p99 {in_ms(lat['p99'])} max {in_ms(lat['max'])} ms, "
            f"lost {result['deliveries']['lost']}, {result['events_per_s']} ev/s, "
            f"{result.get('server_cpu_us_per_delivery')} µs/delivery, busiest load process "
            f"{value_at(result, 'cpu', 'load_cores_max')} cores"
            + (f", seq {'ok' if seq['ok'] else 'BROKEN'}" if seq else "")
        )
    if scenario == "vote-storm":
        return (
            f"{result['params']['casts']} casts acked in {result['storm']['all_acked_s']} s, "
            f"exact {result['tallies_exact']}, lost {result['deliveries']['lost']}"
        )
    if scenario == "snapshot-300":
        lat = result["join_snapshot_ms"]
        return f"join snapshot p50 {in_ms(lat['p50'])} p95 {in_ms(lat['p95'])} ms"
    if scenario == "capacity":
        return (
            f"highest rate held {result['best_rate']} notes/s (first fail "
            f"{result['lowest_failing_rate']}), {len(result['steps'])} steps"
        )
    if scenario == "reconnect-storm":
        lat = result["reconnect_to_snapshot_ms"]
        return (
            f"back → snapshot p50 {in_ms(lat['p50'])} p95 {in_ms(lat['p95'])} ms, "
            f"{result['without_snapshot']} without, {result['stale_snapshots']} stale"
        )
    if scenario == "soak":
        v = result["verdict"]
        return (
            f"RSS {v['rss_growth']:+.1%}, fds {v['fd_growth']:+d}, p99 last/first "
            f"{v['p99_ratio']:.2f}, lost {result['lost']}"
        )
    if scenario == "render-300":
        board, projector = result["board"]["painted_ms"], result["projector"]["painted_ms"]
        return (
            f"300 notes painted: board p50 {in_ms(board['p50'])} p95 {in_ms(board['p95'])} ms, "
            f"projector p50 {in_ms(projector['p50'])} p95 {in_ms(projector['p95'])} ms"
        )
    return "ok"


def _gen2(run):
    """The slowest generation-2 collection in a run's window (`--server-gc-log`), or –."""
    if not run or "server_slow_gc" not in run:
        return "–"
    gen2 = run["server_slow_gc"].get("gen2")
    return f"{gen2['max_cpu_ms']:.0f}" if gen2 else "none"


def experiment(baseline, trial, title):
    """A section comparing one experiment run against a baseline run of the same scenarios."""
    base_runs = best_runs([baseline])
    trial_runs = best_runs([trial])
    lines = [
        f"## Experiment: {title}",
        "",
        f"`{trial['name']}.json` against `{baseline['name']}.json` (both "
        + ("quick" if trial.get("quick") else "full")
        + " runs, one after the other).",
        "",
        "| mode | scenario | target | number | baseline ms | experiment ms | slowest "
        "gen-2 GC in the window, CPU ms, baseline / experiment | other programs' cores "
        "baseline / experiment |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key in sorted(trial_runs, key=lambda k: (MODE_ORDER.get(k[0], 9), SCENARIO_ORDER.get(k[1], 99), k[2])):
        what, after = headline(trial_runs[key])
        _what, before = headline(base_runs.get(key))
        lines.append(
            f"| {key[0]} | {key[1]} | {key[2]} | {what or '–'} | {in_ms(before)} | "
            f"{in_ms(after)} | {_gen2(base_runs.get(key))} / {_gen2(trial_runs[key])} | "
            f"{others_cell(base_runs.get(key))} / {others_cell(trial_runs[key])} |"
        )
    lines.append("")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="bench.report", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", nargs="+", help="bench/results/*.json")
    parser.add_argument(
        "--experiment",
        nargs=3,
        action="append",
        default=[],
        metavar=("BASELINE", "TRIAL", "TITLE"),
        help="add a comparison of two runs (e.g. of two commits); may be given more than once",
    )
    args = parser.parse_args(argv)
    documents = [json.loads(open(path).read()) for path in args.results]
    text = markdown(documents)
    for base_path, trial_path, title in args.experiment:
        baseline, trial = (json.loads(open(path).read()) for path in (base_path, trial_path))
        text += "\n" + experiment(baseline, trial, title)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
