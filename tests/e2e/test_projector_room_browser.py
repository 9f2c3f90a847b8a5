"""The room's screens as a first-time facilitator runs a whole workshop: a pitch round the
back row reads, one "Hierna:" at a time, the join panel quiet while the room looks at the
stage, a "Tijd is om" that leaves once the notes are revealed, a ranking whose shared places
stay clear of the notes, no "0 stemmen" on phones, and a server only this computer reaches
saying so without breaking the panels it sits in."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, with_token
from cocreate import protocol as p
from layout_rules import check as layout_broken
from support import BRAND, FRICTION, PLATFORM, Workshop, add_note, new_id, ok

pytestmark = pytest.mark.e2e

PROJECTOR = (1920, 1080)
DESK = (1440, 900)
PHONE = (390, 844)
ZONE = "Europe/Amsterdam"


def open_as(contexts, room, who, size, path=""):
    """`who`'s page (`path`: "", "/facilitate" or "/present") at a screen `size`, connected."""
    context = with_token(contexts(*size, bypass_csp=True), room.server, room.id, room.token(who))
    return open_page(context, room.url(path))


def px(locator, prop="fontSize"):
    """A computed length of the (first) element, in px."""
    return locator.first.evaluate(f"e => parseFloat(getComputedStyle(e).{prop})")


def box(locator):
    return locator.bounding_box()


def voted_and_closed(room, step, texts, votes):
    """Notes with `texts` in `step` (the room's current one), `votes[i]` dots on each, and the
    vote closed; returns the notes' ids."""
    writer = room.connect("Anouk")
    ids = [add_note(writer, step, text)[0] for text in texts]
    ok(room.facilitator.call("voting:open", {"step": step, "budget": sum(votes), "per_note": max(votes)}))
    for note_id, dots in zip(ids, votes):
        for _ in range(dots):
            ok(room.facilitator.call("vote:cast", {"note_id": note_id, "id": new_id()}))
    ok(room.facilitator.call("voting:close", {}))
    return ids


def test_a_pitch_round_fills_the_projector_with_one_next_line_and_no_vote_result_beside_it(
    server, clients, contexts, artifacts
):
    room = Workshop(server, clients, "Anouk", "Bram", "Cas", connect_facilitator=True)
    fac = room.facilitator
    ok(fac.call("tables:set", {"count": 2, "mode": "random", "names": ["Data", "Beleid"]}))
    for name, table in (("Anouk", "t1"), ("Bram", "t1"), ("Cas", "t2")):
        ok(fac.call("table:assign", {"participant": room.pid(name), "table": table}))
    ok(fac.call("step:edit", {"index": BRAND, "tables": True}))
    ok(fac.call("step:go", {"index": BRAND}))
    add_note(room.connect("Anouk"), BRAND, "Ik verbind mensen en maak data begrijpelijk")
    add_note(room.connect("Bram"), BRAND, "Ik zie snel waar processen vastlopen")
    add_note(room.connect("Cas"), BRAND, "Ik ken de regels")
    ok(fac.call("step:go", {"index": PLATFORM}))
    # The day goes on with coffee after this step: the agenda's "Hierna:".
    now = datetime.now(ZoneInfo(ZONE)).replace(second=0, microsecond=0)
    ok(
        fac.call(
            p.SET_AGENDA,
            {
                "zone": ZONE,
                "days": [
                    {
                        "start": now.strftime("%Y-%m-%dT%H:%M"),
                        "items": [{"step": PLATFORM, "minutes": 30}, {"break": "Koffie", "minutes": 15}],
                    }
                ],
            },
        )
    )
    voted_and_closed(room, PLATFORM, ["Wijkgesprekken elke maand"], [1])
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    result = bound(projector, "projector-voting")
    expect(result).to_have_text("Uitslag van de stemming")
    expect(bound(projector, "whats-next")).to_contain_text("Hierna: Koffie")

    ok(fac.call("pitch:start", {"step": BRAND, "of": "tables", "order": "joined", "minutes": 2}))
    stage = projector.locator(".stage")
    expect(stage.locator(".stage-title")).to_have_text("Data")
    notes = stage.locator(".stage-note")
    expect(notes).to_have_count(2)
    # One "Hierna:" on the screen: who pitches next; the agenda's line waits for the round's end.
    expect(stage.locator(".stage-next")).to_have_text("Hierna: Beleid")
    expect(projector.get_by_text("Hierna:").locator("visible=true")).to_have_count(1)
    expect(result).to_be_hidden()
    # Read from the back of the room: text as large as the spotlight's, names at 32 px or more
    # (once the stage's styles are in and it is fitted), and all of it on the screen.
    projector.wait_for_function("""() => {
        const size = (selector) => [...document.querySelectorAll(`.stage-note ${selector}`)]
          .map((e) => parseFloat(getComputedStyle(e).fontSize));
        return Math.min(...size(".note-text")) >= 48 && Math.min(...size(".note-meta")) >= 32;
      }""")
    projector.screenshot(path=artifacts / "projector-pitch-two-notes.png")
    assert box(stage.locator(".stage-next"))["y"] + box(stage.locator(".stage-next"))["height"] <= PROJECTOR[1]
    assert layout_broken(projector) == []
    assert axe_violations(projector) == []

    ok(fac.call("pitch:next", {}))
    expect(stage.locator(".stage-title")).to_have_text("Beleid")
    expect(stage.locator(".stage-next")).to_have_count(0)
    expect(bound(projector, "whats-next")).to_be_hidden()  # the round is not over yet
    ok(fac.call("pitch:stop", {}))
    expect(stage).to_be_hidden()
    expect(bound(projector, "whats-next")).to_contain_text("Hierna: Koffie")
    expect(result).to_have_text("Uitslag van de stemming")
    assert projector.context.page_errors == []


def test_the_vote_result_banner_gives_way_to_the_spotlight_and_the_pause(server, clients, contexts):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True)
    ok(room.facilitator.call("step:go", {"index": PLATFORM}))
    ids = voted_and_closed(room, PLATFORM, ["Wijkgesprekken elke maand"], [1])
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    result = bound(projector, "projector-voting")
    expect(result).to_be_visible()
    ok(room.facilitator.call("spotlight:set", {"kind": "note", "id": ids[0]}))
    expect(projector.locator(".stage")).to_be_visible()
    expect(result).to_be_hidden()
    ok(room.facilitator.call("spotlight:set", {"kind": None}))
    expect(result).to_be_visible()
    ok(room.facilitator.call("room:pause", {"on": True}))
    expect(result).to_be_hidden()
    ok(room.facilitator.call("room:pause", {"on": False}))
    expect(result).to_be_visible()
    assert projector.context.page_errors == []


def test_time_up_leaves_the_projector_once_the_notes_are_revealed(server, clients, contexts, artifacts):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True)
    ok(room.facilitator.call("step:go", {"index": FRICTION}))
    add_note(room.connect("Anouk"), FRICTION, "We vergaderen te veel")
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    clock = projector.locator(".timer-large")
    ok(room.facilitator.call("timer:start", {"seconds": 5, "lock_at_end": True}))
    expect(clock).to_have_text("Tijd is om", use_inner_text=True, timeout=15_000)
    ok(room.facilitator.call("notes:reveal", {"step": FRICTION}))
    expect(projector.locator(".board .note")).to_have_count(1)
    expect(clock).to_be_hidden()
    projector.screenshot(path=artifacts / "projector-revealed-after-time-up.png")
    # A projector opened after the reveal shows no "Tijd is om" either.
    again = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    expect(again.locator(".board .note")).to_have_count(1)
    expect(again.locator(".timer-large")).to_be_hidden()
    # A countdown started after the reveal (for the talk about the notes) says when it is over.
    ok(room.facilitator.call("timer:start", {"seconds": 5}))
    for page in (projector, again):
        expect(page.locator(".timer-large")).to_have_text("Tijd is om", use_inner_text=True, timeout=15_000)
    assert projector.context.page_errors == [] and again.context.page_errors == []


def test_a_shared_place_stays_clear_of_the_note_and_phones_show_no_empty_tally(server, clients, contexts, artifacts):
    room = Workshop(server, clients, "Anouk", connect_facilitator=True)
    ok(room.facilitator.call("step:go", {"index": PLATFORM}))
    texts = [
        "Wijkgesprekken elke maand",
        "WhatsApp-lijn voor snelle vragen",
        "Voorleesfunctie op de website",
        "Openbare dashboards met wachttijden",
        "Gebarentaaltolk bij inwonersavonden",
        "Jaarlijkse evaluatie met inwonerspanel",
        "Arbeidsmarktcommunicatie",
    ]
    voted_and_closed(room, PLATFORM, texts, [4, 4, 3, 2, 1, 1, 0])
    projector = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    ranked = projector.locator(".ranked")
    expect(ranked).to_have_count(6)
    projector.screenshot(path=artifacts / "projector-ranking-shared-places.png")
    for row in ranked.all():
        text = box(row.locator(".ranked-text"))
        place = box(row.locator(".ranked-place"))
        assert place["x"] + place["width"] <= text["x"], row.inner_text()
    # Every row's text starts at the same place.
    assert len({round(box(row.locator(".ranked-text"))["x"]) for row in ranked.all()}) == 1

    phone = open_as(contexts, room, "Anouk", PHONE)
    notes = phone.locator(".board .note")
    expect(notes).to_have_count(7)
    expect(phone.locator(".note", has_text="Wijkgesprekken").locator(".note-votes")).to_have_text("#1 4 stemmen")
    expect(phone.locator(".note", has_text="Arbeidsmarktcommunicatie").locator(".note-votes")).to_have_count(0)
    expect(phone.locator(".note-votes")).to_have_count(6)
    expect(phone.get_by_text("0 stemmen")).to_have_count(0)
    assert phone.context.page_errors == [] and projector.context.page_errors == []


def test_a_server_only_this_computer_reaches_keeps_the_code_whole_and_says_where_the_remote_went(
    start_server, clients, contexts, artifacts
):
    live = start_server(HOST="127.0.0.1", COCREATE_PUBLIC_URL="")
    room = Workshop(live, clients, "Anouk", connect_facilitator=True)
    desk = open_as(contexts, room, "facilitator", DESK, "/facilitate")
    warning = desk.locator(".share .unreachable")
    expect(warning).to_be_visible()
    code = bound(desk, "join-code")
    panel = box(desk.locator(".share"))
    whole = box(code)
    assert whole["x"] + whole["width"] <= panel["x"] + panel["width"]
    assert code.evaluate("e => e.scrollWidth <= e.clientWidth")
    link = bound(desk, "join-link")
    assert box(link)["height"] <= 3 * px(link, "lineHeight")  # not one character a line
    # The remote is still in its place, and says why a phone cannot open it now.
    desk.get_by_text("Afstandsbediening op je telefoon").click()
    expect(bound(desk, "remote-unreachable")).to_contain_text("Je telefoon kan de afstandsbediening nu niet openen")
    expect(bound(desk, "remote-make")).to_have_count(0)
    desk.screenshot(path=artifacts / "facilitator-only-this-computer.png")
    assert axe_violations(desk) == []

    # On the projector the warning's long words stay inside its box, on a canvas too.
    ok(room.facilitator.call("step:edit", {"index": 0, "layout": "canvas"}))
    add_note(room.connect("Anouk"), 0, "Meer inwoners bereiken")
    wall = open_as(contexts, room, "facilitator", PROJECTOR, "/present")
    expect(wall.locator(".board .note")).to_have_count(1)
    stays_inside = "e => e.scrollWidth <= e.clientWidth"
    assert wall.locator(".unreachable").evaluate(stays_inside)
    assert desk.locator(".unreachable").evaluate(stays_inside)
    assert layout_broken(wall) == []
    wall.screenshot(path=artifacts / "projector-only-this-computer.png")

    desk.goto(room.url("/facilitate?lang=en"))
    desk.get_by_text("Remote on your phone").click()
    expect(bound(desk, "remote-unreachable")).to_contain_text("Your phone cannot open the remote now")
    assert desk.context.page_errors == [] and wall.context.page_errors == []
