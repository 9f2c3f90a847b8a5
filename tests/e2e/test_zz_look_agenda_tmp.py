from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path
import pytest
from playwright.sync_api import expect
from browser_helpers import bound, open_page, signed_in, with_token
from cocreate import protocol as p
from support import BRAND, FRICTION, GOALS, Workshop, ok

pytestmark = pytest.mark.e2e
OUT = Path("/tmp/s11a/look")
ZONE = "Europe/Amsterdam"

def wall(m):
    return m.strftime("%Y-%m-%dT%H:%M")

def test_look(server, clients, contexts):
    room = Workshop(server, clients, "Sanne", connect_facilitator=True)
    ok(room.facilitator.call(p.STEP_GO, {"index": GOALS}))
    started = ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["steps"][GOALS]["started_at"]
    at = datetime.fromisoformat(started).astimezone(ZoneInfo(ZONE))
    start = (at + timedelta(seconds=30)).replace(second=0, microsecond=0) - timedelta(minutes=50)
    ok(room.facilitator.call(p.AGENDA_SET_COMMAND, {"zone": ZONE, "days": [{"start": wall(start), "items": [
        {"step": GOALS, "minutes": 30}, {"step": BRAND, "minutes": 60}, {"break": "Thee", "minutes": 15},
        {"step": FRICTION, "minutes": 60}, {"break": "Lunch", "minutes": 45}]}]}))
    (OUT / "before.md").write_text(room.download("draaiboek.md").text)
    (OUT / "before.pdf").write_bytes(room.download("draaiboek.pdf").content)
    page = open_page(signed_in(contexts, room, width=1440, height=900), room.url("/facilitate"))
    sheet = bound(page, "run-sheet")
    expect(sheet.locator(".agenda-warning")).to_be_visible()
    sheet.scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / "fac-late.png"))
    sheet.screenshot(path=str(OUT / "sheet-late.png"))
    remote = open_page(with_token(contexts(390, 844), server, room.id, room.token()), room.url("/remote"))
    expect(bound(remote, "remote-agenda-warning")).to_be_visible()
    bound(remote, "remote-agenda").scroll_into_view_if_needed()
    remote.screenshot(path=str(OUT / "remote-late.png"), full_page=True)
    sheet.get_by_role("button", name="Voorstel overnemen").click()
    expect(sheet.locator(".agenda-warning")).to_have_count(0)
    sheet.screenshot(path=str(OUT / "sheet-taken.png"))
    remote.reload()
    expect(bound(remote, "remote-agenda")).to_contain_text("op schema")
    remote.screenshot(path=str(OUT / "remote-taken.png"), full_page=True)
    ok(room.facilitator.call(p.STEP_GO, {"index": BRAND}))
    (OUT / "after.md").write_text(room.download("draaiboek.md").text)
    (OUT / "after.pdf").write_bytes(room.download("draaiboek.pdf").content)
    print(ok(room.facilitator.call(p.SYNC, {}))["snapshot"]["workshop"]["agenda"])
