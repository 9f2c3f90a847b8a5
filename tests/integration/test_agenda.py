"""The agenda through a live server: `agenda:set` and its refusals, the step times the room
records (also after a kill -9), the forecast and the draaiboek downloads."""

import re
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from markdown_it import MarkdownIt

from cocreate import protocol as p

from support import BRAND, FRICTION, GOALS, PLATFORM, LiveServer, Workshop, ok, refused, wait_all

ZONE = "Europe/Amsterdam"


def today(clock="09:00", days=0):
    """`YYYY-MM-DDTHH:MM` on the server's today (in the agenda's zone), `days` later."""
    day = datetime.now(ZoneInfo(ZONE)).date() + timedelta(days=days)
    return f"{day.isoformat()}T{clock}"


def agenda(start=None):
    return {
        "zone": ZONE,
        "days": [
            {
                "start": start or today("00:05"),
                "items": [
                    {"step": GOALS, "minutes": 60},
                    {"break": "Koffie", "minutes": 15},
                    {"step": BRAND, "minutes": 75},
                ],
            },
            {
                "start": today("09:00", days=1),
                "items": [{"step": FRICTION, "minutes": 90}, {"step": PLATFORM, "minutes": 120}],
            },
        ],
    }


def test_the_facilitator_sets_the_agenda_and_everyone_sees_it(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator, anouk = room.connect(), room.connect("Anouk")
    assert anouk.snapshots[0]["workshop"]["agenda"] is None
    assert [step["minutes"] for step in anouk.snapshots[0]["steps"]] == [60, 75, 90, 120]

    ack = ok(facilitator.call(p.SET_AGENDA, agenda()))
    wait_all(ack["seq"], facilitator, anouk)
    [event] = [e for e in anouk.events if e["seq"] == ack["seq"]]
    assert event == {"seq": ack["seq"], "type": p.AGENDA_SET, "data": {"agenda": agenda()}}
    assert room.connect("Anouk").snapshots[0]["workshop"]["agenda"] == agenda()


def test_a_participant_may_not_set_the_agenda(server, clients):
    room = Workshop(server, clients, "Anouk")
    anouk = room.connect("Anouk")
    refused(anouk.call(p.SET_AGENDA, agenda()), "forbidden")
    assert room.connect().snapshots[0]["workshop"]["agenda"] is None


def test_bad_agendas_are_refused_and_change_nothing(server, clients):
    room = Workshop(server, clients)
    facilitator = room.connect()
    before = ok(facilitator.call(p.SET_AGENDA, agenda()))["seq"]
    day = {"start": today("09:00")}
    for bad in (
        {"days": [{**day, "items": [{"step": GOALS, "minutes": -5}]}]},
        {"days": [{**day, "items": [{"step": GOALS, "minutes": 100000}]}]},
        {"days": [{**day, "items": [{"step": GOALS, "minutes": 0}]}]},
        {"days": [{**day, "items": [{"break": "", "minutes": 15}]}]},
        {"days": [{**day, "items": [{"break": "x" * 81, "minutes": 15}]}]},
        {"days": [{**day, "items": [{"minutes": 15}]}]},
        {"days": [{**day, "items": [{"step": 9, "minutes": 15}]}]},
        {"days": [{**day, "items": [{"step": GOALS, "minutes": 5}, {"step": GOALS, "minutes": 5}]}]},
        {"days": [{**day, "items": [{"step": GOALS, "minutes": 30, "planned": 20}]}]},
        {"days": [{**day, "items": [{"step": GOALS, "minutes": 30, "planned": "45"}]}]},
        {"days": [{**day, "items": [{"break": "Thee", "minutes": 10, "planned": 481}]}]},
        {"days": [{"start": "morgen", "items": []}]},
        {"days": [{**day, "items": []}], "extra": 1},
        {"days": "all of them"},
    ):
        error = refused(facilitator.call(p.SET_AGENDA, bad), "invalid")
        assert error["message"] and error.get("fields"), (bad, error)
    synced = ok(facilitator.call(p.SYNC, {}))
    assert synced["seq"] == before
    assert synced["snapshot"]["workshop"]["agenda"] == agenda()


@pytest.fixture(params=["sqlite", "postgresql"])
def restartable_server(request, tmp_path):
    """A live server of this test's own, on SQLite or on a real PostgreSQL."""
    env = {}
    if request.param == "postgresql":
        env["DATABASE_URL"] = request.getfixturevalue("postgres_server").create_database()
    live = LiveServer(tmp_path / "instance", env=env).start()
    yield live
    live.stop()


def test_step_times_and_the_agenda_survive_a_kill_9(restartable_server, clients):
    room = Workshop(restartable_server, clients)
    facilitator = room.connect()
    ok(facilitator.call(p.SET_AGENDA, agenda()))
    started = ok(facilitator.call(p.STEP_GO, {"index": GOALS}))
    moved = ok(facilitator.call(p.STEP_GO, {"index": BRAND}))
    wait_all(moved["seq"], facilitator)
    changes = [e["data"] for e in facilitator.events if e["type"] == p.STEP_CHANGED]
    assert [change["index"] for change in changes] == [GOALS, BRAND]
    assert [t["index"] for t in changes[1]["times"]] == [GOALS, BRAND]
    assert changes[1]["times"][0]["ended_at"] == changes[1]["times"][1]["started_at"]
    assert started["seq"] < moved["seq"]

    restartable_server.kill()
    restartable_server.start()
    steps = room.connect().snapshots[0]["steps"]
    assert steps[GOALS]["started_at"] == changes[0]["times"][0]["started_at"]
    assert steps[GOALS]["ended_at"] == changes[1]["times"][0]["ended_at"]
    assert steps[BRAND]["started_at"] and steps[BRAND]["ended_at"] is None
    assert steps[FRICTION]["started_at"] is None
    assert room.connect().snapshots[0]["workshop"]["agenda"] == agenda()


def test_the_forecast_is_the_facilitators_and_participants_see_what_is_next(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator = room.connect()
    assert requests.get(
        room.url("/agenda.json"), headers={"Authorization": f"Bearer {room.token()}"}, timeout=10
    ).json() == {"forecast": None}
    ok(facilitator.call(p.SET_AGENDA, agenda(today("00:00"))))
    ok(facilitator.call(p.STEP_GO, {"index": GOALS}))

    full = room.download("agenda.json").json()["forecast"]
    assert [item["title"] for item in full["days"][0]["items"]] == ["Doelen stellen", "Koffie", "Persoonlijk merk"]
    assert full["days"][0]["items"][0]["state"] == "running"
    assert full["next"]["title"] == "Koffie"

    seen = room.download("agenda.json", token=room.token("Anouk")).json()["forecast"]
    assert set(seen) == {"zone", "now", "next"}
    assert seen["next"] == full["next"]
    assert requests.get(room.url("/agenda.json"), timeout=10).status_code == 401


def test_the_draaiboek_is_the_facilitators_and_renders_as_commonmark(server, clients):
    room = Workshop(server, clients, "Anouk", title="Teamdag *Zuid*")
    facilitator = room.connect()
    before = room.download("draaiboek.md")
    assert before.status_code == 200
    assert before.headers["Content-Type"].startswith("text/markdown")
    assert "teamdag-zuid-draaiboek.md" in before.headers["Content-Disposition"]
    assert "Nog geen agenda vastgesteld" in before.text

    ok(facilitator.call(p.SET_AGENDA, agenda(today("00:05"))))
    ok(facilitator.call(p.STEP_GO, {"index": GOALS}))
    text = room.download("draaiboek.md").text
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<h1>Draaiboek: Teamdag *Zuid*</h1>" in html
    assert html.count("<h2>") == 2 and html.count("<table>") == 2
    assert "<td>00:05–01:05</td>\n<td>60</td>\n<td>Doelen stellen</td>" in html
    assert "<em>Koffie</em>" in html
    assert "<th>Werkelijk</th>" in html  # a step has run: its actual times beside the plan
    assert "eerst ieder voor zich schrijven, dan onthullen; anoniem mag" in html
    assert "in banen; stemmen</li>" in html and "Zet je doel in een bredere context" in html

    assert room.download("draaiboek.md", token=room.token("Anouk")).status_code == 403
    assert requests.get(room.url("/draaiboek.md"), timeout=10).status_code == 401
    english = room.download("draaiboek.md", params={"lang": "en"}).text
    assert english.startswith("# Run sheet: Teamdag") and "| Actual |" in english


def test_the_draaiboek_pdf_is_the_facilitators_with_the_actual_times_and_in_english_too(server, clients, tmp_path):
    room = Workshop(server, clients, "Anouk", title="Teamdag *Zuid*")
    facilitator = room.connect()
    ok(facilitator.call(p.SET_AGENDA, agenda(today("00:05"))))
    ok(facilitator.call(p.STEP_GO, {"index": GOALS}))
    assert room.download("draaiboek.pdf", token=room.token("Anouk")).status_code == 403
    assert requests.get(room.url("/draaiboek.pdf"), timeout=10).status_code == 401

    english = room.download("draaiboek.pdf", params={"lang": "en"})
    assert english.status_code == 200
    assert english.headers["Content-Type"] == "application/pdf"
    assert "teamdag-zuid-run-sheet.pdf" in english.headers["Content-Disposition"]
    path = tmp_path / "run-sheet.pdf"
    path.write_bytes(english.content)
    info = subprocess.run(["pdfinfo", path], capture_output=True, check=True, text=True).stdout
    assert re.search(r"^Title:\s+Teamdag \*Zuid\* · Run sheet$", info, re.M)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, check=True, text=True).stdout.split()
    )
    assert "Time Item Min. Actual" in text
    # The steps keep the titles the workshop gave them (Dutch); the sheet's words are English.
    assert re.search(r"00:05–01:05 Doelen stellen 60 running since \d\d:\d\d \(\d+ min\)", text)
    assert "01:05–01:20 Koffie 15 —" in text


def test_an_agenda_made_mid_session_shows_what_already_ran(server, clients):
    room = Workshop(server, clients, "Anouk")
    facilitator = room.connect()
    # The room worked on the goals since the workshop opened (nobody pressed Start), then
    # moved on; only now does the facilitator make an agenda, from this morning.
    moved = ok(facilitator.call(p.STEP_GO, {"index": BRAND}))
    ok(facilitator.call(p.SET_AGENDA, agenda(today("00:00"))))
    synced = ok(facilitator.call(p.SYNC, {}))["snapshot"]
    assert synced["seq"] > moved["seq"]
    left = synced["steps"][GOALS]
    assert left["started_at"] is None and left["ended_at"] is not None

    day = room.download("agenda.json").json()["forecast"]["days"][0]
    goals, coffee, brand = day["items"]
    assert (goals["state"], goals["start_known"]) == ("done", False)
    ended = datetime.fromisoformat(left["ended_at"]).astimezone(ZoneInfo(ZONE))
    assert goals["end"] == (ended + timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M")
    assert coffee["state"] == "skipped"  # the room went straight on to the brand
    assert brand["state"] == "running"
    assert "| Doelen stellen | tot " in room.download("draaiboek.md").text
