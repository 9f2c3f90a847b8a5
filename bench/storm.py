"""The reconnect storm and the soak, with load from several processes (bench/fleet.py).

Reconnect storm: 200 participants in 10 workshops (each holding a few dozen notes) lose
their connection at once, as when the room's Wi-Fi drops, and all come back at the same
moment: the time from coming back until each has a fresh snapshot (its `seq` and notes
those of the workshop as it was left). The relay's connect storm is the floor: the same
200 clients connecting at once, the relay answering each with a message the size of
cocreate's snapshot.

Soak: a two-hour workshop compressed into about five minutes. 5 workshops of 20 and a
facilitator each go through rounds of the real mix (step changes, a timer, notes
written, edited and moved, a dot vote opened, cast, retracted and closed, actions
added and updated), each person waiting for an answer before the next command. After a
warm-up round, the server's resident memory and open files must not grow, and the last
round's p99 (a command until everyone else has its event) must stay near the first's.
"""

import random
import statistics
import time
import uuid

from .measure import deliveries, soak_verdict, summary_ms
from .scenes import TEXTS

DEFAULT_SNAPSHOT_BYTES = 12000


def reconnect_storm(scene, spec):
    notes = scene.spec(spec, "notes")
    setup = scene.setup(spec["workshops"], spec["participants"])
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    by_group = {}
    for member in scene.members:
        by_group.setdefault(member["group"], []).append(member["index"])
    # Fill each workshop with notes, written by its members in turn.
    calls = [(by_group[w][k % len(by_group[w])], "note:add",
              {"id": str(uuid.uuid4()), "step": 0, "text": TEXTS[k % len(TEXTS)]})
             for w in sorted(by_group) for k in range(notes)]
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
        "params": {"workshops": spec["workshops"], "participants_per_workshop":
                   spec["participants"], "participants": len(answers), "notes_per_workshop": notes},
        "setup": setup,
        "reconnect_to_snapshot_ms": summary_ms(times),
        "without_snapshot": missing,
        "stale_snapshots": stale,
        "errors": errors[:5],
        "snapshot_bytes": int(statistics.median(sizes)) if sizes else None,
        "server_cpu_ms_per_reconnect": (None if not times else
                                        round(cpu["server_cpu_s"] * 1000 / len(times), 3)),
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
            at(t1, person, "note:add", {"id": first, "step": step,
                                        "text": TEXTS[(number * 7 + position) % len(TEXTS)]})
            at(t2, person, "note:add", {"id": second, "step": step,
                                        "text": TEXTS[(number * 11 + position) % len(TEXTS)]})
            at(rng.uniform(0.37, 0.41), person, "note:edit",
               {"id": first, "text": TEXTS[(number * 13 + position) % len(TEXTS)] + " (bijgewerkt)"})
            at(rng.uniform(0.42, 0.45), person, "note:move",
               {"id": second, "x": round(rng.uniform(0, 0.9), 3), "y": round(rng.uniform(0, 0.8), 3)})
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
                at(rng.uniform(0.82, 0.88), person, "action:add",
                   {"id": action, "title": f"Actie {number}-{person}", "note_ids": [first]})
                at(rng.uniform(0.9, 0.95), person, "action:edit", {"id": action, "status": "doing"})
        at(0.97 + lag, facilitator, "timer:stop", {})
    return items


def soak(scene, spec):
    warmup, length, rounds = (scene.spec(spec, n) for n in ("warmup_s", "round_s", "rounds"))
    setup = scene.setup(spec["workshops"], spec["participants"], with_facilitators=True,
                        key_mode="seq")
    if setup["connected"] < setup["wanted"]:
        return {"ok": False, "error": "not every participant could connect", "setup": setup}
    people, chair = {}, {}
    for member in scene.members:
        if member["name"] == "F":
            chair[member["group"]] = member["index"]
        else:
            people.setdefault(member["group"], []).append(member["index"])
    workshops = [(chair[w], people[w]) for w in sorted(people)]
    rng = random.Random(7)
    time.sleep(1.0)

    def play(number, seconds):
        scene.begin(f"round{number}")
        sends, late = scene.fleet.run(soak_round(workshops, number, time.monotonic() + 0.2,
                                                 seconds, rng), wait_ack=True)
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
        return {"round": number, "commands": len(sends), "refused": codes, "late_sends": late,
                "lost": merged["lost"], "latency_all_ms": summary_ms(merged["latencies"]),
                "ack_ms": summary_ms([s["acked"] - s["sent"] for s in sends if s["acked"]]),
                "ack_p99_ms_by_command": {name: summary_ms(times)["p99"]
                                          for name, times in sorted(by_command.items())},
                "cpu": cpu}

    warm = play(0, warmup)
    rss_start, fds_start = scene.watch.now("server0")
    scene.begin("soak")
    played = []
    for number in range(1, rounds + 1):
        played.append(play(number, length))
        print(f"[soak] round {number}: p99 {played[-1]['latency_all_ms']['p99']} ms, "
              f"RSS {scene.watch.now('server0')[0] / 2**20:.1f} MiB", flush=True)
    cpu = scene.end("soak")
    time.sleep(1.0)  # connections and files of the last commands are closed
    rss_end, fds_end = scene.watch.now("server0")
    first, last = played[0]["latency_all_ms"]["p99"], played[-1]["latency_all_ms"]["p99"]
    verdict = soak_verdict(rss_start, rss_end, fds_start, fds_end, first, last)
    series = [(round(at - scene.watch.marks["soak"]["at"], 1), round(row["server0"][0] / 2**20, 1),
               row["server0"][1]) for at, row in scene.watch.samples if "server0" in row]
    return {
        "ok": True,
        "params": {"workshops": spec["workshops"], "participants_per_workshop":
                   spec["participants"], "warmup_s": warmup, "round_s": length,
                   "rounds": rounds},
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
