"""Scale-out: two `cocreate serve` processes sharing a real Redis message queue and a
real PostgreSQL database, with a real nginx in front (DESIGN.md section 3).

Participants connected to different processes see each other's changes in one
gap-free `seq`, a vote storm across both processes counts exactly, presence spans
processes, and when one process dies the other's clients keep working and the dead
one's clients come back through nginx.
"""

import json
import threading

import requests

from cocreate import protocol as p
from cocreate.store import normalise_database_url, printable_database_url

from support import PLATFORM, new_id, ok, refused, wait_all

SHARED = ("seq", "workshop", "steps", "participants", "notes")


def public_seqs(client):
    """The `seq` of every event the client got for everyone (not its own fuller copies)."""
    return [event["seq"] for event in client.events if not event.get("own")]


def board(snapshot):
    """What every viewer shares in a snapshot (no `me`, no clock, no note's `mine`)."""
    shared = {key: snapshot[key] for key in SHARED}
    shared["notes"] = [{key: value for key, value in note.items() if key != "mine"} for note in snapshot["notes"]]
    return shared


def me(client):
    """The participant id of the client's viewer."""
    return client.snapshots[0]["me"]["id"]


def wait_for_presence(client, online):
    """Until the client's latest presence message lists exactly `online`."""
    client.wait_for(lambda: client.presence and set(client.presence[-1]["online"]) == online)


def wait_for_disconnect(client, timeout=10):
    """Until the server side has closed the client's socket (waits on the client's loop)."""
    waiter = threading.Thread(target=client.sio.wait, daemon=True)
    waiter.start()
    waiter.join(timeout)
    assert not waiter.is_alive(), "the client is still connected"


def sources_by_process(cluster):
    """One loopback client address per process, as nginx's `hash $remote_addr` spreads them."""
    ports = {live.port for live in cluster.servers}
    chosen = {}
    for last in range(2, 250):
        source = f"127.0.0.{last}"
        chosen.setdefault(cluster.nginx.backend_for(source), source)
        if set(chosen) == ports:
            return [chosen[live.port] for live in cluster.servers]
    raise AssertionError(f"nginx sent every address to the same process: {chosen}")


def test_database_urls_as_hosts_hand_them_out_use_psycopg_3():
    assert normalise_database_url("postgres://u:p@db:5432/c") == "postgresql+psycopg://u:p@db:5432/c"
    assert normalise_database_url("postgresql://db/c") == "postgresql+psycopg://db/c"
    assert normalise_database_url("postgresql+psycopg2://db/c") == "postgresql+psycopg2://db/c"
    assert normalise_database_url("sqlite:///x.sqlite3") == "sqlite:///x.sqlite3"
    assert printable_database_url("postgres://u:p4ss@db/c") == "postgresql+psycopg://u:***@db/c"


def test_clients_of_two_processes_share_one_board_and_one_seq(cluster, clients):
    first, second = cluster.servers
    workshop = first.create_workshop("Schaaldag", goal="Twee processen, één bord")
    wid = workshop["id"]
    people = {"Anna": first.join(wid, "Anna"), "Bram": second.join(wid, "Bram"), "Chris": second.join(wid, "Chris")}
    facilitator = clients(first.url, wid, workshop["facilitator_token"])
    anna = clients(first.url, wid, people["Anna"]["token"])
    bram = clients(second.url, wid, people["Bram"]["token"])
    chris = clients(second.url, wid, people["Chris"]["token"])
    everyone = [facilitator, anna, bram, chris]

    # Presence is the union of both processes' viewers, on both processes.
    online = {me(client) for client in everyone}
    assert len(online) == 4
    for client in everyone:
        wait_for_presence(client, online)

    # The same workshop state from both processes before anything happens.
    assert board(anna.snapshots[0]) == board(chris.snapshots[0])

    notes = {}
    acks = []
    for name, client in (("Anna", anna), ("Bram", bram), ("Chris", chris), ("Facilitator", facilitator)):
        notes[name] = new_id()
        acks.append(ok(client.call(p.NOTE_ADD, {"id": notes[name], "step": 0, "text": f"Doel van {name}"})))
    acks.append(ok(anna.call(p.NOTE_EDIT, {"id": notes["Anna"], "text": "Meer klanten, minder moeite"})))
    acks.append(ok(bram.call(p.PARTICIPANT_READY, {"ready": True})))
    acks.append(ok(facilitator.call(p.WORKSHOP_EDIT, {"title": "Schaaldag (middag)"})))
    acks.append(ok(facilitator.call(p.VOTING_OPEN, {"step": 0, "budget": 3})))
    acks.append(ok(anna.call(p.VOTE_CAST, {"note_id": notes["Bram"]})))
    acks.append(ok(bram.call(p.VOTE_CAST, {"note_id": notes["Anna"]})))
    acks.append(ok(chris.call(p.VOTE_CAST, {"note_id": notes["Anna"]})))
    acks.append(ok(chris.call(p.VOTE_CAST, {"note_id": notes["Bram"]})))
    acks.append(ok(facilitator.call(p.VOTING_CLOSE, {})))
    acks.append(ok(facilitator.call(p.STEP_GO, {"index": PLATFORM})))
    platform_note = new_id()
    acks.append(
        ok(
            chris.call(
                p.NOTE_ADD,
                {"id": platform_note, "step": PLATFORM, "lane": "dialogue", "text": "Elke maand een open gesprek"},
            )
        )
    )
    seqs = [ack["seq"] for ack in acks]
    start, last = seqs[0], seqs[-1]
    assert seqs == list(range(start, last + 1))
    assert start == anna.snapshots[0]["seq"] + 1

    # Every client, on either process, got every event once, in seq order, no gaps.
    wait_all(last, *everyone)
    for client in everyone:
        assert public_seqs(client) == list(range(start, last + 1))

    # Changes made on one process arrive on the other with their content.
    added = {
        event["data"]["id"]: event["data"]["text"]
        for event in bram.events
        if event["type"] == p.NOTE_ADDED and not event.get("own")
    }
    assert added[notes["Anna"]] == "Doel van Anna"
    assert added[platform_note] == "Elke maand een open gesprek"
    for client in everyone:
        closed = [e for e in client.events if e["type"] == p.VOTING_CLOSED]
        assert [e["data"]["tallies"] for e in closed] == [
            {notes["Anna"]: 2, notes["Bram"]: 2, notes["Chris"]: 0, notes["Facilitator"]: 0}
        ]
        steps = [e["data"] for e in client.events if e["type"] == p.STEP_CHANGED]
        assert len(steps) == 1

    # A fresh snapshot from either process is the same board at the same seq.
    from_first, from_second = ok(anna.call(p.SYNC, {})), ok(chris.call(p.SYNC, {}))
    assert from_first["seq"] == from_second["seq"] == last
    assert board(from_first["snapshot"]) == board(from_second["snapshot"])
    assert from_first["snapshot"]["workshop"]["title"] == "Schaaldag (middag)"
    assert len(from_first["snapshot"]["notes"]) == 5

    # Someone leaving the second process leaves the presence of the first.
    chris.close()
    for client in (facilitator, anna, bram):
        wait_for_presence(client, online - {me(chris)})


def test_deleting_a_workshop_on_one_process_closes_it_for_viewers_of_the_other(cluster, clients):
    first, second = cluster.servers
    workshop = first.create_workshop("Kort bestaan")
    wid = workshop["id"]
    there = clients(second.url, wid, second.join(wid, "Bram")["token"])

    answer = requests.delete(
        f"{first.url}/api/workshops/{wid}",
        timeout=10,
        headers={"Authorization": f"Bearer {workshop['facilitator_token']}"},
    )

    assert answer.status_code == 204
    there.wait_for(lambda: there.closed)
    assert there.closed == [{"reason": "deleted"}]
    refused(there.call(p.NOTE_ADD, {"id": new_id(), "step": 0, "text": "Te laat"}), "not_found")


def test_a_vote_storm_across_both_processes_counts_exactly(cluster, clients):
    first, second = cluster.servers
    workshop = second.create_workshop("Stemstorm")
    wid = workshop["id"]
    facilitator = clients(second.url, wid, workshop["facilitator_token"])
    note_ids = [new_id() for _ in range(3)]
    for index, note_id in enumerate(note_ids):
        ok(facilitator.call(p.NOTE_ADD, {"id": note_id, "step": 0, "text": f"Idee {index}"}))

    budget, count = 4, 10
    voters = []
    for index in range(count):
        live = (first, second)[index % 2]
        person = live.join(wid, f"Stemmer {index}")
        voters.append(clients(live.url, wid, person["token"]))
    everyone = [facilitator, *voters]
    opened = ok(facilitator.call(p.VOTING_OPEN, {"step": 0, "budget": budget}))

    # Each voter spends the whole budget and then one dot too many, all at once.
    plans = [[note_ids[(index + dot) % 3] for dot in range(budget + 1)] for index in range(count)]
    acks = [[] for _ in range(count)]
    start = threading.Barrier(count)

    def storm(index):
        start.wait(10)
        for note_id in plans[index]:
            acks[index].append(voters[index].call(p.VOTE_CAST, {"id": new_id(), "note_id": note_id}))

    threads = [threading.Thread(target=storm, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)

    for mine in acks:
        assert [ack["ok"] for ack in mine] == [True] * budget + [False]
        assert mine[-1]["error"]["code"] == "budget_exceeded"
    cast_seqs = sorted(ack["seq"] for mine in acks for ack in mine[:budget])
    assert cast_seqs == list(range(opened["seq"] + 1, opened["seq"] + 1 + count * budget))

    closed = ok(facilitator.call(p.VOTING_CLOSE, {}))
    assert closed["seq"] == cast_seqs[-1] + 1
    wait_all(closed["seq"], *everyone)
    expected = {note_id: sum(plan[:budget].count(note_id) for plan in plans) for note_id in note_ids}
    assert sum(expected.values()) == count * budget
    for client in everyone:
        # Gap-free from the client's snapshot on (later voters joined after it connected).
        assert public_seqs(client) == list(range(client.snapshots[0]["seq"] + 1, closed["seq"] + 1))
        tallies = [e["data"]["tallies"] for e in client.events if e["type"] == p.VOTING_CLOSED]
        assert tallies == [expected]
    for voter in voters:
        own = [e for e in voter.events if e.get("own") and e["type"] == p.VOTE_CHANGED]
        assert len(own) == budget
    after = ok(voters[1].call(p.SYNC, {}))["snapshot"]
    assert after["seq"] == closed["seq"]


def test_through_nginx_sticky_sessions_long_polling_upgrades_and_both_processes(cluster, clients, proxied_clients):
    nginx = cluster.nginx
    to_first, to_second = sources_by_process(cluster)
    with nginx.session(to_first) as http:
        # Through the proxy the app sees the address the browser used (Host with port).
        created = http.post(
            nginx.url + "/api/workshops", json={"title": "Via nginx"}, headers={"Origin": nginx.url}, timeout=10
        )
        assert created.status_code == 201, created.text
        workshop = created.json()
        assert workshop["urls"]["join"].startswith(nginx.url + "/w/")
        anna = http.post(
            f"{nginx.url}/api/workshops/{workshop['id']}/participants",
            json={"name": "Anna"},
            headers={"Origin": nginx.url},
            timeout=10,
        )
        assert anna.status_code == 201, anna.text
    wid = workshop["id"]
    bram = cluster.servers[1].join(wid, "Bram")

    on_first = proxied_clients(nginx, to_first, wid, anna.json()["token"])
    on_second = proxied_clients(nginx, to_second, wid, bram["token"])
    watcher = clients(cluster.servers[0].url, wid, workshop["facilitator_token"])
    for client in (on_first, on_second):
        assert client.sio.transport() == "websocket"  # the upgrade went through nginx

    first_note, second_note = new_id(), new_id()
    ok(on_first.call(p.NOTE_ADD, {"id": first_note, "step": 0, "text": "Van de eerste"}))
    last = ok(on_second.call(p.NOTE_ADD, {"id": second_note, "step": 0, "text": "Van de tweede"}))["seq"]
    wait_all(last, on_first, on_second, watcher)
    for client in (on_first, on_second, watcher):
        assert public_seqs(client) == [last - 1, last]
        assert [e["data"]["text"] for e in client.events] == ["Van de eerste", "Van de tweede"]


def test_when_one_process_dies_the_others_clients_keep_working(fresh_cluster, clients, proxied_clients):
    dying, surviving = fresh_cluster.servers
    nginx = fresh_cluster.nginx
    to_dying, to_surviving = sources_by_process(fresh_cluster)
    workshop = surviving.create_workshop("Uitvaldag")
    wid = workshop["id"]
    tokens = {
        name: (dying if name in ("Anna", "Dirk") else surviving).join(wid, name)["token"]
        for name in ("Anna", "Bram", "Dirk", "Eva")
    }
    facilitator = clients(surviving.url, wid, workshop["facilitator_token"])
    anna = clients(dying.url, wid, tokens["Anna"])
    bram = clients(surviving.url, wid, tokens["Bram"])
    dirk = proxied_clients(nginx, to_dying, wid, tokens["Dirk"])
    eva = proxied_clients(nginx, to_surviving, wid, tokens["Eva"])
    survivors = [facilitator, bram, eva]
    online = {me(client) for client in (facilitator, anna, bram, dirk, eva)}
    for client in survivors:
        wait_for_presence(client, online)

    before = ok(anna.call(p.NOTE_ADD, {"id": new_id(), "step": 0, "text": "Voor de crash"}))
    wait_all(before["seq"], *survivors, dirk)

    dying.kill()
    wait_for_disconnect(anna)
    wait_for_disconnect(dirk)

    # The surviving process goes on: notes, steps and votes, in one gap-free seq.
    note_id = new_id()
    acks = [
        ok(bram.call(p.NOTE_ADD, {"id": note_id, "step": 0, "text": "Na de crash"})),
        ok(eva.call(p.PARTICIPANT_READY, {"ready": True})),
        ok(facilitator.call(p.VOTING_OPEN, {"step": 0, "budget": 2})),
        ok(eva.call(p.VOTE_CAST, {"note_id": note_id})),
        ok(facilitator.call(p.STEP_GO, {"index": 1})),
    ]
    last = acks[-1]["seq"]
    assert [ack["seq"] for ack in acks] == list(range(before["seq"] + 1, last + 1))
    wait_all(last, *survivors)
    for client in survivors:
        assert public_seqs(client) == list(range(before["seq"], last + 1))

    # The dead process's viewers leave the presence once its heartbeat has expired.
    for client in survivors:
        wait_for_presence(client, online - {me(anna), me(dirk)})

    # They come back: straight to the survivor, or through nginx, which now sends the
    # dead process's clients to the survivor; they catch up and carry on.
    anna_again = clients(surviving.url, wid, tokens["Anna"])
    dirk_again = proxied_clients(nginx, to_dying, wid, tokens["Dirk"])
    for client in (anna_again, dirk_again):
        assert client.snapshots[0]["seq"] == last
        assert client.snapshots[0]["workshop"]["current_step"] == 1
    final = ok(dirk_again.call(p.NOTE_ADD, {"id": new_id(), "step": 1, "text": "Terug"}))
    assert final["seq"] == last + 1
    wait_all(final["seq"], *survivors, anna_again)
    for client in survivors + [anna_again, dirk_again]:
        wait_for_presence(client, online)


def test_a_backup_round_trip_through_postgresql_keeps_everything(cluster, clients):
    first, second = cluster.servers
    workshop = first.create_workshop("Back-up in PostgreSQL", goal="Alles blijft")
    wid = workshop["id"]
    anna = clients(second.url, wid, second.join(wid, "Anna")["token"])
    facilitator = clients(first.url, wid, workshop["facilitator_token"])
    notes = [new_id() for _ in range(3)]
    for index, note_id in enumerate(notes):
        ok(
            anna.call(
                p.NOTE_ADD,
                {
                    "id": note_id,
                    "step": PLATFORM,
                    "text": f"Blok {index}",
                    "lane": ("dialogue", "reflection")[index % 2],
                    "x": 0.25,
                    "y": 0.5,
                    "color": "green",
                },
            )
        )
    ok(facilitator.call(p.NOTE_GROUP, {"id": new_id(), "ids": notes[:2], "title": "Samen"}))
    ok(
        facilitator.call(
            p.ACTION_ADD,
            {"id": new_id(), "title": "Plan maken", "owner": me(anna), "due": "2026-12-01", "note_ids": notes[:1]},
        )
    )
    ok(facilitator.call(p.WORKSHOP_LOCK, {"locked": True}))

    def export(live, created):
        answer = requests.get(
            f"{live.url}/w/{created['id']}/export.json",
            timeout=10,
            headers={"Authorization": f"Bearer {created['facilitator_token']}"},
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    original = export(first, workshop)
    assert original["workshop"]["locked"] is True
    assert [n["lane"] for n in original["notes"]] == ["dialogue", "reflection", "dialogue"]
    # Backups may carry ids of up to 40 characters, longer than cocreate's own.
    text = json.dumps(original)
    for item in original["participants"] + original["notes"] + original["clusters"]:
        longer = (item["id"] + "-" + "x" * 40)[:40]
        text = text.replace(f'"{item["id"]}"', f'"{longer}"')
    backup = json.loads(text)
    assert text != json.dumps(original)

    imported = requests.post(second.url + "/api/workshops/import", json=backup, timeout=10)
    assert imported.status_code == 201, imported.text
    assert export(first, imported.json()) == backup

    # The database URL's password stays out of the servers' logs.
    for live in cluster.servers:
        assert "cocreate:***@127.0.0.1" in live.log()
        assert "geheim" not in live.log()
