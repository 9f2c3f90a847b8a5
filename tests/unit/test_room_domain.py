"""The room as the facilitator steers it: spotlight, pitch round, pause (cocreate/domain/room.py)."""

import pytest

from cocreate import protocol as p
from cocreate.domain import FACILITATOR, PARTICIPANT, DomainError, apply, join, snapshot
from workshops import domain_workshop

NOW = "2026-12-07T09:00:00+00:00"
BRAND, FRICTION = 1, 2  # the co-creation format's "Persoonlijk merk" and "Knuppel" steps


def workshop(people=3):
    made = domain_workshop({}, now=NOW, title="Dag 1")
    for index in range(people):  # one a minute: the pitch round's "joined" order
        join(made, f"p{index}", f"Deelnemer {index}", PARTICIPANT, f"2026-12-07T09:0{index}:00+00:00")
    return made


def run(made, actor, command, payload, now=NOW):
    return apply(made, actor, command, payload, now)


def note(made, author, step, text="Mijn kracht", anonymous=False, note_id=None):
    note_id = note_id or f"00000000-0000-4000-8000-{len(made.notes):012d}"
    run(made, author, p.NOTE_ADD, {"id": note_id, "step": step, "text": text, "anonymous": anonymous})
    return note_id


def test_spotlight_on_a_note_reaches_every_snapshot_and_clears():
    made = workshop()
    note_id = note(made, "p0", 0)
    [event] = run(made, "fac", p.SET_SPOTLIGHT, {"kind": "note", "id": note_id})
    assert (event.type, event.data) == (p.SPOTLIGHT_SET, {"kind": "note", "id": note_id})
    view = snapshot(made, made.participants["p1"], NOW)
    assert view["workshop"]["spotlight"] == {"kind": "note", "id": note_id}
    [cleared] = run(made, "fac", p.SET_SPOTLIGHT, {"kind": None})
    assert cleared.data == {"kind": None, "id": None}
    assert snapshot(made, made.participants["p1"], NOW)["workshop"]["spotlight"] is None


def test_a_participant_cannot_set_the_spotlight():
    made = workshop()
    note_id = note(made, "p0", 0)
    with pytest.raises(DomainError) as refused:
        run(made, "p0", p.SET_SPOTLIGHT, {"kind": "note", "id": note_id})
    assert refused.value.code == "forbidden" and made.spotlight is None


def test_a_hidden_private_note_cannot_be_spotlighted():
    made = workshop()
    made.current_step = FRICTION
    secret = note(made, "p0", FRICTION, "De baas luistert niet", anonymous=True)
    with pytest.raises(DomainError) as refused:
        run(made, "fac", p.SET_SPOTLIGHT, {"kind": "note", "id": secret})
    assert refused.value.code == "invalid" and made.spotlight is None


def test_an_anonymous_note_in_the_spotlight_names_nobody():
    made = workshop()
    made.current_step = FRICTION
    secret = note(made, "p0", FRICTION, "De baas luistert niet", anonymous=True)
    run(made, "fac", p.NOTES_REVEAL, {"step": FRICTION})
    [event] = run(made, "fac", p.SET_SPOTLIGHT, {"kind": "note", "id": secret})
    assert "p0" not in repr(event.data) and "Deelnemer 0" not in repr(event.data)
    for viewer in ("fac", "p1"):
        view = snapshot(made, made.participants[viewer], NOW)
        assert view["workshop"]["spotlight"] == {"kind": "note", "id": secret}
        [shown] = [n for n in view["notes"] if n["id"] == secret]
        assert shown["author"] is None and shown["author_name"] is None


@pytest.mark.parametrize(
    "kind, thing", [("note", "nope"), ("cluster", "nope"), ("table", "nope"), ("participant", "fac")]
)
def test_spotlight_on_something_unknown_is_refused(kind, thing):
    made = workshop()
    with pytest.raises(DomainError) as refused:
        run(made, "fac", p.SET_SPOTLIGHT, {"kind": kind, "id": thing})
    assert refused.value.code == "invalid" and made.spotlight is None


def test_a_pitch_round_in_join_order_spotlights_each_person_on_the_timer():
    made = workshop(3)
    events = run(made, "fac", p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 2})
    types = [event.type for event in events]
    assert types == [p.PITCH_SET, p.SPOTLIGHT_SET, p.TIMER_CHANGED]
    assert events[0].data == {
        "queue": ["p0", "p1", "p2"],
        "current": "p0",
        "step": BRAND,
        "of": "participants",
        "minutes": 2,
    }
    assert made.spotlight == {"kind": "participant", "id": "p0"}
    assert made.timer["seconds"] == 120
    run(made, "fac", p.PITCH_NEXT, {})
    assert made.pitch["current"] == "p1" and made.spotlight["id"] == "p1"
    run(made, "fac", p.PITCH_NEXT, {"to": "p0"})  # back
    assert made.pitch["current"] == "p0"
    run(made, "fac", p.PITCH_NEXT, {"to": "p2"})  # skip ahead
    events = run(made, "fac", p.PITCH_NEXT, {})  # after the last: the round ends
    assert events[0].data["current"] is None and events[0].data["queue"] == []
    assert made.pitch is None and made.spotlight is None and made.timer is None


def test_the_pitch_queue_never_holds_a_facilitator_and_random_is_a_permutation():
    made = workshop(6)
    join(made, "fac2", "Co-begeleider", FACILITATOR, NOW)
    [started, *_] = run(
        made, "fac", p.PITCH_START, {"step": BRAND, "of": "participants", "order": "random", "minutes": 1}
    )
    assert sorted(started.data["queue"]) == [f"p{n}" for n in range(6)]


def test_a_step_with_anonymous_notes_cannot_be_pitched_by_person():
    made = workshop()
    made.current_step = FRICTION
    note(made, "p0", FRICTION, "Anoniem", anonymous=True)
    run(made, "fac", p.NOTES_REVEAL, {"step": FRICTION})
    with pytest.raises(DomainError) as refused:
        run(made, "fac", p.PITCH_START, {"step": FRICTION, "of": "participants", "order": "joined", "minutes": 3})
    assert refused.value.code == "invalid" and made.pitch is None and made.timer is None


def test_pitch_by_table_needs_tables_and_pitch_next_needs_a_round():
    made = workshop()
    with pytest.raises(DomainError):
        run(made, "fac", p.PITCH_START, {"step": BRAND, "of": "tables", "order": "joined", "minutes": 3})
    with pytest.raises(DomainError) as refused:
        run(made, "fac", p.PITCH_NEXT, {})
    assert refused.value.code == "conflict"
    run(made, "fac", p.SET_TABLES, {"count": 2, "mode": "random"})
    [started, spot, _timer] = run(
        made, "fac", p.PITCH_START, {"step": BRAND, "of": "tables", "order": "joined", "minutes": 3}
    )
    assert started.data["queue"] == [table["id"] for table in made.tables]
    assert spot.data == {"kind": "table", "id": made.tables[0]["id"]}


def test_participants_cannot_run_a_pitch_or_pause_the_room():
    made = workshop()
    for command, payload in (
        (p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 2}),
        (p.PITCH_STOP, {}),
        (p.ROOM_PAUSE, {"on": True}),
    ):
        with pytest.raises(DomainError) as refused:
            run(made, "p0", command, payload)
        assert refused.value.code == "forbidden"
    assert made.pitch is None and made.paused is False


def test_pause_and_release_reach_the_snapshot_once_each():
    made = workshop()
    [paused] = run(made, "fac", p.ROOM_PAUSE, {"on": True})
    assert (paused.type, paused.data) == (p.ROOM_PAUSED, {"on": True})
    assert run(made, "fac", p.ROOM_PAUSE, {"on": True}) == []  # nothing changed
    assert snapshot(made, made.participants["p0"], NOW)["workshop"]["paused"] is True
    run(made, "fac", p.ROOM_PAUSE, {"on": False})
    assert snapshot(made, made.participants["p0"], NOW)["workshop"]["paused"] is False


def test_a_spotlit_note_that_is_removed_leaves_the_spotlight_empty():
    made = workshop()
    note_id = note(made, "p0", 0)
    run(made, "fac", p.SET_SPOTLIGHT, {"kind": "note", "id": note_id})
    run(made, "p0", p.NOTE_REMOVE, {"id": note_id})
    assert snapshot(made, made.participants["p1"], NOW)["workshop"]["spotlight"] is None


def test_moving_to_another_step_takes_the_spotlight_down_and_ends_a_pitch_round():
    made = workshop()
    note_id = note(made, "p0", 0)
    run(made, "fac", p.SET_SPOTLIGHT, {"kind": "note", "id": note_id})
    events = run(made, "fac", p.STEP_GO, {"index": 0})  # the same step: nothing ends
    assert made.spotlight == {"kind": "note", "id": note_id}
    assert [event.type for event in events] == [p.STEP_CHANGED]
    events = run(made, "fac", p.STEP_GO, {"index": BRAND})
    assert made.spotlight is None
    assert (events[-1].type, events[-1].data) == (p.SPOTLIGHT_SET, {"kind": None, "id": None})
    run(made, "fac", p.PITCH_START, {"step": BRAND, "of": "participants", "order": "joined", "minutes": 2})
    events = run(made, "fac", p.STEP_GO, {"index": FRICTION})
    types = [event.type for event in events]
    assert types == [p.STEP_CHANGED, p.TIMER_CHANGED, p.PITCH_SET, p.SPOTLIGHT_SET]
    assert events[2].data["current"] is None and events[2].data["queue"] == []
    assert (made.pitch, made.spotlight, made.timer) == (None, None, None)
