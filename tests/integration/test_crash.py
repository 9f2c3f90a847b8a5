"""Kill -9 of the server mid-workshop: every acknowledged change survives the restart."""

from cocreate import protocol as p

from support import LANES, PLATFORM, Workshop, new_id

SHARED = ("seq", "workshop", "steps", "participants", "notes")


def board_state(snapshot):
    """What every viewer of the workshop shares in a snapshot (no `me`, no clock)."""
    return {key: snapshot[key] for key in SHARED}


def unordered(state):
    """The state with the participants list sorted by id."""
    return {**state, "participants": sorted(state["participants"], key=lambda p: p["id"])}


def test_every_acknowledged_change_survives_a_kill_9_and_seq_continues(fresh_server, clients):
    server = fresh_server
    workshop = Workshop(server, clients, "Anna", "Bram", "Chris", "Dirk", title="Crashdag", goal="Alles blijft bewaard")
    facilitator = workshop.connect()
    writers = {name: workshop.connect(name) for name in ("Anna", "Bram", "Chris")}
    everyone = [facilitator, *writers.values()]

    acks, notes = [], []
    for round_ in range(10):
        for index, (name, client) in enumerate(writers.items()):
            note_id = new_id()
            payload = {"id": note_id, "step": 0, "text": f"{name} kaart {round_ + 1}"}
            if round_ % 2:
                payload.update(
                    step=PLATFORM,
                    lane=LANES[(round_ + index) % 4],
                    x=round(0.05 * round_, 2),
                    y=0.1 * index,
                    color="green",
                )
            ack = client.call(p.NOTE_ADD, payload)
            assert ack["ok"] is True, ack
            acks.append(ack)
            notes.append((name, note_id))
    assert len(notes) == 30

    def by_author(position):
        name, note_id = notes[position]
        return writers[name], note_id

    for position in (0, 4, 8, 13, 20):
        client, note_id = by_author(position)
        acks.append(client.call(p.NOTE_EDIT, {"id": note_id, "text": f"Herzien {position}", "color": "purple"}))
    for position in (1, 5, 9):
        client, note_id = by_author(position)
        acks.append(client.call(p.NOTE_MOVE, {"id": note_id, "x": 0.9, "y": 0.125}))
    for position in (2, 6, 10, 29):
        client, note_id = by_author(position)
        acks.append(client.call(p.NOTE_REMOVE, {"id": note_id}))
    acks.append(facilitator.call(p.NOTE_EDIT, {"id": notes[3][1], "text": "Door de facilitator"}))
    acks.append(facilitator.call(p.STEP_GO, {"index": PLATFORM}))
    acks.append(writers["Anna"].call(p.PARTICIPANT_READY, {"ready": True}))
    acks.append(facilitator.call(p.WORKSHOP_EDIT, {"title": "Crashdag (middag)"}))
    assert all(ack["ok"] for ack in acks), [ack for ack in acks if not ack["ok"]]
    last = acks[-1]["seq"]
    assert [ack["seq"] for ack in acks] == list(range(acks[0]["seq"], last + 1))
    for client in everyone:
        client.wait_for_seq(last)

    before = {"facilitator": facilitator.call(p.SYNC, {}), "Anna": writers["Anna"].call(p.SYNC, {})}
    for ack in before.values():
        assert ack["ok"] is True and ack["seq"] == last
    assert len(before["facilitator"]["snapshot"]["notes"]) == 26

    server.kill()
    server.start()

    # a new device of the facilitator, Anna reconnecting, Dirk connecting for the first time
    after = {"facilitator": workshop.connect().snapshots[-1], "Anna": workshop.connect("Anna").snapshots[-1]}
    dirk = workshop.connect("Dirk")
    after["Dirk"] = dirk.snapshots[-1]
    before["Dirk"] = before["facilitator"]  # Dirk wrote nothing: he sees what she sees
    for who, snapshot in after.items():
        expected = board_state(before[who]["snapshot"])
        # every acknowledged change survived ...
        assert unordered(board_state(snapshot)) == unordered(expected), who
        # ... and the snapshot is the same one, participants in the same order
        assert board_state(snapshot) == expected, who
        if who != "Dirk":
            assert snapshot["me"] == before[who]["snapshot"]["me"]

    restored = after["facilitator"]
    assert restored["workshop"]["current_step"] == PLATFORM
    assert restored["workshop"]["title"] == "Crashdag (middag)"
    ready = {person["id"]: person["ready"] for person in restored["participants"]}
    assert ready[workshop.pid("Anna")] is True

    # the next change continues the sequence by exactly one and reaches everyone
    anna = workshop.connect("Anna")
    ack = anna.call(p.NOTE_ADD, {"id": new_id(), "step": PLATFORM, "lane": "dialogue", "text": "Na de herstart"})
    assert (ack["ok"], ack["seq"]) == (True, last + 1), ack
    dirk.wait_for_seq(last + 1)
    assert [(e["seq"], e["type"]) for e in dirk.events] == [(last + 1, p.NOTE_ADDED)]
    assert "Traceback" not in server.log()
