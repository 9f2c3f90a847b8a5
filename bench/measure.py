"""The benchmark's arithmetic: percentiles, merging what several load processes saw,
checking `seq` order, the bars and their verdicts, and the search for the highest
sustainable rate.

Pure functions of numbers and lists, no sockets and no clocks, so the unit tests
(tests/unit/test_bench_measure.py, tests/unit/test_bench_report.py) can feed them made-up
timings. Times are seconds
on CLOCK_MONOTONIC (`time.monotonic()`), which every process on a Linux machine
shares: a note sent by one load process and received by another is timed on one clock.
"""

import math
from collections import Counter, defaultdict

# The bars (DESIGN.md section 5 and the goals of the deployment's scenarios).
RATIO_BAR = 1.5  # p99 of cocreate / p99 of the relay: broadcast, drag, scale-out
DRAG_CPU_BAR = 1.3  # server CPU per delivered drag frame, cocreate / relay
SNAPSHOT_BAR_MS = 100.0  # p95 of a join of a 300-note workshop
CAPACITY_GOAL = 0.5  # cocreate's highest note rate / the relay's
CAPACITY_P99_MS = 250
STORM_BAR = 2.0  # p95 of the reconnect storm / the relay's connect storm
SOAK_RSS, SOAK_P99 = 0.10, 1.2

# A load process above this share of one core is itself the bottleneck: its receive
# times lag behind the server's sends, so the row says more about the load than the server.
LOAD_SATURATED = 0.85
# Other programs using more than this many cores make a run *busy*; a process waiting
# for a CPU more than BUSY_SHARE of a window likewise (the one-process scenarios).
OTHERS_CORES = 0.3
BUSY_SHARE = 0.10
MACHINE_FULL = 0.9  # of all cores
# The fixed work `monitor.speed_probe` times taking this much longer (or shorter) in one
# soak round than in the other: the machine's own speed changed between them.
SPEED_DRIFT = 1.1
# A soak whose verdict came out inconclusive (a busy or slower machine) runs again, up to
# this many runs in all (bench/run.py); the report shows the first with a verdict.
SOAK_ATTEMPTS = 3


def value_at(run, *path):
    """`run[path[0]][path[1]]…`, or None where a step is missing."""
    for key in path:
        if not isinstance(run, dict):
            return None
        run = run.get(key)
    return run


def percentile(values, q):
    """Nearest-rank percentile of `values` (q in 0..100); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary_ms(values):
    """p50/p95/p99/max/mean in milliseconds of a list of seconds."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None, "mean": None}
    ms = lambda v: None if v is None else round(v * 1000, 3)  # noqa: E731
    return {
        "n": len(values),
        "p50": ms(percentile(values, 50)),
        "p95": ms(percentile(values, 95)),
        "p99": ms(percentile(values, 99)),
        "max": ms(max(values)),
        "mean": ms(sum(values) / len(values)),
    }


# -- merging several load processes -------------------------------------------------------


def combine_receipts(parts):
    """One `{key: [(member, time), ...]}` from each load process's own such dict.

    A message's receivers are spread over the load processes; together they are
    everyone. Each list is put in time order.
    """
    combined = defaultdict(list)
    for part in parts:
        for key, arrivals in part.items():
            combined[key].extend(arrivals)
    for arrivals in combined.values():
        arrivals.sort(key=lambda arrival: arrival[1])
    return dict(combined)


def deliveries(sends, receipts, audience):
    """Each sent message against who received it.

    `sends`: dicts with `key`, `sender` (member index), `group`, `sent` (time), `ok`
    (acknowledged without error); `receipts`: `{key: [(member, time)]}` from
    `combine_receipts`; `audience`: `{group: set of member indexes}`. A message is
    complete when every member of its group but the sender has it; its latency runs
    from `sent` to the last of them. Arrivals at the sender or outside the group are
    ignored; a second arrival at the same member is a duplicate.
    """
    latencies, lost, expected, delivered, duplicates, complete = [], 0, 0, 0, 0, 0
    last = None
    for send in sends:
        if not send.get("ok"):
            continue
        wanted = audience[send["group"]] - {send["sender"]}
        seen, latest = set(), None
        for member, at in receipts.get(send["key"], ()):
            if member not in wanted:
                continue
            if member in seen:
                duplicates += 1
                continue
            seen.add(member)
            latest = at if latest is None else max(latest, at)
        expected += len(wanted)
        delivered += len(seen)
        lost += len(wanted) - len(seen)
        if latest is not None:
            last = latest if last is None else max(last, latest)
        if len(seen) == len(wanted):
            complete += 1
            latencies.append((latest if latest is not None else send["sent"]) - send["sent"])
    return {
        "expected": expected,
        "delivered": delivered,
        "lost": lost,
        "duplicates": duplicates,
        "complete": complete,
        "latencies": latencies,
        "last_arrival": last,
    }


# -- one `seq` order per workshop -------------------------------------------------------------


def seq_order(streams, group_of):
    """Whether every client of a workshop saw the same gap-free order of sequenced events.

    `streams`: `{member: [entry, ...]}` in arrival order, an entry being
    `("snapshot", seq)` or `("event", seq, what)` (`what` names the change, e.g. its
    type and note id); `group_of`: `{member: workshop}`. Per member, each event must
    carry the seq after the one before it, counting on from the last snapshot (which
    covers what happened while it was away). Per workshop, the members must agree on
    what each seq is, and must all have got to the same last seq.
    """
    report = {}
    seen = defaultdict(dict)  # workshop -> seq -> what
    last = defaultdict(dict)  # workshop -> member -> last seq
    problems = defaultdict(Counter)
    for member, entries in streams.items():
        workshop = group_of[member]
        current = None
        for entry in entries:
            if entry[0] == "snapshot":
                current = entry[1]
                continue
            _kind, seq, what = entry
            if current is not None and seq != current + 1:
                problems[workshop]["gaps" if seq > current + 1 else "out_of_order"] += 1
            current = seq if current is None else max(current, seq)
            known = seen[workshop].setdefault(seq, what)
            if known != what:
                problems[workshop]["disagreements"] += 1
        last[workshop][member] = current
    for workshop in set(group_of.values()):
        ends = [seq for seq in last[workshop].values() if seq is not None]
        behind = sum(1 for seq in ends if seq != max(ends)) if ends else 0
        if behind:
            problems[workshop]["behind"] += behind
        report[workshop] = {
            "ok": not problems[workshop],
            "last_seq": max(ends, default=None),
            "members": len(last[workshop]),
            **problems[workshop],
        }
    return {
        "ok": all(entry["ok"] for entry in report.values()),
        "workshops": len(report),
        "workshops_wrong": sorted(w for w, entry in report.items() if not entry["ok"]),
        "problems": dict(sum((problems[w] for w in problems), Counter())),
    }


# -- the bars -------------------------------------------------------------------------------


def saturated(load_cores, limit=LOAD_SATURATED):
    """Whether any load process used more than `limit` of a core."""
    return any((cores or 0) > limit for cores in load_cores)


def ratio_verdict(value, floor, bar, failed=False, value_clean=True, floor_clean=True, load_saturated=False):
    """met (True), missed (False) or inconclusive (None) for `value / floor <= bar`.

    `failed`: the cocreate run lost messages or broke a rule: missed whatever the
    timings. Other programs on the machine only ever add time: a pass stands when
    the floor's run was clean (an unhurried floor makes the bar harder), a miss when
    cocreate's run was clean. A saturated load process measures itself: inconclusive.
    """
    if failed:
        return False
    if value is None or not floor or load_saturated:
        return None
    if value / floor <= bar:
        return True if floor_clean else None
    return False if value_clean else None


def limit_verdict(value, limit, failed=False, clean=True, load_saturated=False):
    """met/missed/inconclusive for `value <= limit` (an absolute bar); a miss on a busy
    machine or with a saturated load process is inconclusive."""
    if failed:
        return False
    if value is None:
        return None
    if value <= limit:
        return True
    return False if clean and not load_saturated else None


def soak_verdict(rss_start, rss_end, fds_start, fds_end, first_p99, last_p99, rss_growth=SOAK_RSS, p99_growth=SOAK_P99):
    """The soak's three bars: {rss, fds, p99: True/False/None, growth numbers}."""
    rss = None if not rss_start or rss_end is None else (rss_end - rss_start) / rss_start
    fds = None if fds_start is None or fds_end is None else fds_end - fds_start
    p99 = None if not first_p99 or last_p99 is None else last_p99 / first_p99
    return {
        "rss_growth": rss,
        "fd_growth": fds,
        "p99_ratio": p99,
        "rss": None if rss is None else rss <= rss_growth,
        "fds": None if fds is None else fds <= 0,
        "p99": None if p99 is None else p99 <= p99_growth,
    }


def machine_full(cpu):
    """Whether the whole machine (servers, load and everything else) used nearly every core."""
    cores, cpus = value_at(cpu, "machine_cores"), value_at(cpu, "cpus")
    return bool(cores and cpus and cores >= MACHINE_FULL * cpus)


def busy(run):
    """Other programs took CPU from a run of the deployment's scenarios. (A server waiting
    for a CPU is shown, not counted: on a small machine the servers, PostgreSQL, Redis and
    the load processes of both targets' runs wait for each other alike.)"""
    return (value_at(run, "cpu", "others_cores") or 0) > OTHERS_CORES


def busy_one_process(run):
    """Other programs took CPU from a run of one server and one load process: they used
    more than OTHERS_CORES, or the load process (or a one-thread server) waited noticeably
    for a CPU."""
    cpu = (run or {}).get("cpu") or {}
    keys = ["load_cpu_wait_share"]
    if (run or {}).get("mode") != "threading":  # there, the server's threads wait for each other
        keys.append("server_cpu_wait_share")
    return (cpu.get("others_cores") or 0) > OTHERS_CORES or any((cpu.get(k) or 0) > BUSY_SHARE for k in keys)


def load_saturated(run):
    """Whether a load process of the run was itself the bottleneck."""
    return bool(value_at(run, "cpu", "load_saturated"))


# -- capacity ---------------------------------------------------------------------------------


def decisive_steps(run):
    """The steps that decided a capacity: the best passing one and the lowest failing one."""
    steps = run.get("steps") or []
    best, fail = run.get("best_rate"), run.get("lowest_failing_rate")
    return [s for s in steps if s["rate"] in (best, fail)]


def clean_capacity(run):
    """No load process saturated and no other program busy in the deciding steps."""
    return all(not s["load_saturated"] and (s.get("others_cores") or 0) <= OTHERS_CORES for s in decisive_steps(run))


def capacity_verdict(relay, cocreate):
    """(ratio of the highest rates or None, met/missed/inconclusive)."""
    if (cocreate or {}).get("best_rate") and (relay or {}).get("best_rate"):
        ratio = cocreate["best_rate"] / relay["best_rate"]
        if ratio >= CAPACITY_GOAL:
            return ratio, True if clean_capacity(relay) else None
        return ratio, False if clean_capacity(cocreate) else None
    if cocreate is not None and not cocreate.get("ok"):
        return None, False
    return None, None


def cpu_ratio(relay, cocreate):
    """The relay's server CPU per note over cocreate's, at the highest rate both held (the
    cost per note falls as the rate rises: more is sent per wake-up)."""

    def held(run):
        return {
            s["rate"]: s.get("server_cpu_ms_per_note")
            for s in (run or {}).get("steps", [])
            if s["passed"] and s.get("server_cpu_ms_per_note")
        }

    relay_steps, cocreate_steps = held(relay), held(cocreate)
    common = set(relay_steps) & set(cocreate_steps)
    if not common:
        return None
    rate = max(common)
    return relay_steps[rate] / cocreate_steps[rate]


# -- the soak ---------------------------------------------------------------------------------


def probe_ms(played):
    """The speed probe's median in a soak round (`monitor.speed_probe`), or None."""
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
    ok = (
        False
        if failed or v["rss"] is False or v["fds"] is False
        else (None if p99_ok is None or v["rss"] is None else p99_ok)
    )
    return ok, hurried_first or hurried_last


def soak_again(run, attempt):
    """Whether the soak runs once more after its `attempt`-th run (counted from 1): that
    run completed with an inconclusive verdict, and attempts are left."""
    return attempt < SOAK_ATTEMPTS and bool(run.get("ok")) and soak_judgement(run)[0] is None


def soak_shown(attempts):
    """Of one deployment's soak runs in order, the one the report shows (the first that
    completed with a verdict, else the last), with `attempts` set to how many ran."""
    shown = next((run for run in attempts if run.get("ok") and soak_judgement(run)[0] is not None), attempts[-1])
    return {**shown, "attempts": len(attempts)}


# -- the highest rate a server sustains -------------------------------------------------------


class RateSearch:
    """Steps the rate up by `factor` until a step fails, then halves the gap (on a log
    scale) between the best pass and the lowest fail until they are within `precision`.

    A first step that fails steps down instead, to `floor`. `next_rate()` gives the
    rate to try (None when done), `record(rate, passed)` what it did; `best` is the
    highest rate that passed. At most `max_steps` steps.
    """

    def __init__(self, start, factor=1.5, precision=0.1, floor=1.0, ceiling=None, max_steps=12):
        self.start, self.factor, self.precision = start, factor, precision
        self.floor, self.ceiling, self.max_steps = floor, ceiling, max_steps
        self.steps = []  # (rate, passed)

    @property
    def best(self):
        return max((rate for rate, passed in self.steps if passed), default=None)

    @property
    def lowest_fail(self):
        return min((rate for rate, passed in self.steps if not passed), default=None)

    def record(self, rate, passed):
        self.steps.append((rate, bool(passed)))

    def next_rate(self):
        if not self.steps:
            return self.start
        if len(self.steps) >= self.max_steps:
            return None
        best, fail = self.best, self.lowest_fail
        if fail is None:  # every step passed: higher
            rate = best * self.factor
            if self.ceiling is not None and best >= self.ceiling:
                return None
            return min(rate, self.ceiling) if self.ceiling is not None else rate
        if best is None:  # every step failed: lower
            rate = fail / self.factor
            return rate if rate >= self.floor else None
        if fail <= best * (1 + self.precision):
            return None
        return math.sqrt(best * fail)
