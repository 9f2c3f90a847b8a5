"""Tables in the domain: the random deal, choosing, moving people, late joiners, notes."""

import random
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocreate import protocol as p
from cocreate.domain import PARTICIPANT, DomainError, apply, available_formats, join, load_format, table_names
from cocreate.domain.tables import deal
from cocreate.catalogues import translate
from workshops import domain_workshop, numbered_people

NOW = "2026-11-28T09:00:00+00:00"


def workshop(people=6, facilitators=1, format_key="eigenaarschap"):
    return domain_workshop(
        numbered_people(people),
        now=NOW,
        title="Tafels",
        format_key=format_key,
        facilitators=[f"fac{index}" for index in range(facilitators)],
    )


def run(made, actor, command, payload):
    return apply(made, actor, command, payload, NOW)


def sizes(made):
    counts = {table["id"]: 0 for table in made.tables}
    for person in made.participants.values():
        if person.table:
            counts[person.table] += 1
    return counts


@given(people=st.integers(0, 60), tables=st.integers(1, 30), seed=st.integers(0, 2**32))
def test_the_deal_seats_everyone_once_with_sizes_within_one(people, tables, seed):
    names = [f"p{n}" for n in range(people)]
    table_ids = [f"t{n}" for n in range(tables)]
    seats = deal(names, table_ids, random.Random(seed))
    assert sorted(seats) == sorted(names)
    counts = [list(seats.values()).count(table) for table in table_ids]
    assert max(counts) - min(counts) <= 1


@given(people=st.integers(2, 40), count=st.integers(2, 30), facilitators=st.integers(1, 3))
def test_dealing_tables_never_seats_a_facilitator_and_balances_the_rest(people, count, facilitators):
    made = workshop(people, facilitators)
    [event] = run(made, "fac0", p.SET_TABLES, {"count": count, "mode": "random"})
    assert event.type == p.TABLES_SET and len(event.data["tables"]) == count
    seated = event.data["assignments"]
    assert set(seated) == {f"p{n}" for n in range(people)}
    assert all(not made.participants[f"fac{n}"].table for n in range(facilitators))
    counts = list(sizes(made).values())
    assert max(counts) - min(counts) <= 1
    # The same seats from the stored aggregate: nothing depends on the connection.
    assert {pid: made.participants[pid].table for pid in seated} == seated


def test_tables_of_a_size_and_names():
    made = workshop(7)
    run(made, "fac0", p.SET_TABLES, {"size": 3, "mode": "random", "names": ["Data", "Leiderschap"]})
    assert [table["name"] for table in made.tables] == ["Data", "Leiderschap", "Tafel 3"]
    assert sorted(sizes(made).values()) == [2, 2, 3]


def test_tables_without_a_name_are_named_in_the_workshops_language_from_the_catalogue():
    english = domain_workshop(numbered_people(4), now=NOW, language="en")
    run(english, "fac", p.SET_TABLES, {"count": 2, "mode": "choose", "names": ["Data"]})
    assert [table["name"] for table in english.tables] == ["Data", "Table 2"]
    assert translate("en", "table_default_name", n=2) == "Table 2"


def test_a_late_joiner_sits_at_the_smallest_table_and_choosing_is_asked_for():
    made = workshop(5)
    run(made, "fac0", p.SET_TABLES, {"count": 2, "mode": "random"})
    [joined] = join(made, "late", "Laat", PARTICIPANT, NOW)
    assert joined.data["table"] == min(sizes(made), key=lambda t: sizes(made)[t] - (t == joined.data["table"]))
    assert sorted(sizes(made).values()) == [3, 3]
    run(made, "fac0", p.SET_TABLES, {"count": 3, "mode": "choose"})
    assert set(sizes(made).values()) == {0}
    join(made, "later", "Later", PARTICIPANT, NOW)
    assert made.participants["later"].table is None
    [chose] = run(made, "later", p.TABLE_CHOOSE, {"table": "t2"})
    assert (chose.type, chose.data) == (p.PARTICIPANT_TABLE, {"id": "later", "table": "t2"})


@pytest.mark.parametrize(
    "actor, command, payload, code",
    [
        ("p0", p.SET_TABLES, {"count": 2, "mode": "random"}, "forbidden"),
        ("p0", p.TABLE_ASSIGN, {"participant": "p1", "table": "t1"}, "forbidden"),
        ("p0", p.TABLES_CLEAR, {}, "forbidden"),
        ("p0", p.PROJECTOR_FOCUS, {"table": "t1"}, "forbidden"),
        ("p0", p.TABLE_CHOOSE, {"table": "t1"}, "invalid"),  # random mode: no choosing
        ("fac0", p.TABLE_ASSIGN, {"participant": "p1", "table": "t9"}, "invalid"),
        ("fac0", p.TABLE_ASSIGN, {"participant": "fac0", "table": "t1"}, "invalid"),
        ("fac0", p.PROJECTOR_FOCUS, {"table": "t9"}, "invalid"),
    ],
)
def test_bad_table_commands_are_refused_and_change_nothing(actor, command, payload, code):
    made = workshop(4)
    run(made, "fac0", p.SET_TABLES, {"count": 2, "mode": "random"})
    before = ({pid: person.table for pid, person in made.participants.items()}, made.focus, made.seq, list(made.tables))
    with pytest.raises(DomainError) as refused:
        run(made, actor, command, payload)
    assert refused.value.code == code
    assert before == (
        {pid: person.table for pid, person in made.participants.items()},
        made.focus,
        made.seq,
        list(made.tables),
    )


def test_notes_in_a_table_step_carry_the_table_and_may_be_written_for_it():
    made = workshop(4)
    run(made, "fac0", p.SET_TABLES, {"count": 2, "mode": "random"})
    run(made, "fac0", p.STEP_EDIT, {"index": 1, "tables": True})
    mine = made.participants["p0"].table
    note = str(uuid.uuid4())
    [added] = run(made, "p0", p.NOTE_ADD, {"id": note, "step": 1, "text": "Data is van ons"})
    assert added.data["table"] == mine and added.data["author_name"] == "Deelnemer 0"
    other = "t2" if mine == "t1" else "t1"
    with pytest.raises(DomainError):
        run(made, "p0", p.NOTE_ADD, {"id": str(uuid.uuid4()), "step": 1, "text": "x", "for_table": other})
    [spoken] = run(
        made, "fac0", p.NOTE_ADD, {"id": str(uuid.uuid4()), "step": 1, "text": "Namens de tafel", "for_table": other}
    )
    assert spoken.data["table"] == other and spoken.data["for_table"]
    assert spoken.data["author"] is None and spoken.data["author_name"] is None
    # A step not worked at the tables: no table on its notes.
    [plain] = run(made, "p0", p.NOTE_ADD, {"id": str(uuid.uuid4()), "step": 0, "text": "Los"})
    assert plain.data["table"] is None


def test_clearing_tables_and_focusing_the_projector():
    made = workshop(4)
    run(made, "fac0", p.SET_TABLES, {"count": 2, "mode": "random"})
    [focused] = run(made, "fac0", p.PROJECTOR_FOCUS, {"table": "t2"})
    assert focused.data == {"table": "t2"} and made.focus == "t2"
    run(made, "fac0", p.PROJECTOR_FOCUS, {"table": None})
    [cleared] = run(made, "fac0", p.TABLES_CLEAR, {})
    assert cleared.data == {"tables": [], "mode": None, "assignments": {}}
    assert all(person.table is None for person in made.participants.values())


def test_the_ownership_format_proposes_its_cases_as_tables_and_works_the_cases_at_them():
    ownership = load_format("eigenaarschap")
    assert table_names(ownership, "nl") == ["Data", "Leiderschap", "Teamontwikkeling"]
    assert table_names(ownership, "en") == ["Data", "Leadership", "Team development"]
    made = workshop(0)
    assert [step.key for step in made.steps if step.tables] == ["cases"]


@pytest.mark.parametrize("format_key", ["cocreation", "bondgenootschap"])
def test_a_format_without_tables_proposes_no_names_and_no_step_at_the_tables(format_key):
    assert format_key in available_formats()
    assert table_names(load_format(format_key), "nl") == []
    assert not any(step.tables for step in workshop(0, format_key=format_key).steps)
