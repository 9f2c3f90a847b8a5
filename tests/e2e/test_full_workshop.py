"""One facilitator and three participants run the whole workshop through the UI.

Join by code, four steps, private writing and reveal, voting, actions with owners, and the
plan as PDF; at each step the test checks what each screen shows.
"""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from browser_helpers import bound

pytestmark = pytest.mark.e2e

PEOPLE = [("Sanne", (390, 844)), ("Pieter", (1280, 800)), ("Ömer", (1024, 768))]


def write(page, text, lane=None):
    """Type a note and press Enter, as a participant does."""
    if lane:
        page.select_option('[data-bind="lane-select"]', lane)
    page.fill("#composer-text", text)
    page.press("#composer-text", "Enter")
    expect(page.locator(".note:not(.pending) .note-text", has_text=text)).to_be_visible()


def notes_on(page):
    return page.locator(".board .note-text")


def test_a_whole_workshop_from_creation_to_the_pdf(server, contexts):
    facilitator_context = contexts(1440, 900)
    facilitator = facilitator_context.new_page()
    facilitator.goto(server.url + "/")
    facilitator.get_by_label("Titel van de workshop").fill("Teamdag Klantcontact")
    facilitator.get_by_label("Doel (optioneel)").fill("Meer klanten, minder moeite")
    facilitator.get_by_role("button", name="Workshop starten").click()
    expect(facilitator).to_have_url(re.compile(r"/w/[^/]+/facilitate$"))
    code = bound(facilitator, "join-code").inner_text().strip()
    workshop_id = facilitator.url.split("/w/")[1].split("/")[0]
    projector = facilitator_context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{server.url}/w/{workshop_id}/present")
    expect(bound(projector, "join-code")).to_have_text(code)

    people = []
    for name, (width, height) in PEOPLE:
        page = contexts(width, height).new_page()
        page.goto(server.url + "/join")
        page.get_by_label("Code").fill(code.lower())
        page.get_by_role("button", name="Meedoen").click()
        page.get_by_label("Je naam").fill(name)
        page.get_by_role("button", name="Naar het bord").click()
        expect(bound(page, "step-title")).to_have_text("Doelen stellen")
        people.append(page)
    expect(bound(projector, "online-count")).to_have_text("3 online")  # the room, not the facilitator

    # Step 1: goals, open writing; everyone sees every note at once.
    for page, text in zip(people, ["Meer klanten", "Samen leren", "Plezier houden"]):
        write(page, text)
    for page in people + [facilitator, projector]:
        expect(notes_on(page)).to_have_count(3)
    room = bound(facilitator, "people")
    expect(room.locator(".person-busy .person-state")).to_have_text(["bezig"] * 3)
    people[0].get_by_role("button", name="Ik ben klaar").click()
    # Who is still busy comes first; who is done goes to the end of the list.
    expect(room.locator(".person").last).to_contain_text("klaar ✓")
    expect(room.locator(".person-busy")).to_have_count(2)
    for page in people[1:]:
        page.get_by_role("button", name="Ik ben klaar").click()
    expect(bound(facilitator, "ready-count").first).to_have_text("3 van 3 klaar")
    expect(room.locator(".person-ready")).to_have_count(3)

    # Step 2: personal brand; ready marks reset.
    facilitator.get_by_role("button", name="Volgende stap").click()
    for page in people + [projector]:
        expect(bound(page, "step-title")).to_have_text("Persoonlijk merk")
    expect(bound(projector, "step-progress")).to_have_text("Stap 2 van 4")
    expect(bound(facilitator, "ready-count").first).to_have_text("0 van 3 klaar")
    write(people[0], "Ik verbind mensen")

    # Step 3: friction, private writing with anonymity on by default, then reveal.
    facilitator.get_by_role("button", name="Volgende stap").click()
    expect(bound(people[1], "step-title")).to_have_text("Knuppel in het hoenderhok")
    expect(people[1].get_by_label("Anoniem plaatsen")).to_be_checked()
    write(people[0], "We vergaderen te veel")
    write(people[1], "Niemand durft nee te zeggen")
    people[2].get_by_label("Anoniem plaatsen").uncheck()
    write(people[2], "Te veel losse projecten")
    expect(projector.locator(".private-counts")).to_have_text("3 notities van 3 mensen")
    expect(notes_on(projector)).to_have_count(0)
    expect(notes_on(people[0])).to_have_text(["We vergaderen te veel"])
    facilitator.get_by_role("button", name=re.compile(r"^Notities tonen")).click()
    for page in people + [projector]:
        expect(notes_on(page)).to_have_count(3)
    anonymous = projector.locator(".note", has_text="Niemand durft nee te zeggen")
    expect(anonymous.locator(".note-author")).to_have_text("Anoniem")
    expect(projector.locator(".note", has_text="Te veel losse projecten").locator(".note-author")).to_have_text("Ömer")

    # Step 4: the engagement platform in lanes, dot voting, actions.
    facilitator.get_by_role("button", name="Volgende stap").click()
    expect(projector.locator(".lane-title")).to_have_text(["Transparantie", "Toegankelijkheid", "Dialoog", "Reflectie"])
    write(people[0], "Open agenda's", "transparency")
    write(people[1], "Maandelijks koffiegesprek", "dialogue")
    write(people[2], "Retro na elk project", "reflection")
    write(people[1], "Vaste inloopuren", "accessibility")
    expect(facilitator.get_by_label("Stemmen per persoon")).to_have_value("2")
    facilitator.get_by_role("button", name="Stemming openen").click()
    for page in people:
        expect(bound(page, "vote-status")).to_contain_text("nog 2 van 2")
        coffee = page.locator(".note", has_text="Maandelijks koffiegesprek")
        coffee.get_by_role("button", name="Geef deze notitie een stem").click()
        expect(bound(page, "vote-status")).to_contain_text("nog 1 van 2")
    people[0].locator(".note", has_text="Open agenda's").get_by_role(
        "button", name="Geef deze notitie een stem"
    ).click()
    # While the room votes, a note offers only its dots: no editing, no actions yet.
    voting_note = people[0].locator(".note", has_text="Open agenda's")
    expect(voting_note.get_by_role("button", name="→ Actie")).to_have_count(0)
    expect(voting_note.get_by_role("button", name="Bewerken")).to_have_count(0)
    expect(bound(projector, "projector-voting")).to_have_text("Stemmen: 2 stemmen per persoon · 3 van 3 hebben gestemd")
    expect(projector.locator(".note-votes")).to_have_count(0)  # the projector has the dots now
    expect(bound(facilitator, "voting-state")).to_contain_text("3 van 3 hebben gestemd")
    facilitator.get_by_role("button", name="Stemming sluiten en uitslag tonen").click()
    expect(bound(projector, "projector-voting")).to_have_text("Uitslag van de stemming")
    expect(bound(facilitator, "voting-open")).to_have_text("Stemming heropenen")
    # The result moment: the projector shows the ranking, most votes first.
    expect(bound(projector, "board")).to_be_hidden()
    expect(projector.locator(".ranked")).to_have_count(2)
    expect(projector.locator(".ranked").first).to_contain_text("Maandelijks koffiegesprek")
    expect(projector.locator(".ranked").first).to_contain_text("3 stemmen")
    expect(projector.locator(".ranked-1")).to_have_count(1)
    expect(bound(projector, "ranking-more")).to_have_text("2 notities zonder stemmen")
    # The participants' boards keep the notes, each with its tally and place.
    winner = people[0].locator(".note", has_text="Maandelijks koffiegesprek")
    expect(winner.locator(".note-votes")).to_have_text("#1 3 stemmen")

    people[1].locator(".note", has_text="Maandelijks koffiegesprek").get_by_role("button", name="→ Actie").click()
    expect(people[1].locator("#action-title")).to_have_value("Maandelijks koffiegesprek")
    people[1].locator("#action-title").fill("Maandelijks koffiegesprek met de directie")
    people[1].locator("#action-due").fill("2026-12-15")
    people[1].get_by_role("button", name="Actie toevoegen").click()
    action = people[0].locator(".action", has_text="Maandelijks koffiegesprek met de directie")
    action.get_by_role("button", name="Ik pak dit op").click()
    expect(facilitator.locator(".action-meta")).to_contain_text("Eigenaar: Sanne")
    expect(facilitator.locator(".action-meta")).to_contain_text("15 december 2026")

    # The plan, and the PDF a participant takes home.
    plan = people[2]
    plan.get_by_role("link", name="Actieplan").click()
    expect(plan.get_by_role("heading", name="Teamdag Klantcontact")).to_be_visible()
    expect(plan.locator(".plan-table tbody tr")).to_have_count(1)
    with plan.expect_download() as download:
        plan.get_by_role("link", name="PDF").click()
    pdf = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    # Words only: the table wraps long titles over lines.
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    for expected in (
        "Teamdag Klantcontact",
        "Maandelijks koffiegesprek met de directie",
        "Sanne",
        "15 december 2026",
        "Knuppel in het hoenderhok",
        "Ömer",
    ):
        assert expected in text
    assert "Niemand durft nee te zeggen" in text
    assert all(context.page_errors == [] for context in [facilitator_context] + [page.context for page in people])
