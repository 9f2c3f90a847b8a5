"""Venue Wi-Fi drops: nothing typed offline is lost, and a view that missed changes catches up."""

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def open_board(context, server, workshop_id, token):
    """A participant's board page, connected."""
    context.add_cookies([{"name": f"cc_{workshop_id}", "value": token, "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/w/{workshop_id}")
    page.wait_for_selector('[data-bind="connection"][data-state="online"]')
    return page


def test_a_note_written_offline_survives_a_reload_and_arrives_once(server, contexts, clients):
    created = server.create_workshop("Zonder wifi")
    person = server.join(created["id"], "Sanne")
    watcher = clients(server.url, created["id"], created["facilitator_token"])
    context = contexts()
    page = open_board(context, server, created["id"], person["token"])

    context.set_offline(True)
    page.wait_for_selector('[data-bind="connection"][data-state="offline"]')
    page.fill("#composer-text", "Geschreven zonder wifi")
    page.press("#composer-text", "Enter")
    expect(page.locator(".note.pending .note-text")).to_have_text("Geschreven zonder wifi")
    expect(page.locator(".note.pending .note-pending")).to_have_text("Nog niet verstuurd")
    page.close()

    context.set_offline(False)
    again = open_board(context, server, created["id"], person["token"])
    expect(again.locator(".note:not(.pending) .note-text")).to_have_text("Geschreven zonder wifi")
    watcher.wait_for(lambda: "note.added" in watcher.event_types())
    assert watcher.event_types().count("note.added") == 1
    assert again.evaluate(f"localStorage.getItem('cocreate:outbox:{created['id']}')") is None
    snapshot = watcher.call("sync", {})["snapshot"]
    assert [note["text"] for note in snapshot["notes"]] == ["Geschreven zonder wifi"]


def test_a_view_that_was_offline_during_200_changes_matches_a_fresh_snapshot(server, contexts, clients):
    created = server.create_workshop("Burst")
    person = server.join(created["id"], "Sanne")
    # Ten colleagues, twenty changes each: within every connection's burst of 20.
    others = [
        clients(server.url, created["id"], server.join(created["id"], f"Collega {n}")["token"]) for n in range(10)
    ]
    facilitator = clients(server.url, created["id"], created["facilitator_token"])
    context = contexts()
    page = open_board(context, server, created["id"], person["token"])

    context.set_offline(True)
    page.wait_for_selector('[data-bind="connection"][data-state="offline"]')
    # 200 changes by others while this view is offline: adds, edits and removals.
    ids = []
    for number in range(140):
        client = others[number % 10]
        note_id = str(uuid.uuid4())
        ack = client.call("note:add", {"id": note_id, "step": 0, "text": f"Notitie {number}"})
        assert ack["ok"], ack
        ids.append((client, note_id))
    for client, note_id in ids[:40]:
        assert client.call("note:edit", {"id": note_id, "text": "Bijgewerkt"})["ok"]
    for client, note_id in ids[40:60]:
        assert client.call("note:remove", {"id": note_id})["ok"]
    context.set_offline(False)

    fresh = facilitator.call("sync", {})["snapshot"]
    expected = sorted(note["text"] for note in fresh["notes"] if note["step"] == 0)
    assert len(expected) == 120
    expect(page.locator(".board .note")).to_have_count(120, timeout=15_000)
    assert sorted(page.locator(".board .note-text").all_text_contents()) == expected
