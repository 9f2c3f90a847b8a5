"""The canvas in the domain: where new notes land, which lane a place is in, who drags."""

import uuid

import pytest

from cocreate import protocol as p
from cocreate.domain import DomainError, apply, drag
from cocreate.domain.canvas import NOTE_HEIGHT, NOTE_WIDTH, frame_around, free_spot, lane_at
from workshops import domain_workshop

NOW = "2026-11-28T09:00:00+00:00"
LANES = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}, {"key": "c", "title": "C"}]


def workshop(format_key="cocreation"):
    return domain_workshop({"ann": "Anouk", "bob": "Bram"}, now=NOW, title="Canvas", format_key=format_key)


def note(made, who, step, **extra):
    note_id = str(uuid.uuid4())
    apply(made, who, p.NOTE_ADD, {"id": note_id, "step": step, "text": "x", **extra}, NOW)
    return made.notes[note_id]


def test_free_spots_never_overlap_and_fill_the_board_in_reading_order():
    taken = []
    for _ in range(40):
        taken.append(free_spot(taken))
    for index, (x, y) in enumerate(taken):
        assert 0 <= x <= 1 - NOTE_WIDTH and 0 <= y <= 1 - NOTE_HEIGHT
        for other_x, other_y in taken[index + 1 :]:
            assert abs(x - other_x) >= NOTE_WIDTH or abs(y - other_y) >= NOTE_HEIGHT
    assert taken[0][1] == taken[1][1] < taken[-1][1]  # a row first, then the next


def test_a_free_spot_in_a_lane_stays_in_its_band_and_the_band_gives_the_lane_back():
    x, y = free_spot([], LANES, "b")
    assert 1 / 3 <= x and x + NOTE_WIDTH <= 2 / 3
    assert lane_at(LANES, x) == "b" and lane_at(LANES, 0.99) == "c" and lane_at([], 0.5) is None


def test_a_format_can_make_a_step_a_canvas():
    made = workshop("bondgenootschap")
    assert [step.current_layout() for step in made.steps] == ["grid", "canvas", "grid", "grid"]


def test_a_note_on_a_canvas_lands_in_free_space_and_a_given_place_is_kept_whole():
    made = workshop()
    apply(made, "fac", p.STEP_EDIT, {"index": 0, "layout": "canvas"}, NOW)
    first, second = note(made, "ann", 0), note(made, "bob", 0)
    assert (first.x, first.y) != (second.x, second.y) and None not in (first.x, second.x)
    kept = note(made, "ann", 0, x=0.99, y=0.99)
    assert (kept.x, kept.y) == (round(1 - NOTE_WIDTH, 4), round(1 - NOTE_HEIGHT, 4))


def test_dragging_names_the_dragger_unless_it_is_the_anonymous_author():
    made = workshop()
    secret = note(made, "ann", 2, anonymous=True)
    with pytest.raises(DomainError) as refused:
        drag(made, "bob", secret.id, NOW)  # still private: only its author
    assert refused.value.code == "forbidden"
    assert drag(made, "ann", secret.id, NOW).by is None
    apply(made, "fac", p.NOTES_REVEAL, {"step": 2}, NOW)
    assert drag(made, "bob", secret.id, NOW).by == {"id": "bob", "name": "Bram"}
    assert drag(made, "ann", secret.id, NOW).by is None
    apply(made, "fac", p.WORKSHOP_LOCK, {"locked": True}, NOW)
    with pytest.raises(DomainError) as locked:
        drag(made, "bob", secret.id, NOW)
    assert locked.value.code == "locked"
    assert drag(made, "fac", secret.id, NOW).by["name"] == "Begeleider"


def boxes_apart(first, second):
    """True when two (x, y, width, height) boxes do not overlap."""
    return (
        first[0] + first[2] <= second[0] + 1e-9
        or second[0] + second[2] <= first[0] + 1e-9
        or first[1] + first[3] <= second[1] + 1e-9
        or second[1] + second[3] <= first[1] + 1e-9
    )


def note_box(item):
    return (item.x, item.y, NOTE_WIDTH, NOTE_HEIGHT)


def frame_of(made, cluster_id):
    return frame_around([(n.x, n.y) for n in made.live_notes(0) if n.group == cluster_id])


def canvas_with(made, count):
    apply(made, "fac", p.STEP_EDIT, {"index": 0, "layout": "canvas"}, NOW)
    return [note(made, "ann", 0) for _ in range(count)]


def test_a_cluster_on_a_canvas_lays_its_notes_out_in_its_frame_without_overlap():
    made = workshop()
    notes = canvas_with(made, 8)
    anchor = (notes[3].x, notes[3].y)
    events = apply(made, "fac", p.NOTE_GROUP, {"ids": [notes[3].id, notes[0].id, notes[6].id]}, NOW)
    cluster = notes[3].group
    # The note dropped onto stays where it was, lowered only to make room for the name.
    assert notes[3].x == anchor[0] and notes[3].y == pytest.approx(p.CANVAS["CLUSTER_TITLE"])
    moved = {event.data["id"] for event in events if event.type == p.NOTE_MOVED}
    assert {notes[0].id, notes[6].id} <= moved  # everyone sees the notes go into the frame
    frame = frame_of(made, cluster)
    for index, first in enumerate(notes):
        for second in notes[index + 1 :]:
            assert boxes_apart(note_box(first), note_box(second))
        if first.group != cluster:  # loose notes were pushed out of the frame
            assert boxes_apart(note_box(first), frame)
    assert 0 <= frame[0] and frame[0] + frame[2] <= 1 and 0 <= frame[1] and frame[1] + frame[3] <= 1


def test_a_full_board_of_forty_notes_makes_room_for_a_cluster():
    made = workshop()
    notes = canvas_with(made, 40)
    apply(made, "fac", p.NOTE_GROUP, {"ids": [n.id for n in notes[:4]]}, NOW)
    frame = frame_of(made, notes[0].group)
    for index, one in enumerate(notes):
        assert 0 <= one.x <= 1 - NOTE_WIDTH and 0 <= one.y <= 1 - NOTE_HEIGHT
        if index >= 4:
            assert boxes_apart(note_box(one), frame)
        for other in notes[index + 1 :]:
            assert boxes_apart(note_box(one), note_box(other))


def test_a_growing_cluster_never_covers_another_cluster():
    made = workshop()
    notes = canvas_with(made, 12)
    apply(made, "fac", p.NOTE_GROUP, {"ids": [notes[0].id, notes[1].id]}, NOW)
    apply(made, "fac", p.NOTE_GROUP, {"ids": [notes[3].id, notes[4].id]}, NOW)
    first, second = notes[0].group, notes[3].group
    for extra in notes[6:10]:  # dropped into the first cluster, one by one
        apply(made, "fac", p.NOTE_MOVE, {"id": extra.id, "cluster": first}, NOW)
    assert sum(n.group == first for n in notes) == 6
    assert boxes_apart(frame_of(made, first), frame_of(made, second))
    for index, one in enumerate(notes):
        for other in notes[index + 1 :]:
            assert boxes_apart(note_box(one), note_box(other))


def test_a_note_dropped_onto_another_lands_beside_it():
    made = workshop()
    first, second = canvas_with(made, 2)
    dropped = (first.x + 0.02, first.y + 0.03)
    apply(made, "bob", p.NOTE_MOVE, {"id": second.id, "x": dropped[0], "y": dropped[1]}, NOW)
    assert boxes_apart(note_box(first), note_box(second))
    assert abs(second.x - dropped[0]) <= NOTE_WIDTH + 0.01 and abs(second.y - dropped[1]) <= NOTE_HEIGHT
    # On free space it stays exactly where it was dropped.
    apply(made, "bob", p.NOTE_MOVE, {"id": second.id, "x": 0.5, "y": 0.5}, NOW)
    assert (second.x, second.y) == (0.5, 0.5)


def test_clusters_made_in_columns_become_frames_when_the_step_becomes_a_canvas():
    made = workshop()
    notes = [note(made, "ann", 0) for _ in range(7)]
    apply(made, "fac", p.NOTE_GROUP, {"ids": [notes[1].id, notes[4].id, notes[6].id]}, NOW)
    events = apply(made, "fac", p.STEP_EDIT, {"index": 0, "layout": "canvas"}, NOW)
    assert sum(event.type == p.NOTE_MOVED for event in events) == 7
    assert len({event.data["id"] for event in events if event.type == p.NOTE_MOVED}) == 7
    frame = frame_of(made, notes[1].group)
    for index, one in enumerate(notes):
        if one.group is None:
            assert boxes_apart(note_box(one), frame)
        for other in notes[index + 1 :]:
            assert boxes_apart(note_box(one), note_box(other))
