"""A workshop's life under load: the vote storm, joins of a full workshop, everyone
reconnecting at once, and two hours of a workshop in a few minutes.

- vote storm (cocreate only): every participant casts their whole budget at once; the
  `voting.closed` tallies must equal what was cast, exactly, and a cast past the budget
  must be refused.
- joins of a 300-note workshop (cocreate only): from starting to connect until the
  `snapshot` has arrived, one join at a time.
- reconnect storm: 200 participants in 10 workshops (each holding a few dozen notes) lose
  their connection at once, as when the room's Wi-Fi drops, and all come back at the same
  moment: the time from coming back until each has a fresh snapshot (its `seq` and notes
  those of the workshop as it was left). The relay's connect storm is the floor: the same
  clients connecting at once, the relay answering each with a message the size of
  cocreate's snapshot.
- soak: a two-hour workshop compressed into a few minutes. 5 workshops of 20 and a
  facilitator each go through rounds of the real mix (step changes, a timer, notes
  written, edited and moved, a dot vote opened, cast, retracted and closed, actions added
  and updated), each person waiting for an answer before the next command. After a
  warm-up round, the server's resident memory and open files must not grow, and the last
  round's p99 (a command until everyone else has its event) must stay near the first's.
"""

import random
import statistics
import time
import uuid
from collections import Counter

from cocreate import protocol as p

from .measure import deliveries, soak_verdict, summary_ms
from .scene import TEXTS


def vote_storm(scene, spec):
    """Everyone casts their whole budget at once; the tallies must be exact."""
    if scene.target == "relay":
        return {"ok": False, "error": "vote-storm has no relay equivalent"}
    voters, budget, note_count = scene.spec(spec, "participants"), spec["budget"], spec["notes"]
    setup = scene.setup(1, voters, with_facilitators=True, key_mode="seq", keep=(p.VOTING_CLOSED,))
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    workshop_id = scene.made[0]["id"]
    facilitator = next(m["index"] for m in scene.members if m["name"] == "F")
    members = scene.by_group()[0]
    voting_step = 3
    note_ids = [str(uuid.uuid4()) for _ in range(note_count)]
    answers = scene.fleet.calls(
        [
            (facilitator, p.NOTE_ADD, {"id": note_id, "step": voting_step, "text": f"Idee {i + 1}"})
            for i, note_id in enumerate(note_ids)
        ]
    )
    refused = [a for a in answers if not a.get("ok")]
    if refused:
        return {"ok": False, "error": f"note:add refused: {refused[0]}", "setup": setup}
    opened = scene.fleet.calls([(facilitator, p.VOTING_OPEN, {"step": voting_step, "budget": budget})])[0]
    if not opened.get("ok"):
        return {"ok": False, "error": f"voting:open refused: {opened}", "setup": setup}
    scene.fleet.settle(quiet=0.5, timeout=20)  # everyone has the notes and the open vote
    scene.fleet.collect()

    plans = {m: [random.Random(1000 + m).choice(note_ids) for _ in range(budget)] for m in members}
    expected = Counter(note for plan in plans.values() for note in plan)
    t0 = time.monotonic() + 0.2
    scene.begin()
    sends, _late = scene.fleet.run(
        [(t0, m, p.VOTE_CAST, {"note_id": note}, None, True) for m, plan in plans.items() for note in plan]
    )
    delivered = scene.fleet.settle(quiet=1.0, timeout=120)
    cpu = scene.end()
    receipts, _streams = scene.fleet.collect()
    for send in sends:
        send["key"] = f"{workshop_id}#{send['seq']}" if send["ok"] else None
        send["sender"] = None  # everyone has the changed tally, the voter too
    merged = deliveries(sends, receipts, scene.audience)
    good = sum(1 for s in sends if s["ok"])
    codes = Counter("ok" if s["ok"] else s["code"] for s in sends)
    t_emitted = max((s["sent"] for s in sends if s["sent"]), default=t0)
    t_acked = max((s["acked"] for s in sends if s["acked"]), default=t0)
    t_delivered = merged["last_arrival"] or t_acked

    # One more dot each: must be refused, never past the budget.
    extra = scene.fleet.calls([(m, p.VOTE_CAST, {"note_id": note_ids[0]}) for m in members])
    extra_codes = Counter("ok" if a.get("ok") else a["error"]["code"] for a in extra)
    closed = scene.fleet.calls([(facilitator, p.VOTING_CLOSE, {})])[0]
    scene.fleet.settle(quiet=0.5, timeout=30)
    scene.fleet.collect()
    seen = [(scene.fleet.kept.get((m, p.VOTING_CLOSED)) or {}).get("tallies") for m in scene.audience[0]]
    wanted_tallies = {note_id: expected.get(note_id, 0) for note_id in note_ids}
    exact = all(tallies == wanted_tallies for tallies in seen)
    viewers = len(scene.audience[0])
    received = merged["delivered"]
    return {
        "ok": True,
        "params": {
            "participants": voters,
            "budget": budget,
            "notes": note_count,
            "casts": voters * budget,
            "viewers": viewers,
        },
        "setup": setup,
        "casts": {"acked": sum(1 for s in sends if s["acked"]) == len(sends), "codes": dict(codes)},
        "over_budget_cast": dict(extra_codes),
        "never_past_budget": extra_codes.get("budget_exceeded", 0) == voters,
        "tallies_exact": exact,
        "tally_total": sum((seen[0] or {}).values()) if seen else 0,
        "cast_total_ok": good,
        "voting_close_ok": bool(closed.get("ok")),
        "deliveries": {
            "expected": merged["expected"],
            "delivered": received,
            "lost": merged["lost"],
            "all_delivered": delivered and not merged["lost"],
            "casts_not_fully_delivered": good - merged["complete"],
        },
        "storm": {
            "emit_s": round(t_emitted - t0, 3),
            "all_acked_s": round(t_acked - t0, 3),
            "all_delivered_s": round(t_delivered - t0, 3),
            "casts_per_s": round(good / max(t_acked - t0, 1e-9), 1),
            "events_per_s": round(received / max(t_delivered - t0, 1e-9), 1),
        },
        "ack_ms": summary_ms([s["acked"] - s["sent"] for s in sends if s["acked"]]),
        # Per cast: emit until every viewer had its vote.changed.
        "latency_all_ms": summary_ms(merged["latencies"]),
        "server_cpu_us_per_delivery": (None if not received else round(cpu["server_cpu_s"] * 1e6 / received, 1)),
        "server_cpu_ms_per_cast": None if not good else round(cpu["server_cpu_s"] * 1000 / good, 3),
        "cpu": cpu,
        "memory": scene.memory(),
    }


def snapshot_joins(scene, spec):
    """Joins of a 300-note workshop: connect until the snapshot has arrived, one at a time."""
    if scene.target == "relay":
        return {"ok": False, "error": "snapshot-300 has no relay equivalent"}
    joins = scene.spec(spec, "joins")
    setup = scene.setup(1, spec["writers"])
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}

    def join_and_leave(name):
        index, answer = scene.join(name)
        scene.fleet.disconnect([index])
        return answer

    # The same joins into the same room before any note: what a join costs without notes.
    empty = [join_and_leave(f"E{j:03d}") for j in range(joins)]
    # Spread over the four steps; step 3 has lanes, the first lane is taken.
    refused = scene.add_notes(scene.by_group()[0][: spec["writers"]], spec["notes"], steps=4)
    if refused:
        return {"ok": False, "error": f"note:add refused: {refused}", "setup": setup}
    scene.fleet.settle(quiet=0.5, timeout=20)
    scene.begin()
    full = [join_and_leave(f"J{j:03d}") for j in range(joins)]  # one join, not a crowd
    cpu = scene.end()
    return {
        "ok": True,
        "params": {"notes": spec["notes"], "writers": spec["writers"], "joins": joins},
        "setup": setup,
        "snapshot_notes": sorted({a["notes"] for a in full}),
        "snapshot_bytes": full[0]["bytes"] if full else None,
        # From starting to connect until the snapshot has arrived.
        "join_snapshot_ms": summary_ms([a["snapshot_at"] - a["started"] for a in full]),
        "empty_workshop_join_ms": summary_ms([a["snapshot_at"] - a["started"] for a in empty]),
        "cpu": cpu,
        "memory": scene.memory(),
    }


DEFAULT_SNAPSHOT_BYTES = 12000


def reconnect_storm(scene, spec):
    notes = scene.spec(spec, "notes")
    setup = scene.setup(spec["workshops"], spec["participants"])
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    by_group = scene.by_group()
    # Fill each workshop with notes, written by its members in turn.
    calls = [
        (
            by_group[w][k % len(by_group[w])],
            p.NOTE_ADD,
            {"id": str(uuid.uuid4()), "step": 0, "text": TEXTS[k % len(TEXTS)]},
        )
        for w in sorted(by_group)
        for k in range(notes)
    ]
    answers = scene.fleet.calls(calls)
    refused = [a for a in answers if not a.get("ok")]
    if refused:
        return {"ok": False, "error": f"note:add refused: {refused[0]}", "setup": setup}
    expected_seq = {}
    for (member, _command, _payload), answer in zip(calls, answers):
        group = scene.group_of[member]
        expected_seq[group] = max(expected_seq.get(group, 0), answer["seq"])
    time.sleep(1.0)  # the notes reach everyone before the Wi-Fi drops
    pad = None
    if scene.target == "relay":
        pad = {"snapshot_bytes": scene.args.snapshot_bytes or DEFAULT_SNAPSHOT_BYTES}
    scene.begin()
    scene.fleet.disconnect(start_at=time.monotonic() + 0.2)
    back = time.monotonic() + 0.5
    answers = scene.fleet.connect(start_at=back, concurrency=0, auth_extra=pad)
    cpu = scene.end()
    times, missing, stale, sizes = [], 0, 0, []
    for index, answer in answers.items():
        if "error" in answer or answer.get("snapshot_at") is None:
            missing += 1
            continue
        times.append(answer["snapshot_at"] - back)
        sizes.append(answer["bytes"])
        group = scene.group_of[index]
        fresh = answer["seq"] == expected_seq[group]
        if scene.target == "cocreate":
            fresh = fresh and answer["notes"] == notes
        stale += 0 if fresh else 1
    errors = sorted({a["error"] for a in answers.values() if "error" in a})
    return {
        "ok": True,
        "params": {
            "workshops": spec["workshops"],
            "participants_per_workshop": spec["participants"],
            "participants": len(answers),
            "notes_per_workshop": notes,
        },
        "setup": setup,
        "reconnect_to_snapshot_ms": summary_ms(times),
        "without_snapshot": missing,
        "stale_snapshots": stale,
        "errors": errors[:5],
        "snapshot_bytes": int(statistics.median(sizes)) if sizes else None,
        "server_cpu_ms_per_reconnect": (None if not times else round(cpu["server_cpu_s"] * 1000 / len(times), 3)),
        "cpu": cpu,
        "memory": scene.memory(),
    }


# -- the soak -------------------------------------------------------------------------------


def soak_round(workshops, number, start, length, rng):
    """One round of a workshop's agenda, for each workshop: a list of script items.

    `workshops`: [(facilitator member, [participant members])]. Everything happens at a
    fraction of the round: the facilitator moves the step and starts a timer, people
    write two notes each on it, edit the first and move the second, vote twice on
    others' notes (a quarter take one dot back), a quarter add an action and update it;
    the facilitator opens and closes the vote and stops the timer. The workshops'
    facilitators are different people: each acts at a moment of their own (up to 2 % of
    the round apart), never all in the same millisecond.
    """
    step = number % 2
    items = []

    def at(fraction, member, command, payload):
        items.append((start + fraction * length, member, command, payload, None, True))

    for facilitator, people in workshops:
        lag = rng.uniform(0.0, 0.02)
        at(0.0 + lag, facilitator, "step:go", {"index": step})
        at(0.02 + lag, facilitator, "timer:start", {"seconds": 600, "lock_at_end": False})
        written = []
        for position, person in enumerate(people):
            first, second = str(uuid.uuid4()), str(uuid.uuid4())
            t1, t2 = rng.uniform(0.05, 0.2), rng.uniform(0.21, 0.36)
            at(t1, person, p.NOTE_ADD, {"id": first, "step": step, "text": TEXTS[(number * 7 + position) % len(TEXTS)]})
            at(
                t2,
                person,
                p.NOTE_ADD,
                {"id": second, "step": step, "text": TEXTS[(number * 11 + position) % len(TEXTS)]},
            )
            at(
                rng.uniform(0.37, 0.41),
                person,
                "note:edit",
                {"id": first, "text": TEXTS[(number * 13 + position) % len(TEXTS)] + " (bijgewerkt)"},
            )
            at(
                rng.uniform(0.42, 0.45),
                person,
                "note:move",
                {"id": second, "x": round(rng.uniform(0, 0.9), 3), "y": round(rng.uniform(0, 0.8), 3)},
            )
            written.append((person, first, second))
        at(0.46 + lag, facilitator, "voting:open", {"step": step, "budget": 20})
        for person, first, _second in written:
            others = [note for owner, a, b in written if owner != person for note in (a, b)]
            choices = rng.sample(others, 2)
            at(rng.uniform(0.5, 0.6), person, "vote:cast", {"note_id": choices[0]})
            at(rng.uniform(0.61, 0.7), person, "vote:cast", {"note_id": choices[1]})
            if person % 4 == 0:
                at(rng.uniform(0.71, 0.76), person, "vote:retract", {"note_id": choices[0]})
        at(0.78 + lag, facilitator, "voting:close", {})
        for person, first, _second in written:
            if person % 4 == 1:
                action = str(uuid.uuid4())
                at(
                    rng.uniform(0.82, 0.88),
                    person,
                    "action:add",
                    {"id": action, "title": f"Actie {number}-{person}", "note_ids": [first]},
                )
                at(rng.uniform(0.9, 0.95), person, "action:edit", {"id": action, "status": "doing"})
        at(0.97 + lag, facilitator, "timer:stop", {})
    return items


def soak(scene, spec):
    warmup, length, rounds = (scene.spec(spec, n) for n in ("warmup_s", "round_s", "rounds"))
    setup = scene.setup(spec["workshops"], spec["participants"], with_facilitators=True, key_mode="seq")
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    chair = {m["group"]: m["index"] for m in scene.members if m["name"] == "F"}
    people = scene.by_group()
    workshops = [(chair[w], people[w]) for w in sorted(people)]
    rng = random.Random(7)
    time.sleep(1.0)

    def play(number, seconds):
        scene.begin(f"round{number}")
        sends, late = scene.fleet.run(
            soak_round(workshops, number, time.monotonic() + 0.2, seconds, rng), wait_ack=True
        )
        scene.fleet.settle(quiet=0.5, timeout=20)
        cpu = scene.end(f"round{number}")
        receipts, _streams = scene.fleet.collect()
        for send in sends:
            send["key"] = f"{send['workshop']}#{send['seq']}" if send["ok"] else None
        merged = deliveries(sends, receipts, scene.audience)
        codes, by_command = {}, {}
        for send in sends:
            if not send["ok"]:
                codes[send["code"]] = codes.get(send["code"], 0) + 1
            if send["acked"]:
                by_command.setdefault(send["command"], []).append(send["acked"] - send["sent"])
        return {
            "round": number,
            "commands": len(sends),
            "refused": codes,
            "late_sends": late,
            "lost": merged["lost"],
            "latency_all_ms": summary_ms(merged["latencies"]),
            "ack_ms": summary_ms([s["acked"] - s["sent"] for s in sends if s["acked"]]),
            "ack_p99_ms_by_command": {name: summary_ms(times)["p99"] for name, times in sorted(by_command.items())},
            "cpu": cpu,
        }

    warm = play(0, warmup)
    rss_start, fds_start = scene.watch.now("server0")
    scene.begin("soak")
    played = []
    for number in range(1, rounds + 1):
        played.append(play(number, length))
        print(
            f"[soak] round {number}: p99 {played[-1]['latency_all_ms']['p99']} ms, "
            f"RSS {scene.watch.now('server0')[0] / 2**20:.1f} MiB",
            flush=True,
        )
    cpu = scene.end("soak")
    time.sleep(1.0)  # connections and files of the last commands are closed
    rss_end, fds_end = scene.watch.now("server0")
    first, last = played[0]["latency_all_ms"]["p99"], played[-1]["latency_all_ms"]["p99"]
    verdict = soak_verdict(rss_start, rss_end, fds_start, fds_end, first, last)
    series = [
        (round(at - scene.watch.marks["soak"]["at"], 1), round(row["server0"][0] / 2**20, 1), row["server0"][1])
        for at, row in scene.watch.samples
        if "server0" in row
    ]
    return {
        "ok": True,
        "params": {
            "workshops": spec["workshops"],
            "participants_per_workshop": spec["participants"],
            "warmup_s": warmup,
            "round_s": length,
            "rounds": rounds,
        },
        "setup": setup,
        "warmup": warm,
        "rounds": played,
        "commands": sum(r["commands"] for r in played),
        "lost": sum(r["lost"] for r in played),
        "refused": sum(sum(r["refused"].values()) for r in played),
        "rss_mib": {"start": round(rss_start / 2**20, 1), "end": round(rss_end / 2**20, 1)},
        "fds": {"start": fds_start, "end": fds_end},
        "verdict": verdict,
        "series": series[::4],
        "cpu": cpu,
        "memory": scene.memory(),
    }
