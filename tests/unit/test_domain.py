"""The workshop domain in isolation: commands in, events out, views per viewer."""

import copy
import uuid
from dataclasses import asdict

import pytest

from cocreate import protocol as p
from cocreate.domain import PARTICIPANT, DomainError, apply, event_message, join, load_format, own_message, snapshot
from workshops import domain_workshop

NOW = "2025-01-01T09:00:00+00:00"
LATER = "2025-01-01T09:05:00+00:00"
FRICTION = 2  # private writing, anonymity allowed
PLATFORM = 3
LANE_KEYS = ["transparency", "accessibility", "dialogue", "reflection"]


def make_workshop(language="nl"):
    """A fresh four-step workshop with a facilitator `fac` and participants `ann` and `bob`."""
    return domain_workshop(now=NOW, goal="Meer klanten", language=language)


def note_id():
    """A client-made note id."""
    return str(uuid.uuid4())


def add(workshop, actor, step=0, text="Meer plezier", **extra):
    """Add a note for `actor` and return its id."""
    nid = extra.pop("id", None) or note_id()
    apply(workshop, actor, p.NOTE_ADD, {"id": nid, "step": step, "text": text, **extra}, NOW)
    return nid


@pytest.fixture
def workshop():
    return make_workshop()


def view_of(workshop, viewer):
    """The snapshot `viewer` (a participant id) gets."""
    return snapshot(workshop, workshop.participants[viewer], LATER)


def refused(workshop, actor, command, payload):
    """Run a command that must be refused; assert nothing changed and return the error."""
    before = copy.deepcopy(asdict(workshop))
    with pytest.raises(DomainError) as caught:
        apply(workshop, actor, command, payload, LATER)
    assert asdict(workshop) == before
    return caught.value


# -- sequence numbers -----------------------------------------------------------


def test_joining_numbers_each_participant_event():
    workshop = make_workshop()
    assert workshop.seq == 3
    events = join(workshop, "cid", "Cid", PARTICIPANT, NOW)
    assert [(e.type, e.seq) for e in events] == [(p.PARTICIPANT_JOINED, 4)]
    assert workshop.seq == 4


def test_seq_rises_by_exactly_one_per_event(workshop):
    seen = []
    nid = note_id()
    for actor, command, payload in [
        ("ann", p.NOTE_ADD, {"id": nid, "step": 0, "text": "Doel"}),
        ("ann", p.NOTE_EDIT, {"id": nid, "text": "Beter doel"}),
        ("bob", p.NOTE_MOVE, {"id": nid, "x": 0.5, "y": 0.25}),
        ("fac", p.STEP_GO, {"index": 1}),
        ("ann", p.PARTICIPANT_READY, {"ready": True}),
        ("fac", p.WORKSHOP_EDIT, {"title": "Nieuwe titel"}),
        ("fac", p.WORKSHOP_LOCK, {"locked": True}),
        ("fac", p.NOTE_REMOVE, {"id": nid}),
    ]:
        events = apply(workshop, actor, command, payload, NOW)
        assert len(events) == 1, command
        seen.append(events[0].seq)
    assert seen == list(range(4, 12))
    assert workshop.seq == 11


def test_event_message_carries_seq_type_and_data(workshop):
    [event] = apply(workshop, "fac", p.STEP_GO, {"index": 2}, NOW)
    assert event_message(event) == {
        "seq": 4,
        "type": p.STEP_CHANGED,
        "data": {
            "index": 2,
            "times": [
                {"index": 0, "started_at": None, "ended_at": NOW},
                {"index": 2, "started_at": NOW, "ended_at": None},
            ],
        },
    }


def test_command_that_changes_nothing_emits_no_event_and_keeps_seq(workshop):
    assert apply(workshop, "fac", p.WORKSHOP_LOCK, {"locked": False}, NOW) == []
    assert apply(workshop, "ann", p.PARTICIPANT_READY, {"ready": False}, NOW) == []
    assert workshop.seq == 3


# -- refusals leave the workshop unchanged -----------------------------------------


def test_participant_may_not_change_step(workshop):
    error = refused(workshop, "ann", p.STEP_GO, {"index": 1})
    assert error.code == "forbidden"


@pytest.mark.parametrize(
    "command, payload",
    [
        (p.WORKSHOP_EDIT, {"title": "Van mij"}),
        (p.WORKSHOP_LOCK, {"locked": True}),
    ],
)
def test_participant_may_not_run_facilitator_commands(workshop, command, payload):
    assert refused(workshop, "bob", command, payload).code == "forbidden"


def test_participant_may_not_edit_or_remove_someone_elses_note(workshop):
    nid = add(workshop, "ann")
    assert refused(workshop, "bob", p.NOTE_EDIT, {"id": nid, "text": "Gekaapt"}).code == "forbidden"
    assert refused(workshop, "bob", p.NOTE_REMOVE, {"id": nid}).code == "forbidden"


def test_facilitator_may_edit_and_remove_any_note(workshop):
    nid = add(workshop, "ann")
    apply(workshop, "fac", p.NOTE_EDIT, {"id": nid, "text": "Samengevat"}, NOW)
    assert workshop.notes[nid].text == "Samengevat"
    apply(workshop, "fac", p.NOTE_REMOVE, {"id": nid}, NOW)
    assert workshop.notes[nid].removed
    assert workshop.live_notes() == []


@pytest.mark.parametrize(
    "command, payload",
    [
        (p.NOTE_EDIT, {"text": "Er is niets"}),
        (p.NOTE_MOVE, {"x": 0.1, "y": 0.1}),
        (p.NOTE_REMOVE, {}),
    ],
)
def test_commands_on_an_unknown_note_are_not_found(workshop, command, payload):
    error = refused(workshop, "ann", command, {"id": note_id(), **payload})
    assert error.code == "not_found"


def test_a_removed_note_can_no_longer_be_edited(workshop):
    nid = add(workshop, "ann")
    apply(workshop, "ann", p.NOTE_REMOVE, {"id": nid}, NOW)
    assert refused(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Terug"}).code == "not_found"


def test_note_on_an_unknown_step_is_invalid_with_the_step_field(workshop):
    error = refused(workshop, "ann", p.NOTE_ADD, {"id": note_id(), "step": 4, "text": "Waar?"})
    assert error.code == "invalid"
    assert set(error.fields) == {"step"}


def test_going_to_an_unknown_step_is_invalid_with_the_index_field(workshop):
    error = refused(workshop, "fac", p.STEP_GO, {"index": 9})
    assert error.code == "invalid"
    assert set(error.fields) == {"index"}
    assert workshop.current_step == 0


def test_unknown_colour_is_invalid(workshop):
    error = refused(workshop, "ann", p.NOTE_ADD, {"id": note_id(), "step": 0, "text": "Rood", "color": "red"})
    assert (error.code, set(error.fields)) == ("invalid", {"color"})


def test_unknown_participant_is_unauthorized(workshop):
    assert refused(workshop, "nobody", p.STEP_GO, {"index": 1}).code == "unauthorized"


def test_unknown_command_is_refused(workshop):
    assert refused(workshop, "fac", "note:paint", {}).code == "unknown_command"


def test_error_as_dict_carries_code_message_and_fields(workshop):
    error = refused(workshop, "ann", p.NOTE_ADD, {"id": note_id(), "step": 7, "text": "x"})
    as_dict = error.as_dict()
    assert as_dict["code"] == "invalid"
    assert as_dict["message"]
    assert list(as_dict["fields"]) == ["step"]
    assert "current" not in as_dict


# -- idempotent creation ----------------------------------------------------------


def test_repeating_note_add_with_the_same_id_is_harmless(workshop):
    nid = note_id()
    payload = {"id": nid, "step": 0, "text": "Eén keer"}
    first = apply(workshop, "ann", p.NOTE_ADD, payload, NOW)
    seq = workshop.seq
    again = apply(workshop, "ann", p.NOTE_ADD, dict(payload), LATER)
    assert len(first) == 1 and again == []
    assert workshop.seq == seq
    assert [n.id for n in workshop.live_notes()] == [nid]


def test_someone_else_reusing_a_note_id_gets_conflict(workshop):
    nid = add(workshop, "ann")
    error = refused(workshop, "bob", p.NOTE_ADD, {"id": nid, "step": 0, "text": "Ook van mij"})
    assert error.code == "conflict"


# -- lanes -------------------------------------------------------------------------


def test_note_on_the_platform_step_goes_to_the_named_lane(workshop):
    nid = add(workshop, "ann", step=PLATFORM, lane="dialogue")
    assert workshop.notes[nid].lane == "dialogue"


def test_note_on_the_platform_step_defaults_to_the_first_lane(workshop):
    nid = add(workshop, "ann", step=PLATFORM)
    assert workshop.notes[nid].lane == "transparency"


def test_note_on_the_platform_step_with_an_unknown_lane_is_invalid(workshop):
    error = refused(workshop, "ann", p.NOTE_ADD, {"id": note_id(), "step": PLATFORM, "text": "x", "lane": "nowhere"})
    assert (error.code, set(error.fields)) == ("invalid", {"lane"})


@pytest.mark.parametrize("step", [0, 1, 2])
def test_steps_without_lanes_reject_a_lane(workshop, step):
    error = refused(workshop, "ann", p.NOTE_ADD, {"id": note_id(), "step": step, "text": "x", "lane": "dialogue"})
    assert (error.code, set(error.fields)) == ("invalid", {"lane"})


def test_note_without_lane_on_a_step_without_lanes_has_no_lane(workshop):
    nid = add(workshop, "ann", step=1)
    assert workshop.notes[nid].lane is None


def test_editing_a_note_can_move_it_to_another_lane(workshop):
    nid = add(workshop, "ann", step=PLATFORM, lane="transparency")
    [event] = apply(workshop, "ann", p.NOTE_EDIT, {"id": nid, "lane": "reflection"}, NOW)
    assert event.data["lane"] == "reflection"
    assert refused(workshop, "ann", p.NOTE_EDIT, {"id": nid, "lane": "void"}).code == "invalid"


# -- anonymity -----------------------------------------------------------------------


def test_anonymous_note_on_a_step_with_anonymity_off_is_invalid(workshop):
    assert workshop.steps[0].anonymity == "off"
    error = refused(workshop, "ann", p.NOTE_ADD, {"id": note_id(), "step": 0, "text": "Stil", "anonymous": True})
    assert (error.code, set(error.fields)) == ("invalid", {"anonymous"})


def test_anonymity_allowed_on_the_friction_step_is_the_writers_choice(workshop):
    assert workshop.steps[2].anonymity == "allowed"
    hidden = add(workshop, "ann", step=2, text="Te veel vergaderen", anonymous=True)
    named = add(workshop, "ann", step=2, text="Te weinig tijd", anonymous=False)
    unstated = add(workshop, "ann", step=2, text="Geen budget")
    assert workshop.notes[hidden].anonymous is True
    assert workshop.notes[named].anonymous is False
    assert workshop.notes[unstated].anonymous is False


def test_required_anonymity_makes_every_note_anonymous(workshop):
    workshop.steps[2].anonymity = "required"
    nid = add(workshop, "bob", step=2, text="Ik zeg het toch", anonymous=False)
    assert workshop.notes[nid].anonymous is True
    other = add(workshop, "bob", step=2, text="Nog een")
    assert workshop.notes[other].anonymous is True


# -- versions and conflicts ---------------------------------------------------------


def test_editing_text_or_colour_bumps_the_version(workshop):
    nid = add(workshop, "ann")
    assert workshop.notes[nid].version == 1
    [event] = apply(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Scherper"}, NOW)
    assert (event.type, event.data["version"], event.data["text"]) == (p.NOTE_EDITED, 2, "Scherper")
    [event] = apply(workshop, "ann", p.NOTE_EDIT, {"id": nid, "color": "blue"}, NOW)
    assert (event.data["version"], event.data["color"]) == (3, "blue")
    assert workshop.notes[nid].version == 3


def test_moving_a_note_does_not_bump_its_version(workshop):
    nid = add(workshop, "ann")
    [event] = apply(workshop, "bob", p.NOTE_MOVE, {"id": nid, "x": 0.3, "y": 0.7}, NOW)
    assert event.type == p.NOTE_MOVED
    assert event.data == {"id": nid, "step": 0, "x": 0.3, "y": 0.7, "lane": None, "group": None}
    assert (workshop.notes[nid].x, workshop.notes[nid].y) == (0.3, 0.7)
    assert workshop.notes[nid].version == 1


def test_edit_with_the_current_version_succeeds(workshop):
    nid = add(workshop, "ann")
    [event] = apply(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Nieuw", "version": 1}, NOW)
    assert event.data["version"] == 2


def test_stale_version_is_a_conflict_carrying_the_current_note(workshop):
    nid = add(workshop, "ann", text="Eerste")
    apply(workshop, "fac", p.NOTE_EDIT, {"id": nid, "text": "Door begeleider"}, NOW)
    error = refused(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Mijn versie", "version": 1})
    assert error.code == "conflict"
    assert error.current["id"] == nid
    assert error.current["text"] == "Door begeleider"
    assert error.current["version"] == 2
    assert error.as_dict()["current"] == error.current


# -- steps, readiness, lock ---------------------------------------------------------


def test_step_go_moves_everyone_and_resets_ready_flags(workshop):
    apply(workshop, "ann", p.PARTICIPANT_READY, {"ready": True}, NOW)
    apply(workshop, "bob", p.PARTICIPANT_READY, {"ready": True}, NOW)
    assert all(workshop.participants[pid].ready for pid in ("ann", "bob"))
    [event] = apply(workshop, "fac", p.STEP_GO, {"index": 1}, NOW)
    assert event.data["index"] == 1
    assert workshop.current_step == 1
    assert not any(person.ready for person in workshop.participants.values())


def test_ready_flag_is_announced_with_the_participant_id(workshop):
    [event] = apply(workshop, "bob", p.PARTICIPANT_READY, {"ready": True}, NOW)
    assert (event.type, event.data) == (p.PARTICIPANT_READY_CHANGED, {"id": "bob", "ready": True})


def test_lock_blocks_participants_from_changing_notes(workshop):
    nid = add(workshop, "ann")
    apply(workshop, "fac", p.WORKSHOP_LOCK, {"locked": True}, NOW)
    assert refused(workshop, "bob", p.NOTE_ADD, {"id": note_id(), "step": 0, "text": "Nu niet"}).code == "locked"
    assert refused(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Nu niet"}).code == "locked"
    assert refused(workshop, "ann", p.NOTE_MOVE, {"id": nid, "x": 0.2, "y": 0.2}).code == "locked"
    assert refused(workshop, "ann", p.NOTE_REMOVE, {"id": nid}).code == "locked"


def test_lock_does_not_block_the_facilitator(workshop):
    nid = add(workshop, "ann")
    apply(workshop, "fac", p.WORKSHOP_LOCK, {"locked": True}, NOW)
    own = add(workshop, "fac", text="Samenvatting")
    apply(workshop, "fac", p.NOTE_EDIT, {"id": nid, "text": "Gebundeld"}, NOW)
    apply(workshop, "fac", p.NOTE_MOVE, {"id": nid, "x": 0.9, "y": 0.9}, NOW)
    assert workshop.notes[own].text == "Samenvatting"
    assert workshop.notes[nid].text == "Gebundeld"
    [event] = apply(workshop, "fac", p.WORKSHOP_LOCK, {"locked": False}, NOW)
    assert event.data == {"locked": False}
    add(workshop, "bob", text="Weer open")
    assert len(workshop.live_notes()) == 3


def test_workshop_edit_announces_title_and_goal(workshop):
    [event] = apply(workshop, "fac", p.WORKSHOP_EDIT, {"goal": "Nieuw doel"}, NOW)
    assert (event.type, event.data) == (p.WORKSHOP_EDITED, {"title": "Teamdag", "goal": "Nieuw doel"})


# -- views ---------------------------------------------------------------------------


def test_anonymous_note_never_reveals_its_author(workshop):
    nid = add(workshop, "ann", step=FRICTION, text="Het schuurt", anonymous=True)
    [revealed] = apply(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION}, NOW)
    [shown] = revealed.data["notes"]
    assert (shown["text"], shown["author"], shown["author_name"]) == ("Het schuurt", None, None)
    [edited] = apply(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Het schuurt echt"}, NOW)
    assert edited.data["author"] is None and edited.data["author_name"] is None
    for viewer in ("ann", "bob", "fac"):
        [view] = [n for n in view_of(workshop, viewer)["notes"] if n["id"] == nid]
        assert view["text"] == "Het schuurt echt"
        assert view["author"] is None
        assert view["author_name"] is None
        assert view["anonymous"] is True
        assert view["mine"] is (viewer == "ann")


def test_no_event_about_an_anonymous_note_names_its_author(workshop):
    nid = note_id()
    events = apply(workshop, "ann", p.NOTE_ADD, {"id": nid, "step": FRICTION, "text": "Stil", "anonymous": True}, NOW)
    events += apply(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION}, NOW)
    events += apply(workshop, "ann", p.NOTE_EDIT, {"id": nid, "text": "Stiller"}, NOW)
    for event in events:
        for message in (event_message(event), own_message(event)):
            assert "ann" not in repr(message) and "Ann" not in repr(message)


# -- private writing (step 3: write alone, then the facilitator reveals) ----------------


def test_private_step_notes_are_seen_only_by_their_author(workshop):
    nid = add(workshop, "ann", step=FRICTION, text="Te veel vergaderen")
    [own] = view_of(workshop, "ann")["notes"]
    assert (own["text"], own["mine"]) == ("Te veel vergaderen", True)
    for viewer in ("bob", "fac"):
        [stub] = view_of(workshop, viewer)["notes"]
        assert stub == {"id": nid, "step": FRICTION, "hidden": True}
        counts = view_of(workshop, viewer)["steps"][FRICTION]["counts"]
        assert counts == {"notes": 1, "authors": 1}


def test_note_added_in_private_is_broadcast_as_a_stub_with_counts(workshop):
    nid = note_id()
    [event] = apply(workshop, "bob", p.NOTE_ADD, {"id": nid, "step": FRICTION, "text": "Geen budget"}, NOW)
    public = event_message(event)
    assert "Geen budget" not in repr(public)
    assert public["data"]["hidden"] is True
    assert public["data"]["counts"] == {"notes": 1, "authors": 1}
    own = own_message(event)
    assert event.owner == "bob"
    assert own["seq"] == public["seq"]
    assert own["data"]["text"] == "Geen budget"


def test_revealing_a_private_step_shows_its_notes_to_everyone(workshop):
    nid = add(workshop, "bob", step=FRICTION, text="Beslissingen blijven hangen")
    [event] = apply(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION}, NOW)
    assert event.type == p.NOTES_REVEALED
    assert [note["text"] for note in event.data["notes"]] == ["Beslissingen blijven hangen"]
    [view] = view_of(workshop, "ann")["notes"]
    assert (view["id"], view["text"], view["author_name"]) == (nid, "Beslissingen blijven hangen", "Bob")
    assert apply(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION}, NOW) == []


def test_only_the_facilitator_reveals_notes(workshop):
    add(workshop, "ann", step=FRICTION)
    assert refused(workshop, "ann", p.NOTES_REVEAL, {"step": FRICTION}).code == "forbidden"


def test_opening_a_private_step_by_editing_it_sends_its_notes_to_everyone(workshop):
    # A client that follows events must end where a fresh snapshot is: once the step is
    # open, others see the note in a snapshot, so some event must have carried its text.
    add(workshop, "ann", step=FRICTION, text="Te veel vergaderen")
    events = apply(workshop, "fac", p.STEP_EDIT, {"index": FRICTION, "reveal": "open"}, NOW)
    [view] = view_of(workshop, "bob")["notes"]
    assert view["text"] == "Te veel vergaderen"
    assert "Te veel vergaderen" in repr([event_message(event) for event in events])


def test_open_steps_show_notes_at_once(workshop):
    add(workshop, "ann", step=0, text="Zichtbaar")
    [view] = view_of(workshop, "bob")["notes"]
    assert view["text"] == "Zichtbaar"
    assert "counts" not in view_of(workshop, "bob")["steps"][0]


def test_named_note_shows_its_author_to_everyone(workshop):
    nid = add(workshop, "bob", text="Open kaart")
    for viewer in ("ann", "bob", "fac"):
        [view] = view_of(workshop, viewer)["notes"]
        assert (view["id"], view["author"], view["author_name"]) == (nid, "bob", "Bob")
        assert view["mine"] is (viewer == "bob")


def test_snapshot_leaves_out_removed_notes(workshop):
    kept = add(workshop, "ann", text="Blijft")
    gone = add(workshop, "ann", text="Weg")
    apply(workshop, "ann", p.NOTE_REMOVE, {"id": gone}, NOW)
    assert [n["id"] for n in view_of(workshop, "bob")["notes"]] == [kept]


def test_snapshot_describes_the_viewer_workshop_and_seq(workshop):
    apply(workshop, "fac", p.STEP_GO, {"index": 2}, NOW)
    snap = view_of(workshop, "ann")
    assert snap["seq"] == workshop.seq == 4
    assert snap["me"] == {"id": "ann", "name": "Ann", "role": PARTICIPANT, "ready": False, "table": None}
    assert snap["workshop"]["current_step"] == 2
    assert snap["workshop"]["join_code"] == "ABC234"
    assert snap["workshop"]["title"] == "Teamdag"
    assert {person["id"] for person in snap["participants"]} == {"fac", "ann", "bob"}


def test_snapshot_has_the_four_dutch_steps_and_platform_lanes(workshop):
    snap = view_of(workshop, "fac")
    assert [step["title"] for step in snap["steps"]] == [
        "Doelen stellen",
        "Persoonlijk merk",
        "Knuppel in het hoenderhok",
        "Platform van betrokkenheid",
    ]
    assert [step["index"] for step in snap["steps"]] == [0, 1, 2, 3]
    assert [step["key"] for step in snap["steps"]] == ["goals", "brand", "friction", "platform"]
    platform = snap["steps"][PLATFORM]
    assert [lane["key"] for lane in platform["lanes"]] == LANE_KEYS
    assert [lane["title"] for lane in platform["lanes"]] == [
        "Transparantie",
        "Toegankelijkheid",
        "Dialoog",
        "Reflectie",
    ]
    assert all(step["lanes"] == [] for step in snap["steps"][:PLATFORM])
    assert all(step["prompt"] for step in snap["steps"])


def test_snapshot_in_english_has_english_titles():
    workshop = make_workshop("en")
    snap = view_of(workshop, "ann")
    assert snap["workshop"]["language"] == "en"
    assert [step["title"] for step in snap["steps"]] == [
        "Set goals",
        "Personal brand",
        "Friction",
        "Engagement platform",
    ]
    assert [lane["title"] for lane in snap["steps"][PLATFORM]["lanes"]] == [
        "Transparency",
        "Accessibility",
        "Dialogue",
        "Reflection",
    ]
    assert [lane["key"] for lane in snap["steps"][PLATFORM]["lanes"]] == LANE_KEYS


def test_unknown_format_key_is_refused():
    with pytest.raises(KeyError):
        load_format("nope")
