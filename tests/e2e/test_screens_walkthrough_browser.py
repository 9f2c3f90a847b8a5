"""What the walkthrough of the last rehearsal found on the room's screens, each as a person
meets it: the "Jouw tafel" banner only where the room works at tables, a spotlight that the
projector and the phones bring into view while the facilitator's own board stays put, a
follow-up's carried actions with the votes they got where they were voted, a phone's
canvas that says it goes on sideways, and the tables' overview folded away in steps not
worked at the tables."""

import pytest
import requests
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, with_token
from support import BRAND, FRICTION, GOALS, PLATFORM, Workshop, add_note, new_id, ok

pytestmark = pytest.mark.e2e

PROJECTOR = (1920, 1080)
DESK = (1440, 900)
PHONE = (390, 844)


def open_as(contexts, workshop, who, size, path="", step_title=None):
    """`who`'s page (`path`: "", "/facilitate" or "/present") at a screen `size`."""
    context = with_token(contexts(*size, bypass_csp=True), workshop.server, workshop.id, workshop.token(who))
    return open_page(context, workshop.url(path), step_title)


def settled(page):
    """Wait two frames of `page`: what a render started (a scroll) has begun by then."""
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")


def test_the_your_table_banner_shows_only_in_the_steps_worked_at_the_tables(server, clients, contexts):
    room = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    ok(room.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Zorg"]}))
    ok(room.facilitator.call("step:edit", {"index": BRAND, "tables": True}))
    phone = open_as(contexts, room, "Anouk", PHONE, step_title="Doelen stellen")
    banner = phone.locator(".table-banner")
    # The tables exist, but step 1 is the whole room's: no banner about where one sits.
    expect(banner).to_be_hidden()
    ok(room.facilitator.call("step:go", {"index": BRAND}))
    expect(banner).to_be_visible()
    seat = next(
        person["table"]
        for person in room.facilitator.call("sync", {})["snapshot"]["participants"]
        if person["name"] == "Anouk"
    )
    expect(banner.locator(".table-banner-title")).to_have_text("Jouw tafel: " + {"t1": "Data", "t2": "Zorg"}[seat])
    ok(room.facilitator.call("step:go", {"index": FRICTION}))
    expect(bound(phone, "step-title")).to_have_text("Knuppel in het hoenderhok")
    expect(banner).to_be_hidden()
    assert phone.context.page_errors == []


def test_a_spotlight_comes_into_view_on_the_projector_and_phones_but_the_facilitator_s_board_stays(
    server, clients, contexts
):
    room = Workshop(server, clients, "Anouk", "Bram", "Cas", connect_facilitator=True)
    writers = [room.connect(name) for name in ("Anouk", "Bram", "Cas")]
    ids = [add_note(writers[number % 3], GOALS, f"Doel nummer {number} van de ochtend")[0] for number in range(1, 31)]
    last = ids[-1]
    laptop = open_as(contexts, room, "facilitator", DESK, "/facilitate")
    phone = open_as(contexts, room, "Anouk", PHONE)
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    for page in (laptop, phone):
        expect(page.locator(f'.note[data-id="{last}"]')).not_to_be_in_viewport()
    before = laptop.evaluate("window.scrollY")

    # The facilitator puts the last note in the spotlight from the remote.
    ok(room.facilitator.call("spotlight:set", {"kind": "note", "id": last}))
    expect(projector.locator(".stage .note-text")).to_have_text("Doel nummer 30 van de ochtend")
    expect(projector.locator(".stage .note-text")).to_be_in_viewport()
    expect(phone.locator(f'.note[data-id="{last}"]')).to_be_in_viewport()  # follow me
    banner = laptop.locator(".spotlight-banner")
    expect(banner).to_contain_text("Doel nummer 30 van de ochtend")
    settled(laptop)
    # The facilitator's board did not jump to the note ...
    assert laptop.evaluate("window.scrollY") == before
    expect(laptop.locator(f'.note[data-id="{last}"]')).not_to_be_in_viewport()
    # ... and shows it when asked.
    banner.get_by_role("button", name="Toon op mijn bord").click()
    expect(laptop.locator(f'.note[data-id="{last}"]')).to_be_in_viewport()
    for page in (laptop, phone, projector):
        assert page.context.page_errors == []


def test_a_follow_up_shows_each_carried_action_with_the_votes_it_got_where_it_was_voted(server, clients, contexts):
    first = Workshop(server, clients, "Anouk", "Bram", title="Teamdag maart", connect_facilitator=True)
    ok(first.facilitator.call("step:go", {"index": PLATFORM}))
    anouk, bram = first.connect("Anouk"), first.connect("Bram")
    coffee, _seq = add_note(anouk, PLATFORM, "Koffie met de directie", lane="dialogue")
    desk, _seq = add_note(bram, PLATFORM, "Eén loket", lane="accessibility")
    ok(first.facilitator.call("voting:open", {"step": PLATFORM, "budget": 3}))
    for voter, note, times in ((anouk, coffee, 2), (bram, coffee, 3), (bram, desk, 0)):
        for _time in range(times):
            ok(voter.call("vote:cast", {"note_id": note}))
    ok(first.facilitator.call("voting:close", {}))
    action = new_id()
    ok(
        first.facilitator.call(
            "action:add",
            {"id": action, "title": "Maandelijks koffiegesprek", "owner": first.pid("Anouk"), "note_ids": [coffee]},
        )
    )
    follow_up = first.follow_up("Kees", title="Terugkomdag juni")
    csv = follow_up.download("plan.csv").content.decode("utf-8-sig")
    assert "Maandelijks koffiegesprek" in csv and ";5;" in csv  # what the download says

    laptop = open_as(contexts, follow_up, "facilitator", DESK, "/facilitate", "Terugblik")
    phone = open_as(contexts, follow_up, "Kees", PHONE, step_title="Terugblik")
    for page in (laptop, phone):
        expect(page.locator(".review-item .review-meta")).to_contain_text("5 stemmen")
        expect(page.locator(".action-list .action")).to_have_count(0)  # once: on the review
    # A change to the action (the owner's update, live) keeps its votes on the boards.
    link = next(item for item in first.connect("Anouk").snapshots[-1]["actions"] if item["id"] == action)["update_url"]
    assert (
        requests.post(link, json={"status": "doing", "text": "Eerste gesprek gepland"}, timeout=10).status_code == 200
    )
    for page in (laptop, phone):
        expect(page.locator(".review-item .action-latest")).to_contain_text("Eerste gesprek gepland")
        expect(page.locator(".review-item .review-meta")).to_contain_text("5 stemmen")
        assert page.context.page_errors == []


SIDEWAYS = {
    "nl": "Veeg opzij: het bord is breder dan je scherm.",
    "en": "Swipe sideways: the board is wider than your screen.",
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_phone_s_canvas_says_it_scrolls_sideways_and_the_laptop_s_does_not(server, clients, contexts, language):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True, language=language)
    ok(room.facilitator.call("step:edit", {"index": GOALS, "layout": "canvas"}))
    add_note(room.connect("Anouk"), GOALS, "Meer tijd voor de cliënt")
    phone = open_as(contexts, room, "Anouk", PHONE)
    hint = phone.locator(".board .canvas-scroll-hint")
    expect(hint).to_have_text(SIDEWAYS[language])
    expect(hint).to_be_visible()
    board = phone.locator(".board.canvas")
    board.scroll_into_view_if_needed()
    assert board.evaluate("(board) => board.scrollWidth > board.clientWidth")  # it does scroll
    # Swiped halfway along, the line is still there to read.
    board.evaluate("(board) => { board.scrollLeft = board.scrollWidth / 2; }")
    expect(hint).to_be_in_viewport()
    box, frame = hint.bounding_box(), board.bounding_box()
    assert frame["x"] - 1 <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    assert axe_violations(phone) == []
    # A laptop shows the whole canvas: nothing to say.
    laptop = open_as(contexts, room, "facilitator", DESK, "/facilitate")
    expect(laptop.locator(".board .canvas-area .note")).to_have_count(1)
    expect(laptop.locator(".board .canvas-scroll-hint")).to_be_hidden()
    assert phone.context.page_errors == [] and laptop.context.page_errors == []


def test_the_tables_overview_folds_away_in_steps_not_worked_at_the_tables_and_opens_on_request(
    server, clients, contexts
):
    room = Workshop(server, clients, "Anouk", "Bram", "Cas", "Dewi", connect_facilitator=True)
    ok(room.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Zorg"]}))
    ok(room.facilitator.call("step:edit", {"index": BRAND, "tables": True}))
    ok(room.facilitator.call("step:go", {"index": BRAND}))
    laptop = open_as(contexts, room, "facilitator", DESK, "/facilitate", "Persoonlijk merk")
    overview = bound(laptop, "tables-overview")
    cards = laptop.locator(".table-card")
    unfold = laptop.get_by_role("button", name="Tafels tonen")
    expect(cards).to_have_count(2)
    expect(cards.first).to_be_visible()  # the step is worked at the tables: open
    expect(unfold).to_have_attribute("aria-expanded", "true")

    ok(room.facilitator.call("step:go", {"index": FRICTION}))
    expect(bound(laptop, "step-title")).to_have_text("Knuppel in het hoenderhok")
    expect(cards.first).to_be_hidden()
    expect(unfold).to_have_attribute("aria-expanded", "false")
    # One line above the composer and the board, not a panel of cards.
    assert overview.bounding_box()["height"] < 80
    expect(bound(laptop, "composer")).to_be_in_viewport()
    assert axe_violations(laptop) == []
    # Still there when the facilitator needs it, by keyboard too.
    unfold.focus()
    laptop.keyboard.press("Enter")
    expect(cards.first).to_be_visible()
    expect(unfold).to_have_attribute("aria-expanded", "true")
    expect(cards.first.get_by_role("button", name="Laat presenteren: Data")).to_be_visible()
    laptop.keyboard.press("Enter")  # and folds it again
    expect(cards.first).to_be_hidden()

    ok(room.facilitator.call("step:go", {"index": BRAND}))
    expect(cards.first).to_be_visible()
    assert laptop.context.page_errors == []
