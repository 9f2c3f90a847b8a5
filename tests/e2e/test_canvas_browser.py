"""The canvas in Chromium: a mouse drag seen live on the projector, the keyboard alone, a
touch drag on a phone, "Verplaats naar…", and two people reaching for the same note."""

import pytest
from playwright.sync_api import expect

from browser_helpers import bound, open_page, signed_in, touch_drag, with_token
from support import GOALS, PLATFORM, Workshop, add_note, ok

pytestmark = pytest.mark.e2e


def write(workshop, who, step, text, **extra):
    """A note by `who`, over a socket of their own; returns its id."""
    note_id, _seq = add_note(workshop.connect(who), step, text, **extra)
    return note_id


@pytest.fixture
def room(server, clients):
    """A workshop whose first step is a canvas, with notes by Anouk and Bram."""
    workshop = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    ok(workshop.facilitator.call("step:edit", {"index": GOALS, "layout": "canvas"}))
    workshop.notes = [
        write(workshop, "Anouk", GOALS, "Meer klanten met minder moeite"),
        write(workshop, "Bram", GOALS, "Plezier in het werk"),
    ]
    return workshop


def stored(workshop, note_id):
    """The note as the server has it now."""
    notes = workshop.facilitator.call("sync", {})["snapshot"]["notes"]
    return next(note for note in notes if note["id"] == note_id)


def note_on(page, note_id):
    return page.locator(f'.note[data-id="{note_id}"]')


def test_a_mouse_drag_travels_on_the_projector_and_lands_where_it_was_dropped(room, contexts):
    anouk = open_page(signed_in(contexts, room, "Anouk"), room.url())
    projector = signed_in(contexts, room, "facilitator", 1920, 1080).new_page()
    projector.goto(room.url("/present"))
    expect(note_on(projector, room.notes[0])).to_be_visible()
    # The projector only shows, even signed in as the facilitator: no handles to drag.
    expect(projector.locator(".note.movable, .drag-handle")).to_have_count(0)
    before = stored(room, room.notes[0])
    box = note_on(anouk, room.notes[0]).bounding_box()
    anouk.mouse.move(box["x"] + 20, box["y"] + 20)
    anouk.mouse.down()
    for step in range(1, 16):
        anouk.mouse.move(box["x"] + 20 + step * 25, box["y"] + 20 + step * 12, steps=2)
    # In between: the projector shows the note travelling, and who moves it.
    travelling = note_on(projector, room.notes[0])
    expect(travelling.locator(".drag-by")).to_have_text("Anouk verplaatst…")
    # ... read from the back of the room.
    assert travelling.locator(".drag-by").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)") >= 20
    assert stored(room, room.notes[0])["x"] == before["x"]  # frames are never stored
    anouk.mouse.up()
    expect(travelling.locator(".drag-by")).to_have_count(0)
    dropped = stored(room, room.notes[0])
    assert dropped["x"] > before["x"] + 0.1 and dropped["y"] > before["y"]
    # Every screen shows the stored place.
    for page in (anouk, projector):
        left = note_on(page, room.notes[0]).evaluate("(el) => parseFloat(el.style.left)")
        assert left == pytest.approx(dropped["x"] * 100)
    assert anouk.context.page_errors == [] and projector.context.page_errors == []


def test_the_keyboard_alone_moves_a_note_and_says_where_it_went(room, contexts):
    page = open_page(signed_in(contexts, room, "Bram"), room.url())
    before = stored(room, room.notes[1])
    note = note_on(page, room.notes[1])
    expect(note).to_be_visible()  # the canvas shows once its styles are in: a hidden note takes no focus
    note.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowDown")
    expect(bound(page, "announcer")).to_contain_text("Verplaatst:")
    after = stored(room, room.notes[1])
    assert after["x"] == pytest.approx(before["x"] + 0.03, abs=1e-6)
    assert after["y"] == pytest.approx(before["y"] + 0.05, abs=1e-6)
    assert page.evaluate("document.activeElement.dataset.id") == room.notes[1]


def test_move_to_a_lane_from_the_menu_without_dragging(server, clients, contexts):
    workshop = Workshop(server, clients, "Anouk", connect_facilitator=True)
    ok(workshop.facilitator.call("step:go", {"index": PLATFORM}))
    note_id = write(workshop, "Anouk", PLATFORM, "Open agenda", lane="transparency")
    page = open_page(signed_in(contexts, workshop, "Anouk"), workshop.url(), "Platform van betrokkenheid")
    note = note_on(page, note_id)
    note.get_by_role("button", name="Verplaats naar…").click()
    note.get_by_role("button", name="Kolom Dialoog").click()
    expect(bound(page, "announcer")).to_have_text("Verplaatst naar Dialoog.")
    expect(page.locator(f'[data-lane="dialogue"] .note[data-id="{note_id}"]')).to_be_visible()
    assert stored(workshop, note_id)["lane"] == "dialogue"


def test_a_touch_drag_on_a_phone_moves_the_note_and_not_the_page(room, contexts):
    phone = with_token(contexts(390, 844, has_touch=True, is_mobile=True), room.server, room.id, room.token("Anouk"))
    page = open_page(phone, room.url())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways page
    note = note_on(page, room.notes[0])
    note.scroll_into_view_if_needed()
    before = stored(room, room.notes[0])
    scrolled = page.evaluate("window.scrollY")
    handle = note.locator(".drag-handle").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    touch_drag(page, (x, y), (x + 60, y + 120))
    page.wait_for_function(
        "(id) => document.querySelector(`.note[data-id='${id}']`)&& !document.querySelector('.note.dragging')",
        arg=room.notes[0],
    )
    after = stored(room, room.notes[0])
    assert after["y"] > before["y"]
    assert page.evaluate("window.scrollY") == scrolled


def test_a_note_someone_else_is_dragging_cannot_be_grabbed(room, contexts):
    anouk = open_page(signed_in(contexts, room, "Anouk"), room.url())
    bram = open_page(signed_in(contexts, room, "Bram"), room.url())
    box = note_on(anouk, room.notes[1]).bounding_box()
    anouk.mouse.move(box["x"] + 20, box["y"] + 20)
    anouk.mouse.down()
    for step in range(1, 9):  # a drag takes a moment, as a hand does
        anouk.mouse.move(box["x"] + 20 + step * 6, box["y"] + 20 + step * 4, steps=2)
    expect(note_on(bram, room.notes[1]).locator(".drag-by")).to_have_text("Anouk verplaatst…")
    other = note_on(bram, room.notes[1]).bounding_box()
    bram.mouse.move(other["x"] + 20, other["y"] + 20)
    bram.mouse.down()
    bram.mouse.move(other["x"] + 200, other["y"] + 20, steps=4)
    expect(bound(bram, "toast")).to_have_text("Anouk verplaatst deze notitie net.")
    bram.mouse.up()
    anouk.mouse.move(box["x"] + 120, box["y"] + 80, steps=4)
    anouk.mouse.up()
    expect(note_on(bram, room.notes[1]).locator(".drag-by")).to_have_count(0)
    final = stored(room, room.notes[1])
    for page in (anouk, bram):
        page.wait_for_function(
            "([id, x, y]) => { const n = document.querySelector(`.note[data-id='${id}']`);"
            " return Math.abs(parseFloat(n.style.left) - x * 100) < 1e-6"
            " && Math.abs(parseFloat(n.style.top) - y * 100) < 1e-6; }",
            arg=[room.notes[1], final["x"], final["y"]],
        )
