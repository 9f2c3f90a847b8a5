"""Which address join links and the QR code carry, with the machine's interfaces injected."""

import pytest

from cocreate.addresses import network_addresses, room_address

LAPTOP = {"lo": ["127.0.0.1"], "wlan0": ["192.168.1.23"], "docker0": ["172.17.0.1"]}


def interfaces(found):
    """An injected `interfaces` function that fails the test when it is not needed."""
    return lambda: found


def never():
    raise AssertionError("the machine's interfaces were asked for without need")


def test_localhost_on_a_server_open_to_the_room_links_the_wifi_address():
    address = room_address("http://localhost:5000/", "0.0.0.0", interfaces=interfaces(LAPTOP))
    assert address.base == "http://192.168.1.23:5000" and address.reachable


def test_the_room_network_comes_before_a_container_bridge_and_link_local():
    found = {"docker0": ["172.17.0.1"], "eth0": ["169.254.3.4", "10.0.0.7"], "lo": ["127.0.0.1"], "v6": ["fe80::1"]}
    assert network_addresses(found) == ["10.0.0.7", "172.17.0.1"]


def test_only_loopback_means_the_room_cannot_reach_the_board():
    address = room_address("http://127.0.0.1:5000", "0.0.0.0", interfaces=interfaces({"lo": ["127.0.0.1"]}))
    assert address == address.__class__("http://127.0.0.1:5000", False)


def test_a_server_listening_on_loopback_only_is_not_reachable_whatever_the_interfaces():
    address = room_address("http://localhost:5000", "127.0.0.1", interfaces=never)
    assert not address.reachable and address.base == "http://localhost:5000"


def test_a_server_listening_on_one_address_links_that_address():
    address = room_address("http://localhost:8080", "10.1.2.3", interfaces=never)
    assert address.base == "http://10.1.2.3:8080" and address.reachable


@pytest.mark.parametrize("base", ["http://192.168.1.23:5000", "https://board.example.org"])
def test_an_address_the_room_can_use_is_kept(base):
    assert room_address(base + "/", "0.0.0.0", interfaces=never).base == base


def test_the_public_url_wins_over_everything():
    address = room_address(
        "http://localhost:5000", "127.0.0.1", public_url="https://workshop.gemeente.nl/", proxied=True, interfaces=never
    )
    assert address.base == "https://workshop.gemeente.nl" and address.reachable


def test_behind_a_proxy_the_forwarded_host_wins_over_the_machine_address():
    # ProxyFix has already made the request's host the one the browser asked for.
    address = room_address("https://localhost", "0.0.0.0", proxied=True, interfaces=interfaces(LAPTOP))
    assert address.base == "https://localhost" and address.reachable
