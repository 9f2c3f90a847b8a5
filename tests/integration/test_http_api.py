"""The HTTP side of the contract: JSON API, join flow, pages, headers, token storage."""

import hashlib
import re
import sqlite3

import pytest
import requests
import socketio

JOIN_ALPHABET = set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
TIMEOUT = 10


def post_json(server, path, body, **kwargs):
    return requests.post(server.url + path, json=body, timeout=TIMEOUT, **kwargs)


def assert_error(answer, status, code, fields=None):
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    error = answer.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if fields is not None:
        assert isinstance(error.get("fields"), dict), error
        assert set(fields) <= set(error["fields"]), error
    return error


def refused(server, workshop_id, token):
    """True when a socket connection with this token is refused."""
    sio = socketio.Client(reconnection=False)
    try:
        sio.connect(
            server.url, auth={"workshop": workshop_id, "token": token}, transports=["websocket"], wait_timeout=TIMEOUT
        )
    except socketio.exceptions.ConnectionError:
        return True
    finally:
        sio.disconnect()
    return False


# -- creating ---------------------------------------------------------------------


def test_create_workshop_answers_201_with_id_join_code_token_and_urls(server):
    answer = post_json(
        server, "/api/workshops", {"title": "Teamdag", "goal": "Meer klanten", "format": "cocreation", "language": "en"}
    )
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert isinstance(body["id"], str) and body["id"]
    assert len(body["join_code"]) == 6 and set(body["join_code"]) <= JOIN_ALPHABET
    assert isinstance(body["facilitator_token"], str) and len(body["facilitator_token"]) >= 43
    urls = body["urls"]
    assert set(urls) >= {"facilitate", "join", "present"}
    for url in urls.values():
        assert url.startswith(server.url + "/") and body["id"] in url
    assert urls["facilitate"].endswith(f"/w/{body['id']}/facilitate")
    assert urls["present"].endswith(f"/w/{body['id']}/present")


def test_create_with_only_a_title_uses_the_defaults(server):
    answer = post_json(server, "/api/workshops", {"title": "Alleen een titel"})
    assert answer.status_code == 201, answer.text
    assert not refused(server, answer.json()["id"], answer.json()["facilitator_token"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "title"),
        ({"goal": "Zonder titel"}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "t" * 200}, "title"),
        ({"title": 42}, "title"),
        ({"title": "Teamdag", "owner": "me"}, "owner"),
        ({"title": "Teamdag", "format": "nope"}, "format"),
        ({"title": "Teamdag", "language": "de"}, "language"),
        ({"title": "Teamdag", "goal": "g" * 2000}, "goal"),
    ],
    ids=[
        "empty object",
        "missing title",
        "empty title",
        "blank title",
        "200-char title",
        "number title",
        "unknown field",
        "format nope",
        "language de",
        "2000-char goal",
    ],
)
def test_create_workshop_with_an_invalid_body_answers_400_with_fields(server, body, field):
    assert_error(post_json(server, "/api/workshops", body), 400, "invalid", fields=[field])


@pytest.mark.parametrize(
    "data, content_type",
    [
        ("title=Teamdag", "application/x-www-form-urlencoded"),
        ("{not json", "application/json"),
        ('["Teamdag"]', "application/json"),
        ('"Teamdag"', "application/json"),
        ("null", "application/json"),
        ("", "application/json"),
    ],
    ids=["form body", "broken json", "json array", "json string", "json null", "empty body"],
)
def test_create_workshop_with_a_non_object_body_answers_400(server, data, content_type):
    answer = requests.post(
        server.url + "/api/workshops", data=data, timeout=TIMEOUT, headers={"Content-Type": content_type}
    )
    assert_error(answer, 400, "invalid")


def test_post_with_a_foreign_origin_is_refused(server):
    answer = post_json(server, "/api/workshops", {"title": "Van elders"}, headers={"Origin": "http://evil.example"})
    assert_error(answer, 403, "forbidden")
    created = server.create_workshop("Eigen")
    answer = post_json(
        server,
        f"/api/workshops/{created['id']}/participants",
        {"name": "Eve"},
        headers={"Origin": "http://evil.example"},
    )
    assert_error(answer, 403, "forbidden")
    # the same origin is fine
    answer = post_json(server, "/api/workshops", {"title": "Van hier"}, headers={"Origin": server.url})
    assert answer.status_code == 201, answer.text


# -- joining ----------------------------------------------------------------------


def test_join_code_lookup_is_case_insensitive_and_unknown_codes_are_404(server):
    created = server.create_workshop("Opzoeken")
    for code in (created["join_code"], created["join_code"].lower()):
        answer = requests.get(f"{server.url}/api/join/{code}", timeout=TIMEOUT)
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"workshop_id": created["id"], "title": "Opzoeken"}
    unknown = "".join(sorted(JOIN_ALPHABET))[:6]
    if unknown == created["join_code"]:
        unknown = unknown[::-1]
    assert_error(requests.get(f"{server.url}/api/join/{unknown}", timeout=TIMEOUT), 404, "not_found")


def test_joining_answers_201_with_a_participant_token(server):
    created = server.create_workshop("Meedoen")
    answer = post_json(server, f"/api/workshops/{created['id']}/participants", {"name": "Anna"})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert set(body) == {"participant_id", "token"}
    assert len(body["token"]) >= 43
    assert not refused(server, created["id"], body["token"])


def test_joining_an_unknown_workshop_is_404(server):
    answer = post_json(server, "/api/workshops/doesnotexist0000/participants", {"name": "Anna"})
    assert_error(answer, 404, "not_found")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "n" * 41}, "name"),
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": "Anna", "role": "facilitator"}, "role"),
    ],
    ids=["empty", "blank", "41 characters", "missing", "null", "role smuggled in"],
)
def test_joining_with_a_bad_name_is_400(server, body, field):
    created = server.create_workshop("Namen")
    answer = post_json(server, f"/api/workshops/{created['id']}/participants", body)
    assert_error(answer, 400, "invalid", fields=[field])


# -- deleting ---------------------------------------------------------------------


def test_deleting_a_workshop_needs_the_facilitator_and_removes_everything(server):
    created = server.create_workshop("Weg ermee")
    anna = server.join(created["id"], "Anna")
    path = f"{server.url}/api/workshops/{created['id']}"

    assert_error(requests.delete(path, timeout=TIMEOUT), 401, "unauthorized")
    assert_error(
        requests.delete(path, timeout=TIMEOUT, headers={"Authorization": f"Bearer {anna['token']}"}), 403, "forbidden"
    )
    assert_error(
        requests.delete(path, timeout=TIMEOUT, headers={"Authorization": "Bearer " + "x" * 43}), 401, "unauthorized"
    )
    assert requests.get(f"{server.url}/api/join/{created['join_code']}", timeout=TIMEOUT).status_code == 200

    answer = requests.delete(path, timeout=TIMEOUT, headers={"Authorization": f"Bearer {created['facilitator_token']}"})
    assert answer.status_code == 204
    assert answer.content == b""

    assert_error(requests.get(f"{server.url}/api/join/{created['join_code']}", timeout=TIMEOUT), 404, "not_found")
    assert refused(server, created["id"], created["facilitator_token"])
    assert refused(server, created["id"], anna["token"])
    assert_error(post_json(server, f"/api/workshops/{created['id']}/participants", {"name": "Laat"}), 404, "not_found")


# -- health, pages, headers ---------------------------------------------------------


def test_healthz_answers_ok(server):
    answer = requests.get(server.url + "/healthz", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.json()["status"] == "ok"


def test_landing_page_is_html_with_a_strict_content_security_policy(server):
    answer = requests.get(server.url + "/", timeout=TIMEOUT)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/html")
    assert "<html" in answer.text.lower()
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/join/AAAAAA", "/j/{code}", "/w/{id}", "/w/{id}/facilitate"])
def test_responses_carry_a_content_security_policy_with_script_src_self(server, path):
    created = server.create_workshop("Koppen")
    answer = requests.get(
        server.url + path.format(code=created["join_code"], id=created["id"]), timeout=TIMEOUT, allow_redirects=False
    )
    policy = answer.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]


def test_join_page_shows_the_workshop_title(server):
    created = server.create_workshop("Knuppel & hoenderhok")
    for code in (created["join_code"], created["join_code"].lower()):
        answer = requests.get(f"{server.url}/j/{code}", timeout=TIMEOUT)
        assert answer.status_code == 200
        assert "Knuppel &amp; hoenderhok" in answer.text
    assert requests.get(f"{server.url}/j/ZZZZZZ9", timeout=TIMEOUT).status_code == 404


def test_join_form_redirects_to_the_board_and_sets_an_httponly_cookie(server):
    created = server.create_workshop("Formulier")
    answer = requests.post(
        f"{server.url}/j/{created['join_code']}", data={"name": "Anna"}, timeout=TIMEOUT, allow_redirects=False
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/w/{created['id']}")
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"cc_{created['id']}=")
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    token = answer.cookies[f"cc_{created['id']}"]
    assert not refused(server, created["id"], token)

    # with that cookie the board opens
    board = requests.get(
        f"{server.url}/w/{created['id']}",
        timeout=TIMEOUT,
        cookies={f"cc_{created['id']}": token},
        allow_redirects=False,
    )
    assert board.status_code == 200


def test_join_form_with_an_empty_name_is_400_and_joins_nobody(server):
    created = server.create_workshop("Leeg")
    answer = requests.post(
        f"{server.url}/j/{created['join_code']}", data={"name": "  "}, timeout=TIMEOUT, allow_redirects=False
    )
    assert answer.status_code == 400
    assert "Set-Cookie" not in answer.headers


def test_facilitator_page_needs_the_facilitator_token(server):
    created = server.create_workshop("Regie")
    anna = server.join(created["id"], "Anna")
    path = f"{server.url}/w/{created['id']}/facilitate"
    cookie = f"cc_{created['id']}"

    assert requests.get(path, timeout=TIMEOUT, allow_redirects=False).status_code == 403
    assert (
        requests.get(path, timeout=TIMEOUT, allow_redirects=False, cookies={cookie: anna["token"]}).status_code == 403
    )
    with requests.Session() as browser:  # a participant's token in the address: still 403
        answer = browser.get(path, timeout=TIMEOUT, params={"token": anna["token"]})
        assert answer.status_code == 403
        assert anna["token"] not in answer.url

    answer = requests.get(path, timeout=TIMEOUT, allow_redirects=False, params={"token": created["facilitator_token"]})
    assert answer.status_code in (302, 303)
    location = answer.headers["Location"]
    assert location.endswith(f"/w/{created['id']}/facilitate")
    assert created["facilitator_token"] not in location
    assert answer.cookies[cookie] == created["facilitator_token"]
    assert "httponly" in answer.headers["Set-Cookie"].lower()

    page = requests.get(path, timeout=TIMEOUT, allow_redirects=False, cookies={cookie: created["facilitator_token"]})
    assert page.status_code == 200
    assert "Regie" in page.text


def test_board_without_a_cookie_redirects_to_the_join_page(server):
    created = server.create_workshop("Bord")
    answer = requests.get(f"{server.url}/w/{created['id']}", timeout=TIMEOUT, allow_redirects=False)
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].endswith(f"/j/{created['join_code']}")


def test_unknown_board_is_404(server):
    answer = requests.get(f"{server.url}/w/doesnotexist0000", timeout=TIMEOUT, allow_redirects=False)
    assert answer.status_code == 404


# -- token storage ------------------------------------------------------------------


def test_tokens_are_stored_only_as_sha256_hashes(server):
    created = server.create_workshop("Geheimen")
    tokens = {created["facilitator_token"]}
    tokens |= {server.join(created["id"], name)["token"] for name in ("Anna", "Bram")}
    form = requests.post(
        f"{server.url}/j/{created['join_code']}", data={"name": "Chris"}, timeout=TIMEOUT, allow_redirects=False
    )
    tokens.add(form.cookies[f"cc_{created['id']}"])

    database = sqlite3.connect(server.instance_path / "cocreate.sqlite3")
    try:
        rows = database.execute("SELECT * FROM participants WHERE workshop_id = ?", (created["id"],)).fetchall()
        columns = [column[0] for column in database.execute("SELECT * FROM participants LIMIT 0").description]
        dump = "\n".join(database.iterdump())
    finally:
        database.close()

    assert len(rows) == 4
    hashes = [dict(zip(columns, row))["token_hash"] for row in rows]
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in hashes)
    assert sorted(hashes) == sorted(hashlib.sha256(t.encode()).hexdigest() for t in tokens)
    for token in tokens:
        assert all(token not in str(value) for row in rows for value in row)
        assert token not in dump
