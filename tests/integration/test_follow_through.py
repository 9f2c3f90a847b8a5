"""After the workshop: the owner's update link, the board seeing it live, the calendar feed."""

import re
from datetime import datetime, timezone

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from cocreate import protocol as p

from support import Workshop, new_id, ok, refused


@pytest.fixture
def room(server, clients):
    """A workshop with an action owned by Anouk and one owned by nobody in the room."""
    workshop = Workshop(server, clients, "Anouk", "Bram", connect_facilitator=True)
    workshop.mine = workshop.add_action("Koffie met de directie", "Anouk", due="2026-12-15")
    workshop.other = new_id()  # its owner is a name, not a participant
    ok(
        workshop.facilitator.call(
            p.ACTION_ADD,
            {"id": workshop.other, "title": "Loket inrichten", "owner": "Karin van Financiën", "due": "2027-01-31"},
        )
    )
    return workshop


def actions_seen_by(workshop, who):
    snapshot = workshop.connect(who).snapshots[-1]
    return snapshot, {action["id"]: action for action in snapshot["actions"]}


def feed_of(workshop, who):
    """The calendar feed `who` subscribes to, its folded lines unfolded."""
    feed = requests.get(actions_seen_by(workshop, who)[0]["calendar_url"], timeout=10)
    return feed.text.replace("\r\n ", "")


def test_update_links_reach_the_facilitator_and_the_owner_only(room):
    snapshot, seen = actions_seen_by(room, "facilitator")
    assert all(action["update_url"].startswith(room.server.url + "/a/") for action in seen.values())
    assert snapshot["calendar_url"].endswith(".ics")
    anouk, mine = actions_seen_by(room, "Anouk")
    assert mine[room.mine]["update_url"] == seen[room.mine]["update_url"]
    assert "update_url" not in mine[room.other]
    bram, theirs = actions_seen_by(room, "Bram")
    assert all("update_url" not in action for action in theirs.values())
    # Each participant has a feed of their own; the facilitators share one.
    assert len({bram["calendar_url"], anouk["calendar_url"], snapshot["calendar_url"]}) == 3
    assert actions_seen_by(room, "facilitator")[0]["calendar_url"] == snapshot["calendar_url"]
    # No link ever travels in an event.
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.other, "status": "doing"}))
    assert "update_url" not in str(room.facilitator.events)


def test_the_owner_updates_by_link_and_the_board_sees_it_live(room):
    link = room.update_link(room.mine)
    board = room.connect("Bram")
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "Koffie met de directie" in page.text
    answer = requests.post(link, json={"status": "doing", "text": "Agenda gestuurd"}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "doing"
    board.wait_for(lambda: any(e["type"] == p.ACTION_EDITED and e["data"]["status"] == "doing" for e in board.events))
    edited = [e for e in board.events if e["type"] == p.ACTION_EDITED][-1]["data"]
    assert edited["progress"][-1]["text"] == "Agenda gestuurd"
    assert "update_url" not in edited
    assert "Agenda gestuurd" in requests.get(link, timeout=10).text  # the history


def test_the_update_page_works_without_javascript(room):
    link = room.update_link(room.mine)
    done = requests.post(link, data={"status": "done", "text": "Gesprek gevoerd"}, timeout=10, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("?saved=1")
    page = requests.get(link + "?saved=1", timeout=10)
    assert "Opgeslagen" in page.text and "Gesprek gevoerd" in page.text
    nothing = requests.post(link, data={"status": "done"}, timeout=10)
    assert nothing.status_code == 400 and 'role="alert"' in nothing.text


@pytest.mark.parametrize(
    "body",
    [{}, {"status": "nope"}, {"text": ""}, {"text": "x" * 501}, {"status": "done", "owner": "me"}, [1, 2], "done"],
)
def test_a_bad_update_gets_400_and_changes_nothing(room, body):
    link = room.update_link(room.mine)
    before = actions_seen_by(room, "facilitator")[1][room.mine]
    answer = requests.post(link, json=body, timeout=10)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "invalid"
    after = actions_seen_by(room, "facilitator")[1][room.mine]
    assert (after["status"], after["progress"]) == (before["status"], before["progress"])


def test_a_wrong_link_is_a_404_a_revoked_one_a_410_and_a_new_one_works(room):
    link = room.update_link(room.mine)
    assert requests.get(link[:-4] + "AAAA", timeout=10).status_code == 404
    assert requests.get(link.replace(room.mine, room.other), timeout=10).status_code == 404
    refused(room.connect("Anouk").call(p.ACTION_RELINK, {"id": room.mine}), "forbidden")
    ok(room.facilitator.call(p.ACTION_RELINK, {"id": room.mine}))
    assert requests.get(link, timeout=10).status_code == 410
    assert requests.post(link, json={"status": "done"}, timeout=10).status_code == 410
    fresh = room.update_link(room.mine)
    assert fresh != link and requests.get(fresh, timeout=10).status_code == 200


def test_the_calendar_feeds_hold_their_holders_actions_and_answer_conditional_requests(room):
    snapshot, _seen = actions_seen_by(room, "Bram")
    feed = requests.get(snapshot["calendar_url"], timeout=10)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" not in feed.text  # Bram owns nothing: nobody's actions remind him
    own = Calendar.from_ical(feed_of(room, "Anouk")).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in own] == ["Koffie met de directie"]
    assert str(own[0]["URL"]) == room.update_link(room.mine)  # her own link, to plan her day
    everyone = Calendar.from_ical(feed_of(room, "facilitator")).walk("VEVENT")
    assert {str(event["URL"]) for event in everyone} == {room.update_link(room.mine), room.update_link(room.other)}
    # 09:00 the day before in Amsterdam, not midnight: 15 December is in winter time (UTC+1).
    alarm = own[0].walk("VALARM")[0]
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 14, 8, 0, tzinfo=timezone.utc)
    anouk = actions_seen_by(room, "Anouk")[0]["calendar_url"]
    first = requests.get(anouk, timeout=10)
    same = requests.get(anouk, timeout=10, headers={"If-None-Match": first.headers["ETag"]})
    assert same.status_code == 304 and same.content == b""
    requests.post(room.update_link(room.mine), json={"status": "doing"}, timeout=10)
    changed = requests.get(anouk, timeout=10, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    before, after = (Calendar.from_ical(answer.content).walk("VEVENT")[0] for answer in (first, changed))
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert str(after["UID"]) == str(before["UID"])
    wrong = re.sub(r"/[^/]+\.ics$", "/nope.ics", snapshot["calendar_url"])
    assert requests.get(wrong, timeout=10).status_code == 404
    # Bram's key does not open Anouk's feed.
    someone_else = snapshot["calendar_url"].replace(room.pid("Bram"), room.pid("Anouk"))
    assert requests.get(someone_else, timeout=10).status_code == 404


def test_a_calendar_event_keeps_its_uid_whatever_address_served_it(room):
    feed = actions_seen_by(room, "facilitator")[0]["calendar_url"]
    uids = []
    for host in ("127.0.0.1", "localhost"):
        answer = requests.get(re.sub(r"//[^:/]+", f"//{host}", feed, count=1), timeout=10)
        assert answer.status_code == 200
        uids.append(sorted(str(e["UID"]) for e in Calendar.from_ical(answer.content).walk("VEVENT")))
    assert uids[0] == uids[1] and len(uids[0]) == 2
    assert all(host not in uid for uid in uids[0] for host in ("127.0.0.1", "localhost"))
    # The download has the same events as the feed.
    download = Calendar.from_ical(room.download("plan.ics").content).walk("VEVENT")
    assert sorted(str(event["UID"]) for event in download) == uids[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from(["status", "text", "note", "due"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=600),
            st.sampled_from(["open", "doing", "done", "blocked"]),
        ),
    )
)
def test_fuzzed_update_bodies_get_200_or_400_never_a_server_error(room, body):
    answer = requests.post(room.update_link(room.mine), json=body, timeout=10)
    assert answer.status_code in (200, 400), (body, answer.text)
    if answer.status_code == 400:
        assert answer.json()["error"]["code"] == "invalid"


def test_an_update_link_is_rate_limited(start_server, clients):
    live = start_server(COCREATE_UPDATE_LIMIT="3 per minute")
    workshop = Workshop(live, clients, "Anouk", connect_facilitator=True)
    link = workshop.update_link(workshop.add_action("Snel", "Anouk"))
    codes = [requests.post(link, json={"text": f"Update {n}"}, timeout=10).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_both_processes_open_the_same_update_link(cluster, clients):
    first, second = cluster.servers
    workshop = Workshop(first, clients, "Anouk", connect_facilitator=True)
    link = workshop.update_link(workshop.add_action("Over de grens", "Anouk"))
    on_second = link.replace(first.url, second.url)
    watcher = clients(second.url, workshop.id, workshop.token("Anouk"))
    assert requests.post(on_second, json={"status": "doing"}, timeout=10).status_code == 200
    watcher.wait_for(lambda: any(e["type"] == p.ACTION_EDITED for e in watcher.events))


def test_the_facilitator_downloads_every_update_link_by_owner(room):
    links = room.download("links.csv")
    assert links.status_code == 200 and links.headers["Content-Type"].startswith("text/csv")
    rows = links.content.decode("utf-8-sig").splitlines()
    assert rows[0].split(";") == ["Workshop", "Eigenaar", "Actie", "Deadline", "Status", "Updatelink"]
    assert rows[1].startswith("Teamdag;Anouk;Koffie met de directie;2026-12-15;Open;")
    assert rows[1].endswith(room.update_link(room.mine))
    assert rows[2].startswith("Teamdag;Karin van Financiën;Loket inrichten")
    assert room.download("links.csv", token=room.token("Anouk")).status_code == 403
    assert requests.get(room.url("/links.csv"), timeout=10).status_code == 401


def test_the_facilitator_revokes_the_calendar_feed(room):
    old = actions_seen_by(room, "Bram")[0]["calendar_url"]
    refused(room.connect("Bram").call(p.CALENDAR_RELINK, {}), "forbidden")
    ok(room.facilitator.call(p.CALENDAR_RELINK, {}))
    assert requests.get(old, timeout=10).status_code == 404
    new = actions_seen_by(room, "Bram")[0]["calendar_url"]
    assert new != old and requests.get(new, timeout=10).status_code == 200


def _reminded(calendar_text):
    """{summary: the reminder's trigger, or None} of every event in a calendar."""
    return {
        str(event["SUMMARY"]): (event.walk("VALARM")[0]["TRIGGER"].dt if event.walk("VALARM") else None)
        for event in Calendar.from_ical(calendar_text).walk("VEVENT")
    }


def test_a_downloaded_calendar_reminds_of_open_owned_actions_at_nine_the_day_before(room):
    unowned = new_id()
    ok(room.facilitator.call(p.ACTION_ADD, {"id": unowned, "title": "Zaal zoeken", "due": "2027-02-01"}))
    finished = room.add_action("Notulen rondsturen", "Bram", due="2027-03-01")
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": finished, "status": "done"}))
    nine = datetime(2026, 12, 14, 8, 0, tzinfo=timezone.utc)  # 09:00 in Amsterdam (UTC+1)
    # The facilitator follows up on every owned action still to do.
    assert _reminded(room.download("plan.ics").content) == {
        "Koffie met de directie": nine,
        "Loket inrichten": datetime(2027, 1, 30, 8, 0, tzinfo=timezone.utc),
        "Zaal zoeken": None,
        "Notulen rondsturen": None,
    }
    # A participant's file reminds them of their own actions only.
    anouk = _reminded(room.download("plan.ics", room.token("Anouk")).content)
    assert anouk["Koffie met de directie"] == nine
    assert anouk["Loket inrichten"] is None and anouk["Zaal zoeken"] is None


@pytest.mark.parametrize("who", ["facilitator", "Anouk"])
def test_the_plan_page_offers_its_readers_own_calendar_feed(room, who):
    page = requests.get(room.url("/plan"), headers={"Authorization": f"Bearer {room.token(who)}"}, timeout=10)
    assert page.status_code == 200
    feed = actions_seen_by(room, who)[0]["calendar_url"]
    assert f'href="{feed}"' in page.text
    assert "Agenda-abonnement" in page.text
    assert "BEGIN:VCALENDAR" in requests.get(feed, timeout=10).text
