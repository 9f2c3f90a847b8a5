"""The board in a real browser: facilitator, participants and projector in one room."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from browser_helpers import bound, open_page, with_token
from support import add_note

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
XSS = '<img src=x onerror="window.__xss=1">'


# -- helpers ------------------------------------------------------------------------


def note_texts(page):
    return page.locator(".board .note-text")


def open_facilitator(context, server, title="Teamdag", **fields):
    """Create a workshop over the API and open its facilitator page in `context`."""
    created = server.create_workshop(title, **fields)
    page = context.new_page()
    page.goto(f"{created['urls']['facilitate']}?token={created['facilitator_token']}")
    expect(page).to_have_url(re.compile(r"/facilitate$"))  # the token moved into a cookie
    expect(bound(page, "step-title")).to_have_text("Doelen stellen")
    return created, page


def open_projector(context, server, workshop_id):
    """The projector view, in a context that already holds the facilitator's cookie."""
    page = context.new_page()
    page.goto(f"{server.url}/w/{workshop_id}/present")
    expect(bound(page, "step-title")).not_to_be_empty()
    return page


def join_in_browser(context, server, join_code, name):
    """Join through /j/<code> like someone who scanned the QR code; returns the board page."""
    page = context.new_page()
    page.goto(f"{server.url}/j/{join_code}")
    page.get_by_label("Je naam").fill(name)
    page.get_by_role("button", name="Naar het bord").click()
    expect(page).to_have_url(re.compile(r"/w/[^/]+$"))
    expect(bound(page, "connection")).to_have_attribute("data-state", "online")
    expect(bound(page, "step-title")).not_to_be_empty()
    return page


def write_note(page, text, lane=None):
    """Type a note in the composer, press Enter, and wait until the server confirmed it."""
    if lane:
        bound(page, "lane-select").select_option(lane)
    page.locator("#composer-text").fill(text)
    page.locator("#composer-text").press("Enter")
    mine = page.locator(".board .note", has=page.locator(".note-text", has_text=text))
    # The edit button only appears once the note is no longer pending.
    expect(mine.locator("[data-action=edit]")).to_be_visible()
    return mine


# -- the whole flow through the interface ------------------------------------------------


def test_note_typed_by_a_participant_reaches_projector_and_facilitator_live(server, contexts):
    facilitator = contexts(1440, 900)
    page = facilitator.new_page()
    page.goto(server.url + "/")
    page.get_by_label("Titel van de workshop").fill("Teamdag Klantcontact")
    page.get_by_role("button", name="Workshop starten").click()
    expect(page).to_have_url(re.compile(r"/w/[^/]+/facilitate$"))
    workshop_id = page.url.rstrip("/").split("/")[-2]
    expect(bound(page, "step-title")).to_have_text("Doelen stellen")
    join_code = bound(page, "join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,16}", join_code), join_code

    projector = open_projector(facilitator, server, workshop_id)
    expect(bound(projector, "join-code")).to_have_text(join_code)
    expect(bound(projector, "step-title")).to_have_text("Doelen stellen")

    participant = contexts(1280, 800).new_page()
    participant.goto(server.url + "/join")
    participant.get_by_label("Code").fill(join_code.lower())
    participant.get_by_role("button", name="Meedoen").click()
    expect(participant.get_by_role("heading", name="Teamdag Klantcontact")).to_be_visible()
    participant.get_by_label("Je naam").fill("Sanne")
    participant.get_by_role("button", name="Naar het bord").click()
    expect(participant).to_have_url(f"{server.url}/w/{workshop_id}")
    expect(bound(participant, "step-title")).to_have_text("Doelen stellen")

    text = "Meer klanten aantrekken met minder moeite"
    participant.locator("#composer-text").fill(text)
    participant.locator("#composer-text").press("Enter")

    expect(note_texts(projector)).to_have_text([text])
    expect(note_texts(page)).to_have_text([text])
    expect(page.locator(".board .note-author")).to_have_text(["Sanne"])
    expect(participant.locator(".board .note-author")).to_have_text(["Jij"])
    expect(participant.locator("#composer-text")).to_have_value("")

    page.get_by_role("button", name="Volgende stap").click()
    expect(bound(participant, "step-title")).to_have_text("Persoonlijk merk")
    expect(bound(projector, "step-title")).to_have_text("Persoonlijk merk")
    expect(note_texts(participant)).to_have_count(0)
    assert facilitator.page_errors == []


def test_reloading_the_participant_page_keeps_the_same_identity(server, contexts):
    created, _ = open_facilitator(contexts(), server)
    page = join_in_browser(contexts(), server, created["join_code"], "Joris")
    write_note(page, "Mijn kracht: rust brengen")

    page.reload()
    note = page.locator(".board .note", has_text="Mijn kracht: rust brengen")
    expect(note.locator("[data-action=edit]")).to_be_visible()
    expect(note.locator(".note-author")).to_have_text("Jij")
    expect(page).to_have_url(re.compile(rf"/w/{created['id']}$"))
    # Visiting the join link again does not make a second participant.
    page.goto(f"{server.url}/j/{created['join_code']}")
    expect(page).to_have_url(re.compile(rf"/w/{created['id']}$"))


def test_note_text_with_html_is_shown_literally_everywhere(server, contexts):
    facilitator = contexts()
    created, facilitate = open_facilitator(facilitator, server)
    projector = open_projector(facilitator, server, created["id"])
    participant = join_in_browser(contexts(), server, created["join_code"], "Mallory")

    write_note(participant, XSS)

    for page in (participant, projector, facilitate):
        expect(note_texts(page)).to_have_text([XSS])
        assert page.locator(".board img").count() == 0
        assert page.evaluate("typeof window.__xss") == "undefined"


def test_phone_sized_participant_page_has_no_horizontal_scroll(server, contexts, clients):
    created, _ = open_facilitator(contexts(), server)
    colleague = server.join(created["id"], "Annemarie van den Berg-Oosterhuis")
    add_note(
        clients(server.url, created["id"], colleague["token"]),
        0,
        "Samen met het hele team meer klanten aantrekken, met minder moeite en meer "
        "plezier, zodat we over een jaar trots terugkijken.",
    )
    phone = contexts(**PHONE, is_mobile=True, has_touch=True)
    page = join_in_browser(phone, server, created["join_code"], "Bram")
    write_note(page, "Kort")
    write_note(page, "https://intranet.example.org/afdelingen/klantcontact/verbeterplan-2025-definitief-versie-3.pdf")
    expect(note_texts(page)).to_have_count(3)

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"]


# -- screenshots for a human to look at (no test reads them) ------------------------------

GOALS = [
    ("Annemarie van den Berg", "Meer klanten aantrekken met minder moeite en meer plezier", "yellow"),
    ("Youssef", "Dat klanten ons bellen vóórdat ze een probleem hebben", "blue"),
    ("Lotte", "Elk kwartaal één nieuw product samen met een klant ontwikkelen", "green"),
]
STRENGTHS = [
    "Ik breng rust als het spannend wordt",
    "Ik kan ingewikkelde offertes in één A4 uitleggen",
    "Ik ken bijna elke klant bij naam",
    "Ik durf de lastige vraag te stellen in het overleg, ook als de directeur erbij zit",
    "Data: ik maak van een Excel-chaos een dashboard dat iedereen snapt",
    "Netwerken op beurzen",
    "Ik zie snel waar een proces stroef loopt en wie er last van heeft",
    "Nieuwe collega's inwerken",
]
LANE_NOTES = [
    ("transparency", "Maandelijks open cijfers delen met het hele team", "yellow"),
    ("accessibility", "Directie één middag per week aanspreekbaar op de werkvloer", "pink"),
    ("dialogue", "Na elk project een korte terugblik met klant en team", "blue"),
]


def shoot(page, artifacts, name, **options):
    """Save what a person would see (animations finished, so fresh notes are not faded)."""
    page.screenshot(path=artifacts / name, animations="disabled", **options)


def test_screenshots_of_a_busy_board(server, contexts, clients, artifacts):
    facilitator = contexts(1440, 900)
    created, facilitate = open_facilitator(
        facilitator, server, "Teamdag Klantcontact", goal="Meer klanten aantrekken met minder moeite en meer plezier"
    )
    projector = open_projector(facilitator, server, created["id"])
    projector.set_viewport_size({"width": 1920, "height": 1080})
    expect(projector.locator(".board .empty")).to_have_text(["Nog geen notities. Schrijf de eerste!"])
    shoot(projector, artifacts, "projector-empty.png")

    colleagues = []
    for name, text, color in GOALS:
        token = server.join(created["id"], name)["token"]
        client = clients(server.url, created["id"], token)
        add_note(client, 0, text, color=color)
        colleagues.append(client)
    phone = join_in_browser(contexts(**PHONE, is_mobile=True, has_touch=True), server, created["join_code"], "Bram")
    write_note(phone, "Over een jaar de klant die ons aanbeveelt, niet die ons vergelijkt")
    for page in (facilitate, projector, phone):
        expect(note_texts(page)).to_have_count(4)
    shoot(facilitate, artifacts, "facilitator-goals.png")
    shoot(projector, artifacts, "projector-goals.png")
    shoot(phone, artifacts, "participant-phone-goals.png", full_page=True)

    # A full room on step 2: 24 notes, as 20 people writing one or two cards would make.
    facilitate.get_by_role("button", name="Volgende stap").click()
    expect(bound(projector, "step-title")).to_have_text("Persoonlijk merk")
    colors = ["yellow", "pink", "blue", "green", "orange", "purple"]
    for number in range(24):
        add_note(colleagues[number % 3], 1, STRENGTHS[number % len(STRENGTHS)], color=colors[number % len(colors)])
    expect(note_texts(projector)).to_have_count(24)
    shoot(projector, artifacts, "projector-full-room.png")

    facilitate.get_by_role("button", name=re.compile(r"Platform van betrokkenheid$")).click()
    expect(bound(phone, "step-title")).to_have_text("Platform van betrokkenheid")
    expect(bound(phone, "lane-picker")).to_be_visible()
    for client, (lane, text, color) in zip(colleagues, LANE_NOTES):
        add_note(client, 3, text, lane=lane, color=color)
    write_note(phone, "Open agenda voor het teamoverleg", lane="transparency")
    write_note(phone, "Vaste reflectiemoment op vrijdag", lane="reflection")

    expect(projector.locator(".lane-title")).to_have_text(["Transparantie", "Toegankelijkheid", "Dialoog", "Reflectie"])
    expect(projector.locator('[data-lane="transparency"] .note-text')).to_have_count(2)
    expect(projector.locator('[data-lane="reflection"] .note-text')).to_have_text(["Vaste reflectiemoment op vrijdag"])
    expect(facilitate.locator(".board .note-text")).to_have_count(5)
    shoot(facilitate, artifacts, "facilitator-platform.png")
    shoot(projector, artifacts, "projector-platform.png")
    shoot(phone, artifacts, "participant-phone-platform.png", full_page=True)
    shoot(phone, artifacts, "participant-phone-platform-viewport.png")


def test_a_participant_can_take_on_only_an_action_nobody_owns(server, clients, contexts):
    created = server.create_workshop("Teamdag")
    workshop_id = created["id"]
    desk = clients(server.url, workshop_id, created["facilitator_token"])
    for title, owner in (("Agenda delen", None), ("Budget opstellen", "Ingrid (HR)")):
        ack = desk.call("action:add", {"id": str(uuid.uuid4()), "title": title, "owner": owner})
        assert ack["ok"], ack
    pages = {}
    for who, token in (
        ("bob", server.join(workshop_id, "Bob")["token"]),
        ("facilitator", created["facilitator_token"]),
    ):
        context = with_token(contexts(), server, workshop_id, token)
        pages[who] = open_page(context, f"{server.url}/w/{workshop_id}", "Doelen stellen")

    def take(page, title):
        return page.locator(".action", has_text=title).get_by_role("button", name="Ik pak dit op")

    expect(take(pages["bob"], "Agenda delen")).to_be_visible()
    expect(take(pages["bob"], "Budget opstellen")).to_have_count(0)  # not from its owner
    expect(take(pages["facilitator"], "Agenda delen")).to_be_visible()
    # Nor for the facilitator, with one click: another owner is chosen on purpose.
    expect(take(pages["facilitator"], "Budget opstellen")).to_have_count(0)
    expect(
        pages["bob"].locator(".action", has_text="Budget opstellen").get_by_role("button", name="Eigenaar wijzigen")
    ).to_have_count(0)  # nor by another participant
    take(pages["bob"], "Agenda delen").click()
    expect(pages["facilitator"].locator(".action", has_text="Agenda delen").locator(".action-meta")).to_contain_text(
        "Eigenaar: Bob"
    )
    expect(take(pages["bob"], "Agenda delen")).to_have_count(0)
