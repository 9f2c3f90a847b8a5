"""A `?token=` link never silently replaces the identity already in a browser (issue 26,
finding 3): the page asks first, naming both; a facilitator is never replaced."""

import pytest
import requests

from support import Workshop


@pytest.fixture
def room(server, clients):
    return Workshop(server, clients, "Anouk", "Bob")


def opened(room, view, cookie_of, token_of):
    cookies = {f"cc_{room.id}": room.token(cookie_of)} if cookie_of else {}
    path = "" if view == "board" else f"/{view}"
    return requests.get(
        room.url(f"{path}?token={room.token(token_of)}"), cookies=cookies, timeout=10, allow_redirects=False
    )


@pytest.mark.parametrize("view", ["board", "facilitate", "present"])
def test_a_link_of_someone_else_asks_first_and_keeps_the_cookie(room, view):
    page = opened(room, view, "facilitator", "Bob")
    assert page.status_code == 200
    assert "Je bent hier als Begeleider (begeleider)." in page.text
    assert "Deze link is van Bob (deelnemer)." in page.text
    assert "Set-Cookie" not in page.headers
    # A facilitator is offered no way to become Bob here.
    assert "Doorgaan als" not in page.text and "Blijven als Begeleider" in page.text

    asked = opened(room, view, "Anouk", "Bob")
    assert "Je bent hier als Anouk (deelnemer)." in asked.text
    assert "Doorgaan als Bob" in asked.text and "Blijven als Anouk" in asked.text
    assert "Set-Cookie" not in asked.headers


def test_a_link_in_a_new_browser_or_the_same_person_s_goes_straight_in(room):
    fresh = opened(room, "board", None, "Bob")
    assert fresh.status_code == 302 and fresh.headers["Location"].endswith(f"/w/{room.id}")
    assert f"cc_{room.id}={room.token('Bob')}" in fresh.headers["Set-Cookie"]
    again = opened(room, "board", "Bob", "Bob")
    assert again.status_code == 302 and "Set-Cookie" in again.headers
    wrong = requests.get(
        room.url("?token=nobody"), cookies={f"cc_{room.id}": room.token("Anouk")}, timeout=10, allow_redirects=False
    )
    assert wrong.status_code == 302 and "Set-Cookie" not in wrong.headers


def test_continuing_as_the_link_s_person_is_a_post_and_never_replaces_a_facilitator(room):
    url = room.url("/identity")
    form = {"token": room.token("Bob"), "view": "board"}
    as_anouk = {f"cc_{room.id}": room.token("Anouk")}
    switched = requests.post(url, data=form, cookies=as_anouk, timeout=10, allow_redirects=False)
    assert switched.status_code == 303
    assert f"cc_{room.id}={room.token('Bob')}" in switched.headers["Set-Cookie"]
    as_facilitator = {f"cc_{room.id}": room.token()}
    kept = requests.post(url, data=form, cookies=as_facilitator, timeout=10, allow_redirects=False)
    assert kept.status_code == 403 and "Set-Cookie" not in kept.headers
    assert requests.post(url, data={**form, "view": "/evil"}, cookies=as_anouk, timeout=10).status_code == 400
    assert requests.post(url, data={**form, "token": "nobody"}, cookies=as_anouk, timeout=10).status_code == 404
    foreign = requests.post(url, data=form, cookies=as_anouk, timeout=10, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403
