"""The benchmark's arithmetic (bench/measure.py): merging what several load processes saw,
the `seq` check, the bars and the search for the highest sustainable rate."""

import pytest

from bench.measure import (
    RateSearch,
    combine_receipts,
    deliveries,
    limit_verdict,
    percentile,
    ratio_verdict,
    saturated,
    seq_order,
    soak_verdict,
)
from bench.scenarios import repeats_of

AUDIENCE = {0: {0, 1, 2, 3}, 1: {4, 5, 6}}


def send(key, sender, group, sent, ok=True):
    return {"key": key, "sender": sender, "group": group, "sent": sent, "ok": ok}


# -- several load processes on one clock -------------------------------------------------


def test_arrivals_from_several_processes_are_merged_in_time_order():
    first = {"a": [(1, 10.5), (3, 10.2)], "b": [(5, 11.0)]}
    second = {"a": [(2, 10.4)]}

    merged = combine_receipts([first, second])

    assert merged == {"a": [(3, 10.2), (2, 10.4), (1, 10.5)], "b": [(5, 11.0)]}


def test_a_note_is_complete_when_the_last_other_member_has_it_whichever_process_saw_it():
    receipts = combine_receipts(
        [
            {"a": [(1, 10.010), (0, 10.001)]},  # the sender's copy too
            {"a": [(2, 10.030)]},
            {"a": [(3, 10.020)]},
        ]
    )

    merged = deliveries([send("a", 0, 0, 10.000)], receipts, AUDIENCE)

    assert merged["latencies"] == [pytest.approx(0.030)]
    assert (merged["expected"], merged["delivered"], merged["lost"]) == (3, 3, 0)
    assert merged["last_arrival"] == 10.030


def test_a_member_that_never_got_a_note_is_counted_lost_and_the_note_has_no_latency():
    receipts = {"a": [(1, 10.01), (2, 10.02)], "b": [(5, 11.1), (6, 11.2)]}

    merged = deliveries([send("a", 0, 0, 10.0), send("b", 4, 1, 11.0)], receipts, AUDIENCE)

    assert merged["lost"] == 1  # member 3 never had "a"
    assert merged["complete"] == 1
    assert merged["latencies"] == [pytest.approx(0.2)]


def test_duplicates_strangers_and_refused_sends_do_not_count_as_deliveries():
    receipts = {"a": [(1, 10.01), (1, 10.05), (5, 10.02), (2, 10.03), (3, 10.04)], "refused": [(1, 12.0)]}

    merged = deliveries([send("a", 0, 0, 10.0), send("refused", 0, 0, 12.0, ok=False)], receipts, AUDIENCE)

    assert merged["duplicates"] == 1
    assert merged["delivered"] == 3  # member 5 is in another workshop
    assert merged["latencies"] == [pytest.approx(0.04)]


# -- one seq order per workshop ---------------------------------------------------------------


def stream(snapshot, *seqs):
    return [("snapshot", snapshot), *[("event", seq, f"note.added:{seq}") for seq in seqs]]


def test_members_that_saw_the_same_gap_free_order_pass():
    streams = {0: stream(4, 5, 6, 7), 1: stream(4, 5, 6, 7), 4: stream(0, 1, 2)}

    report = seq_order(streams, {0: "w0", 1: "w0", 4: "w1"})

    assert report["ok"] is True
    assert report["workshops"] == 2


def test_a_gap_in_one_members_order_is_found():
    report = seq_order({0: stream(4, 5, 7), 1: stream(4, 5, 6, 7)}, {0: "w", 1: "w"})

    assert report["ok"] is False
    assert report["problems"] == {"gaps": 1}


def test_an_event_before_the_one_it_follows_is_found():
    report = seq_order({0: stream(4, 6, 5), 1: stream(4, 5, 6)}, {0: "w", 1: "w"})

    assert report["ok"] is False
    assert report["problems"]["out_of_order"] == 1


def test_two_members_disagreeing_on_what_a_seq_is_are_found():
    streams = {0: stream(0, 1, 2), 1: [("snapshot", 0), ("event", 1, "note.added:1"), ("event", 2, "note.added:X")]}

    report = seq_order(streams, {0: "w", 1: "w"})

    assert report["problems"] == {"disagreements": 1}


def test_a_member_that_stopped_early_is_behind():
    report = seq_order({0: stream(0, 1, 2, 3), 1: stream(0, 1, 2)}, {0: "w", 1: "w"})

    assert report["problems"] == {"behind": 1}
    assert report["workshops_wrong"] == ["w"]


def test_a_fresh_snapshot_after_a_reconnect_covers_what_was_missed():
    streams = {0: [*stream(0, 1, 2), ("snapshot", 5), ("event", 6, "note.added:6")], 1: stream(0, 1, 2, 3, 4, 5, 6)}

    assert seq_order(streams, {0: "w", 1: "w"})["ok"] is True


# -- the bars -------------------------------------------------------------------------------


def test_a_load_process_above_the_limit_is_saturated():
    assert saturated([0.4, 0.86]) is True
    assert saturated([0.4, 0.85, None]) is False


@pytest.mark.parametrize(
    "value, floor, options, verdict",
    [
        (14, 10, {}, True),
        (16, 10, {}, False),
        (14, 10, {"floor_clean": False}, None),  # a pass against a hurried floor
        (16, 10, {"value_clean": False}, None),  # a miss on a busy machine
        (16, 10, {"floor_clean": False}, False),  # a clean miss stands
        (14, 10, {"load_saturated": True}, None),  # the load measured itself
        (5, 10, {"failed": True}, False),  # a lost message misses whatever the times
        (None, 10, {}, None),
    ],
)
def test_ratio_verdicts(value, floor, options, verdict):
    assert ratio_verdict(value, floor, 1.5, **options) is verdict


def test_limit_verdicts():
    assert limit_verdict(90, 100) is True
    assert limit_verdict(110, 100) is False
    assert limit_verdict(110, 100, clean=False) is None
    assert limit_verdict(90, 100, failed=True) is False


def test_the_soak_bars():
    verdict = soak_verdict(100e6, 109e6, 40, 40, 20.0, 23.0)
    assert (verdict["rss"], verdict["fds"], verdict["p99"]) == (True, True, True)

    verdict = soak_verdict(100e6, 111e6, 40, 41, 20.0, 25.0)
    assert (verdict["rss"], verdict["fds"], verdict["p99"]) == (False, False, False)
    assert verdict["fd_growth"] == 1
    assert verdict["p99_ratio"] == pytest.approx(1.25)


# -- the highest sustainable rate ----------------------------------------------------------------


def search_against(capacity, **options):
    search = RateSearch(**options)
    rate = search.next_rate()
    while rate is not None:
        search.record(rate, rate <= capacity)
        rate = search.next_rate()
    return search


@pytest.mark.parametrize("capacity", [55.0, 137.0, 480.0, 2000.0])
def test_the_search_ends_within_its_precision_below_the_true_capacity(capacity):
    search = search_against(capacity, start=40.0, factor=1.5, precision=0.1, max_steps=30)

    assert search.best <= capacity
    assert search.lowest_fail > capacity
    assert search.lowest_fail <= search.best * 1.1


def test_a_first_step_that_fails_steps_down_until_one_passes():
    search = search_against(12.0, start=40.0, factor=1.5, precision=0.1, max_steps=30)

    assert [passed for _rate, passed in search.steps][:4] == [False, False, False, True]
    assert 12.0 / 1.1 <= search.best <= 12.0


def test_the_search_gives_up_below_the_floor_and_after_max_steps():
    assert search_against(0.5, start=40.0, floor=5.0).best is None
    assert len(search_against(10_000.0, start=40.0, max_steps=5).steps) == 5


def test_the_search_stops_at_its_ceiling():
    search = search_against(10_000.0, start=40.0, ceiling=100.0, max_steps=30)

    assert search.best == 100.0


def test_percentile_is_nearest_rank():
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile([3.0], 50) == 3.0
    assert percentile([], 50) is None


def test_a_full_run_repeats_the_ratios_nearest_their_bars_most_and_searches_once():
    full = {
        scenario: repeats_of(scenario)
        for scenario in ("broadcast-20", "drag", "scale-out", "reconnect-storm", "capacity", "soak")
    }
    assert full == {"broadcast-20": 2, "drag": 2, "scale-out": 3, "reconnect-storm": 5, "capacity": 1, "soak": 1}
    assert [repeats_of("scale-out", quick=True), repeats_of("scale-out", 4), repeats_of("soak", 4)] == [1, 4, 1]


def test_a_window_reports_the_median_speed_probe_taken_within_it():
    from bench.monitor import Watch, speed_probe

    watch = Watch({})
    watch.mark("round")
    start = watch.marks["round"]["at"]
    watch.marks["round:end"] = {**watch.marks["round"], "at": start + 1.0}
    watch.speeds = [(start - 0.5, 9.0), (start + 0.1, 1.0), (start + 0.2, 3.0), (start + 0.3, 2.0), (start + 1.5, 9.0)]
    assert watch.between("round", "round:end")["probe_ms"] == 2.0
    assert 0 < speed_probe() < 1000


def test_an_unanswered_sync_after_the_drags_counts_its_drops_as_not_stored():
    from bench.drag import DROP, drops_stored

    dropped = {"x": DROP[0], "y": DROP[1]}
    answers = [
        {"ok": True, "snapshot": {"notes": [dropped, {"x": 0.1, "y": 0.2}]}},
        {"ok": False, "error": {"code": "call: TimeoutError"}},
        {"ok": True, "snapshot": {"notes": [dropped]}},
    ]

    assert drops_stored(answers) == 2
