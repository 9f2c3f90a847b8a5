"""No single client on the room's network takes the server down (issue 26, findings 1–2).

Each probe runs against a live server with a small connection pool, so a few dozen
connections prove what a thousand did to the default pool of 1,024.
"""

import http.client
import json
import socket

import pytest

POOL = 24  # connections the server serves at once (COCREATE_CONNECTIONS)
PER_ADDRESS = 8  # of which one address may hold (COCREATE_CONNECTIONS_PER_ADDRESS)
TIMEOUT = 2  # seconds a connection may keep a read waiting (COCREATE_SOCKET_TIMEOUT)
ANSWER_WITHIN = 5  # seconds /healthz may take while the probe holds its connections
SECOND_ADDRESS = "127.0.0.2"  # Linux answers all of 127/8 on loopback: another client


def guarded(start_server, mode="eventlet", **env):
    return start_server(
        COCREATE_ASYNC_MODE=mode,
        COCREATE_CONNECTIONS=str(POOL),
        COCREATE_CONNECTIONS_PER_ADDRESS=str(PER_ADDRESS),
        COCREATE_SOCKET_TIMEOUT=str(TIMEOUT),
        COCREATE_UNCAPPED_ADDRESSES="",
        **env,
    )


def healthz(live, source=SECOND_ADDRESS):
    """GET /healthz from `source`; the status, or None when no answer came in time."""
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=ANSWER_WITHIN, source_address=(source, 0))
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def raw(live, source="127.0.0.1"):
    """A TCP connection to the server from `source`."""
    return socket.create_connection(("127.0.0.1", live.port), timeout=ANSWER_WITHIN, source_address=(source, 0))


def polling_sid(live):
    """A new Engine.IO session over long-polling, as the first request of a client makes."""
    connection = http.client.HTTPConnection("127.0.0.1", live.port, timeout=ANSWER_WITHIN)
    connection.request("GET", "/socket.io/?EIO=4&transport=polling")
    body = connection.getresponse().read().decode()
    connection.close()
    return json.loads(body[1:])["sid"]  # "0{...}": an Engine.IO OPEN packet


def oversized_post_then_hang_up(live, sid):
    """A polling POST over the 64 KiB message limit, the connection closed at once."""
    body = b"4" + b"x" * 70_000
    with raw(live) as probe:
        probe.sendall(
            b"POST /socket.io/?EIO=4&transport=polling&sid="
            + sid.encode()
            + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
            + b"Content-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )


def closed_by_server(connection):
    """Whether the server closed `connection` (its reads end, perhaps after an error answer)
    within the answer time."""
    try:
        while connection.recv(1024):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_oversized_polling_posts_never_pin_the_server(start_server, mode):
    live = guarded(start_server, mode)
    for _ in range(2 * POOL):
        oversized_post_then_hang_up(live, polling_sid(live))

    assert healthz(live) == 200
    assert healthz(live, "127.0.0.1") == 200
    assert "Traceback" not in live.log()


@pytest.mark.parametrize("mode", ["eventlet", "gevent", "threading"])
def test_one_address_with_unfinished_headers_cannot_lock_out_the_room(start_server, mode):
    live = guarded(start_server, mode)
    slow = [raw(live) for _ in range(2 * POOL)]
    for connection in slow:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")

    # Another phone in the room is still answered while they hang.
    assert healthz(live) == 200
    # Past the cap the server hangs up at once; the rest when their time is up.
    assert all(closed_by_server(connection) for connection in slow)
    assert healthz(live, "127.0.0.1") == 200
    for connection in slow:
        connection.close()


def test_loopback_is_uncapped_by_default_for_a_proxy_on_this_machine(start_server):
    live = start_server(COCREATE_CONNECTIONS_PER_ADDRESS="2")
    idle = [raw(live) for _ in range(4)]
    assert healthz(live, "127.0.0.1") == 200
    for connection in idle:
        connection.close()
