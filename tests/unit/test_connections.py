"""What `cocreate serve` bounds per client address (cocreate/realtime/connections.py), and the names
it answers to (cocreate/hosts.py)."""

from cocreate.realtime.connections import ConnectionCap, ServerLimits
from cocreate.hosts import AllowedHosts


def test_one_address_holds_no_more_connections_than_its_cap():
    cap = ConnectionCap(2, uncapped=["127.0.0.1"])
    phone = ("192.168.1.20", 50000)
    assert [cap.admit(phone) for _ in range(3)] == [True, True, False]
    assert cap.admit(("192.168.1.21", 50001))  # another phone has its own allowance
    assert cap.admit(("::ffff:192.168.1.20", 50002)) is False  # the same phone over IPv6
    cap.release(phone)
    assert cap.admit(phone)
    assert all(cap.admit(("127.0.0.1", port)) for port in range(10))  # a proxy here


def test_limits_come_from_the_settings():
    limits = ServerLimits.from_config(
        {
            "CONNECTIONS": 50,
            "SOCKET_TIMEOUT": "2.5",
            "CONNECTIONS_PER_ADDRESS": 3,
            "UNCAPPED_ADDRESSES": "127.0.0.1, ::1,",
        }
    )
    assert (limits.connections, limits.socket_timeout) == (50, 2.5)
    assert (limits.cap.per_address, limits.cap.uncapped) == (3, {"127.0.0.1", "::1"})


def test_a_new_network_address_of_the_machine_is_served_once_the_interfaces_say_so(monkeypatch):
    addresses = {"192.168.1.5"}
    clock = [0.0]
    monkeypatch.setattr("cocreate.hosts.time.monotonic", lambda: clock[0])
    allowed = AllowedHosts({"PUBLIC_URL": None}, interfaces=lambda: set(addresses))
    assert allowed.allows("192.168.1.5:5000") and not allowed.allows("10.0.0.7:5000")
    addresses.add("10.0.0.7")  # the laptop joined the room's Wi-Fi
    assert not allowed.allows("10.0.0.7:5000")  # read again at most every 10 s
    clock[0] = 11.0
    assert allowed.allows("10.0.0.7:5000")
