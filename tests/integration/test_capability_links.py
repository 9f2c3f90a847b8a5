"""Capability links and the headers around them (issue 26, finding 10): a new owner gets a
new update link, capability pages are never cached, HSTS where the installation serves
https, and Socket.IO's answers carry the security headers too."""

import pytest
import requests

from cocreate import protocol as p

from support import Workshop, new_id, ok, refused

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}


@pytest.fixture
def room(server, clients):
    workshop = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    workshop.action = workshop.add_action("Koffie", "Anouk")
    return workshop


def test_a_new_owner_gets_a_new_link_and_the_old_owner_s_link_says_it_was_replaced(room):
    anouks = room.update_link(room.action)
    assert requests.get(anouks, timeout=10).status_code == 200
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.action, "owner": room.pid("Bram")}))
    # Not "this workshop does not exist (any more)": the workshop and the action are there.
    page = requests.get(anouks, timeout=10)
    assert page.status_code == 410
    assert "Deze updatelink is vervangen" in page.text
    assert "<form" not in page.text and "bestaat niet" not in page.text
    # Nothing of the action: a link the facilitator revoked may have gone astray.
    assert "Koffie" not in page.text and "Bram" not in page.text
    posted = requests.post(anouks, json={"status": "done"}, timeout=10)
    assert posted.status_code == 410 and posted.json()["error"]["code"] == "link_replaced"
    assert requests.post(anouks, data={"status": "done"}, timeout=10).status_code == 410
    assert room.download("export.json").json()["actions"][0]["status"] == "open"
    # A key that never was this action's is still nothing at all.
    assert requests.get(anouks[:-4] + "AAAA", timeout=10).status_code == 404
    brams = room.update_link(room.action)
    assert brams != anouks and requests.get(brams, timeout=10).status_code == 200
    # Anything else changed keeps the owner's link.
    ok(
        room.facilitator.call(
            p.ACTION_EDIT, {"id": room.action, "title": "Koffie met taart", "owner": room.pid("Bram")}
        )
    )
    assert room.update_link(room.action) == brams


def test_capability_pages_are_never_cached(room):
    link = room.update_link(room.action)
    assert requests.get(link, timeout=10).headers["Cache-Control"] == "no-store"
    posted = requests.post(link, json={"text": "Begonnen"}, timeout=10)
    assert posted.headers["Cache-Control"] == "no-store"
    opened = requests.get(room.url(f"/facilitate?token={room.token()}"), timeout=10, allow_redirects=False)
    assert opened.headers["Cache-Control"] == "no-store"


def test_socket_io_answers_carry_the_security_headers(room):
    handshake = requests.get(room.server.url + "/socket.io/?EIO=4&transport=polling", timeout=10)
    assert handshake.status_code == 200
    refused = requests.get(room.server.url + "/socket.io/?EIO=3&transport=polling", timeout=10)
    for answer in (handshake, refused):
        assert {name: answer.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
        assert "Strict-Transport-Security" not in answer.headers


def test_hsts_when_cookies_are_secure(make_app):
    client = make_app(SECURE_COOKIES=True).test_client()
    for answer in (client.get("/"), client.get("/healthz"), client.get("/socket.io/?EIO=4&transport=polling")):
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    plain = make_app().test_client().get("/")
    assert "Strict-Transport-Security" not in plain.headers


def test_an_update_link_goes_to_the_facilitator_and_the_owner_only_never_in_events(server, clients):
    workshop = Workshop(server, clients, "Anouk", "Bram", "Chris", connect_facilitator=True)
    anouk, bram, chris = (workshop.connect(name) for name in ("Anouk", "Bram", "Chris"))
    handed, taken = workshop.add_action("Koffie", "Anouk"), new_id()
    ok(bram.call(p.ACTION_ADD, {"id": taken, "title": "Loket"}))
    last = ok(bram.call(p.ACTION_EDIT, {"id": taken, "owner": workshop.pid("Bram")}))  # ik pak dit op
    chris.wait_for_seq(last["seq"])

    # The owners and the facilitator ask, and get the links the snapshots hold.
    links = {a["id"]: a["update_url"] for a in workshop.connect().snapshots[-1]["actions"]}
    assert ok(anouk.call(p.ACTION_LINK, {"id": handed}))["update_url"] == links[handed]
    assert ok(bram.call(p.ACTION_LINK, {"id": taken}))["update_url"] == links[taken]
    for action_id in (handed, taken):
        answer = ok(workshop.facilitator.call(p.ACTION_LINK, {"id": action_id}))
        assert answer["update_url"] == links[action_id]
    # Nobody else: not by asking, not in any event.
    refused(chris.call(p.ACTION_LINK, {"id": handed}), "forbidden")
    refused(anouk.call(p.ACTION_LINK, {"id": taken}), "forbidden")
    refused(chris.call(p.ACTION_LINK, {"id": new_id()}), "not_found")
    for viewer in (anouk, bram, chris, workshop.facilitator):
        assert "update_url" not in str(viewer.events) and "/a/" not in str(viewer.events)
    # A new owner's link is a new one: the previous owner may no longer ask for it.
    ok(workshop.facilitator.call(p.ACTION_EDIT, {"id": handed, "owner": workshop.pid("Chris")}))
    refused(anouk.call(p.ACTION_LINK, {"id": handed}), "forbidden")
    assert ok(chris.call(p.ACTION_LINK, {"id": handed}))["update_url"] != links[handed]
