"""`make rehearsal`: one whole workshop played as the room plays it, in Dutch and in English.

A facilitator (1440 × 900), the projector (1920 × 1080) and three phones (390 × 844) go
through the steps: joining, a canvas whose clusters are made by dragging notes onto a note,
tables and a report-back, private writing and the reveal, a timer that closes writing,
lanes, dot voting and its result, actions with owners, the plan, and a follow-up session
that a participant joins again. At every moment every screen is written to

    rehearsal/<language>/<view>/<nn>-<moment>.png

with one contact sheet per view, rehearsal/<language>/<view>.png (all its moments in one
image), and rehearsal/<language>/layout.txt: the layout rules (tests/e2e/layout_rules.py)
each screen broke at each moment. Look at the sheets before calling a screen done.

Starts its own server on a free port with a temporary database; `--languages nl` plays one.
"""

import argparse
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import requests
import socketio
from PIL import Image, ImageDraw, ImageFont
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests", ROOT / "tests" / "e2e"):  # this checkout's code, always
    sys.path.insert(0, str(folder))
from browser_helpers import cluster_holds, drag_onto  # noqa: E402  (as the tests drag)
from layout_rules import check  # noqa: E402  (the layout rules the tests check)
from support import LiveServer  # noqa: E402  (the test suite's live-server helper)

OUT = ROOT / "rehearsal"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
FACILITATOR, PROJECTOR, PHONE = (1440, 900), (1920, 1080), (390, 844)

# What the room writes, in each language: names, notes per step, actions.
SCRIPT = {
    "nl": {
        "title": "Teamdag Zorg en Welzijn",
        "goal": "Betere zorg met minder regeldruk",
        "people": ["Sanne", "Pieter", "Anouk"],
        "locale": "nl-NL",
        "goals": [
            "Meer tijd voor de cliënt, minder voor formulieren",
            "Het telefoonnummer van de praktijkondersteuner staat overal",
            "Mantelzorgers voelen zich gehoord",
            "Samen leren van elke klacht",
            "Kortere lijnen tussen wijkteam en huisarts",
            "Plezier in het werk houden",
        ],
        "cluster": "Bereikbaarheid",
        "brand": [
            "Ik luister goed naar mantelzorgers",
            "Ik breng structuur in overleggen",
            "Mijn kracht: rust in drukke diensten",
        ],
        "friction": [
            "Vergaderingen zonder besluit",
            "Niemand durft nee te zeggen tegen de planning",
            "Informatie blijft hangen bij de teamleiders",
        ],
        "platform": [
            ("transparency", "Open agenda's en besluitenlijst"),
            ("accessibility", "Vaste inloopuren bij de praktijkondersteuner"),
            ("dialogue", "Maandelijks koffiegesprek met de directie"),
            ("reflection", "Retro na elk project"),
            ("transparency", "Eén dashboard voor iedereen"),
        ],
        "action": "Maandelijks koffiegesprek met de directie plannen",
        "follow_up": "Terugkomdag Zorg en Welzijn",
    },
    "en": {
        "title": "Care and Wellbeing team day",
        "goal": "Better care with less red tape",
        "people": ["Sam", "Peter", "Ann"],
        "locale": "en-GB",
        "goals": [
            "More time for clients, less for paperwork",
            "Everyone knows the practice nurse's telephone number",
            "Carers feel heard",
            "Learn together from every complaint",
            "Shorter lines between the community team and the GP",
            "Keep enjoying the work",
        ],
        "cluster": "Reachability",
        "brand": ["I listen well to carers", "I bring structure to meetings", "My strength: calm in busy shifts"],
        "friction": [
            "Meetings without decisions",
            "Nobody dares to say no to the rota",
            "Information gets stuck with the team leaders",
        ],
        "platform": [
            ("transparency", "Open agendas and a list of decisions"),
            ("accessibility", "Fixed drop-in hours with the practice nurse"),
            ("dialogue", "A monthly coffee with the board"),
            ("reflection", "A retrospective after every project"),
            ("transparency", "One dashboard for everyone"),
        ],
        "action": "Plan a monthly coffee with the board",
        "follow_up": "Care and Wellbeing follow-up day",
    },
}


class Rehearsal:
    """One language's run: the server, the people's browsers, the moments shot so far."""

    def __init__(self, browser, server, language):
        self.browser, self.server, self.language = browser, server, language
        self.words = SCRIPT[language]
        self.out = OUT / language
        self.moments = []  # (number, name)
        self.broken = []  # lines for layout.txt

    # -- the people ------------------------------------------------------------------------

    def context(self, size, token=None, workshop=None, **options):
        """A browser of its own (`size`), with `token`'s identity for `workshop`."""
        context = self.browser.new_context(
            viewport={"width": size[0], "height": size[1]}, locale=self.words["locale"], **options
        )
        context.set_default_timeout(15_000)
        if token:
            context.add_cookies([{"name": f"cc_{workshop}", "value": token, "url": self.server.url}])
        return context

    def start(self):
        """The workshop, its facilitator's laptop and socket, the projector, three phones."""
        created = requests.post(
            f"{self.server.url}/api/workshops",
            json={"title": self.words["title"], "goal": self.words["goal"], "language": self.language},
            timeout=10,
        ).json()
        self.created, self.id = created, created["id"]
        self.token = created["facilitator_token"]
        self.facilitator = self.context(FACILITATOR, self.token, self.id).new_page()
        self.facilitator.goto(created["urls"]["facilitate"])
        self.projector = self.context(PROJECTOR, self.token, self.id).new_page()
        self.projector.goto(created["urls"]["present"])
        # The facilitator's phone, as the remote (/w/<id>/remote).
        self.remote = self.context(PHONE, self.token, self.id, is_mobile=True, has_touch=True).new_page()
        self.remote.goto(f"{self.server.url}/w/{self.id}/remote")
        self.phones = [self.context(PHONE, is_mobile=True, has_touch=True).new_page() for _name in self.words["people"]]
        for phone in self.phones:
            phone.goto(created["urls"]["join"])
        self.sio = socketio.Client()
        self.sio.connect(self.server.url, auth={"workshop": self.id, "token": self.token}, transports=["websocket"])

    def views(self):
        """Every screen in the room, by the name its pictures go under."""
        return {
            "facilitator": self.facilitator,
            "projector": self.projector,
            "remote": self.remote,
            **{f"phone-{name.lower()}": page for name, page in zip(self.words["people"], self.phones)},
        }

    def command(self, name, payload):
        """A facilitator's command over the socket (as the facilitator's remote would send it)."""
        ack = self.sio.call(name, payload, timeout=10)
        if not ack.get("ok"):
            raise RuntimeError(f"{name} {payload}: {ack}")
        return ack

    def write(self, phone, text, lane=None):
        """A phone types a note and sees it confirmed."""
        if lane:
            phone.select_option('[data-bind="lane-select"]', lane)
        phone.fill("#composer-text", text)
        phone.locator('[data-bind="composer"] button[type=submit]').click()
        phone.locator(".note:not(.pending) .note-text").filter(has_text=text[:20]).first.wait_for()

    # -- the moments -----------------------------------------------------------------------

    def moment(self, name):
        """Every screen as it is now: a picture each, and the layout rules it breaks."""
        number = len(self.moments) + 1
        self.moments.append((number, name))
        for view, page in self.views().items():
            folder = self.out / view
            folder.mkdir(parents=True, exist_ok=True)
            if page.locator('[data-bind="board"]').count():  # a board, not the plan or joining
                broken = check(page, allow=())
                self.broken += [f"{number:02d} {name} {view}: {line}" for line in broken]
            page.screenshot(path=folder / f"{number:02d}-{name}.png", animations="disabled")
        print(f"  {self.language} {number:02d} {name}")

    def play(self):
        """The workshop, from joining to the follow-up."""
        self.start()
        words, facilitator, projector = self.words, self.facilitator, self.projector
        self.moment("join")
        for name, phone in zip(words["people"], self.phones):
            phone.fill("#name", name)
            phone.click("button[type=submit]")
            phone.wait_for_selector('[data-bind="connection"][data-state="online"]')
        self.moment("joined")

        # Step 1 on a canvas; the facilitator clusters by dragging notes onto a note.
        facilitator.select_option('[data-bind="layout-select"]', "canvas")
        for phone in self.phones:
            phone.wait_for_selector(".canvas-area")
        for index, text in enumerate(words["goals"]):
            self.write(self.phones[index % 3], text)
        projector.locator(".canvas-area .note").nth(len(words["goals"]) - 1).wait_for()
        self.moment("canvas")
        notes = facilitator.locator(".canvas-area .note")
        target = notes.nth(1)
        for count, source in enumerate((5, 3, 4), start=2):
            drag_onto(facilitator, notes.nth(source), target)
            cluster_holds(facilitator, count)
        cluster_holds(projector, 4)
        self.moment("canvas-cluster")
        facilitator.locator("[data-action=rename]").click()
        facilitator.locator(".cluster-name-field").fill(words["cluster"])
        facilitator.locator(".cluster-name-field").press("Enter")
        projector.locator(".cluster-name", has_text=words["cluster"]).wait_for()
        phone = self.phones[0]
        phone.locator(".canvas-area .note").first.locator(".note-text").click()
        self.moment("canvas-named")

        # Step 2 at tables, and a table's report-back.
        self.command("tables:set", {"count": 2, "mode": "random"})
        self.command("step:go", {"index": 1})
        self.command("step:edit", {"index": 1, "tables": True})
        for phone, text in zip(self.phones, words["brand"]):
            self.write(phone, text)
        self.moment("tables")
        table = self.sio.call("sync", {}, timeout=10)["snapshot"]["workshop"]["tables"][0]["id"]
        self.command("projector:focus", {"table": table})
        projector.wait_for_selector('[data-bind="presenting"]:not([hidden])')
        self.moment("report-back")
        self.command("projector:focus", {"table": None})

        # From the remote: a pitch round over step 2's notes, then eyes to the front.
        remote = self.remote
        remote.select_option("#remote-pitch-step", index=1)
        remote.select_option("#remote-pitch-order", "joined")
        remote.locator('[data-bind="remote-pitch-form"] button[type=submit]').click()
        projector.locator(".stage-title", has_text=words["people"][0]).wait_for()
        self.moment("pitch")
        remote.click('[data-steer="pitch-next"]')
        projector.locator(".stage-title", has_text=words["people"][1]).wait_for()
        self.moment("pitch-next")
        remote.click('[data-steer="pitch-stop"]')
        remote.click('[data-steer="pause"]')
        self.phones[0].locator(".pause-screen").wait_for()
        self.moment("pause")
        remote.click('[data-steer="pause"]')
        self.phones[0].locator(".pause-screen").wait_for(state="hidden")

        # Step 3: private writing, the reveal, and a timer that closes writing.
        self.command("step:go", {"index": 2})
        for phone, text in zip(self.phones, words["friction"]):
            self.write(phone, text)
        self.moment("private")
        facilitator.click('[data-bind="reveal"]')
        projector.locator(".note-text", has_text=words["friction"][-1][:15]).wait_for()
        self.moment("revealed")
        self.command("timer:start", {"seconds": 5, "lock_at_end": True})
        self.moment("timer")
        self.phones[0].wait_for_selector('[data-bind="timer"][data-state="done"]', timeout=20_000)
        self.moment("timer-done")
        self.command("timer:stop", {})
        self.command("workshop:lock", {"locked": False})

        # Step 4 in lanes: dot voting, the result, actions with owners.
        self.command("step:go", {"index": 3})
        for index, (lane, text) in enumerate(words["platform"]):
            self.write(self.phones[index % 3], text, lane)
        self.moment("lanes")
        self.command("voting:open", {"step": 3, "budget": 3})
        for offset, phone in enumerate(self.phones):
            buttons = phone.locator(".note .vote-button:not([disabled])", has_text="+")
            buttons.first.wait_for()
            for pick in range(3):  # over the first four notes: one place for three, shared
                buttons.nth((offset + pick) % 4).click()
        self.moment("voting")
        self.command("voting:close", {})
        self.moment("voting-result")
        snapshot = self.sio.call("sync", {}, timeout=10)["snapshot"]
        owner = next(person["id"] for person in snapshot["participants"] if person["name"] == words["people"][0])
        # The action comes from the platform's dialogue note: its votes go with it, into the follow-up.
        source = [note["id"] for note in snapshot["notes"] if note["step"] == 3 and note["lane"] == "dialogue"]
        self.command(
            "action:add",
            {
                "id": str(uuid.uuid4()),
                "title": words["action"],
                "owner": owner,
                "due": "2027-01-15",
                "note_ids": source,
            },
        )
        self.moment("actions")

        # The plan, then a follow-up that a participant joins again.
        for page in (facilitator, *self.phones):
            page.goto(f"{self.server.url}/w/{self.id}/plan")
        self.moment("plan")
        follow_up = requests.post(
            f"{self.server.url}/api/workshops",
            json={"title": words["follow_up"], "language": self.language, "follow_up_of": self.id},
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=10,
        ).json()
        for page in (facilitator, projector):
            page.context.add_cookies(
                [{"name": f"cc_{follow_up['id']}", "value": follow_up["facilitator_token"], "url": self.server.url}]
            )
        facilitator.goto(follow_up["urls"]["facilitate"])
        projector.goto(follow_up["urls"]["present"])
        self.phones[0].goto(follow_up["urls"]["join"])
        self.phones[0].fill("#name", words["people"][0])
        self.phones[0].click("button[type=submit]")
        self.phones[0].wait_for_selector('[data-bind="connection"][data-state="online"]')
        self.moment("follow-up")
        self.sio.disconnect()

    # -- the sheets ------------------------------------------------------------------------

    def sheets(self):
        """One contact sheet per view, and layout.txt."""
        for view in self.views():
            contact_sheet(self.out / view, self.moments, self.out / f"{view}.png")
        (self.out / "layout.txt").write_text(
            "\n".join(self.broken) + "\n" if self.broken else "No layout rule broken.\n", "utf-8"
        )


def contact_sheet(folder, moments, path):
    """All pictures of one view in one image, in order, each under its moment's name."""
    pictures = [(f"{number:02d} {name}", Image.open(folder / f"{number:02d}-{name}.png")) for number, name in moments]
    width, height = pictures[0][1].size
    thumb = 480 if width > 800 else 260
    scaled = (thumb, round(height * thumb / width))
    columns = 4 if width > 800 else 6
    rows = -(-len(pictures) // columns)
    caption = 28
    sheet = Image.new("RGB", (columns * (scaled[0] + 16) + 16, rows * (scaled[1] + caption + 16) + 16), "#e9e6de")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=18)
    for index, (label, picture) in enumerate(pictures):
        x = 16 + (index % columns) * (scaled[0] + 16)
        y = 16 + (index // columns) * (scaled[1] + caption + 16)
        draw.text((x, y), label, fill="#1f2933", font=font)
        sheet.paste(picture.convert("RGB").resize(scaled, Image.LANCZOS), (x, y + caption))
    sheet.save(path)


def main():
    """Play the workshop in each language asked for; the pictures go to rehearsal/."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", default=["nl", "en"], choices=sorted(SCRIPT))
    languages = parser.parse_args().languages
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp)).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                for language in languages:
                    shutil.rmtree(OUT / language, ignore_errors=True)
                    rehearsal = Rehearsal(browser, server, language)
                    rehearsal.play()
                    rehearsal.sheets()
                browser.close()
        finally:
            server.stop()
    print(f"pictures, contact sheets and layout.txt in {OUT}")


if __name__ == "__main__":
    main()
