"""latest.md's sections for what one process holds: capacity, reconnect storm and soak
(bench/scenes.py, bench/storm.py). The cells, checks and the *busy*/*saturated* rules are
bench/sections.py's.
"""

from .measure import LOAD_SATURATED, REPEATED, ratio_verdict
from .sections import (OTHERS_CORES, busy, failed_row, flag_cell, in_ms, latency_cells, load_cell,
                       load_saturated, note_lines, others_cell, ran, value_at, verdict_text)

CAPACITY_GOAL = 0.5
STORM_BAR = 2.0
# The fixed work `watch.speed_probe` times taking this much longer (or shorter) in one
# soak round than in the other: the machine's own speed changed between them.
SPEED_DRIFT = 1.1
# A soak whose verdict came out inconclusive (a busy or slower machine) runs again, up to
# this many runs in all (bench/run.py); the report shows the first with a verdict.
SOAK_ATTEMPTS = 3


def _decisive(run):
    """The steps that decided a capacity: the best passing one and the lowest failing one."""
    steps = run.get("steps") or []
    best, fail = run.get("best_rate"), run.get("lowest_failing_rate")
    return [s for s in steps if s["rate"] in (best, fail)]


def _clean_capacity(run):
    return all(not s["load_saturated"] and (s.get("others_cores") or 0) <= OTHERS_CORES
               for s in _decisive(run))


def cpu_ratio(relay, cocreate):
    """The relay's server CPU per note over cocreate's, at the highest rate both held (the
    cost per note falls as the rate rises: more is sent per wake-up)."""
    def held(run):
        return {s["rate"]: s.get("server_cpu_ms_per_note") for s in (run or {}).get("steps", [])
                if s["passed"] and s.get("server_cpu_ms_per_note")}
    relay_steps, cocreate_steps = held(relay), held(cocreate)
    common = set(relay_steps) & set(cocreate_steps)
    if not common:
        return None
    rate = max(common)
    return relay_steps[rate] / cocreate_steps[rate]


def capacity_rows(runs, verdicts):
    if not ran(runs, "capacity"):
        return []
    lines = ["## Capacity of one process (highest note rate with p99 ≤ 250 ms and nothing lost; "
             "goal: cocreate ≥ 0.5× the relay)", "",
             "| mode | target | highest rate held, notes/s | deliveries/s there | p50 / p99 ms "
             "there | first rate that failed: p99 ms, lost | server CPU ms per note there "
             "(notes per CPU-second) | steps tried | busiest load process at the deciding steps "
             "| other programs' cores at the deciding steps | ratio cocreate / relay (by CPU "
             "per note) | bar |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for mode in sorted({m for (m, s, _t) in runs if s == "capacity"}):
        relay, cc = runs.get((mode, "capacity", "relay")), runs.get((mode, "capacity", "cocreate"))
        ratio = ok = None
        cost = {t: value_at(r, "at_best", "server_cpu_ms_per_note") for t, r in
                (("relay", relay), ("cocreate", cc))}
        by_cpu = cpu_ratio(relay, cc)
        if (cc or {}).get("best_rate") and (relay or {}).get("best_rate"):
            ratio = cc["best_rate"] / relay["best_rate"]
            if ratio >= CAPACITY_GOAL:
                ok = True if _clean_capacity(relay) else None
            else:
                ok = False if _clean_capacity(cc) else None
        elif cc is not None and not cc.get("ok"):
            ok = False
        for target, run in (("relay", relay), ("cocreate", cc)):
            if run is None:
                continue
            if not run.get("ok"):
                lines.append(failed_row([mode, target], run, 9))
                continue
            at = run.get("at_best") or {}
            fail = next((s for s in run["steps"] if s["rate"] == run.get("lowest_failing_rate")),
                        None)
            decisive = _decisive(run)
            lines.append(
                f"| {mode} | {target} | **{run.get('best_rate') or '–'}** | "
                f"{at.get('events_per_s', '–')} | {in_ms(at.get('p50_ms'))} / {in_ms(at.get('p99_ms'))}"
                f" | " + (f"{fail['rate']}: {in_ms(fail['p99_ms'])}, {fail['lost']}" if fail else "–")
                + " | " + (f"{cost[target]:.2f} ({1000 / cost[target]:.0f})" if cost[target]
                           else "–")
                + f" | {len(run['steps'])} | "
                + " / ".join(f"{s['load_cores_max']:.2f}" for s in decisive)
                + " | " + " / ".join(f"{s.get('others_cores') or 0:.2f}" for s in decisive)
                + " | " + ((f"**{ratio:.2f}**" if ratio is not None else "–")
                           + (f" ({by_cpu:.2f})" if by_cpu else "") if target == "cocreate" else "")
                + " | " + (verdict_text(ok) if target == "cocreate" else "") + " |")
        verdicts.append((f"capacity of one process, {mode}", ok,
                         (f"cocreate {cc['best_rate']} / relay {relay['best_rate']} notes/s = "
                          f"{ratio:.2f}" if ratio is not None else "no ratio")
                         + (f"; by server CPU per note {by_cpu:.2f}" if by_cpu else "")))
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
        "them, the verdict they could have caused is inconclusive. On a 2-core machine the "
        "load processes and the server share the cores (the server waits for a CPU a fifth "
        "to a third of the time near its capacity, the relay as much as cocreate). "
        "*By CPU per note*: the relay's server CPU per note over "
        "cocreate's at the highest rate both held: the ratio the capacities would have if "
        "both were held back by their own CPU alone.")
    return lines


def storm_rows(runs, verdicts):
    if not ran(runs, "reconnect-storm"):
        return []
    lines = ["## Reconnect storm: 200 participants in 10 workshops drop and come back at once "
             "(p95 ≤ 2× the relay's connect storm; every client a fresh snapshot)", "",
             "| mode | target | clients | back → fresh snapshot p50 / p95 / max ms | **p95 "
             "ratio** | without a snapshot | stale snapshots | snapshot bytes | server CPU ms "
             "per reconnect | busiest load process, cores (processes) | other programs' cores "
             "| bar |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for mode in sorted({m for (m, s, _t) in runs if s == "reconnect-storm"}):
        relay = runs.get((mode, "reconnect-storm", "relay"))
        cc = runs.get((mode, "reconnect-storm", "cocreate"))
        floor = value_at(relay, "reconnect_to_snapshot_ms", "p95") if (relay or {}).get("ok") else None
        for target, run in (("relay", relay), ("cocreate", cc)):
            if run is None:
                continue
            if not run.get("ok"):
                lines.append(failed_row([mode, target], run, 9, "**missed**")
                             if target == "cocreate" else failed_row([mode, target], run, 10))
                if target == "cocreate":
                    verdicts.append((f"reconnect storm, {mode}", False, "failed"))
                continue
            p95 = run["reconnect_to_snapshot_ms"]["p95"]
            ratio, bar = None, ""
            if target == "cocreate":
                ratio = p95 / floor if p95 and floor else None
                failed = bool(run["without_snapshot"] or run["stale_snapshots"])
                ok = ratio_verdict(p95, floor, STORM_BAR, failed, not busy(run), not busy(relay),
                                   load_saturated(run) or load_saturated(relay))
                bar = verdict_text(ok) + flag_cell(run)
                verdicts.append((f"reconnect storm, 200 clients, {mode}", ok,
                                 (f"p95 ratio {ratio:.2f}" if ratio else "no ratio")
                                 + f", {run['without_snapshot']} without a snapshot, "
                                 f"{run['stale_snapshots']} stale"
                                 + (", busy machine" if busy(run) or busy(relay) else "")))
            lines.append(
                f"| {mode} | {target} | {run['params']['participants']} | "
                f"{latency_cells(run, 'reconnect_to_snapshot_ms', ('p50', 'p95', 'max'))} | "
                + (f"**{ratio:.2f}**" if ratio else "–")
                + f" | {run['without_snapshot']} | {run['stale_snapshots']} | "
                f"{run['snapshot_bytes']} | {run['server_cpu_ms_per_reconnect']} | {load_cell(run)} | "
                f"{others_cell(run)} | {bar} |")
    lines += note_lines(
        "Each workshop holds 30 notes (quick: 10). All 200 sockets close at once, then all "
        "connect again at one moment (spread over four load processes); the time runs from "
        "that moment until each has its snapshot, which must be fresh: the workshop's `seq` "
        "and notes as they were left. The relay's floor is the same storm against the relay, "
        "which answers each connect with a message the size of cocreate's snapshot. With "
        f"repeats (full runs: {REPEATED['reconnect-storm']} each) each target's run with the "
        "lowest p95 counts.")
    return lines


def probe_ms(played):
    """The speed probe's median in a soak round (`watch.speed_probe`), or None."""
    return value_at(played, "cpu", "probe_ms")


def load_cpu(played):
    """The load processes' CPU seconds in a soak round (None when not measured): the same
    commands and events every round, so more CPU for them means a slower machine."""
    load = value_at(played, "cpu", "load")
    if not load or any(p.get("cpu_s") is None for p in load):
        return None
    return sum(p["cpu_s"] for p in load)


def change(first, last, gauge):
    """How much more `gauge` read in `last` than in `first` (1.0: as much), or None when
    it read nothing in either."""
    before, after = gauge(first), gauge(last)
    return after / before if before and after else None


def number_cell(value):
    return "–" if value is None else f"{value:.2f}"


def soak_judgement(run):
    """(verdict, disturbed) of a soak run that completed: the verdict True (met), False
    (missed) or None (inconclusive); disturbed when other programs or a slower machine
    touched its first or last round."""
    v, rounds = run["verdict"], run["rounds"]
    first, last = rounds[0], rounds[-1]

    def disturbed_in(played):
        return busy(played) or bool(value_at(played, "cpu", "load_saturated"))
    # A hurried first round flatters the ratio; a hurried last one spoils it. So does a
    # machine that itself ran slower in one of them, by either gauge of its speed: the
    # orchestrator's probe, or the load processes' CPU for the same work (they run on
    # both cores; the probe on one at a time).
    changes = [c for c in (change(first, last, probe_ms), change(first, last, load_cpu)) if c]
    hurried_first = disturbed_in(first) or any(c < 1 / SPEED_DRIFT for c in changes)
    hurried_last = disturbed_in(last) or any(c > SPEED_DRIFT for c in changes)
    p99_ok = v["p99"]
    if (p99_ok and hurried_first) or (p99_ok is False and hurried_last):
        p99_ok = None
    failed = bool(run["lost"])
    ok = False if failed or v["rss"] is False or v["fds"] is False else (
        None if p99_ok is None or v["rss"] is None else p99_ok)
    return ok, hurried_first or hurried_last


def soak_again(run, attempt):
    """Whether the soak runs once more after its `attempt`-th run (counted from 1): that
    run completed with an inconclusive verdict, and attempts are left."""
    return (attempt < SOAK_ATTEMPTS and bool(run.get("ok"))
            and soak_judgement(run)[0] is None)


def soak_shown(attempts):
    """Of one deployment's soak runs in order, the one the report shows (the first that
    completed with a verdict, else the last), with `attempts` set to how many ran."""
    shown = next((run for run in attempts
                  if run.get("ok") and soak_judgement(run)[0] is not None), attempts[-1])
    return {**shown, "attempts": len(attempts)}


def soak_rows(runs, verdicts):
    if not ran(runs, "soak"):
        return []
    lines = ["## Soak: a two-hour workshop in about five minutes (RSS growth ≤ 10 %, no file "
             "descriptor growth, last round's p99 ≤ 1.2× the first's)", "",
             "| mode | workshops × people | measured rounds × s | commands | lost / refused | "
             "p99 ms first / last round (**ratio**) | RSS MiB after warm-up → end "
             "(**growth**) | open fds after warm-up → end | other programs' cores first / "
             "last round | speed probe ms first / last round | load processes' CPU s first / "
             "last round | bar |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
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
        attempt = (f"attempt {run.get('attempt', 1)} of {run['attempts']}"
                   if run.get("attempts", 1) > 1 else "")
        verdicts.append((f"soak, {mode}", ok,
                         f"RSS growth {v['rss_growth']:.1%}, fd growth {v['fd_growth']}, "
                         f"p99 ratio {v['p99_ratio']:.2f}"
                         + (", busy or slower machine in the first or last round"
                            if disturbed else "") + (f", {attempt}" if attempt else "")))
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
            f"{verdict_text(ok)}{' ⚠' if disturbed else ''} |")
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
        "in all; the table shows the first attempt with a verdict (or the last attempt).")
    return lines
