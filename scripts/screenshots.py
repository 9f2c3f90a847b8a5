"""Make docs/screenshots/*.png: each view with a few notes, as people in the room see it.

Run with `make screenshots`; starts its own server on a free port with a temporary database.
"""

import sys
import tempfile
import uuid
from pathlib import Path

import socketio
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):  # this checkout's code, always
    sys.path.insert(0, str(folder))
from support import LiveServer  # noqa: E402  (the test suite's live-server helper)

OUT = ROOT / "docs" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
GOALS = [
    "Meer klanten aantrekken met minder moeite en meer plezier",
    "Samen leren van elke klantvraag",
    "Een team waar iedereen zich eigenaar voelt van het resultaat",
    "Kortere lijnen tussen sales en service",
]
PLATFORM = [
    ("transparency", "Open agenda's en besluiten"),
    ("accessibility", "Vaste inloopuren"),
    ("dialogue", "Maandelijks koffiegesprek met de directie"),
    ("reflection", "Retro na elk project"),
    ("transparency", "Eén dashboard voor iedereen"),
]


def add_note(page, text, lane=None):
    """Type a note in the composer and wait until the server confirmed it."""
    if lane:
        page.select_option('[data-bind="lane-select"]', lane)
    page.fill("#composer-text", text)
    page.press("#composer-text", "Enter")
    page.locator(".note:not(.pending) .note-text", has_text=text).first.wait_for()


def main():
    """Start a server, run a short workshop, screenshot every view."""
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp)).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                shoot(browser, server.url)
                shoot_tables(browser, server)
                browser.close()
        finally:
            server.stop()


def shoot(browser, base):
    """The screenshots themselves."""
    facilitator = browser.new_context(viewport={"width": 1440, "height": 900})
    page = facilitator.new_page()
    page.goto(base + "/")
    page.screenshot(path=OUT / "landing.png", animations="disabled")
    page.fill("#title", "Teamdag Klantcontact")
    page.fill("#goal", "Meer klanten, minder moeite, meer plezier")
    page.click("form[method=post] button[type=submit]")
    page.wait_for_url("**/facilitate")
    code = page.text_content('[data-bind="join-code"]').strip()
    workshop_id = page.url.split("/w/")[1].split("/")[0]

    people = []
    for name, viewport in (("Sanne", (390, 844)), ("Pieter", (1280, 800))):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        person = context.new_page()
        person.goto(f"{base}/j/{code}")
        if name == "Sanne":
            person.screenshot(path=OUT / "join-phone.png", animations="disabled")
        person.fill("#name", name)
        person.click("button[type=submit]")
        person.wait_for_selector('[data-bind="connection"][data-state="online"]')
        people.append(person)
    for index, text in enumerate(GOALS):
        add_note(people[index % 2], text)

    projector = facilitator.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{base}/w/{workshop_id}/present")
    projector.locator(".note-text", has_text=GOALS[-1]).wait_for()
    page.locator(".note-text", has_text=GOALS[-1]).wait_for()
    page.screenshot(path=OUT / "facilitate.png", full_page=True, animations="disabled")
    people[0].screenshot(path=OUT / "participant-phone.png", full_page=True, animations="disabled")
    people[1].screenshot(path=OUT / "board.png", animations="disabled")
    projector.bring_to_front()
    projector.wait_for_selector('[data-bind="board"]:not([data-fit])')  # scaled to fit
    projector.screenshot(path=OUT / "projector.png", animations="disabled")

    page.bring_to_front()
    page.click('[data-bind="step-list"] button[data-index="3"]')
    people[1].wait_for_selector('.lane-title:has-text("Transparantie")')
    for index, (lane, text) in enumerate(PLATFORM):
        add_note(people[1], text, lane)
    projector.bring_to_front()
    projector.locator(".note-text", has_text=PLATFORM[-1][1]).wait_for()
    projector.wait_for_selector('[data-bind="board"]:not([data-fit])')
    projector.screenshot(path=OUT / "projector-lanes.png", animations="disabled")
    people[1].screenshot(path=OUT / "board-lanes.png", animations="disabled")
    shoot_canvas(page, projector, people)
    shoot_update_page(browser, base, facilitator, workshop_id)
    shoot_follow_up(browser, base, facilitator, workshop_id)
    print(f"screenshots in {OUT}")


def facilitator_socket(base, facilitator, workshop_id):
    """A socket as the facilitator of the browser context `facilitator`; its first snapshot."""
    token = next(c["value"] for c in facilitator.cookies() if c["name"] == f"cc_{workshop_id}")
    snapshots = []
    sio = socketio.Client()
    sio.on("snapshot", snapshots.append)
    sio.connect(base, auth={"workshop": workshop_id, "token": token}, transports=["websocket"])
    return sio, snapshots[0]


def add_action(sio, title, **fields):
    """Add an action through the socket; returns its id."""
    action_id = str(uuid.uuid4())
    sio.call("action:add", {"id": action_id, "title": title, **fields})
    return action_id


def shoot_update_page(browser, base, facilitator, workshop_id):
    """Sanne's action and her update link, opened on a phone after the workshop."""
    sio, snapshot = facilitator_socket(base, facilitator, workshop_id)
    sanne = next(p["id"] for p in snapshot["participants"] if p["name"] == "Sanne")
    action_id = add_action(sio, "Maandelijks koffiegesprek met de directie", owner=sanne, due="2026-12-15")
    link = next(a["update_url"] for a in sio.call("sync", {})["snapshot"]["actions"] if a["id"] == action_id)
    sio.disconnect()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    page.goto(link)
    page.get_by_label("Bezig").check()
    page.fill("#update-text", "Eerste gesprek staat op 9 december")
    page.get_by_role("button", name="Update opslaan").click()
    page.wait_for_selector(".saved")
    page.screenshot(path=OUT / "update-phone.png", full_page=True, animations="disabled")


def shoot_follow_up(browser, base, facilitator, workshop_id):
    """ "Terugkomdag plannen" on the plan page, the review step the follow-up starts with (the
    facilitator deciding, a phone, the projector), and the series page."""
    sio, snapshot = facilitator_socket(base, facilitator, workshop_id)
    pieter = next(p["id"] for p in snapshot["participants"] if p["name"] == "Pieter")
    dashboard = add_action(sio, "Eén dashboard voor iedereen", owner=pieter, due="2027-01-15")
    sio.call(
        "action:edit",
        {"id": dashboard, "status": "doing", "text": "Eerste versie staat, cijfers van service ontbreken nog"},
    )
    add_action(sio, "Vaste inloopuren bij Financiën", owner="Karin van Financiën", due="2027-02-01")
    retro = add_action(sio, "Retro na elk project", owner=pieter)
    sio.call("action:edit", {"id": retro, "status": "done"})
    sio.disconnect()

    page = facilitator.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/w/{workshop_id}/plan")
    page.fill("#follow-up-date", "2027-03-12")
    page.locator("#follow-up-date").blur()
    box = page.locator(".follow-up").bounding_box()
    scrolled = page.evaluate("window.scrollY")  # the box is in the viewport, the clip in the page
    page.screenshot(
        path=OUT / "follow-up-form.png",
        animations="disabled",
        full_page=True,
        clip={
            "x": box["x"] - 24,
            "y": box["y"] + scrolled - 16,
            "width": box["width"] + 48,
            "height": box["height"] + 32,
        },
    )
    page.get_by_role("button", name="Terugkomdag aanmaken").click()
    page.wait_for_url("**/facilitate")
    follow_up = page.url.split("/w/")[1].split("/")[0]
    code = page.text_content('[data-bind="join-code"]').strip()
    items = page.locator(".review-item")
    items.first.wait_for()
    items.nth(0).get_by_role("button", name="Doorgaan").click()
    items.nth(1).get_by_role("button", name="Afronden").click()
    items.nth(1).locator('[aria-pressed="true"]').wait_for()
    items.nth(0).locator("summary").click()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    sanne = phone.new_page()
    sanne.goto(f"{base}/j/{code}")
    sanne.fill("#name", "Sanne")
    sanne.click("button[type=submit]")
    sanne.locator(".review-item").first.wait_for()
    sanne.locator(".review-item summary").first.click()
    projector = facilitator.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(f"{base}/w/{follow_up}/present")
    projector.locator(".review-item").first.wait_for()
    page.bring_to_front()
    page.screenshot(path=OUT / "review-facilitate.png", full_page=True, animations="disabled")
    sanne.bring_to_front()
    sanne.screenshot(path=OUT / "review-phone.png", full_page=True, animations="disabled")
    projector.bring_to_front()
    projector.screenshot(path=OUT / "review-projector.png", animations="disabled")
    page.bring_to_front()
    page.goto(f"{base}/w/{follow_up}/series")
    page.screenshot(path=OUT / "series.png", full_page=True, animations="disabled")
    sanne.bring_to_front()
    sanne.goto(f"{base}/w/{follow_up}/series")
    sanne.screenshot(path=OUT / "series-phone.png", full_page=True, animations="disabled")


def shoot_canvas(page, projector, people):
    """Step 4 as a canvas: the facilitator's board, a phone, and the projector mid-drag."""
    page.bring_to_front()
    page.select_option('[data-bind="layout-select"]', "canvas")
    for view in (page, projector, *people):
        view.wait_for_selector(".canvas-area .note")
    page.screenshot(path=OUT / "canvas-facilitate.png", animations="disabled")
    people[0].bring_to_front()
    people[0].screenshot(path=OUT / "canvas-phone.png", full_page=True, animations="disabled")
    pieter = people[1]
    pieter.bring_to_front()
    note = pieter.locator(".canvas-area .note", has_text=PLATFORM[2][1])
    box = note.bounding_box()
    pieter.mouse.move(box["x"] + 20, box["y"] + 20)
    pieter.mouse.down()
    pieter.mouse.move(box["x"] + 140, box["y"] + 160, steps=12)
    projector.bring_to_front()
    projector.locator(".drag-by").wait_for()
    projector.screenshot(path=OUT / "canvas-projector.png", animations="disabled")
    pieter.bring_to_front()
    pieter.mouse.up()


# The Eigenaarschap session: three cases, one per table, each answering the three questions.
CASES = {
    "Data": [
        ("define", "Eigenaar is wie de kwaliteit van de data bewaakt"),
        ("shared-goals", "Eén definitie van 'klant' in alle systemen"),
        ("missing", "Fouten blijven liggen tussen afdelingen"),
    ],
    "Leiderschap": [
        ("define", "Eigenaarschap voorleven, niet opleggen"),
        ("shared-goals", "Doelen samen formuleren in het teamoverleg"),
        ("missing", "Beslissingen schuiven steeds weer naar boven"),
    ],
    "Teamontwikkeling": [
        ("define", "Samen verantwoordelijk voor het resultaat van het team"),
        ("shared-goals", "Elk kwartaal een gezamenlijke retro"),
        ("missing", "Iedereen wacht op iedereen"),
    ],
}
TABLE_PEOPLE = ("Sanne", "Pieter", "Anouk", "Bram", "Chris", "Dewi", "Eva", "Femke", "Gijs")


def shoot_tables(browser, server):
    """Tables: the facilitator's panel, a phone at a table, the projector's columns and a
    table's report-back."""
    created = server.create_workshop("Kennissessie eigenaarschap", format="eigenaarschap")
    workshop_id, token = created["id"], created["facilitator_token"]
    tokens = {name: server.join(workshop_id, name)["token"] for name in TABLE_PEOPLE}

    def browser_page(who_token, width, height, path=""):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies([{"name": f"cc_{workshop_id}", "value": who_token, "url": server.url}])
        page = context.new_page()
        page.goto(f"{server.url}/w/{workshop_id}{path}")
        page.wait_for_selector('[data-bind="connection"][data-state="online"]', state="attached")
        return page

    facilitator = browser_page(token, 1440, 900, "/facilitate")
    facilitator.locator(".tables-settings summary").click()
    facilitator.click('[data-bind="tables-make"]')  # three tables named after the cases
    facilitator.locator(".table-card").nth(2).wait_for()
    facilitator.click('[data-bind="step-next"]')
    facilitator.wait_for_selector('[data-bind="tables-step"][aria-pressed="true"]')

    sockets = {}
    for name in TABLE_PEOPLE:
        sockets[name] = socketio.Client()
        sockets[name].connect(
            server.url, auth={"workshop": workshop_id, "token": tokens[name]}, transports=["websocket"]
        )
    room = sockets["Sanne"].call("sync", {})["snapshot"]
    seats = {person["name"]: person["table"] for person in room["participants"]}
    names = {table["id"]: table["name"] for table in room["workshop"]["tables"]}
    phone = browser_page(tokens["Sanne"], 390, 844)
    for table, case in names.items():
        # Everyone at the table answers one of the case's questions (three people a table).
        at_table = [name for name in TABLE_PEOPLE if seats[name] == table]
        for name, (lane, text) in zip(at_table, CASES[case]):
            sockets[name].call("note:add", {"id": str(uuid.uuid4()), "step": 1, "text": text, "lane": lane})
    for name in TABLE_PEOPLE[2:6]:
        sockets[name].call("participant:ready", {"ready": True})
    # One table has no laptop: the facilitator writes its note on its behalf.
    facilitator.get_by_label("Schrijf namens").select_option(label="Teamontwikkeling")
    facilitator.fill("#composer-text", "Vertrouwen geven voordat je het terugvraagt")
    facilitator.press("#composer-text", "Enter")
    facilitator.locator(".note:not(.pending)", has_text="Vertrouwen geven").wait_for()
    facilitator.get_by_label("Schrijf namens").select_option(index=0)

    projector = browser_page(token, 1920, 1080, "/present")
    projector.locator(".table-group .note").nth(8).wait_for()
    projector.wait_for_selector('[data-bind="board"]:not([data-fit])')
    projector.screenshot(path=OUT / "tables-projector.png", animations="disabled")
    phone.locator(".table-mine .note").first.wait_for()
    phone.screenshot(path=OUT / "tables-phone.png", full_page=True, animations="disabled")
    facilitator.locator(".table-card [data-present]").first.click()
    projector.wait_for_selector('[data-bind="presenting"]:not([hidden])')
    projector.wait_for_selector('[data-bind="board"]:not([data-fit])')
    projector.screenshot(path=OUT / "tables-report-back.png", animations="disabled")
    facilitator.evaluate("window.scrollTo(0, 0)")
    facilitator.screenshot(path=OUT / "tables-facilitate.png", animations="disabled")
    for sio in sockets.values():
        sio.disconnect()


if __name__ == "__main__":
    main()
