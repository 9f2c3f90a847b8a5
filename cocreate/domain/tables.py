"""Tables: small groups inside one workshop — `tables:set`, `table:choose`, `table:assign`,
`tables:clear` and `projector:focus`.

Tables stay for the following steps until cleared, so the same groups can work through
several rounds. Dealt at random, every participant (never a facilitator) gets a table and
sizes differ by at most one; someone who joins later sits at the smallest table. In
`choose` mode each participant picks their own.
"""

import math
import random

from .. import protocol as p
from ..catalogues import translate
from ..protocol import Command
from .errors import invalid
from .rules import require_facilitator
from .workshop import Event


def deal(people, tables, rng):
    """`{person: table}`: everyone in `people` at one of `tables`, sizes within one."""
    order = list(people)
    rng.shuffle(order)
    return {person: tables[index % len(tables)] for index, person in enumerate(order)}


def _people(workshop):
    return [person for person in workshop.participants.values() if not person.is_facilitator]


def _table(workshop, table_id, field_name="table"):
    if table_id is None:
        return None
    if table_id not in {table["id"] for table in workshop.tables}:
        raise invalid(field_name, "Unknown table.", key="refusal_table_unknown")
    return table_id


def _tables_event(workshop):
    assignments = {person.id: person.table for person in workshop.participants.values() if person.table is not None}
    return Event(
        p.TABLES_SET,
        {"tables": [dict(table) for table in workshop.tables], "mode": workshop.table_mode, "assignments": assignments},
    )


def set_tables(workshop, actor, payload, now):
    """`tables:set`: N tables, or tables of N people, dealt at random or chosen by each."""
    require_facilitator(actor)
    people = _people(workshop)
    count = payload.get("count") or max(1, math.ceil(len(people) / payload["size"]))
    names = list(payload.get("names") or [])
    workshop.tables = [
        {
            "id": f"t{index + 1}",
            "name": names[index]
            if index < len(names)
            else translate(workshop.language, "table_default_name", n=index + 1),
        }
        for index in range(count)
    ]
    workshop.table_mode = payload["mode"]
    seats = {}
    if payload["mode"] == "random":
        # Seeded by the workshop and its seq: the same command always deals the same way.
        rng = random.Random(f"{workshop.id}:{workshop.seq}")
        seats = deal([person.id for person in people], [table["id"] for table in workshop.tables], rng)
    for person in workshop.participants.values():
        person.table = seats.get(person.id)
    workshop.focus = None
    return [_tables_event(workshop)]


def clear_tables(workshop, actor, payload, now):
    """`tables:clear`: everyone back in one room; `tables.set` with no tables."""
    require_facilitator(actor)
    workshop.tables, workshop.table_mode, workshop.focus = [], None, None
    for person in workshop.participants.values():
        person.table = None
    return [_tables_event(workshop)]


def choose_table(workshop, actor, payload, now):
    """`table:choose`: a participant sits down at a table, when the tables are chosen."""
    if workshop.table_mode != "choose":
        raise invalid("table", "The facilitator deals the tables; ask them to move you.", key="refusal_tables_dealt")
    actor.table = _table(workshop, payload["table"])
    return [Event(p.PARTICIPANT_TABLE, {"id": actor.id, "table": actor.table})]


def assign_table(workshop, actor, payload, now):
    """`table:assign`: the facilitator moves someone to another table (or none), any time."""
    require_facilitator(actor)
    person = workshop.participants.get(payload["participant"])
    if person is None or person.is_facilitator:
        raise invalid("participant", "Unknown participant.", key="refusal_participant_unknown")
    person.table = _table(workshop, payload["table"])
    return [Event(p.PARTICIPANT_TABLE, {"id": person.id, "table": person.table})]


def focus_projector(workshop, actor, payload, now):
    """`projector:focus`: one table's notes large on the projector for its report-back."""
    require_facilitator(actor)
    workshop.focus = _table(workshop, payload["table"])
    return [Event(p.PROJECTOR_FOCUSED, {"table": workshop.focus})]


def seat_late_joiner(workshop, person):
    """Someone who joins while tables are dealt sits at the smallest table."""
    if workshop.table_mode != "random" or person.is_facilitator or not workshop.tables:
        return
    sizes = {table["id"]: 0 for table in workshop.tables}
    for other in _people(workshop):
        if other.table in sizes and other.id != person.id:
            sizes[other.table] += 1
    person.table = min(sizes, key=lambda table_id: sizes[table_id])


COMMANDS = (
    Command(p.SET_TABLES, "TablesSet", set_tables, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.TABLES_CLEAR, "Empty", clear_tables, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.TABLE_CHOOSE, "TableChoose", choose_table, delivery=p.LIVE),
    Command(p.TABLE_ASSIGN, "TableAssign", assign_table, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.PROJECTOR_FOCUS, "ProjectorFocus", focus_projector, who=p.FACILITATOR, delivery=p.LIVE),
)
