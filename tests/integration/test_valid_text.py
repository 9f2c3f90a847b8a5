"""Every stored text is valid Unicode text (issue 26, finding 4): a lone surrogate or a
control character is refused wherever text comes in, before it can break a page, a feed or
a download for good; line breaks are kept only where text has lines."""

import pytest
import requests

from cocreate import protocol as p

from support import Workshop, new_id, ok, refused, snapshot_note

LONE_SURROGATE = "Klaar \ud800"
BAD_TEXTS = [LONE_SURROGATE, "nul\x00byte", "bel\x07", "escape\x1b[31m", "c1\x85"]


@pytest.fixture
def room(server, clients):
    workshop = Workshop(server, clients, "Anouk", connect_facilitator=True)
    workshop.action = workshop.add_action("Koffie", "Anouk", due="2026-12-15")
    return workshop


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_socket_commands_refuse_text_that_is_not_valid_unicode_text(room, text):
    anouk = room.connect("Anouk")
    refused(anouk.call(p.ACTION_EDIT, {"id": room.action, "text": text}), "invalid")
    refused(anouk.call(p.NOTE_ADD, {"id": new_id(), "step": 0, "text": text}), "invalid")
    refused(room.facilitator.call(p.WORKSHOP_EDIT, {"title": text}), "invalid")
    refused(room.facilitator.call(p.STEP_EDIT, {"index": 3, "lanes": [{"key": text, "title": "Dialoog"}]}), "invalid")
    # The downloads that one such character broke for good still answer.
    assert room.download("plan.ics").status_code == 200
    assert requests.get(room.update_link(room.action), timeout=10).status_code == 200


@pytest.mark.parametrize("text", BAD_TEXTS)
def test_the_update_link_and_json_bodies_refuse_text_that_is_not_valid_unicode_text(room, text):
    link = room.update_link(room.action)
    answer = requests.post(link, json={"text": text}, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid"
    assert "text" in answer.json()["error"]["fields"]
    created = requests.post(room.server.url + "/api/workshops", json={"title": text}, timeout=10)
    assert created.status_code == 400 and "title" in created.json()["error"]["fields"]
    joined = requests.post(room.server.url + f"/api/workshops/{room.id}/participants", json={"name": text}, timeout=10)
    assert joined.status_code == 400
    assert requests.get(link, timeout=10).status_code == 200


def test_an_import_with_broken_text_is_refused(room):
    backup = room.download("export.json").json()
    backup["actions"][0]["title"] = LONE_SURROGATE
    answer = requests.post(room.server.url + "/api/workshops/import", json=backup, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid"
    backup["actions"][0]["title"] = "Koffie\r\nmet de directie"
    imported = requests.post(room.server.url + "/api/workshops/import", json=backup, timeout=10)
    assert imported.status_code == 201, imported.text


def test_titles_stay_on_one_line_and_notes_keep_their_line_breaks(room):
    anouk = room.connect("Anouk")
    note_id = new_id()
    ok(anouk.call(p.NOTE_ADD, {"id": note_id, "step": 0, "text": "Eerst\r\ndan\rnu\tklaar"}))
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.action, "title": "Koffie\r\nX-INJECTED:1\tmet\rde baas"}))
    snapshot = room.connect().snapshots[-1]
    assert snapshot_note(snapshot, note_id)["text"] == "Eerst\ndan\nnu\tklaar"
    action = {a["id"]: a for a in snapshot["actions"]}[room.action]
    assert action["title"] == "Koffie X-INJECTED:1 met de baas"
