"""Short forms of results: one run's console line (bench/run.py prints it as each run
ends), and an experiment against a baseline (`python -m bench.report … --experiment BASE
TRIAL TITLE`): each scenario's headline number of two runs side by side, e.g. of two
commits."""

from .report import MODE_ORDER, SCENARIO_ORDER, best_runs, headline
from .sections import in_ms, others_cell, value_at


def one_line(result):
    """A short console summary of one run."""
    if not result.get("ok"):
        return f"FAILED: {str(result.get('error'))[:200]}"
    if "latency_all_ms" in result and result.get("scenario", "").startswith("broadcast"):
        lat = result["latency_all_ms"]
        return (f"p50 {in_ms(lat['p50'])} p99 {in_ms(lat['p99'])} max {in_ms(lat['max'])} ms, "
                f"lost {result['deliveries']['lost']}, {result['events_per_s']} ev/s, "
                f"cpu {value_at(result, 'cpu', 'server_cores')}")
    if result.get("scenario") == "vote-storm":
        return (f"{result['params']['casts']} casts acked in {result['storm']['all_acked_s']} s, "
                f"exact {result['tallies_exact']}, lost {result['deliveries']['lost']}")
    if result.get("scenario") == "snapshot-300":
        lat = result["join_snapshot_ms"]
        return f"join snapshot p50 {in_ms(lat['p50'])} p95 {in_ms(lat['p95'])} ms"
    if result.get("scenario", "").startswith(("drag", "scale-out")):
        lat = result["latency_all_ms"]
        seq = result.get("seq")
        return (f"p50 {in_ms(lat['p50'])} p99 {in_ms(lat['p99'])} ms, lost "
                f"{result['deliveries']['lost']}, {result['events_per_s']} ev/s, "
                f"{result.get('server_cpu_us_per_delivery')} µs/delivery, busiest load process "
                f"{value_at(result, 'cpu', 'load_cores_max')} cores"
                + (f", seq {'ok' if seq['ok'] else 'BROKEN'}" if seq else ""))
    if result.get("scenario") == "capacity":
        return (f"highest rate held {result['best_rate']} notes/s (first fail "
                f"{result['lowest_failing_rate']}), {len(result['steps'])} steps")
    if result.get("scenario") == "reconnect-storm":
        lat = result["reconnect_to_snapshot_ms"]
        return (f"back → snapshot p50 {in_ms(lat['p50'])} p95 {in_ms(lat['p95'])} ms, "
                f"{result['without_snapshot']} without, {result['stale_snapshots']} stale")
    if result.get("scenario") == "soak":
        v = result["verdict"]
        return (f"RSS {v['rss_growth']:+.1%}, fds {v['fd_growth']:+d}, p99 last/first "
                f"{v['p99_ratio']:.2f}, lost {result['lost']}")
    if result.get("scenario") == "render-300":
        board, projector = result["board"]["painted_ms"], result["projector"]["painted_ms"]
        return (f"300 notes painted: board p50 {in_ms(board['p50'])} p95 {in_ms(board['p95'])} ms, "
                f"projector p50 {in_ms(projector['p50'])} p95 {in_ms(projector['p95'])} ms")
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
    lines = [f"## Experiment: {title}", "",
             f"`{trial['name']}.json` against `{baseline['name']}.json` (both "
             + ("quick" if trial.get("quick") else "full") + " runs, one after the other).", "",
             "| mode | scenario | target | number | baseline ms | experiment ms | slowest "
             "gen-2 GC in the window, CPU ms, baseline / experiment | other programs' cores "
             "baseline / experiment |", "|---|---|---|---|---|---|---|---|"]
    for key in sorted(trial_runs, key=lambda k: (MODE_ORDER.get(k[0], 9),
                                                 SCENARIO_ORDER.get(k[1], 9), k[2])):
        what, after = headline(trial_runs[key])
        _what, before = headline(base_runs.get(key))
        lines.append(f"| {key[0]} | {key[1]} | {key[2]} | {what or '–'} | {in_ms(before)} | "
                     f"{in_ms(after)} | {_gen2(base_runs.get(key))} / {_gen2(trial_runs[key])} | "
                     f"{others_cell(base_runs.get(key))} / {others_cell(trial_runs[key])} |")
        if key[1] == "snapshot-300" and trial_runs[key].get("ok") and base_runs.get(key, {}).get("ok"):
            lines.append(f"| {key[0]} | {key[1]} | {key[2]} | empty-workshop join p50 | "
                         f"{in_ms(base_runs[key]['empty_workshop_join_ms']['p50'])} | "
                         f"{in_ms(trial_runs[key]['empty_workshop_join_ms']['p50'])} | | |")
    lines.append("")
    return "\n".join(lines) + "\n"
