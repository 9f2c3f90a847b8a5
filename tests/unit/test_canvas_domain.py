"""The canvas in the domain: where new notes land, which lane a place is in, who drags."""

import uuid

import pytest

from cocreate import protocol as p
from cocreate.domain import (FACILITATOR, PARTICIPANT, DomainError, apply, drag, join,
                             load_format, new_workshop, steps_in_language)
from cocreate.domain.canvas import NOTE_HEIGHT, NOTE_WIDTH, free_spot, lane_at

NOW = "2026-11-28T09:00:00+00:00"
LANES = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}, {"key": "c", "title": "C"}]


def workshop(format_key="cocreation"):
    steps = steps_in_language(load_format(format_key), "nl")
    made = new_workshop("w1", "ABC234", "Canvas", "", "nl", format_key, steps, NOW)
    join(made, "fac", "Begeleider", FACILITATOR, NOW)
    join(made, "ann", "Anouk", PARTICIPANT, NOW)
    join(made, "bob", "Bram", PARTICIPANT, NOW)
    return made


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
        for other_x, other_y in taken[index + 1:]:
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
