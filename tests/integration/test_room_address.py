"""The share panel, the projector and the QR code carry an address the room can reach."""

import io
import re
from urllib.parse import urlsplit

import requests
import segno

from cocreate.addresses import machine_addresses, network_addresses


def facilitator_page(live, view="facilitate"):
    created = live.create_workshop("Zaal")
    cookies = {f"cc_{created['id']}": created["facilitator_token"]}
    page = requests.get(f"{live.url}/w/{created['id']}/{view}", cookies=cookies, timeout=10)
    assert page.status_code == 200
    return created, page.text, cookies


def join_link(html):
    return re.search(r'data-join-url="([^"]+)"', html).group(1)


def qr_of(link):
    svg = io.BytesIO()
    segno.make(link, error="m").save(
        svg, kind="svg", scale=8, border=2, dark="#1f2933", light="#ffffff", xmldecl=False, svgns=True, omitsize=True
    )
    return svg.getvalue()


def test_a_server_open_to_the_room_links_the_machine_address_when_opened_as_loopback(start_server):
    live = start_server(HOST="0.0.0.0", COCREATE_PUBLIC_URL="")
    created, html, cookies = facilitator_page(live)
    link = join_link(html)
    here = network_addresses(machine_addresses())
    if not here:  # a machine with no network: the panel must say so, without a QR code
        assert 'data-bind="room-unreachable"' in html and "share-qr" not in html
        return
    assert urlsplit(link).hostname == here[0]
    assert urlsplit(link).port == urlsplit(live.url).port
    assert link.endswith(f"/j/{created['join_code']}")
    assert "share-qr" in html and "room-unreachable" not in html
    qr = requests.get(f"{live.url}/w/{created['id']}/qr.svg", cookies=cookies, timeout=10)
    assert qr.content == qr_of(link)
    assert f"participants join at http://{here[0]}:{urlsplit(live.url).port}" in live.log()


def test_a_server_only_this_computer_reaches_says_so_instead_of_a_qr_code(start_server):
    live = start_server(HOST="127.0.0.1", COCREATE_PUBLIC_URL="")
    for view in ("facilitate", "present"):
        _created, html, _cookies = facilitator_page(live, view)
        assert 'data-bind="room-unreachable"' in html
        assert "Alleen deze computer kan het bord nu openen" in html
        assert "HOST=0.0.0.0" in html
        assert "join-qr" not in html and "share-qr" not in html
    english = requests.get(f"{live.url}/w/{_created['id']}/present?lang=en", cookies=_cookies, timeout=10).text
    assert "Only this computer can open the board now" in english
    assert "only this computer can reach it" in live.log()


def test_the_public_url_is_what_links_and_the_api_carry(start_server):
    live = start_server(HOST="127.0.0.1", COCREATE_PUBLIC_URL="https://workshop.example.org")
    created, html, _cookies = facilitator_page(live)
    assert join_link(html) == f"https://workshop.example.org/j/{created['join_code']}"
    assert created["urls"]["join"] == f"https://workshop.example.org/w/{created['id']}"
    assert "share-qr" in html
