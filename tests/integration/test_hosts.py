"""Only the configured and the machine's own names are served (issue 26, finding 9): a
foreign Host cannot make links point elsewhere, nor reach the board by DNS rebinding."""

import http.client
from urllib.parse import urlsplit

import pytest

from cocreate.addresses import machine_addresses, network_addresses
from cocreate.hosts import host_name, interface_addresses, machine_names

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
FOREIGN = [
    "evil.example",
    "evil.example:5000",
    "localhost.evil.example",
    "127.0.0.1.nip.io",
    "8.8.8.8",
    "[2001:db8::1]:80",
    "bad host",
    "a/b",
]


def answer(client, path, host, **kwargs):
    return client.get(path, headers={"Host": host}, **kwargs)


@pytest.mark.parametrize("host", FOREIGN)
def test_a_foreign_host_is_refused_for_pages_the_api_and_the_socket_handshake(make_app, host):
    client = make_app().test_client()
    for path in ("/", "/healthz", HANDSHAKE):
        refused = answer(client, path, host)
        assert refused.status_code == 400, path
        assert refused.json["error"]["code"] == "invalid"
        assert refused.headers["X-Frame-Options"] == "DENY"
    created = client.post(
        "/api/workshops", json={"title": "Phishing"}, headers={"Host": host, "Origin": f"http://{host}"}
    )
    assert created.status_code == 400


@pytest.mark.parametrize(
    "host", ["localhost", "LOCALHOST:5000", "127.0.0.1:5000", "127.0.0.2", "[::1]:5000", "bord.localhost"]
)
def test_loopback_names_are_served(make_app, host):
    client = make_app().test_client()
    assert answer(client, "/healthz", host).status_code == 200
    assert answer(client, HANDSHAKE, host).status_code == 200


def test_the_public_url_the_machine_s_names_and_its_addresses_are_served(make_app):
    client = make_app(
        PUBLIC_URL="https://workshop.example.org", ALLOWED_HOSTS="bord.example.nl, .teams.example"
    ).test_client()
    addresses = [f"[{a}]" if ":" in a else a for a in sorted(interface_addresses())]
    for host in ["workshop.example.org", "bord.example.nl:8443", "zaal.teams.example", *machine_names(), *addresses]:
        assert answer(client, "/healthz", host).status_code == 200, host
    created = client.post("/api/workshops", json={"title": "Teamdag"}, headers={"Host": "workshop.example.org"})
    assert created.status_code == 201
    assert answer(client, "/healthz", "example.org").status_code == 400


def test_behind_a_proxy_the_forwarded_host_must_be_the_public_one(make_app):
    client = make_app(PROXIES=1, PUBLIC_URL="https://workshop.example.org").test_client()
    good = client.get("/healthz", headers={"X-Forwarded-Host": "workshop.example.org"})
    assert good.status_code == 200
    bad = client.get(HANDSHAKE, headers={"X-Forwarded-Host": "evil.example"})
    assert bad.status_code == 400
    # Without a configured proxy a claimed forwarded host is ignored, never trusted.
    plain = make_app().test_client()
    assert plain.get("/healthz", headers={"X-Forwarded-Host": "evil.example"}).status_code == 200


def test_a_server_open_to_the_room_answers_on_its_network_address_only(start_server):
    live = start_server(HOST="0.0.0.0", COCREATE_PUBLIC_URL="")
    here = network_addresses(machine_addresses())
    for host, status in [(here[0] if here else "localhost", 200), ("evil.example", 400)]:
        connection = http.client.HTTPConnection("127.0.0.1", urlsplit(live.url).port, timeout=10)
        connection.request("GET", HANDSHAKE, headers={"Host": host})
        assert connection.getresponse().status == status
        connection.close()


def test_host_names_are_read_without_their_port():
    assert host_name("Bord.Example:5000") == "bord.example"
    assert host_name("[::1]:5000") == "::1"
    assert host_name("") is None and host_name("a b") is None
