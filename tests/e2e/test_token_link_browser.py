"""A link with someone else's token asks before it changes who this browser is; the
facilitator stays the facilitator whatever they click."""

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, signed_in, with_token
from support import Workshop

pytestmark = pytest.mark.e2e


def cookie(context, workshop):
    return next(c["value"] for c in context.cookies() if c["name"] == f"cc_{workshop.id}")


@pytest.fixture
def room(server, clients):
    return Workshop(server, clients, "Anouk", "Bob")


def test_a_facilitator_sent_a_participant_s_link_stays_the_facilitator(room, contexts, artifacts):
    context = with_token(contexts(1440, 900, bypass_csp=True), room.server, room.id, room.token())
    page = context.new_page()
    page.goto(room.url(f"/facilitate?token={room.token('Bob')}"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Wie ben je hier?")
    expect(bound(page, "identity-here")).to_have_text("Je bent hier als Begeleider (begeleider).")
    expect(bound(page, "identity-linked")).to_have_text("Deze link is van Bob (deelnemer).")
    expect(page.get_by_role("button", name="Doorgaan als Bob")).to_have_count(0)
    page.screenshot(path=str(artifacts / "identity-facilitator-1440.png"))
    assert axe_violations(page) == []
    page.get_by_role("link", name="Blijven als Begeleider").click()
    expect(bound(page, "connection")).to_have_attribute("data-state", "online")
    assert page.url == room.url("/facilitate")
    assert cookie(context, room) == room.token()
    assert context.page_errors == []


@pytest.mark.parametrize("choice", ["Doorgaan als Bob", "Blijven als Anouk"])
def test_a_participant_chooses_who_to_be(room, contexts, artifacts, choice):
    context = signed_in(contexts, room, "Anouk", 390, 844)
    page = context.new_page()
    page.goto(room.url(f"?token={room.token('Bob')}"))
    expect(bound(page, "identity-here")).to_have_text("Je bent hier als Anouk (deelnemer).")
    expect(bound(page, "identity-linked")).to_have_text("Deze link is van Bob (deelnemer).")
    page.screenshot(path=str(artifacts / "identity-participant-390.png"))
    assert cookie(context, room) == room.token("Anouk")  # nothing changed by opening it
    page.get_by_role(choice.startswith("Doorgaan") and "button" or "link", name=choice).click()
    expect(bound(page, "connection")).to_have_attribute("data-state", "online")
    assert page.url == room.url()
    expected = room.token("Bob") if choice.startswith("Doorgaan") else room.token("Anouk")
    assert cookie(context, room) == expected
    assert context.page_errors == []
