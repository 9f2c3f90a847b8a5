"""Voting, actions, the plan page and its downloads, the timer's end and XSS in a real browser."""

import re
import subprocess

import pytest
import requests
from playwright.sync_api import expect
from pypdf import PdfReader

from browser_helpers import axe_violations, bound, open_board, open_page, signed_in, with_token
from support import PLATFORM, Workshop, add_note, new_id, ok

pytestmark = pytest.mark.e2e

XSS = '<img src=x onerror="window.__xss=1">'


# -- helpers ------------------------------------------------------------------------


def note_item(page, text):
    return page.locator(".board .note", has=page.locator(".note-text", has_text=text))


def votes_in(lane):
    """The dots of each note in `lane`, top to bottom ("#1 3 stemmen" counts 3)."""
    return [int(re.search(r"(\d+) stem", text).group(1)) for text in lane.locator(".note-votes").all_text_contents()]


# -- a. dot voting in the browser ------------------------------------------------------------


def test_dots_count_down_stay_blind_and_the_projector_orders_notes_by_votes_after_close(server, clients, contexts):
    room = Workshop(server, clients, title="Stemmen in de browser", connect_facilitator=True)
    for name in ("Sanne", "Bob", "Cas"):
        room.join(name)
    lanes = {
        "transparency": ["Agenda vooraf", "Notulen delen", "Besluitenlijst"],
        "dialogue": ["Spreekuur", "Koffiegesprek"],
    }
    ids = {
        text: add_note(room.facilitator, PLATFORM, text, lane=lane)[0]
        for lane, texts in lanes.items()
        for text in texts
    }
    ok(room.facilitator.call("step:go", {"index": PLATFORM}))

    sanne = open_board(contexts, room, "Sanne", "Platform van betrokkenheid")
    bob = open_board(contexts, room, "Bob", "Platform van betrokkenheid")
    ok(room.facilitator.call("voting:open", {"step": PLATFORM, "budget": 3, "per_note": 3}))
    status = bound(sanne, "vote-status")
    expect(status).to_contain_text("Je hebt nog 3 van 3 stemmen")

    plus = note_item(sanne, "Besluitenlijst").locator("button[data-action=vote]")
    for left in (2, 1, 0):
        plus.click()
        expect(status).to_contain_text(f"Je hebt nog {left} van 3 stemmen")
    expect(note_item(sanne, "Besluitenlijst").locator(".my-dots")).to_have_text("●●●")
    expect(sanne.locator("button[data-action=vote]:enabled")).to_have_count(0)

    cas = room.connect("Cas")
    for text in ("Koffiegesprek", "Koffiegesprek", "Notulen delen"):
        ok(cas.call("vote:cast", {"note_id": ids[text]}))
    for page in (sanne, bob):
        expect(bound(page, "vote-status")).to_contain_text("2 van 3 hebben gestemd")
        expect(page.locator(".note-votes")).to_have_count(0)
    expect(bob.locator(".board .note")).to_have_count(5)

    projector = open_page(signed_in(contexts, room, "Bob"), room.url("/present"), "Platform van betrokkenheid")
    expect(projector.locator(".note-votes")).to_have_count(0)
    ok(room.facilitator.call("voting:close", {}))

    # Only the three notes with dots carry a count: no "0 stemmen" on the others.
    for page in (sanne, bob, projector):
        expect(page.locator(".board .note-votes")).to_have_count(3)
    for page in (sanne, bob):
        expect(bound(page, "vote-status")).to_be_hidden()
    # The count, whatever rank ("#1") the board puts before it.
    expect(note_item(projector, "Besluitenlijst").locator(".note-votes")).to_contain_text("3 stemmen")
    expect(note_item(bob, "Notulen delen").locator(".note-votes")).to_contain_text("1 stem")
    # Sanne's 3 dots and Cas's 2 + 1, each lane's notes by votes, most first.
    for key, counts in {"transparency": [3, 1], "dialogue": [2]}.items():
        assert votes_in(projector.locator(f'.lane[data-lane="{key}"]')) == counts, key
    expect(projector.locator('.lane[data-lane="transparency"] .note-text')).to_have_text(
        ["Besluitenlijst", "Notulen delen", "Agenda vooraf"]
    )
    expect(projector.locator('.lane[data-lane="dialogue"] .note-text')).to_have_text(["Koffiegesprek", "Spreekuur"])
    for page in (sanne, bob, projector):
        assert page.context.page_errors == []


# -- b. from a note to an action, and taking it on ---------------------------------------------


def test_a_note_becomes_an_action_that_another_participant_takes_on(server, clients, contexts):
    room = Workshop(server, clients, title="Acties in de browser", connect_facilitator=True)
    room.join("Sanne")
    room.join("Bob")
    # Participants make actions in the step where the room votes (the platform, step 4).
    ok(room.facilitator.call("step:go", {"index": 3}))
    add_note(room.facilitator, 3, "Wekelijks klantoverleg met het hele team")
    sanne = open_board(contexts, room, "Sanne", "Platform van betrokkenheid")
    bob = open_board(contexts, room, "Bob", "Platform van betrokkenheid")
    facilitator = open_page(signed_in(contexts, room), room.url("/facilitate"), "Platform van betrokkenheid")

    note_item(sanne, "Wekelijks klantoverleg").locator("button[data-action=make-action]").click()
    form = bound(sanne, "action-form")
    expect(form.locator("#action-title")).to_have_value("Wekelijks klantoverleg met het hele team")
    expect(bound(sanne, "action-sources")).to_contain_text("Wekelijks klantoverleg")
    form.locator("#action-title").fill("Wekelijks klantoverleg plannen")
    form.locator("#action-due").fill("2026-12-15")
    form.get_by_role("button", name="Actie toevoegen").click()

    item = bob.locator(".action-list .action", has_text="Wekelijks klantoverleg plannen")
    expect(item.locator(".action-meta")).to_contain_text("Deadline: 15 december 2026")
    expect(item.locator(".action-meta")).to_contain_text("Eigenaar: nog geen eigenaar")
    expect(form.locator("#action-title")).to_have_value("")
    item.locator("button[data-action=take]").click()

    owned = facilitator.locator(".action-list .action", has_text="Wekelijks klantoverleg plannen")
    expect(owned.locator(".action-meta")).to_contain_text("Eigenaar: Bob")
    expect(sanne.locator(".action-list .action-meta")).to_contain_text("Eigenaar: Bob")
    # The owner no longer sees "Ik pak dit op" on their own action.
    expect(item.locator("button[data-action=take]")).to_have_count(0)
    snapshot = ok(room.facilitator.call("sync", {}))["snapshot"]
    (action,) = snapshot["actions"]
    assert action["owner"] == {"id": room.pid("Bob"), "name": "Bob"}
    assert action["due"] == "2026-12-15" and len(action["note_ids"]) == 1
    for page in (sanne, bob, facilitator):
        assert page.context.page_errors == []


# -- c. the plan page and its PDF ---------------------------------------------------------------


def test_plan_page_shows_the_actions_and_downloads_a_pdf(server, clients, contexts, artifacts):
    room = Workshop(server, clients, title="Teamdag Één café", connect_facilitator=True)
    room.join("Sanne")
    sanne_socket = room.connect("Sanne")
    notes = [
        add_note(sanne_socket, PLATFORM, text, lane=lane)[0]
        for text, lane in [
            ("Open agenda voor iedereen", "transparency"),
            ("Ideeën ophalen bij klanten", "dialogue"),
            ("Terugblik per kwartaal", "reflection"),
        ]
    ]
    ok(room.facilitator.call("voting:open", {"step": PLATFORM, "budget": 3}))
    for note in (notes[0], notes[0], notes[1]):
        ok(sanne_socket.call("vote:cast", {"note_id": note}))
    ok(room.facilitator.call("voting:close", {}))
    for title, extra in [
        ("Één overleg per week", {"owner": room.pid("Sanne"), "due": "2026-12-15", "note_ids": [notes[0]]}),
        ("Klantpanel opzetten", {"owner": "Externe coach", "due": "2027-03-01", "note_ids": [notes[1]]}),
        ("Kwartaalterugblik agenderen", {}),
    ]:
        ok(sanne_socket.call("action:add", {"id": new_id(), "title": title, **extra}))

    page = signed_in(contexts, room, "Sanne").new_page()
    page.goto(room.url("/plan"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Teamdag Één café")
    rows = page.locator(".plan-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Één overleg per week")
    expect(rows.nth(0)).to_contain_text("15 december 2026")
    expect(rows.nth(0)).to_contain_text("Sanne")
    expect(rows.nth(0).locator(".sources-label")).to_have_text("Uit de notities:")
    expect(rows.nth(2).locator(".sources-label")).to_have_count(0)  # made from no note
    expect(rows.nth(1)).to_contain_text("Klantpanel opzetten")
    expect(rows.nth(1)).to_contain_text("1 maart 2027")
    expect(rows.nth(2)).to_contain_text("nog geen eigenaar")
    # What the group said on the step with lanes: one heading per lane that has notes.
    platform = page.locator(
        "section.plan-step", has=page.get_by_role("heading", level=3, name="4. Platform van betrokkenheid")
    )
    expect(platform.get_by_role("heading", level=4)).to_have_text(
        ["Uitslag van de stemming", "Transparantie", "Dialoog", "Reflectie"]
    )
    # The vote's result first: most votes first.
    expect(platform.locator(".plan-ranking tbody tr")).to_have_text(
        [
            re.compile(r"^\s*1\s+Open agenda voor iedereen\s+2\s*$"),
            re.compile(r"^\s*2\s+Ideeën ophalen bij klanten\s+1\s*$"),
        ]
    )
    expect(platform.locator("ul.plan-notes").nth(1)).to_contain_text("Ideeën ophalen bij klanten")
    links = page.locator("nav.downloads a[download]")
    expect(links).to_have_count(4)  # the JSON backup only on the facilitator's plan page
    hrefs = [links.nth(n).get_attribute("href") for n in range(4)]
    assert hrefs == [f"/w/{room.id}/{name}" for name in ("plan.pdf", "plan.md", "plan.csv", "plan.ics")]

    with page.expect_download() as caught:
        page.get_by_role("link", name="PDF").click()
    download = caught.value
    assert download.suggested_filename == "teamdag-een-cafe-actieplan.pdf"
    target = artifacts / "plan-browser.pdf"
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    text = " ".join(PdfReader(target).pages[0].extract_text().split())
    assert "Één overleg per week" in text and "Klantpanel opzetten" in text
    png = artifacts / "plan-browser-page1"
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "-singlefile", str(target), str(png)],
        check=True,
        timeout=30,
    )
    assert (artifacts / "plan-browser-page1.png").read_bytes().startswith(b"\x89PNG")
    assert page.context.page_errors == []


# -- d. the timer's end closes writing ------------------------------------------------------------


def test_timer_end_disables_the_composer_until_the_facilitator_stops_it(server, clients, contexts):
    room = Workshop(server, clients, title="Tijd is om", connect_facilitator=True)
    room.join("Sanne")
    sanne = open_board(contexts, room, "Sanne", "Doelen stellen")
    composer = sanne.locator("#composer-text")
    expect(composer).to_be_enabled()
    ok(room.facilitator.call("timer:start", {"seconds": 5, "lock_at_end": True}))
    timer = sanne.locator('.boardbar [data-bind="timer"]')
    expect(timer).to_be_visible()
    expect(timer).to_have_attribute("data-state", "done", timeout=15_000)
    expect(timer).to_contain_text("Tijd is om")
    expect(composer).to_be_disabled()
    expect(sanne.get_by_role("button", name="Toevoegen", exact=True)).to_be_disabled()

    ok(room.facilitator.call("timer:stop", {}))
    expect(composer).to_be_enabled()
    expect(timer).to_be_hidden()
    composer.fill("Weer schrijven na de stop")
    composer.press("Enter")
    written = note_item(sanne, "Weer schrijven na de stop")
    expect(written.locator("[data-action=edit]")).to_be_visible()
    assert sanne.context.page_errors == []


# -- e. HTML in user text is only ever text ------------------------------------------------------


def test_html_in_notes_names_and_actions_is_literal_text_on_every_page_and_download(server, clients, contexts):
    room = Workshop(server, clients, title="Veilige weergave", connect_facilitator=True)
    room.join("Sanne")
    evil = room.join(XSS)
    evil_socket = room.connect(XSS)
    # The note says more than the action's title: a source note the same as its title is left out.
    source = f"{XSS} en meer"
    note, _ = add_note(evil_socket, 0, source)
    ok(
        evil_socket.call(
            "action:add",
            {"id": new_id(), "title": XSS, "owner": evil["participant_id"], "note_ids": [note], "due": "2026-12-15"},
        )
    )

    board = open_board(contexts, room, "Sanne", "Doelen stellen")
    projector = open_page(signed_in(contexts, room, "Sanne"), room.url("/present"), "Doelen stellen")
    facilitator = open_page(signed_in(contexts, room), room.url("/facilitate"), "Doelen stellen")
    plan = signed_in(contexts, room, "Sanne").new_page()
    plan.goto(room.url("/plan"))

    for page in (board, projector, facilitator):
        expect(page.locator(".board .note-text")).to_have_text([source])
        expect(page.locator(".board .note-author")).to_have_text([XSS])
    for page in (board, facilitator):
        expect(page.locator(".action-list .action-title")).to_have_text([XSS])
        expect(page.locator(".action-list .action-meta")).to_contain_text(f"Eigenaar: {XSS}")
    expect(plan.locator(".plan-table tbody td strong")).to_have_text([XSS])
    expect(plan.locator(".plan-table tbody td").nth(2)).to_have_text(XSS)
    expect(plan.locator(".plan-note-text")).to_have_text([source])
    expect(plan.locator(".sources li")).to_have_text([source])
    for page in (board, projector, facilitator, plan):
        assert page.locator("img[src='x']").count() == 0
        assert page.evaluate("() => window.__xss") is None
        assert page.context.page_errors == []

    downloads = {
        name: room.download(name, room.token("Sanne"))
        for name in ("plan.md", "plan.csv", "plan.ics", "plan.pdf", "export.json")
    }
    for name, answer in downloads.items():
        assert answer.status_code == 200, name
        assert "html" not in answer.headers["Content-Type"], name
        assert answer.headers["Content-Disposition"].startswith("attachment;"), name
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    markdown = downloads["plan.md"].text
    assert not re.search(r"(?<!\\)<img", markdown), markdown  # every `<` is escaped
    assert '\\<img src=x onerror="window.\\__xss=1">' in markdown
    assert downloads["export.json"].json()["actions"][0]["title"] == XSS


def test_on_a_phone_each_action_of_the_plan_is_a_card_with_owner_and_deadline_in_view(server, clients, contexts):
    created = server.create_workshop("Teamdag")
    workshop_id = created["id"]
    desk = clients(server.url, workshop_id, created["facilitator_token"])
    ok(
        desk.call(
            "action:add",
            {"id": new_id(), "title": "Klantpanel organiseren", "owner": "Fatima El Amrani", "due": "2027-02-01"},
        )
    )
    sanne = server.join(workshop_id, "Sanne")
    phone = with_token(contexts(390, 844), server, workshop_id, sanne["token"])
    page = phone.new_page()
    page.goto(f"{server.url}/w/{workshop_id}/plan")

    card = page.locator(".plan-table tr", has_text="Klantpanel organiseren")
    for label, value in (("Eigenaar", "Fatima El Amrani"), ("Deadline", "1 februari 2027"), ("Status", "Open")):
        cell = card.locator("td", has_text=value)
        expect(cell).to_be_in_viewport()
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 390, (label, box)
        # The column's name stands before the value, as the table header is not shown.
        shown = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert shown == f'"{label}: "', shown
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # The JSON backup is the facilitator's business; participants get the plan itself.
    expect(page.get_by_role("link", name="Back-up (JSON)")).to_have_count(0)
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    desk_page = with_token(contexts(), server, workshop_id, created["facilitator_token"]).new_page()
    desk_page.goto(f"{server.url}/w/{workshop_id}/plan")
    expect(desk_page.get_by_role("link", name="Back-up (JSON)")).to_be_visible()
    assert phone.page_errors == []


# -- e. the plan after a follow-up, on a laptop and a phone --------------------------------------


def test_the_plan_page_of_a_series_is_accessible_and_its_canvas_never_overflows(server, clients, contexts, artifacts):
    room = Workshop(server, clients, "Sanne", title="Wijkavond Oost", connect_facilitator=True)
    sanne = room.connect("Sanne")
    ok(room.facilitator.call("step:edit", {"index": PLATFORM, "layout": "canvas"}))
    notes = [
        add_note(sanne, PLATFORM, text, lane=lane, x=x, y=y)[0]
        for text, lane, x, y in [
            ("Mantelzorgondersteuningsgesprekken in de bibliotheek", "transparency", 0.0, 0.0),
            ("WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "dialogue", 1.0, 1.0),
            ("Spreekuur op dinsdag " * 10, "reflection", 0.6, 0.4),
        ]
    ]
    ok(room.facilitator.call("note:group", {"ids": notes[:2], "title": "Samen praten " * 6}))
    ok(room.facilitator.call("voting:open", {"step": PLATFORM, "budget": 3}))
    for note in (notes[0], notes[1], notes[2]):
        ok(sanne.call("vote:cast", {"note_id": note}))
    ok(room.facilitator.call("voting:close", {}))
    action_id = new_id()
    ok(
        room.facilitator.call(
            "action:add",
            {
                "id": action_id,
                "title": "Loket inrichten",
                "owner": room.pid("Sanne"),
                "due": "2026-12-15",
                "note_ids": [notes[0]],
            },
        )
    )
    link = room.connect("Sanne").snapshots[-1]["actions"][0]["update_url"]
    assert (
        requests.post(link, json={"status": "blocked", "text": "Wacht op de wethouder"}, timeout=10).status_code == 200
    )
    second = room.follow_up(title="Terugkomdag Oost")
    ok(second.connect().call("action:review", {"id": action_id, "decision": "drop"}))

    for width, height in ((1440, 900), (390, 844)):
        # bypass_csp lets Playwright inject axe; the page itself keeps its strict CSP.
        context = with_token(contexts(width, height, bypass_csp=True), server, room.id, room.token("Sanne"))
        page = context.new_page()
        page.goto(room.url("/plan"))
        row = page.locator(".plan-table tbody tr").first
        expect(row.locator(".status")).to_have_text("Gestopt")
        expect(row).to_contain_text("Gestopt op Terugkomdag Oost")
        expect(row.locator(".updates")).to_contain_text("Wacht op de wethouder")
        expect(page.locator(".plan-ranking tbody tr")).to_have_count(3)
        expect(page.locator(".plan-ranking tbody tr").first).to_contain_text("1 (gedeeld)")
        outside = page.evaluate("""() => [...document.querySelectorAll('.canvas-note-text')]
            .map((text) => {
              const note = text.previousElementSibling.getBBox(), box = text.getBBox();
              return box.x >= note.x && box.y >= note.y && box.x + box.width <= note.x + note.width
                && box.y + box.height <= note.y + note.height ? null : text.textContent;
            }).filter(Boolean)""")
        assert outside == []
        frame = page.evaluate("""() => {
            const svg = document.querySelector('.canvas-picture svg');
            const [, , w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
            return [...svg.querySelectorAll('rect, text')].every((shape) => {
              const box = shape.getBBox();
              return box.x >= 0 && box.y >= 0 && box.x + box.width <= w && box.y + box.height <= h;
            });
          }""")
        assert frame
        page.screenshot(path=str(artifacts / f"plan-series-{width}.png"), full_page=True)
        assert axe_violations(page) == []
        assert context.page_errors == []
