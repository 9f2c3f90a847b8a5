"""A series of sessions: the follow-up carries the unfinished actions — the same actions, the
same owner's links — its review step decides on each, and the series page shows them all."""

import csv
import io
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from icalendar import Calendar
from pypdf import PdfReader

from cocreate import protocol as p

from support import Workshop, add_note, bearer, new_id, ok, refused

TIMEOUT = 10


def actions_of(snapshot):
    return {action["id"]: action for action in snapshot["actions"]}


def seen_by(workshop, who="facilitator"):
    """(snapshot, actions by id) as `who` sees the workshop now."""
    snapshot = workshop.connect(who).snapshots[-1]
    return snapshot, actions_of(snapshot)


def edited(client, action_id, check=lambda data: True):
    """Wait for an `action.edited` of this action that passes `check`; its event."""

    def found():
        return [
            e
            for e in client.events
            if e["type"] == p.ACTION_EDITED and e["data"]["id"] == action_id and check(e["data"])
        ]

    client.wait_for(found)
    return found()[-1]


@pytest.fixture
def first(server, clients):
    """A first session: Anouk owns one action, Karin (not in the room) one, one is done."""
    room = Workshop(
        server,
        clients,
        "Anouk",
        "Bram",
        title="Teamdag maart",
        goal="Meer klanten, minder moeite",
        connect_facilitator=True,
    )
    room.coffee = room.add_action("Koffie met de directie", "Anouk", due="2026-12-15")
    room.desk, room.finished = new_id(), new_id()
    ok(
        room.facilitator.call(
            p.ACTION_ADD,
            {"id": room.desk, "title": "Loket inrichten", "owner": "Karin van Financiën", "due": "2027-01-31"},
        )
    )
    ok(room.facilitator.call(p.ACTION_ADD, {"id": room.finished, "title": "Agenda delen"}))
    ok(room.facilitator.call(p.ACTION_EDIT, {"id": room.finished, "status": "done"}))
    return room


def test_the_whole_loop_from_the_owner_to_the_next_session(first):
    # The owner updates by her link; the board sees it; the calendar shows it.
    link = seen_by(first, "Anouk")[1][first.coffee]["update_url"]
    board = first.connect("Bram")
    answer = requests.post(link, json={"status": "doing", "text": "Agenda gestuurd"}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    edited(board, first.coffee, lambda data: data["status"] == "doing")
    calendar = requests.get(seen_by(first)[0]["calendar_url"], timeout=TIMEOUT).text
    assert "Agenda gestuurd" in calendar.replace("\r\n ", "")

    # The follow-up carries it: first on the review step, the same id, the same link.
    second = first.follow_up("Kees", title="Terugkomdag juni")
    snapshot, carried = seen_by(second)
    assert snapshot["steps"][0]["key"] == "review" and snapshot["workshop"]["current_step"] == 0
    assert snapshot["steps"][0]["title"] == "Terugblik"
    assert set(carried) == {first.coffee, first.desk}  # the one done stays behind
    coffee = carried[first.coffee]
    assert coffee["carried"] and coffee["shared"] and coffee["decision"] is None
    assert coffee["owner"] == {"id": None, "name": "Anouk"}
    assert [(e["status"], e["text"]) for e in coffee["progress"]] == [("doing", "Agenda gestuurd")]
    assert coffee["update_url"] == link

    # The same link reaches the new board live (and the old one), each with its own seq.
    new_board, old_board = second.connect("Kees"), first.connect("Bram")
    answer = requests.post(link, json={"status": "blocked", "text": "Directie op reis"}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    on_new = edited(new_board, first.coffee, lambda data: data["status"] == "blocked")
    on_old = edited(old_board, first.coffee, lambda data: data["status"] == "blocked")
    assert on_new["data"]["progress"][-1]["text"] == "Directie op reis"
    assert on_new["seq"] == new_board.snapshots[-1]["seq"] + 1
    assert on_old["seq"] == old_board.snapshots[-1]["seq"] + 1
    assert "update_url" not in str(new_board.events) + str(old_board.events)

    # The series lists both sessions in order, with the action through both.
    page = requests.get(second.url("/series"), headers=bearer(second.token("Kees")), timeout=TIMEOUT)
    assert page.status_code == 200
    sessions = page.text[page.text.index('id="sessions-heading"') :]
    assert sessions.index("Teamdag maart") < sessions.index("Terugkomdag juni")
    assert "Koffie met de directie" in page.text and "Directie op reis" in page.text
    assert "Agenda delen" in page.text  # done before the follow-up: still the series' work
    assert "/a/" not in page.text and "calendar" not in page.text
    assert f"/w/{first.id}/plan" not in page.text  # Kees is no member of the first session
    assert f"/w/{second.id}/plan" in page.text


def test_the_room_decides_keep_done_or_drop_and_the_next_session_carries_only_what_goes_on(first):
    second = first.follow_up("Kees")
    facilitator, old_board = second.connect(), first.connect("Bram")
    refused(second.connect("Kees").call(p.ACTION_REVIEW, {"id": first.coffee, "decision": "done"}), "forbidden")
    ok(facilitator.call(p.ACTION_REVIEW, {"id": first.coffee, "decision": "keep"}))
    ok(facilitator.call(p.ACTION_REVIEW, {"id": first.desk, "decision": "done"}))
    third_action = new_id()
    ok(facilitator.call(p.ACTION_ADD, {"id": third_action, "title": "Nieuw plan"}))
    refused(
        facilitator.call(p.ACTION_REVIEW, {"id": third_action, "decision": "keep"}), "invalid"
    )  # made here: nothing to review
    refused(facilitator.call(p.ACTION_REVIEW, {"id": new_id(), "decision": "keep"}), "not_found")

    done = edited(old_board, first.desk, lambda data: data["status"] == "done")["data"]
    assert done["decision"] is None  # the decision is the follow-up's own
    _snapshot, seen = seen_by(second)
    assert (seen[first.coffee]["decision"], seen[first.desk]["decision"]) == ("keep", "done")
    # Kept (and not yet reviewed) actions are part of the new plan, in every form of it.
    calendar = requests.get(seen_by(second)[0]["calendar_url"], timeout=TIMEOUT)
    plans = {
        "plan.csv": second.download("plan.csv").content.decode("utf-8-sig"),
        "plan.md": second.download("plan.md").text,
        "plan.ics": second.download("plan.ics").text.replace("\r\n ", ""),
        "plan.pdf": "".join(
            page.extract_text() for page in PdfReader(io.BytesIO(second.download("plan.pdf").content)).pages
        ).replace("\n", " "),
        "calendar": calendar.text.replace("\r\n ", ""),
        "page": second.download("plan").text,
    }
    for name, plan in plans.items():
        actions = plan.split("Wat we zeiden")[0]  # the review step below lists every decision
        assert "Koffie met de directie" in actions, name
        assert "Loket inrichten" not in actions, name  # found done at the review

    # Changing one's mind: dropped, then the next session leaves it behind.
    ok(facilitator.call(p.ACTION_REVIEW, {"id": first.coffee, "decision": "drop"}))
    assert edited(old_board, first.coffee, lambda data: data["dropped"])["data"]["status"] == "open"
    third = second.follow_up()
    assert set(seen_by(third)[1]) == {third_action}
    assert seen_by(third)[1][third_action]["carried"]


def test_a_decision_needs_a_follow_up_and_an_edit_from_anyone_reaches_every_session(first):
    second = first.follow_up("Kees")
    kees, old_board = second.connect("Kees"), first.connect("Bram")
    # In the room of the follow-up anyone updates a carried action, as on any board.
    ok(kees.call(p.ACTION_EDIT, {"id": first.desk, "status": "doing", "text": "Offerte binnen"}))
    ok(kees.call(p.ACTION_EDIT, {"id": first.desk, "owner": second.pid("Kees")}))
    changed = edited(old_board, first.desk, lambda data: data["owner"]["name"] == "Kees")["data"]
    assert changed["owner"] == {"id": None, "name": "Kees"}  # not a participant of that session
    # Each event carries the progress its change added (the owner's none).
    assert changed["progress"] == []
    edited(old_board, first.desk, lambda data: [entry["text"] for entry in data["progress"]] == ["Offerte binnen"])
    # Now Kees owns it: he gets the link (the same one), nobody else in his session does.
    assert seen_by(second, "Kees")[1][first.desk]["update_url"] == seen_by(first)[1][first.desk]["update_url"]
    refused(kees.call(p.ACTION_EDIT, {"id": first.coffee, "note_ids": []}), "invalid")
    refused(second.connect().call(p.ACTION_REMOVE, {"id": first.coffee}), "invalid")
    refused(first.facilitator.call(p.ACTION_REMOVE, {"id": first.coffee}), "invalid")


def test_no_update_link_reaches_a_participant_who_does_not_own_the_action(first):
    second = first.follow_up("Kees", "Lotte")
    ok(second.connect().call(p.ACTION_EDIT, {"id": first.desk, "owner": second.pid("Lotte")}))
    for who, owns in (("Kees", set()), ("Lotte", {first.desk})):
        snapshot, seen = seen_by(second, who)
        assert {i for i, action in seen.items() if "update_url" in action} == owns, who
        feed = requests.get(snapshot["calendar_url"], timeout=TIMEOUT).text.replace("\r\n ", "")
        assert set(re.findall(r"/a/[^\s\\]+", feed)) == (
            {seen[first.desk]["update_url"].split(first.server.url)[1]} if owns else set()
        )
    # The first session's owner keeps her link there; the others still have none.
    assert "update_url" in seen_by(first, "Anouk")[1][first.coffee]
    assert all("update_url" not in action for action in seen_by(first, "Bram")[1].values())
    # The facilitators see every link, the same in both sessions.
    for action_id in (first.coffee, first.desk):
        assert seen_by(second)[1][action_id]["update_url"] == seen_by(first)[1][action_id]["update_url"]


def test_only_the_earlier_sessions_facilitator_plans_a_follow_up_and_a_refusal_makes_nothing(server, first):
    elsewhere = server.create_workshop("Elders")
    attempts = {
        "no token": (None, first.id, 401),
        "a participant's token": (first.token("Anouk"), first.id, 403),
        "another workshop's facilitator": (elsewhere["facilitator_token"], first.id, 401),
        "a forged token": ("x" * 43, first.id, 401),
        "an unknown workshop": (first.token(), "nope", 404),
    }
    for label, (token, earlier, status) in attempts.items():
        answer = requests.post(
            server.url + "/api/workshops",
            headers=bearer(token),
            json={"title": "Terug", "follow_up_of": earlier},
            timeout=TIMEOUT,
        )
        assert answer.status_code == status, label
        assert answer.json()["error"]["code"] in ("unauthorized", "forbidden", "not_found")
    bad = {
        "title": {"follow_up_of": first.id},
        "date": {"title": "T", "follow_up_of": first.id, "date": "morgen"},
        "format": {"title": "T", "follow_up_of": first.id, "format": "nope"},
        "follow_up_of": {"title": "T", "follow_up_of": "x" * 41},
    }
    for field, body in bad.items():
        answer = requests.post(server.url + "/api/workshops", headers=bearer(first.token()), json=body, timeout=TIMEOUT)
        assert answer.status_code == 400 and field in answer.json()["error"]["fields"], field
    # The plan page's form, sent from another site with the facilitator's cookie.
    forged = requests.post(
        first.url("/follow-up"),
        data={"title": "Terug", "format": "cocreation"},
        cookies={f"cc_{first.id}": first.token()},
        headers={"Origin": "https://elders.example"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert forged.status_code == 403
    # Nothing was shared and no session was added.
    assert not any(action["shared"] for action in seen_by(first)[1].values())
    assert not any(e["data"].get("shared") for e in first.facilitator.events)
    page = requests.get(first.url("/series"), headers=bearer(first.token()), timeout=TIMEOUT)
    assert page.text.count('class="session"') == 1


def test_a_follow_up_may_take_another_format_and_language(first):
    second = first.follow_up(format="eigenaarschap", language="en", date="2027-03-01")
    snapshot = seen_by(second)[0]
    assert [step["key"] for step in snapshot["steps"]][:2] == ["review", "inspiration"]
    assert snapshot["steps"][0]["title"] == "Review"
    assert snapshot["workshop"]["goal"] == "Meer klanten, minder moeite"  # the same goal
    assert second.created["urls"]["series"].endswith(f"/w/{second.id}/series")


def test_deleting_a_session_keeps_the_shared_actions_alive_in_the_others(first):
    second = first.follow_up("Kees")
    link = seen_by(first)[1][first.coffee]["update_url"]
    gone = requests.delete(
        first.server.url + f"/api/workshops/{first.id}", headers=bearer(first.token()), timeout=TIMEOUT
    )
    assert gone.status_code == 204
    board = second.connect("Kees")
    page = requests.get(link, timeout=TIMEOUT)
    assert page.status_code == 200 and "Koffie met de directie" in page.text
    assert requests.post(link, json={"status": "doing"}, timeout=TIMEOUT).status_code == 200
    edited(board, first.coffee, lambda data: data["status"] == "doing")
    assert seen_by(second)[1][first.coffee]["update_url"] == link
    series = requests.get(second.url("/series"), headers=bearer(second.token()), timeout=TIMEOUT)
    assert series.status_code == 200 and "Teamdag maart" not in series.text
    # And the other way round: the follow-up gone, the first session keeps its own.
    third = Workshop(first.server, first._clients, "Anouk", connect_facilitator=True)
    mine = new_id()
    ok(third.facilitator.call(p.ACTION_ADD, {"id": mine, "title": "Blijft"}))
    fourth = third.follow_up()
    assert (
        requests.delete(
            first.server.url + f"/api/workshops/{fourth.id}", headers=bearer(fourth.token()), timeout=TIMEOUT
        ).status_code
        == 204
    )
    ok(third.facilitator.call(p.ACTION_EDIT, {"id": mine, "status": "doing"}))
    assert seen_by(third)[1][mine]["status"] == "doing"


def test_a_follow_ups_backup_carries_the_series_and_imports_as_a_workshop_of_its_own(server, clients, first):
    second = first.follow_up("Kees", date="2027-03-01")
    ok(second.connect().call(p.ACTION_REVIEW, {"id": first.coffee, "decision": "keep"}))
    backup = second.download("export.json").json()
    assert backup["version"] >= 4  # a version that carries the series
    assert backup["workshop"]["follow_up_of"] == first.id and backup["workshop"]["date"] == "2027-03-01"
    coffee = next(a for a in backup["actions"] if a["id"] == first.coffee)
    assert (coffee["carried"], coffee["decision"], coffee["owner_id"], coffee["owner_name"]) == (
        True,
        "keep",
        None,
        "Anouk",
    )
    imported = requests.post(server.url + "/api/workshops/import", json=backup, timeout=TIMEOUT)
    assert imported.status_code == 201, imported.text
    copy, token = imported.json()["id"], imported.json()["facilitator_token"]
    again = requests.get(f"{server.url}/w/{copy}/export.json", headers=bearer(token), timeout=TIMEOUT).json()
    assert again == backup
    # It stands alone: changing its copy changes nothing in the series.
    board = first.connect("Bram")
    ok(clients(server.url, copy, token).call(p.ACTION_EDIT, {"id": first.coffee, "status": "done"}))
    assert seen_by(first)[1][first.coffee]["status"] == "open"
    assert not [e for e in board.events if e["type"] == p.ACTION_EDITED]
    series = requests.get(f"{server.url}/w/{copy}/series", headers=bearer(token), timeout=TIMEOUT)
    assert series.text.count('class="session"') == 1


def test_both_processes_carry_a_shared_action_to_every_board(cluster, clients):
    first_process, second_process = cluster.servers
    room = Workshop(first_process, clients, "Anouk", connect_facilitator=True)
    action_id = room.add_action("Over de grens", "Anouk")
    follow_up = room.follow_up("Kees")
    link = room.update_link(action_id)
    watchers = [
        clients(second_process.url, follow_up.id, follow_up.token("Kees")),
        clients(first_process.url, room.id, room.token("Anouk")),
    ]
    answer = requests.post(
        link.replace(first_process.url, second_process.url), json={"status": "doing"}, timeout=TIMEOUT
    )
    assert answer.status_code == 200, answer.text
    for watcher in watchers:
        edited(watcher, action_id, lambda data: data["status"] == "doing")
    ok(
        clients(second_process.url, follow_up.id, follow_up.token()).call(
            p.ACTION_REVIEW, {"id": action_id, "decision": "done"}
        )
    )
    edited(watchers[1], action_id, lambda data: data["status"] == "done")


def test_copies_of_a_shared_action_never_differ_under_concurrent_changes(first):
    second = first.follow_up("Kees")
    boards = [first.connect("Bram"), second.connect("Kees")]
    editors = [first.connect(), second.connect()]
    link = seen_by(first)[1][first.coffee]["update_url"]
    statuses = ("open", "doing", "blocked")

    def by_link(n):
        return requests.post(link, json={"status": statuses[n % 3], "text": f"Link {n}"}, timeout=TIMEOUT).status_code

    def by_board(n):
        editor = editors[n % 2]
        return editor.call(p.ACTION_EDIT, {"id": first.coffee, "status": statuses[n % 3], "text": f"Bord {n}"})["ok"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(by_link, range(12))) + list(pool.map(by_board, range(12)))
    assert answers == [200] * 12 + [True] * 12
    kept, copy = seen_by(first)[1][first.coffee], seen_by(second)[1][first.coffee]
    assert kept["progress_count"] == 24  # a snapshot carries the latest of them
    assert (kept["status"], kept["progress"]) == (copy["status"], copy["progress"])
    for board in boards:  # every event arrived, in seq order, none skipped
        board.wait_for(lambda board=board: sum(1 for e in board.events if e["type"] == p.ACTION_EDITED) >= 24)
        seqs = [e["seq"] for e in board.events]
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


# -- the same person across a series ---------------------------------------------------------


def rejoin(workshop, name, returning=None, cookies=None):
    """POST a join of `workshop` over the API, `returning` as {workshop, token} if given."""
    body = {"name": name, **({"returning": returning} if returning else {})}
    return requests.post(
        f"{workshop.server.url}/api/workshops/{workshop.id}/participants", json=body, cookies=cookies, timeout=TIMEOUT
    )


def test_a_returning_participant_keeps_their_id_and_owns_their_carried_action(first):
    follow_up = first.follow_up(title="Terugkomdag juni")
    answer = rejoin(follow_up, "Anouk", {"workshop": first.id, "token": first.token("Anouk")})
    assert answer.status_code == 201, answer.text
    assert answer.json()["participant_id"] == first.pid("Anouk")
    follow_up.people["Anouk"] = answer.json()
    snapshot, actions = seen_by(follow_up, "Anouk")
    assert snapshot["me"]["id"] == first.pid("Anouk")
    coffee = actions[first.coffee]
    assert coffee["owner"] == {"id": first.pid("Anouk"), "name": "Anouk"}
    assert coffee["update_url"] == seen_by(first, "Anouk")[1][first.coffee]["update_url"]
    # Her earlier session still knows her, with her own token there.
    assert seen_by(first, "Anouk")[0]["me"]["id"] == first.pid("Anouk")
    # A session later still: she comes back from the follow-up as well.
    third = follow_up.follow_up(title="Terugkomdag september")
    again = rejoin(third, "Anouk", {"workshop": follow_up.id, "token": answer.json()["token"]})
    assert again.status_code == 201 and again.json()["participant_id"] == first.pid("Anouk")


def test_nobody_takes_over_a_returning_persons_actions_without_their_earlier_token(first, server, clients):
    follow_up = first.follow_up(title="Terugkomdag juni")
    elsewhere = Workshop(server, clients, "Anouk", title="Een andere workshop")
    before = len(seen_by(follow_up)[0]["participants"])
    refusals = {
        "forged token": {"workshop": first.id, "token": "x" * 43},
        "the facilitator's token": {"workshop": first.id, "token": first.token()},
        "a workshop outside the series": {"workshop": elsewhere.id, "token": elsewhere.token("Anouk")},
        "this very session": {"workshop": follow_up.id, "token": follow_up.token()},
        "another session's id with her token": {"workshop": elsewhere.id, "token": first.token("Anouk")},
    }
    for why, returning in refusals.items():
        answer = rejoin(follow_up, "Anouk", returning)
        assert answer.status_code == 403, (why, answer.text)
        assert answer.json()["error"]["code"] == "forbidden", why
    assert rejoin(follow_up, "Anouk", {"workshop": first.id}).status_code == 400
    assert len(seen_by(follow_up)[0]["participants"]) == before  # nothing was made

    # Typing her name is not being her: a new person, who owns nothing and sees no link.
    stranger = rejoin(follow_up, "Anouk").json()
    assert stranger["participant_id"] != first.pid("Anouk")
    follow_up.people["Stranger"] = stranger
    coffee = seen_by(follow_up, "Stranger")[1][first.coffee]
    assert coffee["owner"] == {"id": None, "name": "Anouk"}
    assert "update_url" not in coffee or coffee["update_url"] is None

    # The real Anouk once; a second time with the same token is a conflict, not a second her.
    assert rejoin(follow_up, "Anouk", {"workshop": first.id, "token": first.token("Anouk")}).status_code == 201
    twice = rejoin(follow_up, "Anouk", {"workshop": first.id, "token": first.token("Anouk")})
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "conflict"


def downloads_of(workshop, calendar_url):
    """Every form of a session's plan as text: the page, Markdown, CSV, PDF, calendar, feed."""
    pdf = PdfReader(io.BytesIO(workshop.download("plan.pdf").content))
    return {
        "plan.csv": workshop.download("plan.csv").content.decode("utf-8-sig"),
        "plan.md": workshop.download("plan.md").text,
        "plan.ics": workshop.download("plan.ics").text.replace("\r\n ", ""),
        "plan.pdf": "".join(page.extract_text() for page in pdf.pages).replace("\n", " "),
        "calendar": requests.get(calendar_url, timeout=TIMEOUT).text.replace("\r\n ", ""),
        "page": workshop.download("plan").text,
    }


def calendar_event(text, title):
    """The VEVENT of the action called `title` in a calendar file."""
    events = [e for e in Calendar.from_ical(text).walk("VEVENT") if str(e["SUMMARY"]) == title]
    assert len(events) == 1, text
    return events[0]


def test_every_download_of_every_session_follows_the_series(first):
    # In the first session the room voted for the note an action came from.
    source, _seq = add_note(first.facilitator, 3, "Spreekuur op dinsdag", lane="dialogue")
    ok(first.facilitator.call(p.VOTING_OPEN, {"step": 3, "budget": 3}))
    for who in ("Anouk", "Bram"):
        ok(first.connect(who).call(p.VOTE_CAST, {"note_id": source}))
    ok(first.facilitator.call(p.VOTING_CLOSE, {}))
    voted = new_id()
    ok(
        first.facilitator.call(
            p.ACTION_ADD, {"id": voted, "title": "Spreekuur starten", "note_ids": [source], "due": "2027-02-01"}
        )
    )
    link = seen_by(first, "Anouk")[1][first.coffee]["update_url"]
    assert (
        requests.post(link, json={"status": "blocked", "text": "Directie op reis"}, timeout=TIMEOUT).status_code == 200
    )
    # The follow-up stops the coffee and keeps the consultation hour going.
    second = first.follow_up("Kees", title="Terugkomdag juni", date="2027-06-03")
    facilitator = second.connect()
    ok(facilitator.call(p.ACTION_REVIEW, {"id": first.coffee, "decision": "drop"}))
    ok(facilitator.call(p.ACTION_REVIEW, {"id": voted, "decision": "keep"}))

    earlier = downloads_of(first, seen_by(first)[0]["calendar_url"])
    for name, plan in earlier.items():
        assert "Vastgelopen" not in plan, name  # its last status, not what it was
        assert "Gestopt" in plan and "Directie op reis" in plan, name
        assert "Terugkomdag juni" in plan, name  # where it was decided
    for name in ("plan.ics", "calendar"):
        coffee = calendar_event(earlier[name], "Koffie met de directie")
        assert str(coffee["STATUS"]) == "CANCELLED" and not coffee.walk("VALARM"), name
        kept = calendar_event(earlier[name], "Spreekuur starten")
        assert (name == "plan.ics") != bool(kept.walk("VALARM")), name

    later = downloads_of(second, seen_by(second)[0]["calendar_url"])
    rows = list(csv.reader(io.StringIO(later["plan.csv"]), delimiter=";"))
    header, body = rows[0], {row[1]: row for row in rows[1:]}
    assert body["Spreekuur starten"][header.index("Stemmen")] == "2"  # voted in the first
    assert body["Spreekuur starten"][header.index("Besluit terugkomdag")].startswith("Gaat door")
    assert "Spreekuur op dinsdag" in later["plan.md"]
    review = later["plan.md"][later["plan.md"].index("### 1. Terugblik") :]
    review = review[: review.index("### 2.")]
    assert "Geen notities" not in review
    assert "Spreekuur starten: Gaat door" in review
    assert "Stemmen: 2" in calendar_event(later["calendar"], "Spreekuur starten")["DESCRIPTION"]


def decisions_on_plan_page(workshop):
    """The review decisions the plan page prints under the actions' statuses."""
    page = workshop.download("plan").text
    return re.findall(r'<p class="plan-decision">([^<]*)</p>', page)


def test_the_plan_page_names_a_decision_only_where_another_session_made_it(first):
    second = first.follow_up("Kees", title="Terugkomdag juni", date="2027-06-03")
    ok(second.connect().call(p.ACTION_REVIEW, {"id": first.coffee, "decision": "keep"}))
    # Its own review step says what this session decided: not "Gaat door op <this session>".
    assert decisions_on_plan_page(second) == []
    assert decisions_on_plan_page(first) == ["Gaat door op Terugkomdag juni (3 juni 2027)"]
    third = second.follow_up(title="Terugkomdag september")
    assert "Gaat door op Terugkomdag juni (3 juni 2027)" in decisions_on_plan_page(third)
