"""Inbound commands and JSON bodies: valid ones load, bad ones name the bad field."""

import uuid

import pytest
from marshmallow import ValidationError

from cocreate import protocol as p
from cocreate.realtime.commands import SCHEMAS as COMMAND_SCHEMAS
from cocreate.schemas import participant_create, workshop_create

NOTE_ID = str(uuid.uuid4())


def load(command, payload):
    return COMMAND_SCHEMAS[command].load(payload)


def test_note_add_loads_and_trims_its_text():
    note = load(
        p.NOTE_ADD,
        {
            "id": NOTE_ID,
            "step": 3,
            "lane": "dialogue",
            "text": "  Elke week een open spreekuur \n",
            "color": "blue",
            "x": 0,
            "y": 1,
            "anonymous": False,
        },
    )
    assert note == {
        "id": NOTE_ID,
        "step": 3,
        "lane": "dialogue",
        "text": "Elke week een open spreekuur",
        "color": "blue",
        "x": 0.0,
        "y": 1.0,
        "anonymous": False,
    }


def test_note_add_keeps_the_uuid_in_canonical_form():
    upper = NOTE_ID.upper()
    assert load(p.NOTE_ADD, {"id": upper, "step": 0, "text": "x"})["id"] == NOTE_ID


def test_note_add_accepts_exactly_280_characters():
    assert len(load(p.NOTE_ADD, {"id": NOTE_ID, "step": 0, "text": "a" * 280})["text"]) == 280


def test_note_edit_move_remove_and_step_go_load():
    assert load(p.NOTE_EDIT, {"id": NOTE_ID, "text": " Nieuw ", "version": 2}) == {
        "id": NOTE_ID,
        "text": "Nieuw",
        "version": 2,
    }
    assert load(p.NOTE_EDIT, {"id": NOTE_ID, "color": "pink"}) == {"id": NOTE_ID, "color": "pink"}
    assert load(p.NOTE_MOVE, {"id": NOTE_ID, "x": 0.25, "y": 0.75}) == {"id": NOTE_ID, "x": 0.25, "y": 0.75}
    assert load(p.NOTE_REMOVE, {"id": NOTE_ID}) == {"id": NOTE_ID}
    assert load(p.STEP_GO, {"index": 3}) == {"index": 3}
    assert load(p.WORKSHOP_LOCK, {"locked": True}) == {"locked": True}
    assert load(p.PARTICIPANT_READY, {"ready": False}) == {"ready": False}
    assert load(p.SYNC, {}) == {}


def test_workshop_edit_loads_a_trimmed_title_and_an_empty_goal():
    assert load(p.WORKSHOP_EDIT, {"title": "  Teamdag  ", "goal": ""}) == {"title": "Teamdag", "goal": ""}


def test_workshop_create_fills_defaults():
    # No format or language: the defaults for a new workshop, the earlier session's for a
    # follow-up (the view decides, so the schema leaves them open).
    assert workshop_create.load({"title": " Teamdag "}) == {
        "title": "Teamdag",
        "goal": "",
        "format": None,
        "language": None,
        "retention": "30d",
        "date": None,
    }
    assert (
        workshop_create.load({"title": "Team day", "language": "en", "format": "cocreation", "goal": "Grow"})[
            "language"
        ]
        == "en"
    )
    follow_up = workshop_create.load({"title": "Terugkomdag", "follow_up_of": "n23IWkTMAZV1u61_", "date": "2027-03-01"})
    assert (follow_up["follow_up_of"], follow_up["date"]) == ("n23IWkTMAZV1u61_", "2027-03-01")
    for bad in (
        {"follow_up_of": ""},
        {"follow_up_of": "x" * 41},
        {"date": "1 maart"},
        {"date": "1999-03-01"},
        {"follow_up_of": 7},
    ):
        with pytest.raises(ValidationError):
            workshop_create.load({"title": "Terugkomdag", **bad})


def test_participant_create_trims_the_name():
    assert participant_create.load({"name": "  Sanne "}) == {"name": "Sanne"}


NOTE = {"id": NOTE_ID, "step": 0, "text": "Meer plezier"}

INVALID = [
    ("unknown field", p.NOTE_ADD, {**NOTE, "author": "ann"}, {"author"}),
    ("281-char text", p.NOTE_ADD, {**NOTE, "text": "a" * 281}, {"text"}),
    ("whitespace-only text", p.NOTE_ADD, {**NOTE, "text": " \n\t "}, {"text"}),
    ("missing text", p.NOTE_ADD, {"id": NOTE_ID, "step": 0}, {"text"}),
    ("bad uuid", p.NOTE_ADD, {**NOTE, "id": "not-a-uuid"}, {"id"}),
    ("overlong uuid", p.NOTE_ADD, {**NOTE, "id": NOTE_ID + "0" * 40}, {"id"}),
    ("uuid as number", p.NOTE_ADD, {**NOTE, "id": 12345}, {"id"}),
    ("step as string", p.NOTE_ADD, {**NOTE, "step": "1"}, {"step"}),
    ("step as float", p.NOTE_ADD, {**NOTE, "step": 1.5}, {"step"}),
    ("bool as step", p.NOTE_ADD, {**NOTE, "step": True}, {"step"}),
    ("negative step", p.NOTE_ADD, {**NOTE, "step": -1}, {"step"}),
    ("NaN x", p.NOTE_ADD, {**NOTE, "x": float("nan")}, {"x"}),
    ("x above 1", p.NOTE_ADD, {**NOTE, "x": 1.01}, {"x"}),
    ("y below 0", p.NOTE_MOVE, {"id": NOTE_ID, "x": 0.5, "y": -0.1}, {"y"}),
    ("infinite y", p.NOTE_MOVE, {"id": NOTE_ID, "x": 0.5, "y": float("inf")}, {"y"}),
    ("unknown colour", p.NOTE_ADD, {**NOTE, "color": "red"}, {"color"}),
    ("note:edit with nothing to change", p.NOTE_EDIT, {"id": NOTE_ID, "version": 2}, {"_schema"}),
    ("note:edit version 0", p.NOTE_EDIT, {"id": NOTE_ID, "text": "x", "version": 0}, {"version"}),
    ("note:move without y", p.NOTE_MOVE, {"id": NOTE_ID, "x": 0.5}, {"y"}),
    ("step:go as string", p.STEP_GO, {"index": "2"}, {"index"}),
    ("workshop:edit empty", p.WORKSHOP_EDIT, {}, {"_schema"}),
    ("workshop:edit title 121 chars", p.WORKSHOP_EDIT, {"title": "t" * 121}, {"title"}),
    ("workshop:edit blank title", p.WORKSHOP_EDIT, {"title": "   "}, {"title"}),
    ("lock without locked", p.WORKSHOP_LOCK, {}, {"locked"}),
    ("sync with a field", p.SYNC, {"seq": 3}, {"seq"}),
    ("timer under 5 seconds", p.TIMER_START, {"seconds": 4}, {"seconds"}),
    ("timer as string", p.TIMER_START, {"seconds": "60"}, {"seconds"}),
    ("step:edit with only the index", p.STEP_EDIT, {"index": 1}, {"_schema"}),
    ("step:edit unknown reveal", p.STEP_EDIT, {"index": 1, "reveal": "later"}, {"reveal"}),
    (
        "step:edit nine lanes",
        p.STEP_EDIT,
        {"index": 3, "lanes": [{"key": f"l{n}", "title": f"L{n}"} for n in range(9)]},
        {"lanes"},
    ),
    ("notes:reveal without step", p.NOTES_REVEAL, {}, {"step"}),
]


@pytest.mark.parametrize("command, payload, expected", [row[1:] for row in INVALID], ids=[row[0] for row in INVALID])
def test_invalid_command_payload_names_the_bad_fields(command, payload, expected):
    with pytest.raises(ValidationError) as caught:
        load(command, payload)
    assert set(caught.value.messages) == expected


INVALID_BODIES = [
    ("title 121 chars", workshop_create, {"title": "t" * 121}, {"title"}),
    ("missing title", workshop_create, {"goal": "Groei"}, {"title"}),
    ("language de", workshop_create, {"title": "Teamdag", "language": "de"}, {"language"}),
    ("format nope", workshop_create, {"title": "Teamdag", "format": "nope"}, {"format"}),
    ("unknown field", workshop_create, {"title": "Teamdag", "owner": "me"}, {"owner"}),
    ("goal 501 chars", workshop_create, {"title": "Teamdag", "goal": "g" * 501}, {"goal"}),
    ("name 41 chars", participant_create, {"name": "n" * 41}, {"name"}),
    ("blank name", participant_create, {"name": "  "}, {"name"}),
]


@pytest.mark.parametrize(
    "schema, body, expected", [row[1:] for row in INVALID_BODIES], ids=[row[0] for row in INVALID_BODIES]
)
def test_invalid_json_body_names_the_bad_fields(schema, body, expected):
    with pytest.raises(ValidationError) as caught:
        schema.load(body)
    assert set(caught.value.messages) == expected


@pytest.mark.parametrize("text", ["\ud800", "\udfff x", "a\x00", "\x7f", "\x9b", "\ufffe"])
def test_text_that_is_not_valid_unicode_text_is_refused_with_its_field(text):
    with pytest.raises(ValidationError) as refused:
        load(p.NOTE_ADD, {"id": NOTE_ID, "step": 0, "text": "ok", "lane": text})
    assert "lane" in refused.value.messages
    with pytest.raises(ValidationError):
        load(p.SET_TABLES, {"count": 2, "mode": "random", "names": ["A", text]})
    with pytest.raises(ValidationError):
        load(p.NOTE_ADD, {"id": NOTE_ID, "step": 0, text: "a key is text too"})


def test_line_breaks_are_kept_in_notes_and_flattened_in_names():
    assert load(p.NOTE_ADD, {"id": NOTE_ID, "step": 0, "text": "een\r\ntwee\rdrie"})["text"] == ("een\ntwee\ndrie")
    assert participant_create.load({"name": "Anouk\n\tde Vries"}) == {"name": "Anouk de Vries"}
    assert load(p.NOTE_ADD, {"id": NOTE_ID, "step": 0, "text": "Zoë 👩‍👩‍👧 ✓"})["text"] == "Zoë 👩‍👩‍👧 ✓"
