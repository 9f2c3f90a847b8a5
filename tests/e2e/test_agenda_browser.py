"""The run sheet in a real browser: a facilitator running late sees how late the day ends and
what to shorten or move, takes the suggestion over; participants and the projector see what
comes next; the agenda is edited with the keyboard alone; a started step offers its planned
minutes for the timer."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from browser_helpers import axe_violations, bound, open_page, signed_in
from cocreate import protocol as p
from support import BRAND, FRICTION, GOALS, Workshop, ok

pytestmark = pytest.mark.e2e

ZONE = "Europe/Amsterdam"
FACILITATOR_SIZE = (1440, 900)
PHONE = (390, 844)
PROJECTOR = (1920, 1080)


def wall(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def agenda_from(start):
    """Today's agenda from `start`: goals, coffee, then two steps of an hour."""
    return {"zone": ZONE, "days": [{"start": wall(start), "items": [
        {"step": GOALS, "minutes": 30}, {"break": "Koffie", "minutes": 15},
        {"step": BRAND, "minutes": 60}, {"step": FRICTION, "minutes": 60}]}]}


def started_late(room, minutes):
    """Start the first step, then plan the day to have started `minutes` before that (to the
    nearest minute: the plan has no seconds); returns the planned start."""
    ok(room.facilitator.call(p.STEP_GO, {"index": GOALS}))
    started = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["steps"][GOALS]["started_at"]
    at = datetime.fromisoformat(started).astimezone(ZoneInfo(ZONE))
    start = (at + timedelta(seconds=30)).replace(second=0, microsecond=0) - timedelta(
        minutes=minutes)
    ok(room.facilitator.call(p.AGENDA_SET_COMMAND, agenda_from(start)))
    return start


def test_a_facilitator_running_late_sees_the_suggestion_and_the_room_sees_what_is_next(
        server, clients, contexts, artifacts):
    room = Workshop(server, clients, "Sanne", connect_facilitator=True)
    start = started_late(room, 40)

    page = open_page(signed_in(contexts, room, width=FACILITATOR_SIZE[0],
                               height=FACILITATOR_SIZE[1]), room.url("/facilitate"))
    sheet = bound(page, "run-sheet")
    warning = sheet.locator(".agenda-warning")
    expect(warning).to_contain_text("De dag loopt 40 min uit.")
    expect(warning).to_contain_text("Maak ‘Persoonlijk merk’ 20 min korter (40 min).")
    expect(warning).to_contain_text("Maak ‘Knuppel in het hoenderhok’ 20 min korter (40 min).")
    coffee, moved = (wall(start + timedelta(minutes=m))[11:] for m in (30, 70))
    expect(warning).to_contain_text(f"Schuif ‘Koffie’ van {coffee} naar {moved}.")
    expect(sheet.locator(".agenda-running")).to_contain_text("Doelen stellen")
    expect(sheet.locator(".agenda-status")).to_contain_text("40 min achter")
    page.screenshot(path=str(artifacts / "agenda-facilitator-late.png"))
    sheet.screenshot(path=str(artifacts / "agenda-run-sheet-late.png"))

    # Participants and the projector see what comes next, and when.
    phone = open_page(signed_in(contexts, room, "Sanne", *PHONE), room.url())
    expect(bound(phone, "whats-next")).to_have_text(f"Hierna: Koffie om {moved}")
    phone.screenshot(path=str(artifacts / "agenda-phone-next.png"))
    projector = open_page(signed_in(contexts, room, width=PROJECTOR[0], height=PROJECTOR[1]),
                          room.url("/present"))
    expect(bound(projector, "whats-next")).to_have_text(f"Hierna: Koffie om {moved}")
    projector.screenshot(path=str(artifacts / "agenda-projector-next.png"))

    # Taking the suggestion over shortens the later steps and gives their time to the
    # step that runs late: the day ends as planned again.
    warning.get_by_role("button", name="Voorstel overnemen").click()

    expect(sheet.locator(".agenda-warning")).to_have_count(0)
    expect(sheet.locator(".agenda-status")).to_contain_text("op schema")
    synced = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["workshop"]["agenda"]
    assert [item["minutes"] for item in synced["days"][0]["items"]] == [30, 15, 40, 40]
    assert synced["days"][0]["end"] == wall(start + timedelta(minutes=165))
    for context in (page.context, phone.context, projector.context):
        assert context.page_errors == []
