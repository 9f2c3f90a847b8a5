"""A refused command reads, on a Dutch participant's screen, in Dutch: the ack's `text`, not
the server's English `message`."""

import pytest
from playwright.sync_api import expect

from browser_helpers import bound, open_page, signed_in
from cocreate import protocol as p
from cocreate.catalogues import catalogue
from support import PLATFORM, Workshop, add_note, ok

pytestmark = pytest.mark.e2e


def test_a_dot_past_the_most_a_note_may_get_is_refused_in_dutch(server, clients, contexts, artifacts):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True)
    ok(room.facilitator.call(p.STEP_GO, {"index": PLATFORM}))
    add_note(room.facilitator, PLATFORM, "Open agenda's", lane="transparency")
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 3, "per_note": 1}))
    phone = signed_in(contexts, room, "Anouk", width=390, height=844)
    anouk = open_page(phone, room.url())
    give = anouk.locator(".note", has_text="Open agenda's").get_by_role("button", name="Geef deze notitie een stem")

    give.click()
    expect(bound(anouk, "vote-status")).to_contain_text("nog 2 van 3")
    # Dots are left, so the button still offers one: the server says this note has enough.
    give.click()
    expect(bound(anouk, "toast")).to_have_text(catalogue("nl")["refusal_dots_note_full"])
    anouk.screenshot(path=artifacts / "refusal-in-dutch-phone.png")
    assert phone.page_errors == []
