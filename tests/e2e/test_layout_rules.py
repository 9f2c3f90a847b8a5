"""The layout rules (layout_rules.py) on screens like the rehearsal's, in Dutch and English: a
full canvas with a cluster and a full column view of 40 notes each on the projector
(1920 × 1080), the facilitator's laptop (1440 × 900) and a phone (390 × 844)."""

import pytest
from playwright.sync_api import expect

from browser_helpers import cluster_holds, open_page, signed_in, with_token
from layout_rules import check
from support import GOALS, PLATFORM, Workshop, add_note, ok

pytestmark = pytest.mark.e2e

# What a room writes: short and long notes, long Dutch and English words among them.
NOTES = {
    "nl": [
        "Het telefoonnummer staat overal",
        "Mantelzorgers voelen zich gehoord",
        "Praktijkondersteuner altijd bereikbaar",
        "Minder formulieren",
        "Samen leren van klachten",
        "Kortere lijnen met de huisarts",
        "Plezier in het werk",
        "Inloopspreekuur op dinsdag",
        "Besluitenlijst voor iedereen",
        "Eén dashboard",
        "Vaste contactpersoon",
        "Wijkverpleegkundige aan tafel",
        "Klanttevredenheid meten",
        "Ervaringsdeskundigen betrekken",
    ],
    "en": [
        "Everyone knows the telephone number",
        "Carers feel heard",
        "Accessibility for everyone",
        "Less paperwork",
        "Learn together from complaints",
        "Shorter lines to the GP",
        "Enjoy the work",
        "Drop-in hours on Tuesdays",
        "Decisions shared with everyone",
        "One dashboard",
        "A fixed contact person",
        "Responsibilities made clear",
        "Measure satisfaction",
        "Involve experienced clients",
    ],
}
COUNT = 40


def room(server, clients, language, layout):
    """A workshop in `language` whose first step holds 40 notes, four of them in a cluster."""
    workshop = Workshop(server, clients, "Sanne", "Pieter", connect_facilitator=True, language=language)
    writers = [workshop.connect("Sanne"), workshop.connect("Pieter")]
    ok(workshop.facilitator.call("step:edit", {"index": GOALS, "layout": layout}))
    ids = [
        add_note(writers[index % 2], GOALS, NOTES[language][index % len(NOTES[language])])[0] for index in range(COUNT)
    ]
    ok(workshop.facilitator.call("note:group", {"ids": ids[:4], "title": NOTES[language][2]}))
    return workshop


def screens(contexts, workshop):
    """The projector, the facilitator's laptop and a phone, each showing every note."""
    projector = open_page(signed_in(contexts, workshop, "facilitator", 1920, 1080), workshop.url("/present"))
    laptop = open_page(signed_in(contexts, workshop, "facilitator", 1440, 900), workshop.url("/facilitate"))
    phone = open_page(signed_in(contexts, workshop, "Sanne", 390, 844), workshop.url())
    for page in (projector, laptop, phone):
        page.locator(".board .note").nth(COUNT - 1).wait_for(state="attached")
    return projector, laptop, phone


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("layout", ["canvas", "grid"])
def test_every_screen_keeps_the_layout_rules(server, clients, contexts, language, layout):
    projector, laptop, phone = screens(contexts, room(server, clients, language, layout))
    # The room reads every note whole on the projector, at 20 px or more.
    assert check(projector, allow=()) == []
    # Laptop and phone may cut a canvas note with "…": picking it shows it whole.
    assert check(laptop) == [] and check(phone) == []
    assert projector.evaluate("document.documentElement.lang") == language


# Long notes as a room writes them, for a cluster on the projector's canvas.
LONG = {
    "nl": [
        "Het telefoonnummer van de praktijkondersteuner staat overal en is altijd bereikbaar",
        "Mantelzorgers voelen zich gehoord door de wijkverpleegkundige en de huisarts",
        "Kortere lijnen tussen het wijkteam, de huisarts en de praktijkondersteuner",
        "Ervaringsdeskundigen denken mee over de klachtenprocedure",
        "Een vaste contactpersoon voor iedere cliënt en zijn mantelzorgers",
    ],
    "en": [
        "Everyone knows the practice nurse's telephone number and can always reach her",
        "Carers feel heard by the community nurse and by the general practitioner",
        "Shorter lines between the community team, the GP and the practice nurse",
        "People with lived experience help shape the complaints procedure",
        "One fixed contact person for every client and for their carers",
    ],
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_cluster_of_long_notes_on_the_projector_shows_every_note_whole(
    server, clients, contexts, artifacts, language
):
    workshop = Workshop(server, clients, "Sanne", "Pieter", connect_facilitator=True, language=language)
    writers = [workshop.connect("Sanne"), workshop.connect("Pieter")]
    ok(workshop.facilitator.call("step:edit", {"index": GOALS, "layout": "canvas"}))
    long = [add_note(writers[index % 2], GOALS, text)[0] for index, text in enumerate(LONG[language])]
    ok(workshop.facilitator.call("note:group", {"ids": long, "title": NOTES[language][2]}))
    # More notes after it: some land beside the cluster's frame, some right under it.
    for index in range(24):
        add_note(writers[index % 2], GOALS, NOTES[language][index % len(NOTES[language])])
    projector = open_page(signed_in(contexts, workshop, "facilitator", 1920, 1080), workshop.url("/present"))
    projector.locator(".board .note").nth(28).wait_for(state="attached")
    cluster_holds(projector, len(long))  # the frame grew round its grown notes
    # No note cut or run out of its box, none over another, text 20 px or more.
    projector.screenshot(path=artifacts / f"cluster-long-notes-projector-{language}.png")
    assert check(projector, allow=()) == []
    assert projector.context.page_errors == []


def test_lanes_on_a_phone_break_long_words_only_at_a_hyphen(server, clients, contexts):
    workshop = Workshop(server, clients, "Sanne", connect_facilitator=True)
    ok(workshop.facilitator.call("step:go", {"index": PLATFORM}))
    sanne = workshop.connect("Sanne")
    for lane, text in (
        ("accessibility", "Praktijkondersteunersspreekuur"),
        ("dialogue", "Ervaringsdeskundigenbijeenkomst"),
    ):
        add_note(sanne, PLATFORM, text, lane=lane)
    phone = open_page(signed_in(contexts, workshop, "Sanne", 390, 844), workshop.url())
    phone.locator(".board .note").nth(1).wait_for()
    assert check(phone) == []
    # The long words did break, each at a place Dutch allows.
    assert "\u00ad" in phone.locator(".note-text").first.text_content()


def test_the_facilitator_sees_the_join_code_and_qr_without_scrolling(server, clients, contexts):
    workshop = Workshop(server, clients)
    laptop = open_page(signed_in(contexts, workshop, "facilitator", 1440, 900), workshop.url("/facilitate"))
    for item in (laptop.locator(".share-qr"), laptop.locator(".share .join-code")):
        box = item.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 900, box
    assert laptop.evaluate("window.scrollY") == 0


def test_a_tapped_note_on_a_phone_canvas_shows_its_buttons_and_menu_whole(server, clients, contexts):
    workshop = Workshop(server, clients, "Sanne", connect_facilitator=True)
    ok(workshop.facilitator.call("step:go", {"index": PLATFORM}))
    ok(workshop.facilitator.call("step:edit", {"index": PLATFORM, "layout": "canvas"}))
    note_id, _seq = add_note(workshop.connect("Sanne"), PLATFORM, "Vaste inloopuren", lane="dialogue")
    phone = open_page(
        with_token(contexts(390, 844, has_touch=True, is_mobile=True), server, workshop.id, workshop.token("Sanne")),
        workshop.url(),
    )
    note = phone.locator(f'.note[data-id="{note_id}"]')
    note.locator(".note-text").tap()
    move = note.get_by_role("button", name="Verplaats naar…")
    move.scroll_into_view_if_needed()
    move.tap()
    menu = note.locator(".move-menu")
    expect(menu.get_by_role("button")).to_have_count(3)  # the three other lanes
    for control in (*menu.get_by_role("button").all(), move):
        control.scroll_into_view_if_needed()
        board = phone.locator(".board").bounding_box()
        box = control.bounding_box()
        # Whole inside the board's visible part, and nothing (the drag handle) on top of it.
        assert board["x"] - 1 <= box["x"] and box["x"] + box["width"] <= board["x"] + board["width"] + 1, box
        assert board["y"] - 1 <= box["y"] and box["y"] + box["height"] <= board["y"] + board["height"] + 1, box
        assert control.evaluate(
            "(el, [x, y]) => el.contains(document.elementFromPoint(x, y))",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
    menu.get_by_role("button", name="Kolom Reflectie").tap()
    expect(phone.locator('[data-bind="announcer"]')).to_have_text("Verplaatst naar Reflectie.")
