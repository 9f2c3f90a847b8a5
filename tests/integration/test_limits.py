"""Guessing join codes and mass-creating workshops are slowed down per client address."""

import threading
import time

import requests

from cocreate import protocol as p


def test_guessing_join_codes_is_rate_limited_but_right_codes_still_work(fresh_server):
    created = fresh_server.create_workshop("Geheime code")
    answers = [requests.get(f"{fresh_server.url}/api/join/ZZZZ{n:02d}", timeout=10)
               for n in range(61)]
    assert [a.status_code for a in answers[:60]] == [404] * 60
    assert answers[60].status_code == 429
    assert answers[60].json()["error"]["code"] == "rate_limited"
    # Someone typing the right code is not held back by the guesses.
    right = requests.get(f"{fresh_server.url}/api/join/{created['join_code']}", timeout=10)
    assert right.status_code == 200
    page = requests.get(f"{fresh_server.url}/join?code=QQQQQQ", timeout=10)
    assert page.status_code == 429
    assert "Traceback" not in fresh_server.log()


def test_a_room_joining_at_once_is_never_limited(fresh_server):
    created = fresh_server.create_workshop("Volle zaal")
    for number in range(40):
        assert requests.get(f"{fresh_server.url}/api/join/{created['join_code']}",
                            timeout=10).status_code == 200
        fresh_server.join(created["id"], f"Deelnemer {number}")


def test_creating_workshops_is_capped_per_address(fresh_server):
    statuses = [requests.post(f"{fresh_server.url}/api/workshops", json={"title": f"W{n}"},
                              timeout=10).status_code for n in range(61)]
    assert statuses[:60] == [201] * 60
    assert statuses[60] == 429


def create(server, client_address=None, **headers):
    if client_address:
        headers["X-Forwarded-For"] = client_address
    return requests.post(f"{server.url}/api/workshops", json={"title": "Achter nginx"},
                         headers=headers, timeout=10)


def test_behind_a_trusted_proxy_limits_count_each_client_and_links_say_https(start_server):
    live = start_server(COCREATE_PROXIES="1", COCREATE_CREATE_LIMIT="2 per hour")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bord.example.nl"}
    first = create(live, "198.51.100.7", **forwarded)
    assert first.status_code == 201
    assert first.json()["urls"]["join"].startswith("https://bord.example.nl/")
    assert create(live, "198.51.100.7").status_code == 201
    assert create(live, "198.51.100.7").status_code == 429
    # Another participant behind the same proxy has their own allowance.
    assert create(live, "203.0.113.9").status_code == 201


def test_without_a_trusted_proxy_forwarded_headers_change_nothing(start_server):
    live = start_server(COCREATE_CREATE_LIMIT="2 per hour")
    claimed = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bord.example.nl"}
    first = create(live, "198.51.100.7", **claimed)
    assert first.json()["urls"]["join"].startswith(live.url + "/")
    assert create(live, "203.0.113.9").status_code == 201
    # Made-up addresses do not escape the limit: all three came from this test's address.
    assert create(live, "192.0.2.1").status_code == 429


def test_bursts_spread_over_a_long_workshop_never_disconnect(start_server, clients):
    # Four refusals per burst, at most five per second allowed: lifetime counting would
    # cut this person off in the second burst; a sliding window never does.
    live = start_server(COCREATE_COMMAND_BURST="2", COCREATE_COMMAND_RATE="1",
                        COCREATE_STRIKE_LIMIT="5", COCREATE_STRIKE_WINDOW="1")
    created = live.create_workshop("Lange dag")
    person = clients(live.url, created["id"], live.join(created["id"], "Anouk")["token"])
    dropped = threading.Event()
    person.sio.on("disconnect", lambda *args: dropped.set())
    refused = 0
    for _burst in range(3):
        codes = [person.call(p.PARTICIPANT_READY, {"ready": n % 2 == 0}).get("error", {})
                 .get("code") for n in range(6)]
        refused += codes.count("rate_limited")
        time.sleep(1.2)  # the subject of the test: time passing between bursts
    assert refused >= 9
    assert not dropped.is_set() and person.sio.connected
    assert person.call(p.PARTICIPANT_READY, {"ready": True})["ok"]


def test_a_flood_within_the_window_is_still_cut_off(start_server, clients):
    live = start_server(COCREATE_COMMAND_BURST="2", COCREATE_COMMAND_RATE="1",
                        COCREATE_STRIKE_LIMIT="5", COCREATE_STRIKE_WINDOW="60")
    created = live.create_workshop("Vloed")
    flooder = clients(live.url, created["id"], live.join(created["id"], "Vloed")["token"])
    dropped = threading.Event()
    flooder.sio.on("disconnect", lambda *args: dropped.set())
    for n in range(12):
        if dropped.is_set():
            break
        flooder.sio.emit(p.PARTICIPANT_READY, {"ready": n % 2 == 0})
    assert dropped.wait(10)
