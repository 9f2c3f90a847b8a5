"""The benchmark's arithmetic: percentiles, merging what several load processes saw,
checking `seq` order, the bars, and the search for the highest sustainable rate.

Pure functions of numbers and lists, no sockets and no clocks, so the unit tests
(tests/unit/test_bench_measure.py) can feed them made-up timings. Times are seconds
on CLOCK_MONOTONIC (`time.monotonic()`), which every process on a Linux machine
shares: a note sent by one load process and received by another is timed on one clock.
"""

import math
from collections import Counter, defaultdict

# The scenarios compared with the relay in one short window run several times, relay and
# cocreate alternating, each target's best run counting (other programs on the machine
# only ever add latency); capacity and soak search or span minutes. A full run repeats
# them as often as given here (`--repeat` sets them all): the scale-out and storm ratios
# sit nearest their bars, and their windows cost little.
REPEATED = {"broadcast-20": 2, "broadcast-100": 2, "broadcast-500": 2, "drag": 2,
            "drag-100": 2, "scale-out": 3, "reconnect-storm": 5}
# A load process above this share of one core is itself the bottleneck: its receive
# times lag behind the server's sends, so the row says more about the load than the server.
LOAD_SATURATED = 0.85


def repeats_of(scenario, given=None, quick=False):
    """How often a scenario runs: those of `REPEATED` `given` times (default: a full run's
    count, once when quick), the others once."""
    if scenario not in REPEATED:
        return 1
    return given or (1 if quick else REPEATED[scenario])


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
    return {"n": len(values), "p50": ms(percentile(values, 50)), "p95": ms(percentile(values, 95)),
            "p99": ms(percentile(values, 99)), "max": ms(max(values)),
            "mean": ms(sum(values) / len(values))}


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
    return {"expected": expected, "delivered": delivered, "lost": lost,
            "duplicates": duplicates, "complete": complete, "latencies": latencies,
            "last_arrival": last}


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
    seen = defaultdict(dict)        # workshop -> seq -> what
    last = defaultdict(dict)        # workshop -> member -> last seq
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
        report[workshop] = {"ok": not problems[workshop], "last_seq": max(ends, default=None),
                            "members": len(last[workshop]), **problems[workshop]}
    return {"ok": all(entry["ok"] for entry in report.values()),
            "workshops": len(report),
            "workshops_wrong": sorted(w for w, entry in report.items() if not entry["ok"]),
            "problems": dict(sum((problems[w] for w in problems), Counter()))}


# -- the bars -------------------------------------------------------------------------------

def saturated(load_cores, limit=LOAD_SATURATED):
    """Whether any load process used more than `limit` of a core."""
    return any((cores or 0) > limit for cores in load_cores)


def ratio_verdict(value, floor, bar, failed=False, value_clean=True, floor_clean=True,
                  load_saturated=False):
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


def soak_verdict(rss_start, rss_end, fds_start, fds_end, first_p99, last_p99,
                 rss_growth=0.10, p99_growth=1.2):
    """The soak's three bars: {rss, fds, p99: True/False/None, growth numbers}."""
    rss = None if not rss_start or rss_end is None else (rss_end - rss_start) / rss_start
    fds = None if fds_start is None or fds_end is None else fds_end - fds_start
    p99 = None if not first_p99 or last_p99 is None else last_p99 / first_p99
    return {"rss_growth": rss, "fd_growth": fds, "p99_ratio": p99,
            "rss": None if rss is None else rss <= rss_growth,
            "fds": None if fds is None else fds <= 0,
            "p99": None if p99 is None else p99 <= p99_growth}


# -- the highest rate a server sustains -------------------------------------------------------

class RateSearch:
    """Steps the rate up by `factor` until a step fails, then halves the gap (on a log
    scale) between the best pass and the lowest fail until they are within `precision`.

    A first step that fails steps down instead, to `floor`. `next_rate()` gives the
    rate to try (None when done), `record(rate, passed)` what it did; `best` is the
    highest rate that passed. At most `max_steps` steps.
    """

    def __init__(self, start, factor=1.5, precision=0.1, floor=1.0, ceiling=None,
                 max_steps=12):
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
