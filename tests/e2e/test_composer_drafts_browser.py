"""A half-written note on a phone: when writing closes it says it was not sent and keeps the
text; the text belongs to the step it was written in and comes back with that step."""

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, with_token
from support import Workshop, ok

pytestmark = pytest.mark.e2e

PHONE = (390, 844)
FRICTION, PLATFORM = 2, 3


def test_a_draft_stays_with_its_step_and_says_it_was_not_sent_when_writing_closes(server, clients, contexts, artifacts):
    workshop = Workshop(server, clients, "Bram", connect_facilitator=True)
    ok(workshop.facilitator.call("step:go", {"index": FRICTION}))
    phone = open_page(
        with_token(contexts(*PHONE, bypass_csp=True), server, workshop.id, workshop.token("Bram")),
        workshop.url(),
        "Knuppel in het hoenderhok",
    )
    box = phone.get_by_role("textbox", name="Nieuwe notitie")
    box.fill("Te veel lagen tussen vraag en")
    kept = bound(phone, "composer-kept")
    expect(kept).to_be_hidden()

    ok(workshop.facilitator.call("workshop:lock", {"locked": True}))  # writing closes
    expect(kept).to_have_text("Niet verstuurd; je tekst blijft hier bewaard.")
    expect(box).to_have_value("Te veel lagen tussen vraag en")
    assert axe_violations(phone) == []
    phone.screenshot(path=artifacts / "composer-closed-phone.png")

    ok(workshop.facilitator.call("workshop:lock", {"locked": False}))
    expect(kept).to_be_hidden()
    ok(workshop.facilitator.call("step:go", {"index": PLATFORM}))
    expect(bound(phone, "step-title")).to_have_text("Platform van betrokkenheid")
    expect(box).to_have_value("")  # the next step's box is its own
    box.fill("Wijkgesprekken")

    ok(workshop.facilitator.call("step:go", {"index": FRICTION}))
    expect(bound(phone, "step-title")).to_have_text("Knuppel in het hoenderhok")
    expect(box).to_have_value("Te veel lagen tussen vraag en")

    ok(workshop.facilitator.call("step:go", {"index": PLATFORM}))
    expect(box).to_have_value("Wijkgesprekken")
    box.fill("")
    ok(workshop.facilitator.call("step:go", {"index": FRICTION}))
    box.press("End")
    box.press_sequentially(" besluit")
    box.press("Enter")
    expect(phone.locator(".note .note-text")).to_have_text(["Te veel lagen tussen vraag en besluit"])
    snapshot = workshop.connect("Bram").snapshots[0]
    assert [(n["step"], n["text"]) for n in snapshot["notes"]] == [(FRICTION, "Te veel lagen tussen vraag en besluit")]
    assert phone.context.page_errors == []


def test_the_timer_closing_writing_mid_sentence_keeps_the_text_and_says_it_was_not_sent(server, clients, contexts):
    workshop = Workshop(server, clients, "Bram", connect_facilitator=True)
    phone = open_page(
        with_token(contexts(*PHONE), server, workshop.id, workshop.token("Bram")), workshop.url(), "Doelen stellen"
    )
    box = phone.get_by_role("textbox", name="Nieuwe notitie")
    box.fill("Meer klanten met")
    ok(workshop.facilitator.call("timer:start", {"seconds": 5, "lock_at_end": True}))
    expect(bound(phone, "timer")).to_contain_text("Tijd is om", timeout=15_000)
    expect(bound(phone, "composer-kept")).to_have_text("Niet verstuurd; je tekst blijft hier bewaard.")
    expect(box).to_have_value("Meer klanten met")
    expect(box).to_be_disabled()
