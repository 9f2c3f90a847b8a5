"""An owner keeps their action alive from a phone: the update page with and without
JavaScript, seen live on the board, and accessible."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, open_page, signed_in, with_token
from support import Workshop, new_id, ok

pytestmark = pytest.mark.e2e


@pytest.fixture
def owned(server, clients):
    """A workshop with an action Anouk owns; her update link."""
    workshop = Workshop(server, clients, "Anouk", connect_facilitator=True)
    workshop.action = new_id()
    ok(
        workshop.facilitator.call(
            "action:add",
            {
                "id": workshop.action,
                "title": "Koffie met de directie",
                "owner": workshop.pid("Anouk"),
                "due": "2026-12-15",
            },
        )
    )
    actions = workshop.connect("Anouk").snapshots[-1]["actions"]
    workshop.link = next(a for a in actions if a["id"] == workshop.action)["update_url"]
    return workshop


@pytest.mark.parametrize("javascript", [False, True])
def test_an_owner_updates_from_a_phone_with_or_without_javascript(owned, contexts, javascript):
    board = open_page(signed_in(contexts, owned, "facilitator"), owned.url("/facilitate"))
    phone = contexts(390, 844, java_script_enabled=javascript, has_touch=True, is_mobile=True)
    page = phone.new_page()
    page.goto(owned.link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Koffie met de directie")
    if javascript:  # (without it the page runs no script, ours included)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Vastgelopen").check()
    page.get_by_label("Wat is er gebeurd? (kort)").fill("Wacht op een datum van het secretariaat")
    page.get_by_role("button", name="Update opslaan").click()
    expect(page.get_by_role("status")).to_have_text("Opgeslagen. Dank je: het team ziet het nu.")
    expect(page.locator(".history")).to_contain_text("Wacht op een datum van het secretariaat")
    page.screenshot(
        path=str(
            Path(__file__).resolve().parents[2]
            / "test-artifacts"
            / f"update-page-{'js' if javascript else 'no-js'}.png"
        ),
        full_page=True,
    )
    # The facilitator's open board shows it without a reload.
    item = board.locator(f'[data-action-id="{owned.action}"]')
    expect(item.locator(".status")).to_have_text("Vastgelopen")
    expect(item.locator(".action-latest")).to_contain_text("Wacht op een datum")


def test_the_owner_finds_their_link_on_the_board(owned, contexts):
    page = open_page(signed_in(contexts, owned, "Anouk", 390, 844), owned.url())
    link = page.get_by_role("link", name="Mijn updatelink (ook na de workshop)")
    expect(link).to_have_attribute("href", owned.link)


def test_the_update_page_has_no_axe_violations(owned, contexts):
    for width, height in ((390, 844), (1280, 900)):
        context = contexts(width, height, bypass_csp=True)
        page = context.new_page()
        page.goto(owned.link)
        violations = axe_violations(page)
        assert violations == []


def test_an_update_link_appears_live_for_the_owner_and_the_facilitator_only(server, clients, contexts, artifacts):
    workshop = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    ok(workshop.facilitator.call("step:go", {"index": 3}))
    facilitator = open_page(signed_in(contexts, workshop, "facilitator", 1440, 900), workshop.url("/facilitate"))
    anouk = open_page(signed_in(contexts, workshop, "Anouk", 390, 844), workshop.url())
    bram = open_page(signed_in(contexts, workshop, "Bram", 390, 844), workshop.url())

    # Handed over in the room: the facilitator adds an action with Anouk as its owner.
    facilitator.get_by_label("Actie", exact=True).fill("Koffie met de directie")
    facilitator.get_by_label("Eigenaar", exact=True).fill("Anouk")
    facilitator.get_by_role("button", name="Actie toevoegen").click()
    mine = anouk.get_by_role("link", name="Mijn updatelink (ook na de workshop)")
    expect(mine).to_have_attribute("href", re.compile(r"^http://.+/a/"))
    expect(facilitator.get_by_role("link", name="Updatelink voor de eigenaar")).to_have_attribute(
        "href", mine.get_attribute("href")
    )
    anouk.locator(".action").first.screenshot(path=str(artifacts / "update-link-live-owner.png"))

    # "Ik pak dit op": Bram takes an action nobody owns, and his link appears at once.
    ok(workshop.facilitator.call("action:add", {"id": new_id(), "title": "Loket inrichten"}))
    item = bram.locator(".action", has_text="Loket inrichten")
    item.get_by_role("button", name="Ik pak dit op").click()
    expect(item.get_by_role("link", name="Mijn updatelink (ook na de workshop)")).to_have_attribute(
        "href", re.compile(r"/a/")
    )
    expect(facilitator.get_by_role("link", name="Updatelink voor de eigenaar")).to_have_count(2)
    # Nobody else has one: Bram sees no link to Anouk's action, Anouk none to Bram's.
    expect(bram.locator(".action-link")).to_have_count(1)
    expect(anouk.locator(".action-link")).to_have_count(1)
    # The due date's form loads at its first use.
    item.get_by_role("button", name="Deadline").click()
    item.get_by_label("Deadline").fill("2026-12-15")
    item.get_by_role("button", name="Opslaan").click()
    expect(facilitator.locator(".action", has_text="Loket inrichten")).to_contain_text("15 december 2026")
    for page in (facilitator, anouk, bram):
        assert page.context.page_errors == []


def test_the_facilitator_changes_an_owner_only_on_purpose_and_the_old_link_says_so(owned, contexts, artifacts):
    ok(owned.facilitator.call("step:go", {"index": 3}))
    facilitator = open_page(signed_in(contexts, owned, "facilitator", 1440, 900), owned.url("/facilitate"))
    anouk = open_page(signed_in(contexts, owned, "Anouk", 390, 844), owned.url())
    item = facilitator.locator(".action", has_text="Koffie met de directie")
    expect(item.get_by_role("button", name="Eigenaar wijzigen")).to_be_visible()
    # No one-click "Ik pak dit op" on an action Anouk owns.
    expect(item.get_by_role("button", name="Ik pak dit op")).to_have_count(0)
    item.get_by_role("button", name="Eigenaar wijzigen").click()
    field = item.get_by_label("Nieuwe eigenaar")
    expect(field).to_be_focused()
    expect(field).to_have_value("Anouk")
    expect(item.locator(".action-owner-form .hint")).to_have_text(
        "De updatelink van Anouk werkt daarna niet meer; de nieuwe eigenaar krijgt een eigen link."
    )
    facilitator.screenshot(path=str(artifacts / "owner-change-form.png"))
    item.get_by_role("button", name="Annuleren").click()  # changing one's mind changes nothing
    expect(item.locator(".action-owner-form")).to_have_count(0)
    expect(anouk.get_by_role("link", name="Mijn updatelink (ook na de workshop)")).to_be_visible()

    item.get_by_role("button", name="Eigenaar wijzigen").click()
    item.get_by_label("Nieuwe eigenaar").fill("Karin van Financiën")
    item.get_by_role("button", name="Opslaan").click()
    expect(anouk.locator(".action-meta")).to_contain_text("Eigenaar: Karin van Financiën")
    expect(anouk.get_by_role("link", name="Mijn updatelink (ook na de workshop)")).to_have_count(0)
    # Anouk's saved link: the workshop is there, the link was replaced.
    page = contexts(390, 844, bypass_csp=True).new_page()
    answer = page.goto(owned.link)
    assert answer.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze updatelink is vervangen")
    expect(page.locator("main")).to_contain_text("de actie kreeg een andere eigenaar")
    page.screenshot(path=str(artifacts / "update-link-replaced-phone.png"), full_page=True)
    assert axe_violations(page) == []


def test_the_owner_form_and_the_replaced_link_speak_english_without_axe_violations(server, clients, contexts):
    room = Workshop(server, clients, "Anouk", language="en", connect_facilitator=True)
    action = new_id()
    ok(
        room.facilitator.call(
            "action:add", {"id": action, "title": "Coffee with the board", "owner": room.pid("Anouk")}
        )
    )
    old_link = next(a for a in room.connect("Anouk").snapshots[-1]["actions"])["update_url"]
    ok(room.facilitator.call("step:go", {"index": 3}))
    page = open_page(
        with_token(contexts(1440, 900, bypass_csp=True), server, room.id, room.token()), room.url("/facilitate")
    )
    item = page.locator(".action", has_text="Coffee with the board")
    expect(item.get_by_role("button", name="I'll take this")).to_have_count(0)
    item.get_by_role("button", name="Change owner").click()
    expect(item.get_by_label("New owner")).to_be_focused()
    expect(item.locator(".action-owner-form .hint")).to_have_text(
        "Anouk's update link stops working then; the new owner gets a link of their own."
    )
    assert axe_violations(page) == []
    item.get_by_label("New owner").fill("Bram")
    item.get_by_role("button", name="Save").click()
    expect(item.locator(".action-meta")).to_contain_text("Owner: Bram")
    replaced = contexts(390, 844, bypass_csp=True).new_page()
    assert replaced.goto(old_link).status == 410
    expect(replaced.get_by_role("heading", level=1)).to_have_text("This update link has been replaced")
    assert axe_violations(replaced) == []
