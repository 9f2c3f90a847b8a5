"""A participant on a phone, keyboard only: write, edit, move between lanes, vote, take an
action on. No horizontal scrolling, and new notes by others are announced politely."""

import uuid

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def tab_to(page, locator, limit=200):
    """Press Tab until `locator` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError("never reached with Tab")


def test_everything_a_participant_does_works_with_the_keyboard_on_a_phone(server, contexts, clients):
    created = server.create_workshop("Toetsenbord")
    facilitator = clients(server.url, created["id"], created["facilitator_token"])
    person = server.join(created["id"], "Sanne")
    colleague = clients(server.url, created["id"], server.join(created["id"], "Pieter")["token"])
    assert facilitator.call("step:go", {"index": 3})["ok"]
    context = contexts(390, 844)
    context.add_cookies([{"name": f"cc_{created['id']}", "value": person["token"], "url": server.url}])
    page = context.new_page()
    page.goto(f"{server.url}/w/{created['id']}")
    page.wait_for_selector('[data-bind="connection"][data-state="online"]')

    # Write into the second lane: Tab to the lane picker, choose with the arrow keys.
    tab_to(page, page.locator('[data-bind="lane-select"]'))
    page.keyboard.press("ArrowDown")
    tab_to(page, page.locator("#composer-text"))
    page.keyboard.type("Vaste inloopuren")
    page.keyboard.press("Enter")
    mine = page.locator(".note", has_text="Vaste inloopuren")
    expect(mine.locator(".note-text")).to_be_visible()
    expect(page.locator('[data-lane="accessibility"] .note-text')).to_have_text("Vaste inloopuren")

    # Edit it and move it to another lane, keyboard only.
    tab_to(page, mine.get_by_role("button", name="Bewerken"))
    page.keyboard.press("Enter")
    expect(page.locator("form.note-edit textarea")).to_be_focused()  # the form takes over
    page.keyboard.press("Control+a")
    page.keyboard.type("Vaste inloopuren op dinsdag")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator('[data-lane="dialogue"] .note-text')).to_have_text("Vaste inloopuren op dinsdag")
    no_sideways_scroll(page)

    # Someone else's note is announced politely.
    assert colleague.call(
        "note:add", {"id": str(uuid.uuid4()), "step": 3, "text": "Open agenda", "lane": "transparency"}
    )["ok"]
    expect(page.locator('[data-bind="announcer"][aria-live="polite"]')).to_have_text("Nieuwe notitie: Open agenda")

    # Vote with the keyboard.
    assert facilitator.call("voting:open", {"step": 3, "budget": 2})["ok"]
    vote = page.locator(".note", has_text="Open agenda").get_by_role("button", name="Geef deze notitie een stem")
    tab_to(page, vote)
    page.keyboard.press("Enter")
    expect(page.locator('[data-bind="vote-status"]')).to_contain_text("nog 1 van 2")
    no_sideways_scroll(page)

    # Take on an action someone else made.
    action_id = str(uuid.uuid4())
    assert colleague.call("action:add", {"id": action_id, "title": "Agenda delen"})["ok"]
    take = page.locator(".action", has_text="Agenda delen").get_by_role("button", name="Ik pak dit op")
    tab_to(page, take)
    page.keyboard.press("Enter")
    colleague.wait_for(
        lambda: any(
            e["type"] == "action.edited" and (e["data"]["owner"] or {}).get("name") == "Sanne" for e in colleague.events
        )
    )
    no_sideways_scroll(page)
    assert context.page_errors == []
