"""The bars of the report's sections for scale-out, capacity, the reconnect storm and the soak
(bench/tables.py, bench/measure.py): what is met, missed, or inconclusive on a busy machine."""

from bench import measure, report, tables

QUIET = {
    "others_cores": 0.05,
    "load_saturated": False,
    "load_cores_max": 0.4,
    "load": [{"cores": 0.4}] * 4,
    "servers": {"server0": {"waited_share": 0.02}},
}
BUSY = {**QUIET, "others_cores": 0.9}
SATURATED = {**QUIET, "load_saturated": True, "load_cores_max": 0.97}


def broadcast(p99, cpu=QUIET, lost=0, seq_ok=True):
    return {
        "ok": True,
        "params": {"participants": 1000},
        "setup": {"connected": 1000, "wanted": 1000},
        "latency_all_ms": {"p50": p99 / 3, "p99": p99, "max": p99 * 1.2},
        "deliveries": {"lost": lost},
        "events_per_s": 1900.0,
        "server_cpu_us_per_delivery": 150.0,
        "services_cpu_us_per_delivery": 40.0,
        "seq": {"ok": seq_ok, "problems": {} if seq_ok else {"gaps": 2}},
        "cpu": cpu,
    }


def scale_verdict(cocreate, relay):
    verdicts = []
    runs = {("eventlet", "scale-out", "relay"): {**relay, "seq": None}, ("eventlet", "scale-out", "cocreate"): cocreate}
    lines = tables.scale_out_rows(runs, verdicts)
    assert any("2 cocreate + PostgreSQL + Redis" in line for line in lines)
    return verdicts[0][1]


def test_scale_out_is_met_within_one_and_a_half_times_the_relays():
    assert scale_verdict(broadcast(14.0), broadcast(10.0)) is True
    assert scale_verdict(broadcast(16.0), broadcast(10.0)) is False


def test_scale_out_misses_on_a_broken_seq_order_or_a_lost_note_whatever_the_times():
    assert scale_verdict(broadcast(5.0, seq_ok=False), broadcast(10.0)) is False
    assert scale_verdict(broadcast(5.0, lost=1), broadcast(10.0)) is False


def test_scale_out_is_inconclusive_with_a_busy_floor_or_a_saturated_load_process():
    assert scale_verdict(broadcast(14.0), broadcast(10.0, cpu=BUSY)) is None
    assert scale_verdict(broadcast(16.0, cpu=BUSY), broadcast(10.0)) is None
    assert scale_verdict(broadcast(14.0, cpu=SATURATED), broadcast(10.0)) is None


def capacity_run(best, fail, cpu_at_fail=QUIET):
    steps = [
        {
            "rate": best,
            "passed": True,
            "p99_ms": 80.0,
            "p50_ms": 9.0,
            "lost": 0,
            "events_per_s": best * 19,
            "server_cpu_us_per_delivery": 90.0,
            "load_cores_max": 0.4,
            "load_saturated": False,
            "others_cores": 0.05,
        },
        {
            "rate": fail,
            "passed": False,
            "p99_ms": 900.0,
            "p50_ms": 300.0,
            "lost": 0,
            "events_per_s": fail * 19,
            "server_cpu_us_per_delivery": 80.0,
            "load_cores_max": cpu_at_fail["load_cores_max"],
            "load_saturated": cpu_at_fail["load_saturated"],
            "others_cores": cpu_at_fail["others_cores"],
        },
    ]
    return {"ok": True, "steps": steps, "best_rate": best, "lowest_failing_rate": fail, "at_best": steps[0]}


def capacity_verdict(cocreate, relay):
    verdicts = []
    tables.capacity_rows(
        {("eventlet", "capacity", "relay"): relay, ("eventlet", "capacity", "cocreate"): cocreate}, verdicts
    )
    return verdicts[0][1]


def test_capacity_is_met_at_half_the_relays_rate_and_missed_below():
    assert capacity_verdict(capacity_run(300.0, 330.0), capacity_run(600.0, 660.0)) is True
    assert capacity_verdict(capacity_run(290.0, 320.0), capacity_run(600.0, 660.0)) is False


def test_capacity_verdicts_a_busy_machine_could_have_caused_are_inconclusive():
    # cocreate's failing step was hurried: its capacity may be higher.
    assert capacity_verdict(capacity_run(200.0, 220.0, BUSY), capacity_run(600.0, 660.0)) is None
    # The relay's failing step had a saturated load process: its capacity may be higher.
    assert capacity_verdict(capacity_run(400.0, 440.0), capacity_run(600.0, 660.0, SATURATED)) is None


def storm_run(p95, without=0, stale=0, cpu=QUIET):
    return {
        "ok": True,
        "params": {"participants": 200},
        "without_snapshot": without,
        "stale_snapshots": stale,
        "snapshot_bytes": 9000,
        "server_cpu_ms_per_reconnect": 2.0,
        "reconnect_to_snapshot_ms": {"p50": p95 / 2, "p95": p95, "max": p95 * 1.1},
        "cpu": cpu,
    }


def storm_verdict(cocreate, relay):
    verdicts = []
    tables.storm_rows(
        {("eventlet", "reconnect-storm", "relay"): relay, ("eventlet", "reconnect-storm", "cocreate"): cocreate},
        verdicts,
    )
    return verdicts[0][1]


def test_the_storm_bar_is_twice_the_relays_p95_with_every_client_freshly_snapshotted():
    assert storm_verdict(storm_run(390.0), storm_run(200.0)) is True
    assert storm_verdict(storm_run(410.0), storm_run(200.0)) is False
    assert storm_verdict(storm_run(100.0, without=1), storm_run(200.0)) is False
    assert storm_verdict(storm_run(100.0, stale=1), storm_run(200.0)) is False


def soak_run(rss_growth, fds, p99_first, p99_last, first_cpu=QUIET, last_cpu=QUIET):
    from bench.measure import soak_verdict

    rounds = [
        {"latency_all_ms": {"p99": p99_first}, "cpu": first_cpu},
        {"latency_all_ms": {"p99": 20.0}, "cpu": QUIET},
        {"latency_all_ms": {"p99": p99_last}, "cpu": last_cpu},
    ]
    return {
        "ok": True,
        "params": {"workshops": 5, "participants_per_workshop": 20, "rounds": 3, "round_s": 60.0, "warmup_s": 30.0},
        "rounds": rounds,
        "commands": 2100,
        "lost": 0,
        "refused": 0,
        "rss_mib": {"start": 100.0, "end": 100.0 * (1 + rss_growth)},
        "fds": {"start": 40, "end": 40 + fds},
        "verdict": soak_verdict(100e6, 100e6 * (1 + rss_growth), 40, 40 + fds, p99_first, p99_last),
    }


def soak_verdict_of(run):
    verdicts = []
    tables.soak_rows({("eventlet", "soak", "cocreate"): run}, verdicts)
    return verdicts[0][1]


def test_the_soak_is_met_without_growth_and_missed_with_any():
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 22.0)) is True
    assert soak_verdict_of(soak_run(0.12, 0, 20.0, 22.0)) is False
    assert soak_verdict_of(soak_run(0.02, 3, 20.0, 22.0)) is False
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0)) is False


def test_a_soak_round_disturbed_by_other_programs_makes_its_p99_verdict_inconclusive():
    # A slow first round flatters the ratio; a slow last round spoils it.
    assert soak_verdict_of(soak_run(0.02, 0, 60.0, 22.0, first_cpu=BUSY)) is None
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 60.0, last_cpu=BUSY)) is None
    # A miss with a quiet last round stands; growth stands whatever the machine did.
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 60.0, first_cpu=BUSY)) is False
    assert soak_verdict_of(soak_run(0.20, 0, 60.0, 22.0, first_cpu=BUSY)) is False


def test_a_soak_round_on_a_slower_machine_makes_its_p99_verdict_inconclusive():
    slow, fast = {**QUIET, "probe_ms": 1.25}, {**QUIET, "probe_ms": 1.0}
    # The fixed work took 25 % longer in the last round: a miss says nothing about cocreate.
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0, first_cpu=fast, last_cpu=slow)) is None
    # … and in the first round, a met bar says nothing either.
    assert soak_verdict_of(soak_run(0.02, 0, 30.0, 20.0, first_cpu=slow, last_cpu=fast)) is None
    # A miss on a machine as fast as before stands, and so does one when the last round
    # ran on a faster machine; within 10 % the machine counts as unchanged.
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0, first_cpu=fast, last_cpu=fast)) is False
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0, first_cpu=slow, last_cpu=fast)) is False
    near = {**QUIET, "probe_ms": 1.09}
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0, first_cpu=fast, last_cpu=near)) is False


def test_the_report_lists_each_scenario_of_the_deployment_with_its_bar():
    runs = [
        {**broadcast(14.0), "mode": "eventlet", "scenario": "scale-out", "target": "cocreate"},
        {**broadcast(10.0), "seq": None, "mode": "eventlet", "scenario": "scale-out", "target": "relay"},
        {**capacity_run(300.0, 330.0), "mode": "eventlet", "scenario": "capacity", "target": "cocreate"},
        {**capacity_run(500.0, 550.0), "mode": "eventlet", "scenario": "capacity", "target": "relay"},
        {**storm_run(300.0), "mode": "eventlet", "scenario": "reconnect-storm", "target": "cocreate"},
        {**storm_run(200.0), "mode": "eventlet", "scenario": "reconnect-storm", "target": "relay"},
        {**soak_run(0.02, 0, 20.0, 21.0), "mode": "eventlet", "scenario": "soak", "target": "cocreate"},
    ]
    text = report.markdown([{"name": "test", "versions": {}, "runs": runs}])

    targets = text.split("## The bars", 1)[1]
    assert "scale-out, 1,000 on 2 processes (PostgreSQL + Redis), eventlet: met" in targets
    assert "capacity of one process, eventlet: met (cocreate 300.0 / relay 500.0" in targets
    assert "reconnect storm, 200 clients, eventlet: met" in targets
    assert "soak, eventlet: met" in targets


def test_a_soak_without_a_verdict_runs_again_until_one_has_one_or_attempts_run_out():
    slow, fast = {**QUIET, "probe_ms": 1.25}, {**QUIET, "probe_ms": 1.0}
    unclear = soak_run(0.02, 0, 20.0, 30.0, first_cpu=fast, last_cpu=slow)
    met, missed = soak_run(0.02, 0, 20.0, 21.0), soak_run(0.02, 0, 20.0, 30.0)

    assert measure.soak_again(unclear, 1) and measure.soak_again(unclear, 2)
    assert not measure.soak_again(unclear, measure.SOAK_ATTEMPTS)
    assert not measure.soak_again(met, 1) and not measure.soak_again(missed, 1)
    assert not measure.soak_again({"ok": False, "error": "server failed"}, 1)


def test_the_report_shows_a_soaks_first_attempt_with_a_verdict_and_how_many_ran():
    slow, fast = {**QUIET, "probe_ms": 1.25}, {**QUIET, "probe_ms": 1.0}
    attempts = [
        {**soak_run(0.02, 0, 20.0, 30.0, first_cpu=fast, last_cpu=slow), "attempt": 1},
        {**soak_run(0.02, 0, 20.0, 30.0), "attempt": 2},
    ]
    runs = [{**run, "mode": "eventlet", "scenario": "soak", "target": "cocreate"} for run in attempts]

    shown = report.best_runs([{"runs": runs}])[("eventlet", "soak", "cocreate")]
    text = report.markdown([{"name": "test", "versions": {}, "runs": runs}])

    assert (shown["attempt"], shown["attempts"]) == (2, 2)
    assert "- soak, eventlet: **missed** (" in text and "1.50, attempt 2 of 2)" in text
    assert "3 × 60 (after 30 s warm-up); attempt 2 of 2 |" in text
    # With no attempt conclusive, the last one stands, inconclusive.
    unclear_only = [{**run, "attempt": n} for n, run in enumerate(runs[:1] * 3, start=1)]
    last = report.best_runs([{"runs": unclear_only}])[("eventlet", "soak", "cocreate")]
    assert (last["attempt"], last["attempts"]) == (3, 3)
    assert soak_verdict_of(last) is None


def test_a_soak_round_whose_load_processes_needed_more_cpu_for_the_same_work_was_slower():
    def load(*cpu_s):
        return {**QUIET, "probe_ms": 0.8, "load": [{"cpu_s": c} for c in cpu_s]}

    steady, heavy, near = load(0.6, 0.6, 0.6, 0.6), load(0.7, 0.7, 0.7, 0.7), load(0.63, 0.63, 0.63, 0.63)
    # The same commands took the load processes 17 % more CPU: a miss is inconclusive …
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0, first_cpu=steady, last_cpu=heavy)) is None
    # … and so is a met bar when that happened in the first round.
    assert soak_verdict_of(soak_run(0.02, 0, 30.0, 20.0, first_cpu=heavy, last_cpu=steady)) is None
    # Within 10 % the machine counts as unchanged: the miss stands, as does the table cell.
    assert soak_verdict_of(soak_run(0.02, 0, 20.0, 30.0, first_cpu=steady, last_cpu=near)) is False
    text = report.markdown(
        [
            {
                "name": "test",
                "versions": {},
                "runs": [
                    {
                        **soak_run(0.02, 0, 20.0, 30.0, first_cpu=steady, last_cpu=heavy),
                        "mode": "eventlet",
                        "scenario": "soak",
                        "target": "cocreate",
                    }
                ],
            }
        ]
    )
    assert "| 0.80 / 0.80 | 2.40 / 2.80 | inconclusive ⚠ |" in text


def test_every_scenario_has_a_player_and_shows_a_failed_run_in_the_report():
    from bench.play import PLAYERS
    from bench.scenarios import SCENARIOS

    for name, spec in SCENARIOS.items():
        runs = [
            {"ok": False, "error": "server failed", "mode": "eventlet", "scenario": name, "target": target}
            for target in spec["targets"]
        ]
        text = report.markdown([{"name": "test", "versions": {}, "runs": runs}])

        assert spec["kind"] in PLAYERS, name
        assert "failed: server failed" in text, name
