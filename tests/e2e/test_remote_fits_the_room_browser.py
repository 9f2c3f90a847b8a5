"""The remote offers what fits the room's state: reopening a closed vote only after a
question, report-back buttons only in a step worked at the tables, a pitch round whose
"stop" says what it skips, and a spotlight picker grouped so a full board stays usable. A
phone following the spotlight keeps its banner in view."""

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, with_token
from layout_rules import check
from support import BRAND, GOALS, PLATFORM, Workshop, add_note, ok

pytestmark = pytest.mark.e2e

PHONE = (390, 844)


def remote_of(workshop, contexts, server):
    """The facilitator's remote on a phone, connected."""
    return open_page(
        with_token(contexts(*PHONE, bypass_csp=True), server, workshop.id, workshop.token()), workshop.url("/remote")
    )


def steer(remote, name):
    """The remote's button that sends the steering command `name`."""
    return remote.locator(f'[data-steer="{name}"]')


def test_a_closed_vote_is_reopened_from_the_remote_only_after_a_question(server, clients, contexts):
    workshop = Workshop(server, clients, "Anouk", connect_facilitator=True)
    add_note(workshop.facilitator, GOALS, "Meer klanten met minder moeite")
    ok(workshop.facilitator.call("voting:open", {"step": GOALS, "budget": 1}))
    ok(workshop.facilitator.call("voting:close", {}))
    remote = remote_of(workshop, contexts, server)
    expect(steer(remote, "voting-open")).to_have_text("Stemming heropenen")
    expect(steer(remote, "voting-close")).to_be_hidden()

    questions = []
    remote.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    steer(remote, "voting-open").click()
    expect(steer(remote, "voting-open")).to_have_text("Stemming heropenen")  # nothing sent
    assert questions == [
        "De stemming gaat weer open en de uitslag verdwijnt tot je opnieuw "
        "sluit. De stemmen die al gegeven zijn blijven staan. Doorgaan?"
    ]
    assert workshop.connect().snapshots[0]["steps"][GOALS]["vote_state"] == "closed"

    remote.once("dialog", lambda dialog: dialog.accept())
    steer(remote, "voting-open").click()
    expect(steer(remote, "voting-close")).to_be_visible()
    expect(steer(remote, "voting-open")).to_be_hidden()
    assert remote.context.page_errors == []


def test_report_back_buttons_show_only_in_a_step_worked_at_the_tables(server, clients, contexts):
    workshop = Workshop(server, clients, "Anouk", "Bram", "Chris", "Daan", connect_facilitator=True)
    ok(workshop.facilitator.call("tables:set", {"count": 2, "mode": "random"}))
    remote = remote_of(workshop, contexts, server)
    expect(bound(remote, "remote-step")).to_contain_text("Stap 1 van 4")
    expect(steer(remote, "table-next")).to_be_hidden()
    expect(steer(remote, "table-all")).to_be_hidden()

    ok(workshop.facilitator.call("step:edit", {"index": GOALS, "tables": True}))
    expect(steer(remote, "table-next")).to_be_visible()
    steer(remote, "table-next").click()
    expect(steer(remote, "table-all")).to_be_visible()

    # Another step, not at the tables, while a table is still on the projector: only the
    # way back to the whole board is offered.
    ok(workshop.facilitator.call("step:go", {"index": BRAND}))
    expect(bound(remote, "remote-step")).to_contain_text("Stap 2 van 4")
    expect(steer(remote, "table-next")).to_be_hidden()
    expect(steer(remote, "table-all")).to_be_visible()
    steer(remote, "table-all").click()
    expect(steer(remote, "table-all")).to_be_hidden()


def test_stopping_a_pitch_round_says_what_it_skips_and_the_last_pitch_only_ends_it(
    server, clients, contexts, artifacts
):
    workshop = Workshop(server, clients, "Anouk", "Bram", "Chris", connect_facilitator=True)
    for name, text in (("Anouk", "Ik verbind mensen"), ("Bram", "Ik maak het simpel"), ("Chris", "Ik durf te vragen")):
        add_note(workshop.connect(name), BRAND, text)
    remote = remote_of(workshop, contexts, server)
    ok(workshop.facilitator.call("pitch:start", {"step": BRAND, "of": "participants", "order": "joined", "minutes": 2}))
    expect(bound(remote, "remote-presenting")).to_have_text("Anouk (1 van 3)")
    expect(steer(remote, "pitch-stop")).to_have_text("Ronde nu stoppen (2 nog niet aan de beurt)")
    expect(steer(remote, "pitch-next")).to_have_text("Volgende pitch")
    steer(remote, "pitch-next").click()
    expect(steer(remote, "pitch-stop")).to_have_text("Ronde nu stoppen (1 nog niet aan de beurt)")
    steer(remote, "pitch-next").click()
    expect(bound(remote, "remote-presenting")).to_have_text("Chris (3 van 3)")
    expect(steer(remote, "pitch-next")).to_have_text("Ronde afsluiten")
    expect(steer(remote, "pitch-stop")).to_be_hidden()  # at the last pitch both would do the same
    remote.locator(".remote-group", has=steer(remote, "pitch-next")).screenshot(
        path=artifacts / "remote-pitch-last.png"
    )
    assert axe_violations(remote) == []
    steer(remote, "pitch-next").click()
    expect(bound(remote, "remote-presenting-box")).to_be_hidden()


def test_the_spotlight_picker_groups_tables_people_and_the_notes_of_this_step(server, clients, contexts):
    workshop = Workshop(server, clients, "Bram", "Anouk", connect_facilitator=True)
    ok(workshop.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Beleid"]}))
    ok(workshop.facilitator.call("step:go", {"index": PLATFORM}))
    add_note(workshop.facilitator, PLATFORM, "Wijkgesprekken elke maand", lane="dialogue")
    add_note(workshop.facilitator, PLATFORM, "Openbare dashboards", lane="transparency")
    add_note(workshop.facilitator, GOALS, "Een doel van stap 1")
    remote = remote_of(workshop, contexts, server)
    pick = remote.get_by_label("Wat komt in de spotlight?")
    expect(pick.locator("optgroup")).to_have_count(4)
    groups = pick.locator("optgroup").evaluate_all(
        "groups => groups.map(g => [g.label, [...g.children].map(o => o.textContent)])"
    )
    assert groups == [
        ["Tafels", ["Data", "Beleid"]],
        ["Mensen", ["Anouk", "Bram"]],
        ["Notities · Transparantie", ["Openbare dashboards"]],
        ["Notities · Dialoog", ["Wijkgesprekken elke maand"]],
    ]
    pick.select_option(label="Wijkgesprekken elke maand")
    remote.get_by_role("button", name="In de spotlight", exact=True).click()
    expect(bound(remote, "remote-spotlight-now")).to_have_text("Nu in de spotlight: Wijkgesprekken elke maand")


def test_a_phone_following_the_spotlight_down_the_board_keeps_its_banner_in_view(server, clients, contexts, artifacts):
    workshop = Workshop(server, clients, "Bram", connect_facilitator=True)
    ids = [add_note(workshop.facilitator, GOALS, f"Doel nummer {n} voor de gemeente")[0] for n in range(1, 16)]
    phone = open_page(
        with_token(contexts(*PHONE, bypass_csp=True), server, workshop.id, workshop.token("Bram")),
        workshop.url(),
        "Doelen stellen",
    )
    ok(workshop.facilitator.call("spotlight:set", {"kind": "note", "id": ids[-1]}))
    spotlit = phone.locator(".note.spotlit")
    expect(spotlit).to_contain_text("Doel nummer 15")
    expect(spotlit).to_be_in_viewport()
    banner = phone.locator(".spotlight-banner")
    expect(banner).to_be_in_viewport()
    expect(banner.get_by_role("button", name="Niet volgen")).to_be_in_viewport()
    assert phone.evaluate("scrollY") > 500  # the board did scroll down to the note
    phone.screenshot(path=artifacts / "spotlight-phone-followed.png")
    assert axe_violations(phone) == []
    assert check(phone) == []
