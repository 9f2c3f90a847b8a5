"""Tables in real browsers: the facilitator deals the room over two tables, each table reads
its own notes first, the projector shows the tables as columns and one table's report-back,
choosing a table, moving someone with the keyboard alone, notes for a table, voting across
tables, and axe-core on every view of it."""

import re

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_board, open_page, signed_in, with_token
from support import FRICTION, Workshop, add_note, new_id, ok

pytestmark = pytest.mark.e2e

PEOPLE = ("Anouk", "Bram", "Chris", "Dewi", "Eva", "Femke")
CASES = 1  # "Cases in kleine groepen" of the Eigenaarschap format: worked at the tables
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def ownership(server, clients):
    """An Eigenaarschap workshop with six participants, none of them seated yet."""
    return Workshop(
        server, clients, *PEOPLE, title="Kennissessie eigenaarschap", format="eigenaarschap", connect_facilitator=True
    )


def seats(workshop):
    """{name: table id} as the server has them now."""
    people = workshop.facilitator.call("sync", {})["snapshot"]["participants"]
    return {person["name"]: person["table"] for person in people if person["role"] == "participant"}


def one_at_each(table_of):
    """A participant at t1 and one at t2."""
    return (
        next(name for name, table in table_of.items() if table == "t1"),
        next(name for name, table in table_of.items() if table == "t2"),
    )


def facilitate(contexts, workshop, step_title=None):
    """The facilitator's page, open and connected."""
    return open_page(signed_in(contexts, workshop), workshop.url("/facilitate"), step_title)


def test_facilitator_deals_six_over_two_tables_and_each_table_reads_its_own_notes_first(ownership, contexts):
    facilitator = facilitate(contexts, ownership, "Inspiratie")
    facilitator.locator(".tables-settings summary").click()
    # The format proposes its cases as names; two tables take the first two.
    expect(facilitator.locator("#tables-names")).to_have_value("Data\nLeiderschap\nTeamontwikkeling")
    facilitator.fill('[name="count"]', "2")
    bound(facilitator, "tables-make").click()
    cards = facilitator.locator(".table-card")
    expect(cards.locator("h3")).to_have_text(["Data", "Leiderschap"])
    expect(cards.nth(0).locator(".person")).to_have_count(3)
    expect(cards.nth(1).locator(".person")).to_have_count(3)
    # Tables made in a step are for that step: its notes go to the tables at once.
    expect(bound(facilitator, "tables-step")).to_have_attribute("aria-pressed", "true")
    bound(facilitator, "step-next").click()
    expect(bound(facilitator, "tables-step")).to_have_attribute("aria-pressed", "true")

    at_data, at_leadership = one_at_each(seats(ownership))
    boards = {}
    for name, table, other in ((at_data, "Data", "Leiderschap"), (at_leadership, "Leiderschap", "Data")):
        page = open_board(contexts, ownership, name, "Cases in kleine groepen")
        expect(page.locator(".table-banner-title")).to_have_text(f"Jouw tafel: {table}")
        page.fill("#composer-text", f"Onze les aan {table}")
        page.press("#composer-text", "Enter")
        boards[name] = (page, table, other)
    for page, table, other in boards.values():
        groups = page.locator(".table-group:not([hidden])")
        # Their own table first and open, the other folded (there, not hidden).
        expect(groups.locator(".table-name")).to_have_text([table, other])
        expect(groups.nth(0).locator(".note:not(.pending) .note-text")).to_have_text(f"Onze les aan {table}")
        expect(groups.nth(0).locator(".note-table")).to_contain_text(table)
        folded = groups.nth(1)
        expect(folded).to_have_js_property("tagName", "DETAILS")
        expect(folded).not_to_have_attribute("open", "")
        expect(folded.locator(".table-count")).to_have_text("1 notitie")
        expect(folded.locator(".note-text")).to_be_hidden()
        folded.locator("summary").click()
        expect(folded.locator(".note-text")).to_have_text(f"Onze les aan {other}")

    # A table is done when everyone seated there who is online is ready.
    data_page = boards[at_data][0]
    bound(data_page, "ready-toggle").click()
    expect(cards.nth(0)).to_have_class(re.compile(r"\bis-done\b"))
    expect(cards.nth(0).locator(".table-card-state")).to_have_text("klaar ✓")
    expect(cards.nth(1)).not_to_have_class(re.compile(r"\bis-done\b"))

    projector = open_page(
        signed_in(contexts, ownership, **PROJECTOR), ownership.url("/present"), "Cases in kleine groepen"
    )
    columns = projector.locator(".table-group:not([hidden])")
    expect(columns.locator(".table-name")).to_have_text(["Data", "Leiderschap"])
    expect(columns.nth(0).locator(".note-text")).to_have_text("Onze les aan Data")
    expect(columns.nth(1).locator(".note-text")).to_have_text("Onze les aan Leiderschap")
    cards.nth(0).get_by_role("button", name="Laat presenteren: Data").click()
    expect(bound(projector, "presenting")).to_have_text("Tafel Data presenteert")
    expect(projector.locator(".note-text", has_text="Onze les aan Data")).to_be_visible()
    expect(projector.locator(".note-text", has_text="Onze les aan Leiderschap")).to_be_hidden()
    bound(facilitator, "tables-next").click()  # the next table
    expect(bound(projector, "presenting")).to_have_text("Tafel Leiderschap presenteert")
    expect(projector.locator(".note-text", has_text="Onze les aan Data")).to_be_hidden()
    bound(facilitator, "tables-all").click()
    expect(bound(projector, "presenting")).to_be_hidden()
    expect(projector.locator(".note-text")).to_have_count(2)
    for note in projector.locator(".note-text").all():
        expect(note).to_be_visible()
    for context in {page.context for page in (facilitator, projector, data_page)}:
        assert context.page_errors == []


def test_in_choose_mode_everyone_picks_a_table_late_joiners_too(ownership, contexts):
    facilitator = facilitate(contexts, ownership, "Inspiratie")
    facilitator.locator(".tables-settings summary").click()
    facilitator.fill("#tables-names", "")
    facilitator.get_by_label("Iedereen kiest zelf").check()
    bound(facilitator, "tables-make").click()
    expect(facilitator.locator(".table-card h3")).to_have_text(["Tafel 1", "Tafel 2", "Tafel 3", "Zonder tafel"])

    anouk = open_board(contexts, ownership, "Anouk")
    expect(anouk.locator(".table-banner-title")).to_have_text("Kies je tafel")
    anouk.get_by_role("button", name="Tafel 2").click()
    expect(anouk.locator(".table-banner-title")).to_have_text("Jouw tafel: Tafel 2")
    expect(facilitator.locator('.table-card[data-table="t2"] .link-button')).to_have_text(["Anouk"])
    # Someone who comes in later is asked to choose as well.
    ownership.join("Gijs")
    gijs = open_board(contexts, ownership, "Gijs")
    expect(gijs.locator(".table-banner-title")).to_have_text("Kies je tafel")
    expect(gijs.get_by_role("button", name="Tafel 2")).to_contain_text("1 persoon")
    gijs.get_by_role("button", name="Tafel 3").click()
    expect(gijs.locator(".table-banner-title")).to_have_text("Jouw tafel: Tafel 3")
    # Changing one's mind: the other tables wait behind "Andere tafel kiezen".
    gijs.get_by_text("Andere tafel kiezen").click()
    gijs.get_by_role("button", name="Tafel 1").click()
    expect(gijs.locator(".table-banner-title")).to_have_text("Jouw tafel: Tafel 1")
    expect(facilitator.locator('.table-card[data-table="t1"] .link-button')).to_have_text(["Gijs"])
    assert anouk.context.page_errors == [] and gijs.context.page_errors == []


def test_the_facilitator_moves_someone_to_another_table_with_the_keyboard_alone(ownership, contexts):
    ok(ownership.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}))
    ok(ownership.facilitator.call("step:go", {"index": CASES}))  # worked at the tables
    name = one_at_each(seats(ownership))[0]  # at Data
    participant = open_board(contexts, ownership, name)
    expect(participant.locator(".table-banner-title")).to_have_text("Jouw tafel: Data")
    facilitator = facilitate(contexts, ownership)
    person = facilitator.locator('.table-card[data-table="t1"] .link-button', has_text=name)
    person.focus()
    facilitator.keyboard.press("Enter")  # picks them in the move form ...
    expect(facilitator.locator("#table-move-table")).to_be_focused()
    expect(facilitator.locator("#table-move-person")).to_have_value(ownership.pid(name))
    facilitator.keyboard.press("ArrowDown")  # ... from Data to Leiderschap
    expect(facilitator.locator("#table-move-table")).to_have_value("t2")
    facilitator.keyboard.press("Tab")
    expect(facilitator.get_by_role("button", name="Verplaatsen", exact=True)).to_be_focused()
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator('.table-card[data-table="t2"] .link-button', has_text=name)).to_be_visible()
    expect(facilitator.locator('.table-card[data-table="t1"] .person')).to_have_count(2)
    expect(bound(facilitator, "announcer")).to_have_text(f"{name} zit nu aan Leiderschap")
    expect(participant.locator(".table-banner-title")).to_have_text("Jouw tafel: Leiderschap")
    assert facilitator.context.page_errors == []


def test_a_note_written_for_a_table_shows_the_table_as_its_author(ownership, contexts):
    ok(ownership.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}))
    ok(ownership.facilitator.call("step:go", {"index": CASES}))
    name = one_at_each(seats(ownership))[0]
    participant = open_board(contexts, ownership, name, "Cases in kleine groepen")
    participant.get_by_label("Namens Data").check()
    participant.fill("#composer-text", "Wat de tafel vindt")
    participant.press("#composer-text", "Enter")
    mine = participant.locator(".table-mine .note:not(.pending)", has_text="Wat de tafel vindt")
    expect(mine.locator(".note-author")).to_have_text("Data")
    facilitator = facilitate(contexts, ownership, "Cases in kleine groepen")
    facilitator.get_by_label("Schrijf namens").select_option(label="Leiderschap")
    facilitator.fill("#composer-text", "Opgeschreven voor de tafel zonder laptop")
    facilitator.press("#composer-text", "Enter")
    written = facilitator.locator('.table-group[data-table="t2"] .note:not(.pending)')
    expect(written.locator(".note-author")).to_have_text("Leiderschap")
    expect(facilitator.locator('.table-group[data-table="t1"] .note .note-author')).to_have_text("Data")
    assert participant.context.page_errors == [] and facilitator.context.page_errors == []


def test_the_room_votes_across_all_tables(ownership, contexts, clients):
    ok(ownership.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}))
    ok(ownership.facilitator.call("step:go", {"index": CASES}))
    at_data, at_leadership = one_at_each(seats(ownership))
    add_note(ownership.connect(at_data), CASES, "Van Data", lane="define")
    add_note(ownership.connect(at_leadership), CASES, "Van Leiderschap", lane="define")
    ok(ownership.facilitator.call("voting:open", {"step": CASES, "budget": 2}))
    voter = open_board(contexts, ownership, at_data, "Cases in kleine groepen")
    for text in ("Van Data", "Van Leiderschap"):
        note = voter.locator(".note", has_text=text)
        if text == "Van Leiderschap":  # at the other table, folded
            voter.locator("details.table-group:not([hidden]) summary").click()
        note.locator("[data-action=vote]").click()
        expect(note.locator(".my-dots")).to_have_text("●")
    ok(ownership.facilitator.call("voting:close", {}))
    for text in ("Van Data", "Van Leiderschap"):
        expect(voter.locator(".note", has_text=text).locator(".note-votes")).to_contain_text("1")
    # An action from the other table's note, as from any note.
    voter.locator(".note", has_text="Van Leiderschap").locator("[data-action=make-action]").click()
    voter.fill("#action-title", "Samen een datadag")
    voter.locator("[data-bind=action-form] button[type=submit]").click()
    expect(voter.locator(".action-title")).to_have_text(["Samen een datadag"])
    assert voter.context.page_errors == []


def test_a_cluster_of_notes_from_two_tables_shows_at_each_table_with_that_tables_notes(ownership, contexts):
    ok(ownership.facilitator.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]}))
    ok(ownership.facilitator.call("step:go", {"index": CASES}))
    at_data, at_leadership = one_at_each(seats(ownership))
    ours, _seq = add_note(ownership.connect(at_data), CASES, "Van Data", lane="define")
    theirs, _seq = add_note(ownership.connect(at_leadership), CASES, "Van Leiderschap", lane="define")
    ok(ownership.facilitator.call("note:group", {"ids": [ours, theirs], "title": "Samen leren", "id": new_id()}))
    facilitator = facilitate(contexts, ownership, "Cases in kleine groepen")
    projector = open_page(
        signed_in(contexts, ownership, **PROJECTOR), ownership.url("/present"), "Cases in kleine groepen"
    )
    for page in (facilitator, projector):
        groups = page.locator(".table-group:not([hidden])")
        expect(groups.locator(".table-name")).to_have_text(["Data", "Leiderschap"])
        for index, text in enumerate(("Van Data", "Van Leiderschap")):
            cluster = groups.nth(index).locator(".cluster")
            expect(cluster.locator(".cluster-title")).to_have_text("Samen leren")
            expect(cluster.locator(".note-text")).to_have_text([text])
    # Either table's copy of the cluster ungroups the whole cluster.
    facilitator.locator(".table-group").first.get_by_role("button", name="Groep opheffen").click()
    expect(facilitator.locator(".cluster")).to_have_count(0)
    expect(projector.locator(".cluster")).to_have_count(0)
    expect(projector.locator(".note-text")).to_have_text(["Van Data", "Van Leiderschap"])
    for page in (facilitator, projector):
        assert page.context.page_errors == []


def test_private_writing_at_the_tables_counts_no_table_until_the_reveal(server, clients, contexts):
    room = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)  # co-creation
    ok(room.facilitator.call("tables:set", {"count": 2, "mode": "random"}))
    ok(room.facilitator.call("step:go", {"index": FRICTION}))
    ok(room.facilitator.call("step:edit", {"index": FRICTION, "tables": True}))
    add_note(room.connect("Anouk"), FRICTION, "Niemand durft nee te zeggen")
    facilitator = facilitate(contexts, room, "Knuppel in het hoenderhok")
    expect(facilitator.locator(".table-card")).to_have_count(2)
    # Only the room's total is known while writing is private: no table says "0 notities".
    expect(facilitator.locator(".table-card-notes")).to_have_count(0)
    expect(facilitator.locator(".table-group .table-count")).to_have_text(["", "", ""])
    bound(facilitator, "reveal").click()
    expect(facilitator.locator(".table-card-notes")).to_have_text(
        ["1 notitie in deze stap", "0 notities in deze stap"]
        if seats(room)["Anouk"] == "t1"
        else ["0 notities in deze stap", "1 notitie in deze stap"]
    )
    assert facilitator.context.page_errors == []


@pytest.mark.parametrize("width, height", [(1280, 900), (390, 844)])
def test_every_view_of_the_tables_has_no_axe_violations(ownership, contexts, width, height):
    ok(ownership.facilitator.call("tables:set", {"count": 3, "mode": "choose"}))
    ok(ownership.facilitator.call("step:go", {"index": CASES}))
    written = []
    for name, table in (("Anouk", "t1"), ("Bram", "t2"), ("Chris", "t2")):
        person = ownership.connect(name)
        ok(person.call("table:choose", {"table": table}))
        written.append(add_note(person, CASES, f"Notitie van {name}", lane="define")[0])
    ok(person.call("participant:ready", {"ready": True}))
    # A cluster across two tables shows at each of them.
    ok(ownership.facilitator.call("note:group", {"ids": written[:2], "title": "Samen", "id": new_id()}))
    ok(ownership.facilitator.call("projector:focus", {"table": "t2"}))
    found = {}
    views = [
        ("facilitator", "/facilitate", None),
        ("Anouk", "", None),
        ("Dewi", "", None),
        ("facilitator", "/present", "Tafel 2 presenteert"),
    ]
    for who, path, wait in views:
        # bypass_csp lets Playwright inject axe; the pages themselves keep their strict CSP.
        context = with_token(
            contexts(width, height, bypass_csp=True), ownership.server, ownership.id, ownership.token(who)
        )
        page = open_page(context, ownership.url(path))
        page.wait_for_selector(".table-group", state="attached")
        if path == "/facilitate":
            page.locator(".tables-settings summary").click()
            expect(page.locator(".table-card")).to_have_count(4)
        if path == "/present":
            expect(bound(page, "presenting")).to_have_text(wait)
        if who == "Anouk":
            expect(page.locator(".table-banner-title")).to_have_text("Jouw tafel: Tafel 1")
            page.get_by_text("Andere tafel kiezen").click()
            page.locator("details.table-group:not([hidden])").first.locator("summary").click()
        if who == "Dewi":  # not at a table yet: asked to choose
            expect(page.locator(".table-choice")).to_have_count(3)
        violations = axe_violations(page)
        if violations:
            found[f"{who}{path}"] = violations
        assert context.page_errors == []
    assert found == {}
