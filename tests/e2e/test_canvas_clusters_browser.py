"""Clusters on a canvas, in Chromium, as the facilitator makes them with a mouse, a finger or
the keyboard: the frame holds its notes side by side, its name is edited in place, ungroup
is a click away, and a note's buttons and editor never hide under other notes."""

import pytest
from playwright.sync_api import expect

from browser_helpers import bound, cluster_holds, drag_onto, open_page, signed_in, touch_drag, with_token
from support import GOALS, Workshop, add_note, ok

pytestmark = pytest.mark.e2e

TEXTS = [
    "Meer klanten met minder moeite",
    "Plezier in het werk",
    "Kortere lijnen met service",
    "Samen leren van elke klantvraag",
    "Het telefoonnummer van de praktijkondersteuner",
]

# Where every note and cluster frame is on the page, to check that none covers another.
BOXES = """() => [...document.querySelectorAll('.board .note, .board .cluster')].map((item) => {
  const box = item.getBoundingClientRect();
  return {id: item.dataset.id || null, cluster: item.dataset.cluster || null,
          name: item.querySelector('.cluster-name')?.textContent ?? null,
          x: box.left, y: box.top, right: box.right, bottom: box.bottom};
})"""


@pytest.fixture
def room(server, clients):
    """A canvas step with five notes by Anouk, and the facilitator's socket."""
    workshop = Workshop(server, clients, "Anouk", connect_facilitator=True)
    ok(workshop.facilitator.call("step:edit", {"index": GOALS, "layout": "canvas"}))
    anouk = workshop.connect("Anouk")
    workshop.notes = [add_note(anouk, GOALS, text)[0] for text in TEXTS]
    return workshop


def note_on(page, note_id):
    return page.locator(f'.note[data-id="{note_id}"]')


def overlapping(page):
    """Pairs of notes that cover each other, and notes half in a cluster's frame."""
    boxes = page.evaluate(BOXES)
    notes = [box for box in boxes if box["id"]]
    frames = [box for box in boxes if box["cluster"]]

    def cover(one, other):
        return (
            one["x"] < other["right"] - 1
            and other["x"] < one["right"] - 1
            and one["y"] < other["bottom"] - 1
            and other["y"] < one["bottom"] - 1
        )

    def within(note, frame):
        return (
            note["x"] >= frame["x"]
            and note["right"] <= frame["right"]
            and note["y"] >= frame["y"]
            and note["bottom"] <= frame["bottom"]
        )

    found = [
        (one["id"], other["id"]) for index, one in enumerate(notes) for other in notes[index + 1 :] if cover(one, other)
    ]
    found += [
        (note["id"], frame["cluster"])
        for note in notes
        for frame in frames
        if cover(note, frame) and not within(note, frame)
    ]
    found += [
        (one["cluster"], other["cluster"])
        for index, one in enumerate(frames)
        for other in frames[index + 1 :]
        if cover(one, other)
    ]
    return found


def settled(page, timeout_ms=5000):
    """`overlapping(page)` once the page has caught up: a grouping moves several notes, one
    `note.moved` each, and a screen may show the first moves before the last arrive."""
    waited = 0
    while (found := overlapping(page)) and waited < timeout_ms:
        page.wait_for_timeout(100)  # polled, as `expect` polls; fails with what it found
        waited += 100
    return found


def click_centre(page, locator):
    """Click where a person would, at the centre, after checking nothing covers it there."""
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    assert locator.evaluate("(el, [x, y]) => el.contains(document.elementFromPoint(x, y))", [x, y])
    page.mouse.click(x, y)


def test_notes_dropped_onto_a_note_make_a_named_cluster_with_room_for_each(room, contexts):
    facilitator = open_page(signed_in(contexts, room, "facilitator", 1440, 900), room.url("/facilitate"))
    projector = open_page(signed_in(contexts, room, "facilitator", 1920, 1080), room.url("/present"))
    first = note_on(facilitator, room.notes[0])
    for count, other in enumerate(room.notes[1:4], start=2):
        drag_onto(facilitator, note_on(facilitator, other), first)
        cluster_holds(facilitator, count)
    for page in (facilitator, projector):
        cluster_holds(page, 4)
        expect(page.locator(".board .cluster .cluster-name")).to_have_text("Groep 1")
        assert settled(page) == []
    # The name is changed in place, with the mouse, and the room sees it.
    click_centre(facilitator, facilitator.get_by_role("button", name="Naam van de groep wijzigen"))
    field = facilitator.get_by_role("textbox", name="Naam van de groep", exact=True)
    expect(field).to_be_focused()
    field.fill("Klantcontact")
    field.press("Enter")
    expect(projector.locator(".board .cluster .cluster-name")).to_have_text("Klantcontact")
    # Picking a clustered note and a loose one and grouping them joins that cluster.
    note_on(facilitator, room.notes[4]).locator("input[data-action=select]").check()
    note_on(facilitator, room.notes[1]).locator("input[data-action=select]").check()
    bound(facilitator, "group-form").get_by_role("button").first.click()
    cluster_holds(projector, 5)
    expect(projector.locator(".board .cluster")).to_have_count(1)
    expect(projector.locator(".board .cluster .cluster-name")).to_have_text("Klantcontact")
    assert settled(projector) == []
    # "Groep opheffen" is clickable with the mouse on the canvas; the notes stay apart.
    click_centre(facilitator, facilitator.get_by_role("button", name="Groep opheffen"))
    expect(projector.locator(".board .cluster")).to_have_count(0)
    assert settled(facilitator) == [] and settled(projector) == []
    assert facilitator.context.page_errors == [] and projector.context.page_errors == []


def test_a_finger_groups_renames_edits_and_ungroups(room, contexts):
    ok(room.facilitator.call("note:group", {"ids": room.notes[:2], "title": "Samen"}))
    tablet = with_token(contexts(1024, 768, has_touch=True, is_mobile=True), room.server, room.id, room.token())
    page = open_page(tablet, room.url("/facilitate"))
    cluster_holds(page, 2)
    note = note_on(page, room.notes[3])
    note.scroll_into_view_if_needed()
    handle = note.locator(".drag-handle").bounding_box()
    target = note_on(page, room.notes[0]).locator(".note-text").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    # The handle is at the note's foot: aim the foot at the target.
    touch_drag(page, (x, y), (target["x"] + 60, target["y"] + 20), moves=12)
    cluster_holds(page, 3)
    # Every note where the server laid the cluster out (the frame holds still for the taps).
    notes = {note["id"]: note for note in room.facilitator.call("sync", {})["snapshot"]["notes"]}
    page.wait_for_function(
        """(places) => places.every(([id, x, y]) => {
        const item = document.querySelector(`.note[data-id="${id}"]`);
        return item && Math.abs(parseFloat(item.style.left) - x * 100) < 0.01
          && Math.abs(parseFloat(item.style.top) - y * 100) < 0.01; })""",
        arg=[[key, note["x"], note["y"]] for key, note in notes.items()],
    )
    assert settled(page) == []
    # Renaming, editing a note and ungrouping by tapping, on the page loaded again: in this
    # test headless Chromium made no click from a tap right after the emulated drag.
    page.reload()
    cluster_holds(page, 3)
    page.get_by_role("button", name="Naam van de groep wijzigen").tap()
    field = page.get_by_role("textbox", name="Naam van de groep", exact=True)
    expect(field).to_be_focused()
    field.fill("Samen verder")
    field.press("Enter")
    expect(page.locator(".board .cluster .cluster-name")).to_have_text("Samen verder")
    note_on(page, room.notes[3]).locator(".note-text").tap()
    note_on(page, room.notes[3]).get_by_role("button", name="Bewerken").tap()
    page.locator(".board .note-edit textarea").fill("Kortere lijnen")
    page.locator(".board .note-edit").get_by_role("button", name="Opslaan").tap()
    expect(note_on(page, room.notes[3]).locator(".note-text")).to_have_text("Kortere lijnen")
    page.get_by_role("button", name="Groep opheffen").tap()
    expect(page.locator(".board .cluster")).to_have_count(0)
    assert page.context.page_errors == []


def test_the_keyboard_alone_groups_renames_and_ungroups(room, contexts):
    page = open_page(signed_in(contexts, room, "facilitator", 1440, 900), room.url("/facilitate"))
    for note_id in room.notes[:2]:
        box = note_on(page, note_id).locator("input[data-action=select]")
        # The canvas shows once its styles are in; a hidden box cannot take the focus.
        expect(box).to_be_visible()
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    expect(bound(page, "group-bar")).to_be_visible()
    page.locator("#group-title").focus()
    page.keyboard.press("Enter")
    cluster_holds(page, 2)
    # "Verplaats naar…" puts a third note in the cluster without a drag.
    note = note_on(page, room.notes[2])
    note.focus()
    note.get_by_role("button", name="Verplaats naar…").focus()
    page.keyboard.press("Enter")
    expect(note.get_by_role("button", name="Groep Groep")).to_be_focused()
    page.keyboard.press("Enter")
    cluster_holds(page, 3)
    rename = page.get_by_role("button", name="Naam van de groep wijzigen")
    rename.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Naam van de groep", exact=True)).to_be_focused()
    page.keyboard.type("Lijnen")
    page.keyboard.press("Enter")
    expect(page.locator(".board .cluster .cluster-name")).to_have_text("Lijnen")
    expect(rename).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Groep opheffen")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".board .cluster")).to_have_count(0)
    assert settled(page) == [] and page.context.page_errors == []


def test_a_notes_buttons_and_editor_are_never_under_other_notes(room, contexts):
    page = open_page(signed_in(contexts, room, "facilitator", 1440, 900), room.url("/facilitate"))
    first, second = note_on(page, room.notes[0]), note_on(page, room.notes[1])
    # A pointer passing over a note leaves its neighbour's pick box uncovered.
    page.mouse.move(*centre(first.locator(".note-text").bounding_box()))
    neighbour = second.locator("input[data-action=select]")
    box = neighbour.bounding_box()
    assert neighbour.evaluate("(el, [x, y]) => document.elementFromPoint(x, y) === el", centre(box))
    # Picked, the note's buttons open above everything; its editor too.
    first.locator(".note-text").click()
    edit = first.get_by_role("button", name="Bewerken")
    click_centre(page, edit)
    editor = page.locator(".board .note-edit")
    expect(editor).to_be_visible()
    for control in (editor.locator("textarea"), editor.get_by_role("button", name="Opslaan")):
        assert control.evaluate(
            "(el, [x, y]) => el.contains(document.elementFromPoint(x, y))", centre(control.bounding_box())
        )
    editor.locator("textarea").fill("Meer klanten, minder moeite")
    editor.get_by_role("button", name="Opslaan").click()
    expect(note_on(page, room.notes[0]).locator(".note-text")).to_have_text("Meer klanten, minder moeite")


def centre(box):
    return [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
