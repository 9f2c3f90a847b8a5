"""Facilitation in a real browser: a full projector, private writing and reveal,
grouping with the keyboard only, and the timer every screen shows."""

import random
import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from browser_helpers import bound, open_page, with_token
from support import add_note

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1920, "height": 1080}
PLATFORM = 3
PLATFORM_LANES = ["transparency", "accessibility", "dialogue", "reflection"]
COLORS = ["yellow", "pink", "blue", "green", "orange", "purple"]
WORDS = (
    "klanten team overleg directie planning vertrouwen samenwerking eigenaarschap "
    "feedback afspraken transparantie resultaat werkdruk collega's proces kwaliteit "
    "vrijdag dashboard budget ideeën klantcontact inwerken beslissen doelen"
).split()
OVERLAP_TOLERANCE = 2  # px: the notes are rotated by up to 0.6 degrees


def varied_texts(count, seed):
    """Note texts of 2 to ~90 characters, like a room full of people would write."""
    rng = random.Random(seed)
    texts = []
    for number in range(count):
        limit = rng.choice([12, 30, 50, 70, 90, 90]) - len(f" #{number + 1}")
        words = [rng.choice(WORDS).capitalize()]
        while True:
            longer = words + [rng.choice(WORDS)]
            if len(" ".join(longer)) > limit:
                break
            words = longer
        texts.append(f"{' '.join(words)} #{number + 1}")
    return texts


def fill_room(server, clients, workshop_id, step, count=60, writers=4, lanes=None):
    """`count` notes from `writers` participants over sockets (each within its burst)."""
    people = [
        clients(server.url, workshop_id, server.join(workshop_id, f"Deelnemer {n}")["token"])
        for n in range(1, writers + 1)
    ]
    rng = random.Random(step)
    texts = varied_texts(count, seed=step)
    for number, text in enumerate(texts):
        extra = {"color": COLORS[number % len(COLORS)]}
        if lanes:
            extra["lane"] = rng.choices(lanes, weights=[3, 2, 2, 1])[0]
        add_note(people[number % writers], step, text, **extra)
    return texts


def geometry(page):
    """Sizes of the page and the boxes of the notes, the join code and the QR code."""
    return page.evaluate("""() => {
        const box = (el) => { const r = el.getBoundingClientRect();
                              return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
        const qr = document.querySelector('img.join-qr');
        return {
            scrollWidth: document.documentElement.scrollWidth,
            scrollHeight: document.documentElement.scrollHeight,
            notes: [...document.querySelectorAll('.board .note')].map(box),
            code: box(document.querySelector('[data-bind="join-code"]')),
            qr: box(qr),
            qrLoaded: qr.complete && qr.naturalWidth > 0,
            scale: document.querySelector('[data-bind="board"]').dataset.scale,
        };
    }""")


def inside(rect, width, height):
    return rect["left"] >= 0 and rect["top"] >= 0 and rect["right"] <= width and rect["bottom"] <= height


def overlap(a, b):
    """How far two boxes overlap, in px along the smaller of the two axes (0 when apart)."""
    across = min(a["right"], b["right"]) - max(a["left"], b["left"])
    down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
    return max(0, min(across, down))


def assert_fits_one_screen(page):
    width, height = PROJECTOR["width"], PROJECTOR["height"]
    shape = geometry(page)
    assert shape["scrollHeight"] <= height, shape["scrollHeight"]
    assert shape["scrollWidth"] <= width, shape["scrollWidth"]
    notes = shape["notes"]
    assert len(notes) == 60
    outside = [n for n, rect in enumerate(notes) if not inside(rect, width, height)]
    assert outside == [], [notes[n] for n in outside]
    clashes = [
        (i, j)
        for i in range(len(notes))
        for j in range(i + 1, len(notes))
        if overlap(notes[i], notes[j]) > OVERLAP_TOLERANCE
    ]
    assert clashes == [], [(notes[i], notes[j]) for i, j in clashes[:5]]
    assert inside(shape["code"], width, height) and inside(shape["qr"], width, height)
    assert shape["qrLoaded"]
    return shape


@pytest.mark.parametrize(
    "step, title, shot",
    [
        (0, "Doelen stellen", "projector-60.png"),
        (PLATFORM, "Platform van betrokkenheid", "projector-60-lanes.png"),
    ],
)
def test_projector_shows_sixty_notes_on_one_screen_without_scrolling_or_overlap(
    server, clients, contexts, artifacts, step, title, shot
):
    created = server.create_workshop("Teamdag Klantcontact", goal="Meer klanten aantrekken met minder moeite")
    workshop_id = created["id"]
    facilitator = clients(server.url, workshop_id, created["facilitator_token"])
    if step:
        assert facilitator.call("step:go", {"index": step})["ok"]
    texts = fill_room(server, clients, workshop_id, step, lanes=PLATFORM_LANES if step == PLATFORM else None)

    context = with_token(contexts(**PROJECTOR), server, workshop_id, created["facilitator_token"])
    page = open_page(context, f"{server.url}/w/{workshop_id}/present", title)
    expect(page.locator(".board .note")).to_have_count(60)
    expect(page.locator(".board .note-text").first).to_have_text(texts[0])
    expect(bound(page, "board")).not_to_have_attribute("data-fit", "pending")  # scaled to fit
    # Let the notes' fade-in finish, so their boxes are where they will stay.
    page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")

    expect(bound(page, "join-code")).to_be_visible()
    expect(bound(page, "join-code")).to_have_text(created["join_code"])
    expect(page.locator("img.join-qr")).to_be_visible()
    if step == PLATFORM:
        expect(page.locator(".lane-title")).to_have_text(["Transparantie", "Toegankelijkheid", "Dialoog", "Reflectie"])
    page.screenshot(path=artifacts / shot, animations="disabled")
    assert_fits_one_screen(page)
    assert context.page_errors == []


def test_private_writing_shows_only_counts_on_the_projector_until_the_reveal(server, contexts):
    created = server.create_workshop("Teamdag Klantcontact")
    workshop_id, token = created["id"], created["facilitator_token"]
    desk = with_token(contexts(1440, 900), server, workshop_id, token)
    facilitate = open_page(desk, created["urls"]["facilitate"], "Doelen stellen")
    wall = with_token(contexts(**PROJECTOR), server, workshop_id, token)
    projector = open_page(wall, created["urls"]["present"], "Doelen stellen")
    sanne = server.join(workshop_id, "Sanne")
    phone = with_token(contexts(), server, workshop_id, sanne["token"])
    participant = open_page(phone, created["urls"]["join"], "Doelen stellen")

    bound(facilitate, "step-list").locator("button", has_text="Knuppel in het hoenderhok").click()
    for page in (participant, projector, facilitate):
        expect(bound(page, "step-title")).to_have_text("Knuppel in het hoenderhok")
    expect(bound(facilitate, "voting-state")).to_have_text(
        "Maak eerst de notities zichtbaar; daarna kan er gestemd worden."
    )
    expect(bound(facilitate, "voting-form")).to_be_hidden()

    secret = "Beslissingen worden in de wandelgang genomen"
    participant.locator("#composer-text").fill(secret)
    participant.locator("#composer-text").press("Enter")
    mine = participant.locator(".board .note", has_text=secret)
    expect(mine.locator("[data-action=edit]")).to_be_visible()

    counts = projector.locator(".private-counts")
    expect(counts).to_have_text(re.compile(r"^\D*1\D+1\D*$"))  # 1 note by 1 person
    expect(facilitate.locator(".private-counts")).to_have_text(re.compile(r"^\D*1\D+1\D*$"))
    expect(projector.locator(".note-text")).to_have_count(0)
    expect(facilitate.locator(".board .note-text")).to_have_count(0)
    assert secret not in projector.content()
    assert secret not in facilitate.content()

    reveal = bound(facilitate, "reveal")
    expect(reveal).to_be_visible()
    expect(reveal).to_contain_text("1")
    reveal.click()
    expect(projector.locator(".board .note-text")).to_have_text([secret])
    expect(projector.locator(".private-counts")).to_have_count(0)
    expect(facilitate.locator(".board .note-text")).to_have_text([secret])
    expect(reveal).to_be_hidden()
    # The note went in anonymously (the default where anonymity is allowed).
    expect(projector.locator(".board .note-author")).to_have_text(["Anoniem"])
    assert "Sanne" not in projector.locator(".board").inner_text()
    for context in (desk, wall, phone):
        assert context.page_errors == []


def focused(target):
    return target.evaluate("(el) => el === document.activeElement")


def tab_until(page, target, key="Tab", limit=12):
    """Press Tab (or Shift+Tab) until `target` has the focus, as a keyboard user would."""
    for _ in range(limit):
        if focused(target):
            return
        page.keyboard.press(key)
    assert focused(target), f"{target} never got the focus with {key}"


def test_facilitator_groups_two_notes_with_the_keyboard_only(server, clients, contexts):
    created = server.create_workshop("Teamdag Klantcontact")
    workshop_id, token = created["id"], created["facilitator_token"]
    colleague = clients(server.url, workshop_id, server.join(workshop_id, "Youssef")["token"])
    for text in ("Klanten sneller terugbellen", "Klanten vooraf informeren", "Minder vergaderen"):
        add_note(colleague, 0, text)
    desk = with_token(contexts(1440, 900), server, workshop_id, token)
    facilitate = open_page(desk, created["urls"]["facilitate"], "Doelen stellen")
    lotte = server.join(workshop_id, "Lotte")
    phone = with_token(contexts(), server, workshop_id, lotte["token"])
    participant = open_page(phone, created["urls"]["join"], "Doelen stellen")
    notes = facilitate.locator(".board .note")
    expect(notes).to_have_count(3)

    first = notes.nth(0).locator("input[data-action=select]")
    second = notes.nth(1).locator("input[data-action=select]")
    first.focus()
    facilitate.keyboard.press("Space")
    expect(first).to_be_checked()
    expect(bound(facilitate, "group-bar")).to_be_visible()
    tab_until(facilitate, second)
    facilitate.keyboard.press("Space")
    expect(second).to_be_checked()
    expect(bound(facilitate, "group-count")).to_contain_text("2")

    tab_until(facilitate, facilitate.locator("#group-title"), key="Shift+Tab", limit=20)
    facilitate.keyboard.type("Klantcontact")
    facilitate.keyboard.press("Enter")

    for page in (participant, facilitate):
        cluster = page.locator(".board .cluster")
        expect(cluster).to_have_count(1)
        expect(cluster.locator(".cluster-title")).to_have_text("Klantcontact")
        expect(cluster.locator(".note")).to_have_count(2)
        expect(cluster.locator(".note-text")).to_have_text(["Klanten sneller terugbellen", "Klanten vooraf informeren"])
        expect(page.locator(".board .note")).to_have_count(3)
    expect(bound(facilitate, "group-bar")).to_be_hidden()
    expect(facilitate.locator("input[data-action=select]:checked")).to_have_count(0)
    assert phone.page_errors == [] and desk.page_errors == []


def test_timer_started_by_the_facilitator_counts_down_on_the_participants_page(server, contexts):
    created = server.create_workshop("Teamdag Klantcontact")
    workshop_id, token = created["id"], created["facilitator_token"]
    facilitate = open_page(
        with_token(contexts(1440, 900), server, workshop_id, token), created["urls"]["facilitate"], "Doelen stellen"
    )
    bram = server.join(workshop_id, "Bram")
    phone = with_token(contexts(), server, workshop_id, bram["token"])
    participant = open_page(phone, created["urls"]["join"], "Doelen stellen")
    expect(bound(participant, "timer")).to_be_hidden()

    facilitate.get_by_role("button", name="1 min", exact=True).click()
    timer = bound(participant, "timer")
    expect(timer).to_be_visible()
    expect(timer).to_have_text(re.compile(r"\b(1:00|0:[0-5]\d)\b"))
    expect(bound(facilitate, "timer-stop")).to_be_visible()
    expect(timer).to_have_text(re.compile(r"\b0:[0-5]\d\b"))
    facilitate.get_by_role("button", name="+1 minuut").click()  # "nog een minuutje"
    expect(timer).to_have_text(re.compile(r"\b(2:00|1:[0-5]\d)\b"))

    bound(facilitate, "timer-stop").click()
    expect(timer).to_be_hidden()
    assert phone.page_errors == []


def test_a_custom_countdown_runs_as_long_as_the_server_allows_and_no_longer(server, contexts):
    created = server.create_workshop("Teamdag")
    facilitate = open_page(
        with_token(contexts(1440, 900), server, created["id"], created["facilitator_token"]),
        created["urls"]["facilitate"],
        "Doelen stellen",
    )
    form = bound(facilitate, "timer-form")
    minutes = form.locator("input[name=minutes]")
    expect(minutes).to_have_attribute("max", "240")  # TIMER_MAX of protocol.js, in minutes
    minutes.fill("241")
    form.get_by_role("button").click()
    assert minutes.evaluate("(field) => field.validity.rangeOverflow")
    expect(bound(facilitate, "timer-stop")).to_be_hidden()
    minutes.fill("240")
    form.get_by_role("button").click()
    expect(bound(facilitate, "timer")).to_have_text(re.compile(r"\b(240:00|239:[0-5]\d)\b"))
    assert facilitate.context.page_errors == []


def test_the_projector_refits_live_as_notes_come_and_go(server, clients, contexts):
    created = server.create_workshop("Teamdag Klantcontact")
    workshop_id = created["id"]
    writers = [
        clients(server.url, workshop_id, server.join(workshop_id, f"Deelnemer {n}")["token"]) for n in range(1, 5)
    ]
    context = with_token(contexts(**PROJECTOR), server, workshop_id, created["facilitator_token"])
    page = open_page(context, f"{server.url}/w/{workshop_id}/present", "Doelen stellen")
    board = bound(page, "board")

    def settled(count):
        expect(page.locator(".board .note")).to_have_count(count)
        expect(board).not_to_have_attribute("data-fit", "pending")
        page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")

    written = {}  # writer index -> their note ids
    for number, text in enumerate(varied_texts(60, seed=11)):
        note_id = str(uuid.uuid4())
        ack = writers[number % 4].call("note:add", {"id": note_id, "step": 0, "text": text})
        assert ack["ok"], ack
        written.setdefault(number % 4, []).append(note_id)
        if number == 3:
            settled(4)
            few = float(board.get_attribute("data-scale"))
            assert few > 1  # a few notes are shown larger
    settled(60)
    full = float(assert_fits_one_screen(page)["scale"])
    assert full < few

    # The facilitator clears all but each writer's first note, from three sockets (each
    # socket has its own rate limit).
    desks = [clients(server.url, workshop_id, created["facilitator_token"]) for _ in range(3)]
    gone = [note_id for ids in written.values() for note_id in ids[1:]]
    for number, note_id in enumerate(gone):
        assert desks[number % 3].call("note:remove", {"id": note_id})["ok"]
    settled(4)

    assert float(board.get_attribute("data-scale")) == pytest.approx(few, abs=0.02)
    assert "crowded" not in (page.locator("body").get_attribute("class") or "")
    assert context.page_errors == []


def test_the_facilitator_deletes_the_workshop_and_every_open_page_learns_it(server, contexts):
    created = server.create_workshop("Eenmalige sessie")
    workshop_id, token = created["id"], created["facilitator_token"]
    desk = with_token(contexts(1440, 900), server, workshop_id, token)
    facilitate = open_page(desk, created["urls"]["facilitate"], "Doelen stellen")
    sanne = server.join(workshop_id, "Sanne")
    phone = with_token(contexts(), server, workshop_id, sanne["token"])
    participant = open_page(phone, created["urls"]["join"], "Doelen stellen")

    facilitate.locator("details.settings > summary").click()
    remove = bound(facilitate, "delete-form")
    sure = remove.get_by_label("Ja, verwijder alles definitief")
    remove.get_by_role("button", name="Workshop verwijderen").click()
    expect(sure).to_be_focused()  # not deleted without ticking the box: the browser asks
    assert requests.get(f"{server.url}/api/join/{created['join_code']}", timeout=10).ok
    sure.check()
    remove.get_by_role("button", name="Workshop verwijderen").click()

    expect(facilitate).to_have_url(f"{server.url}/")
    expect(participant.get_by_role("heading", name="Niet gevonden")).to_be_visible()
    assert requests.get(f"{server.url}/api/join/{created['join_code']}", timeout=10).status_code == 404
    assert desk.page_errors == [] and phone.page_errors == []


def test_the_facilitator_sees_who_is_connected_busy_or_done(server, clients, contexts):
    created = server.create_workshop("Teamdag")
    workshop_id = created["id"]
    desk = with_token(contexts(1440, 900), server, workshop_id, created["facilitator_token"])
    facilitate = open_page(desk, created["urls"]["facilitate"], "Doelen stellen")
    people = bound(facilitate, "people")
    ann = server.join(workshop_id, "Ann")
    expect(people.locator(".person", has_text="Ann")).to_contain_text("niet verbonden")

    socket = clients(server.url, workshop_id, ann["token"])
    expect(people.locator(".person", has_text="Ann")).to_contain_text("bezig")
    assert socket.call("participant:ready", {"ready": True})["ok"]
    expect(people.locator(".person", has_text="Ann")).to_contain_text("klaar ✓")
    socket.close()
    expect(bound(facilitate, "online-count")).to_have_text("0 online")  # Ann has left
    expect(people.locator(".person", has_text="Ann")).to_contain_text("klaar ✓")  # done is done
    assert desk.page_errors == []
