"""Guessing join codes and mass-creating workshops are slowed down per client address."""


def test_guessing_join_codes_is_rate_limited_but_right_codes_still_work(client):
    created = client.create_workshop("Geheime code")
    answers = [client.get(f"/api/join/ZZZZ{n:02d}") for n in range(61)]
    assert [a.status_code for a in answers[:60]] == [404] * 60
    assert answers[60].status_code == 429
    assert answers[60].json["error"]["code"] == "rate_limited"
    # Someone typing the right code is not held back by the guesses.
    right = client.get(f"/api/join/{created['join_code']}")
    assert right.status_code == 200
    page = client.get("/join?code=QQQQQQ")
    assert page.status_code == 429


def test_a_room_joining_at_once_is_never_limited(client):
    created = client.create_workshop("Volle zaal")
    for number in range(40):
        assert client.get(f"/api/join/{created['join_code']}").status_code == 200
        client.join(created["id"], f"Deelnemer {number}")


def test_creating_workshops_is_capped_per_address(client):
    statuses = [client.post("/api/workshops", json={"title": f"W{n}"}).status_code for n in range(61)]
    assert statuses[:60] == [201] * 60
    assert statuses[60] == 429


def create(client, client_address=None, **headers):
    if client_address:
        headers["X-Forwarded-For"] = client_address
    return client.post("/api/workshops", json={"title": "Achter nginx"}, headers=headers)


def test_behind_a_trusted_proxy_limits_count_each_client_and_links_say_https(make_app):
    client = make_app(PROXIES=1, CREATE_LIMIT="2 per hour").test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bord.example.nl"}
    first = create(client, "198.51.100.7", **forwarded)
    assert first.status_code == 201
    assert first.json["urls"]["join"].startswith("https://bord.example.nl/")
    assert create(client, "198.51.100.7").status_code == 201
    assert create(client, "198.51.100.7").status_code == 429
    # Another participant behind the same proxy has their own allowance.
    assert create(client, "203.0.113.9").status_code == 201


def test_without_a_trusted_proxy_forwarded_headers_change_nothing(make_app):
    client = make_app(CREATE_LIMIT="2 per hour").test_client()
    claimed = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bord.example.nl"}
    first = create(client, "198.51.100.7", **claimed)
    assert first.json["urls"]["join"].startswith("http://localhost/")  # the test client's host
    assert create(client, "203.0.113.9").status_code == 201
    # Made-up addresses do not escape the limit: all three came from this test's address.
    assert create(client, "192.0.2.1").status_code == 429


def join(client, workshop_id, name, client_address=None):
    headers = {"X-Forwarded-For": client_address} if client_address else {}
    return client.post(f"/api/workshops/{workshop_id}/participants", json={"name": name}, headers=headers)


def test_a_room_behind_one_address_gets_in_but_a_flood_of_joins_is_refused(client):
    created = client.create_workshop("Volle zaal achter één adres")
    answers = [join(client, created["id"], f"Deelnemer {number}") for number in range(300)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:60] == [201] * 60
    assert statuses.count(429) >= 150
    refused = answers[statuses.index(429)]
    assert refused.json["error"]["code"] == "rate_limited"
    # The join page counts towards the same allowance.
    page = client.post(f"/j/{created['join_code']}", data={"name": "Nog een"})
    assert page.status_code == 429


def test_joins_are_capped_per_workshop_whatever_the_address(make_app):
    client = make_app(PROXIES=1, WORKSHOP_JOIN_LIMIT="5 per minute").test_client()
    full, other = client.create_workshop("Vol"), client.create_workshop("Leeg")
    statuses = [join(client, full["id"], f"P{n}", f"198.51.100.{n}").status_code for n in range(6)]
    assert statuses == [201] * 5 + [429]
    assert join(client, other["id"], "P6", "198.51.100.6").status_code == 201
