"""`cocreate serve` runs the same board in each async mode (DESIGN.md: eventlet is only the
default), on a listening socket with TCP_NODELAY."""

import socket
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from cocreate import protocol as p
from cocreate.cli import listen

from support import new_id


@pytest.fixture(params=["eventlet", "gevent", "threading"])
def mode_server(request, start_server):
    return request.param, start_server(COCREATE_ASYNC_MODE=request.param)


def test_each_async_mode_serves_pages_and_a_shared_board_over_websocket(mode_server, clients):
    mode, live = mode_server
    assert f"({mode}," in live.log()
    workshop = live.create_workshop("Teamdag")
    board = requests.get(f"{live.url}/w/{workshop['id']}", timeout=10)
    # Without a cookie the board sends a newcomer on to its join page.
    assert (board.url, board.status_code) == (f"{live.url}/j/{workshop['join_code']}", 200)
    ann = live.join(workshop["id"], "Ann")
    facilitator = clients(live.url, workshop["id"], workshop["facilitator_token"])
    participant = clients(live.url, workshop["id"], ann["token"])

    answer = participant.call(p.NOTE_ADD, {"id": new_id(), "step": 0, "text": "Samen beslissen"})

    assert answer["ok"] is True
    facilitator.wait_for_seq(answer["seq"])
    added = [e for e in facilitator.events if e["type"] == p.NOTE_ADDED]
    assert [e["data"]["text"] for e in added] == ["Samen beslissen"]
    assert "Traceback" not in live.log()


def test_each_async_mode_prints_the_pdf_plan_in_a_thread_while_the_board_goes_on(mode_server, clients):
    mode, live = mode_server
    workshop = live.create_workshop("Teamdag")
    ann = live.join(workshop["id"], "Ann")
    facilitator = clients(live.url, workshop["id"], workshop["facilitator_token"])
    participant = clients(live.url, workshop["id"], ann["token"])
    with ThreadPoolExecutor(1) as pool:
        printing = pool.submit(
            requests.get,
            f"{live.url}/w/{workshop['id']}/plan.pdf",
            headers={"Authorization": f"Bearer {ann['token']}"},
            timeout=60,
        )
        answer = participant.call(p.NOTE_ADD, {"id": new_id(), "step": 0, "text": "Verder"})
        facilitator.wait_for_seq(answer["seq"])
        pdf = printing.result()
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-"), mode
    assert "Traceback" not in live.log()


def test_the_listener_and_the_sockets_it_accepts_have_tcp_nodelay():
    listener = listen("127.0.0.1", 0)
    try:
        with socket.create_connection(listener.getsockname(), timeout=5):
            accepted, _address = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()
