"""The facilitator's remote on a phone drives the projector and two phones: the spotlight
followed, the room paused and released, a pitch round of three people, the pointer — with
no axe-core violation on the remote or on boards in spotlight, pause and pitch."""

import re

import pytest
import requests
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, with_token
from support import BRAND, GOALS, Workshop, add_note, ok

pytestmark = pytest.mark.e2e

PHONE = (390, 844)


@pytest.fixture
def room(server, clients, contexts):
    workshop = Workshop(server, clients, "Anouk", "Bram", "Chris", connect_facilitator=True)
    remote = open_page(
        with_token(contexts(*PHONE, bypass_csp=True), server, workshop.id, workshop.token()), workshop.url("/remote")
    )
    projector = open_page(
        with_token(contexts(1920, 1080, bypass_csp=True), server, workshop.id, workshop.token()),
        workshop.url("/present"),
    )
    phones = {
        name: open_page(
            with_token(contexts(*PHONE, bypass_csp=True), server, workshop.id, workshop.token(name)), workshop.url()
        )
        for name in ("Anouk", "Bram")
    }
    return workshop, remote, projector, phones


def test_the_remote_s_link_opens_the_remote_on_a_phone_that_was_nobody_yet(server, clients, contexts):
    workshop = Workshop(server, clients, "Anouk")
    made = requests.post(
        f"{server.url}/api/workshops/{workshop.id}/facilitators",
        timeout=10,
        headers={"Authorization": f"Bearer {workshop.token()}"},
    ).json()
    phone = contexts(*PHONE).new_page()
    phone.goto(made["remote_url"])  # what scanning the QR code opens
    expect(phone).to_have_url(workshop.url("/remote"))  # the token moved into the cookie
    expect(bound(phone, "connection")).to_have_attribute("data-state", "online")
    expect(bound(phone, "remote-step")).to_contain_text("Stap 1 van 4")


def test_a_refused_pitch_says_why_in_the_room_s_language_where_the_thumb_is(room):
    workshop, remote, projector, phones = room
    ok(workshop.facilitator.call("step:go", {"index": 2}))
    add_note(workshop.connect("Anouk"), 2, "Anoniem gezegd", anonymous=True)
    ok(workshop.facilitator.call("notes:reveal", {"step": 2}))
    remote.get_by_label("Notities van stap").select_option(label="Knuppel in het hoenderhok")
    remote.get_by_role("button", name="Pitchronde starten").click()
    failed = bound(remote, "remote-failed")
    expect(failed).to_have_text(
        "Niet verstuurd: Deze stap heeft anonieme notities: pitch per tafel of kies een andere stap."
    )
    expect(failed).to_be_in_viewport()


def test_a_participant_s_token_cannot_open_the_remote(server, clients):
    workshop = Workshop(server, clients, "Anouk")
    answer = requests.get(
        workshop.url("/remote"), timeout=10, headers={"Authorization": f"Bearer {workshop.token('Anouk')}"}
    )
    assert answer.status_code == 403
    assert (
        requests.get(
            workshop.url("/remote"), timeout=10, headers={"Authorization": f"Bearer {workshop.token()}"}
        ).status_code
        == 200
    )


def test_the_remote_steps_the_room_and_shows_it(room):
    workshop, remote, projector, phones = room
    expect(bound(remote, "remote-online")).to_have_text("2")  # two phones, not the laptops
    remote.get_by_role("button", name="Volgende stap").click()
    expect(bound(projector, "step-title")).to_have_text("Persoonlijk merk")
    expect(bound(phones["Bram"], "step-title")).to_have_text("Persoonlijk merk")
    expect(bound(remote, "remote-step")).to_contain_text("Stap 2 van 4")
    remote.get_by_role("button", name="Start", exact=True).click()
    expect(projector.locator(".timer-large")).to_be_visible()
    expect(bound(remote, "remote-time")).to_have_text(re.compile(r"^[45]:\d\d$"))
    assert remote.context.page_errors == []


def test_the_spotlight_is_followed_and_a_phone_can_step_out(room, artifacts):
    workshop, remote, projector, phones = room
    add_note(workshop.facilitator, GOALS, "Meer klanten met minder moeite")
    remote.get_by_label("Wat komt in de spotlight?").select_option(label="Meer klanten met minder moeite")
    remote.get_by_role("button", name="In de spotlight", exact=True).click()
    expect(projector.locator(".stage .stage-note .note-text")).to_have_text("Meer klanten met minder moeite")
    expect(bound(remote, "remote-spotlight-now")).to_have_text("Nu in de spotlight: Meer klanten met minder moeite")
    expect(projector.locator(".board")).to_be_hidden()
    for phone in phones.values():
        expect(phone.locator(".spotlight-banner")).to_contain_text("Meer klanten met minder moeite")
        expect(phone.locator(".note.spotlit")).to_have_count(1)
    assert axe_violations(phones["Anouk"]) == []
    projector.screenshot(path=artifacts / "spotlight-projector.png")
    phones["Anouk"].screenshot(path=artifacts / "spotlight-phone.png")
    phones["Bram"].get_by_role("button", name="Niet volgen").click()
    expect(phones["Bram"].locator(".spotlight-banner")).to_be_hidden()
    expect(phones["Anouk"].locator(".spotlight-banner")).to_be_visible()
    remote.get_by_role("button", name="Uit de spotlight").click()
    expect(bound(remote, "remote-spotlight-now")).to_have_text("Nu staat niets in de spotlight.")
    expect(projector.locator(".stage")).to_be_hidden()
    expect(projector.locator(".board")).to_be_visible()
    expect(phones["Anouk"].locator(".spotlight-banner")).to_be_hidden()


def test_eyes_to_the_front_pauses_the_phones_and_keeps_a_draft(room, artifacts):
    workshop, remote, projector, phones = room
    anouk = phones["Anouk"]
    anouk.get_by_role("textbox", name="Nieuwe notitie").fill("Half af")
    pause = remote.locator('[data-steer="pause"]')
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(pause).to_have_text("Loslaten: de zaal kijkt naar voren")
    for phone in phones.values():
        expect(phone.get_by_role("dialog", name="Kijk even naar voren")).to_be_visible()
    assert axe_violations(anouk) == []
    anouk.screenshot(path=artifacts / "pause-phone.png")
    remote.screenshot(path=artifacts / "remote-paused.png", full_page=True)
    expect(projector.locator(".pause-screen")).to_be_hidden()  # the projector is unchanged
    pause.click()
    expect(anouk.get_by_role("dialog")).to_be_hidden()
    expect(anouk.get_by_role("textbox", name="Nieuwe notitie")).to_have_value("Half af")


def test_a_pitch_round_of_three_people_on_the_projector(room, artifacts):
    workshop, remote, projector, phones = room
    for name, text in (("Anouk", "Ik verbind mensen"), ("Bram", "Ik maak het simpel"), ("Chris", "Ik durf te vragen")):
        add_note(workshop.connect(name), BRAND, text)
    remote.get_by_label("Notities van stap").select_option(label="Persoonlijk merk")
    remote.get_by_label("Volgorde").select_option("joined")
    remote.get_by_role("button", name="Pitchronde starten").click()
    stage = projector.locator(".stage")
    expect(stage.locator(".stage-title")).to_have_text("Anouk")
    expect(stage.locator(".stage-note .note-text")).to_have_text("Ik verbind mensen")
    expect(stage.locator(".stage-next")).to_have_text("Hierna: Bram")
    expect(bound(remote, "remote-presenting")).to_have_text("Anouk (1 van 3)")
    expect(projector.locator(".timer-large")).to_be_visible()
    assert axe_violations(phones["Bram"]) == []
    projector.screenshot(path=artifacts / "pitch-projector.png")
    remote.screenshot(path=artifacts / "pitch-remote.png")
    expect(remote.get_by_role("button", name="Vorige pitch")).to_be_disabled()  # the first
    expect(phones["Anouk"].locator(".spotlight-banner")).to_contain_text("Jij bent aan de beurt")
    expect(phones["Anouk"].get_by_role("button", name="Niet volgen")).to_have_count(0)
    remote.get_by_role("button", name="Volgende pitch").click()
    expect(stage.locator(".stage-title")).to_have_text("Bram")
    remote.get_by_role("button", name="Vorige pitch").click()
    expect(stage.locator(".stage-title")).to_have_text("Anouk")
    remote.get_by_role("button", name="Volgende pitch").click()
    remote.get_by_role("button", name="Volgende pitch").click()
    expect(stage.locator(".stage-title")).to_have_text("Chris")
    expect(stage.locator(".stage-note .note-text")).to_have_text("Ik durf te vragen")
    remote.get_by_role("button", name="Ronde afsluiten").click()  # after the last
    expect(stage).to_be_hidden()
    expect(bound(remote, "remote-presenting-box")).to_be_hidden()


def test_the_pointer_on_the_remote_is_a_dot_on_the_projector(room):
    workshop, remote, projector, phones = room
    pad = bound(remote, "remote-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    pad.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.5})
    dot = projector.locator(".pointer-dot")
    expect(dot).to_be_visible()
    board = projector.locator(".board").bounding_box()
    left = projector.evaluate("parseFloat(document.querySelector('.pointer-dot').style.left)")
    # Playwright clicks relative to the pad's padding box, inside its 2 px border.
    assert left == pytest.approx(board["x"] + 0.75 * board["width"], abs=0.01 * board["width"])
    remote.get_by_role("button", name="Aanwijzer verbergen").click()
    expect(dot).to_be_hidden()
    # The keyboard points too: the arrows show and move the dot, Escape hides it.
    pad.focus()
    remote.keyboard.press("ArrowRight")
    expect(dot).to_be_visible()
    remote.keyboard.press("Escape")
    expect(dot).to_be_hidden()
    expect(phones["Anouk"].locator(".pointer-dot")).to_have_count(0)


def test_a_steering_command_without_connection_says_it_was_not_sent(room):
    workshop, remote, projector, phones = room
    remote.context.set_offline(True)
    remote.evaluate("window.dispatchEvent(new Event('offline'))")
    expect(bound(remote, "connection")).not_to_have_attribute("data-state", "online", timeout=30_000)
    remote.locator('[data-steer="pause"]').click()
    expect(bound(remote, "remote-failed")).to_contain_text("Niet verstuurd")
    remote.context.set_offline(False)
    expect(bound(remote, "connection")).to_have_attribute("data-state", "online", timeout=30_000)
    expect(phones["Anouk"].get_by_role("dialog")).to_have_count(0)  # nothing replayed


@pytest.mark.parametrize("width, height", [PHONE, (1280, 900)])
def test_the_remote_has_no_axe_violations(room, contexts, width, height):
    workshop, remote, projector, phones = room
    remote.set_viewport_size({"width": width, "height": height})
    assert axe_violations(remote) == []
