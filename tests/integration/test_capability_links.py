"""Capability links and the headers around them (issue 26, finding 10): a new owner gets a
new update link, capability pages are never cached, HSTS where the installation serves
https, and Socket.IO's answers carry the security headers too."""

import pytest
import requests

from cocreate import protocol as p

from support import Workshop, new_id, ok

SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
                    "Referrer-Policy": "same-origin"}


@pytest.fixture
def room(server, clients):
    workshop = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    workshop.action = new_id()
    ok(workshop.facilitator.call(p.ACTION_ADD, {"id": workshop.action, "title": "Koffie",
                                                "owner": workshop.pid("Anouk")}))
    return workshop


def link_of(workshop):
    actions = workshop.connect().snapshots[-1]["actions"]
    return {a["id"]: a for a in actions}[workshop.action]["update_url"]


def test_a_new_owner_gets_a_new_link_and_the_old_owner_s_link_is_a_404(room):
    anouks = link_of(room)
    assert requests.get(anouks, timeout=10).status_code == 200
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.action, "owner": room.pid("Bram")}))
    assert requests.get(anouks, timeout=10).status_code == 404
    assert requests.post(anouks, json={"status": "done"}, timeout=10).status_code == 404
    brams = link_of(room)
    assert brams != anouks and requests.get(brams, timeout=10).status_code == 200
    # Anything else changed keeps the owner's link.
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.action, "title": "Koffie met taart",
                                             "owner": room.pid("Bram")}))
    assert link_of(room) == brams


def test_capability_pages_are_never_cached(room):
    link = link_of(room)
    assert requests.get(link, timeout=10).headers["Cache-Control"] == "no-store"
    posted = requests.post(link, json={"text": "Begonnen"}, timeout=10)
    assert posted.headers["Cache-Control"] == "no-store"
    opened = requests.get(room.url(f"/facilitate?token={room.token()}"), timeout=10,
                          allow_redirects=False)
    assert opened.headers["Cache-Control"] == "no-store"


def test_socket_io_answers_carry_the_security_headers(room):
    handshake = requests.get(room.server.url + "/socket.io/?EIO=4&transport=polling",
                             timeout=10)
    assert handshake.status_code == 200
    refused = requests.get(room.server.url + "/socket.io/?EIO=3&transport=polling", timeout=10)
    for answer in (handshake, refused):
        assert {name: answer.headers.get(name) for name in SECURITY_HEADERS} == SECURITY_HEADERS
        assert "Strict-Transport-Security" not in answer.headers


def test_hsts_when_cookies_are_secure(make_app):
    client = make_app(SECURE_COOKIES=True).test_client()
    for answer in (client.get("/"), client.get("/healthz"),
                   client.get("/socket.io/?EIO=4&transport=polling")):
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    plain = make_app().test_client().get("/")
    assert "Strict-Transport-Security" not in plain.headers
