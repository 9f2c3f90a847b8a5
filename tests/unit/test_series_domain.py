"""The domain of a series: what a follow-up carries, the review's decisions, the copies of a
shared action following each other, and the series page's view."""

import json
import uuid

import pytest

from cocreate import protocol as p
from cocreate.domain import DomainError, apply, report_progress
from cocreate.domain.series import carried_copy, follow_shared, review_step, series_view, share, to_carry
from cocreate.catalogues import translate
from cocreate.export import backup, backup_schema, build_plan, restore
from workshops import domain_workshop

NOW = "2026-11-22T09:00:00+00:00"


def session(workshop_id, created_at=NOW, follow_up_of=None):
    return domain_workshop(
        {f"ann-{workshop_id}": "Ann"},
        now=created_at,
        workshop_id=workshop_id,
        title=f"Sessie {workshop_id}",
        follow_up_of=follow_up_of,
    )


def run(workshop, actor, command, payload, now=NOW):
    return apply(workshop, actor, command, payload, now)


def new_action(workshop, title, **extra):
    action_id = str(uuid.uuid4())
    run(workshop, "fac", p.ACTION_ADD, {"id": action_id, "title": title, **extra})
    return action_id


def follow_up(earlier, workshop_id, created_at):
    """What the store does when a follow-up is made: share, then copy into the new session."""
    later = session(workshop_id, created_at, follow_up_of=earlier.id)
    events = share(earlier)
    for action in to_carry(earlier):
        later.actions[action.id] = carried_copy(action)
    return later, events


@pytest.fixture
def first():
    workshop = session("w1")
    workshop.coffee = new_action(workshop, "Koffie", owner="ann-w1", due="2026-12-15")
    workshop.desk = new_action(workshop, "Loket", owner="Karin")
    workshop.done = new_action(workshop, "Agenda")
    run(workshop, "fac", p.ACTION_EDIT, {"id": workshop.done, "status": "done"})
    return workshop


def test_a_follow_up_starts_with_the_review_and_carries_what_is_neither_done_nor_dropped(first):
    second, events = follow_up(first, "w2", "2027-03-01T09:00:00+00:00")
    assert second.steps[0].key == "review" and second.steps[0].title == "Terugblik"
    assert review_step("en")["title"] == "Review"
    assert list(second.actions) == [first.coffee, first.desk]
    # The first session learns that its actions are shared now, one numbered event each.
    assert [(e.type, e.data["id"], e.data["shared"]) for e in events] == [
        (p.ACTION_EDITED, first.coffee, True),
        (p.ACTION_EDITED, first.desk, True),
    ]
    assert [e.seq for e in events] == [first.seq - 1, first.seq]
    coffee = second.actions[first.coffee]
    assert (coffee.origin, coffee.carried, coffee.note_ids, coffee.owner_name) == (
        "w1",
        True,
        [],
        "Ann",
    )  # the owner is known by name in the new session
    assert build_plan(second)["actions"][0]["owner"] == "Ann"
    assert share(first) == []  # already shared: nothing new


def test_the_review_keeps_finishes_or_drops_and_only_the_facilitator_decides(first):
    second, _events = follow_up(first, "w2", "2027-03-01T09:00:00+00:00")
    with pytest.raises(DomainError) as refused:
        run(second, "ann-w2", p.ACTION_REVIEW, {"id": first.coffee, "decision": "done"})
    assert refused.value.code == "forbidden"
    own = new_action(second, "Nieuw")
    with pytest.raises(DomainError) as refused:
        run(second, "fac", p.ACTION_REVIEW, {"id": own, "decision": "keep"})
    assert refused.value.code == "invalid"

    [done] = run(second, "fac", p.ACTION_REVIEW, {"id": first.desk, "decision": "done"})
    assert (done.data["decision"], done.data["status"]) == ("done", "done")
    assert second.actions[first.desk].progress[-1]["status"] == "done"
    assert run(second, "fac", p.ACTION_REVIEW, {"id": first.desk, "decision": "done"}) == []
    [kept] = run(second, "fac", p.ACTION_REVIEW, {"id": first.desk, "decision": "keep"})
    assert kept.data["status"] == "doing"  # found done, then the room goes on with it
    [dropped] = run(second, "fac", p.ACTION_REVIEW, {"id": first.coffee, "decision": "drop"})
    assert dropped.data["dropped"] and dropped.data["status"] == "open"
    assert {a["id"] for a in build_plan(second)["actions"]} == {first.desk, own}
    assert [a.id for a in to_carry(second)] == [first.desk, own]


def test_a_shared_actions_copies_follow_each_other_but_keep_their_own_notes_and_decision(first):
    second, _events = follow_up(first, "w2", "2027-03-01T09:00:00+00:00")
    run(second, "fac", p.ACTION_REVIEW, {"id": first.coffee, "decision": "keep"})
    [changed] = report_progress(second, first.coffee, "blocked", "Wacht", NOW)
    before = first.seq
    [followed] = follow_shared(first, second.actions[first.coffee])
    assert followed.seq == before + 1 and followed.type == p.ACTION_EDITED
    kept, copy = first.actions[first.coffee], second.actions[first.coffee]
    assert (kept.status, kept.progress, kept.link) == (copy.status, copy.progress, copy.link)
    assert kept.decision is None and not kept.carried and kept.note_ids == []
    assert followed.data["owner"] == {"id": "ann-w1", "name": "Ann"}  # known here by id
    assert changed.data["owner"] == {"id": None, "name": "Ann"}
    kept.progress.append({"at": NOW, "status": "open", "text": "x"})
    assert copy.progress[-1]["text"] == "Wacht"  # copies, never the same list


def test_a_shared_action_is_not_removed_and_its_source_notes_stay_where_it_started(first):
    second, _events = follow_up(first, "w2", "2027-03-01T09:00:00+00:00")
    for workshop in (first, second):
        with pytest.raises(DomainError) as refused:
            run(workshop, "fac", p.ACTION_REMOVE, {"id": first.coffee})
        assert refused.value.code == "invalid"
    with pytest.raises(DomainError):
        run(second, "fac", p.ACTION_EDIT, {"id": first.coffee, "note_ids": []})
    run(second, "ann-w2", p.ACTION_EDIT, {"id": first.coffee, "owner": "ann-w2"})
    assert second.actions[first.coffee].owner_name == "Ann"  # for the other sessions


def test_the_series_view_follows_each_action_through_the_sessions(first):
    run(first, "fac", p.ACTION_EDIT, {"id": first.coffee, "status": "doing"}, now="2026-11-30T09:00:00+00:00")
    second, _events = follow_up(first, "w2", "2027-03-01T09:00:00+00:00")
    run(second, "fac", p.ACTION_REVIEW, {"id": first.coffee, "decision": "keep"}, now="2027-03-01T10:00:00+00:00")
    run(second, "fac", p.ACTION_REVIEW, {"id": first.desk, "decision": "done"}, now="2027-03-01T10:00:00+00:00")
    follow_shared(first, second.actions[first.desk])
    third, _events = follow_up(second, "w3", "2027-06-01T09:00:00+00:00")
    view = series_view([first, second, third])
    assert [s["id"] for s in view["sessions"]] == ["w1", "w2", "w3"]
    paths = {a["id"]: [(step["session"], step["mark"], step["status"]) for step in a["path"]] for a in view["actions"]}
    assert paths[first.coffee] == [(0, "new", "doing"), (1, "keep", "doing"), (2, "pending", "doing")]
    assert paths[first.desk] == [(0, "new", "open"), (1, "done", "done")]
    assert paths[first.done] == [(0, "new", "done")]
    assert "notes" not in json.dumps(view)


def test_a_backup_of_a_follow_up_keeps_the_review_and_an_older_backup_still_imports(first):
    second, _events = follow_up(first, "w2", "2027-03-01T09:00:00+00:00")
    second.date = "2027-03-01"
    run(second, "fac", p.ACTION_REVIEW, {"id": first.coffee, "decision": "keep"})
    document = json.loads(json.dumps(backup(second)))
    assert document["version"] == 5
    assert document["workshop"]["follow_up_of"] == "w1"
    coffee = next(a for a in document["actions"] if a["id"] == first.coffee)
    assert (coffee["carried"], coffee["decision"], coffee["owner_id"]) == (True, "keep", None)
    restored = restore(backup_schema.load(document), "w9", "XYZ789", NOW)
    assert restored.actions[first.coffee].carried and not restored.actions[first.coffee].shared
    assert backup(restored) == document
    # Version 3, from before the series: no follow-up, nothing carried.
    old = json.loads(json.dumps(backup(first)))
    old["version"] = 3
    del old["workshop"]["follow_up_of"], old["workshop"]["date"]
    for item in old["actions"]:
        del item["carried"], item["decision"], item["dropped"]
    again = restore(backup_schema.load(old), "w8", "QRS456", NOW)
    assert again.follow_up_of is None
    assert not any(action.carried or action.dropped for action in again.actions.values())
    assert set(again.actions) == set(first.actions)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_review_prompt_names_the_decisions_as_their_buttons_do(language):
    prompt = review_step(language)["prompt"].lower()
    for decision in ("keep", "done", "drop"):
        assert translate(language, f"review_{decision}").lower() in prompt, decision
