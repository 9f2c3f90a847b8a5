"""export.json through the store: a backup imported over HTTP and exported again keeps
everything it held."""

import copy
import functools
import json
import uuid
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocreate import protocol as p
from cocreate.domain import (
    FACILITATOR,
    PARTICIPANT,
    apply,
    join,
    load_format,
    new_workshop,
    report_progress,
    steps_in_language,
)
from cocreate.domain.series import carried_copy, share, to_carry
from cocreate.domain.workshop import ACTION_STATUSES, REVIEW_DECISIONS
from cocreate.export import BACKUP_VERSION, backup
from cocreate.export.backup import BACKUP_VERSIONS

from support import bearer
from workshops import domain_workshop

NOW = "2026-11-22T09:00:00+00:00"
BRAND = 1


def seated_workshop():
    """Three people at two named tables, step 2 worked at them, one note written for a table."""
    workshop = domain_workshop({"ann": "Ann", "bob": "Bob", "cas": "Cas"}, now=NOW, title="Wijkavond")
    apply(workshop, "fac", p.SET_TABLES, {"count": 2, "mode": "choose", "names": ["Zorg", "Wonen"]}, NOW)
    for pid, table in (("ann", "t1"), ("bob", "t2"), ("cas", "t1")):
        apply(workshop, "fac", p.TABLE_ASSIGN, {"participant": pid, "table": table}, NOW)
    apply(workshop, "fac", p.STEP_EDIT, {"index": BRAND, "tables": True}, NOW)
    for pid in ("ann", "bob"):
        apply(workshop, pid, p.NOTE_ADD, {"id": str(uuid.uuid4()), "step": BRAND, "text": f"Sterk punt van {pid}"}, NOW)
    apply(
        workshop,
        "fac",
        p.NOTE_ADD,
        {"id": str(uuid.uuid4()), "step": BRAND, "text": "Namens de tafel", "for_table": "t2"},
        NOW,
    )
    return workshop


def test_an_imported_backup_keeps_its_tables_seats_and_notes_written_for_a_table(client):
    document = backup(seated_workshop())
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 201, answer.text
    copy, token = answer.json["id"], answer.json["facilitator_token"]
    again = client.get(f"/w/{copy}/export.json", headers=bearer(token)).json
    assert again["workshop"]["tables"] == [{"id": "t1", "name": "Zorg"}, {"id": "t2", "name": "Wonen"}]
    assert again["workshop"]["table_mode"] == "choose"
    assert again == document
    # The note written for a table still names the table as its author.
    plan = client.get(f"/w/{copy}/plan.md", headers=bearer(token)).text
    assert "Namens de tafel (Wonen)" in plan


# -- export → import → export, as a property -------------------------------------------------

GOALS, FRICTION, PLATFORM = 0, 2, 3
LANES = ("transparency", "accessibility", "dialogue", "reflection")
# Text as people type it, and what breaks files: quotes, separators, markup, emoji, accents.
TEXT = st.one_of(
    st.sampled_from(
        [
            "Één loket",
            'Zeg "nee"; of ja',
            "a,b;c\td",
            "=1+1",
            "<b>x</b>",
            "🎉 ok",
            "regel\nregel",
            "Gemeentesecretaris",
            "# kop",
            "ß ı ŉ €",
        ]
    ),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30),
).filter(lambda text: text.strip())
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)).map(date.isoformat)


@st.composite
def workshops(draw):
    """A workshop made by the room's commands, as a session or a follow-up: people (seated
    at tables or not), notes in every kind of step (on a canvas, anonymous, written for a
    table), clusters, votes, actions with owners, due dates, sources and progress."""
    steps = steps_in_language(load_format("cocreation"), "nl")
    workshop = new_workshop(
        "w1", "ABC234", draw(TEXT), draw(TEXT), "nl", "cocreation", steps, NOW, date=draw(st.none() | DAYS)
    )
    run = functools.partial(apply, workshop, now=NOW)
    join(workshop, "fac", draw(TEXT)[:40], FACILITATOR, NOW)
    people = [f"p{n}" for n in range(draw(st.integers(1, 4)))]
    for pid in people:
        join(workshop, pid, draw(TEXT)[:40], PARTICIPANT, NOW)
    if draw(st.booleans()):
        run(
            "fac",
            p.SET_TABLES,
            {
                "count": 2,
                "mode": draw(st.sampled_from(["random", "choose"])),
                "names": [draw(TEXT)[:40], draw(TEXT)[:40]],
            },
        )
        run("fac", p.STEP_EDIT, {"index": GOALS, "tables": True})
    if draw(st.booleans()):
        run("fac", p.STEP_EDIT, {"index": PLATFORM, "layout": "canvas"})
    platform = []
    for _ in range(draw(st.integers(0, 8))):
        step = draw(st.sampled_from([GOALS, FRICTION, PLATFORM]))
        author = draw(st.sampled_from(["fac", *people]))
        payload = {"id": str(uuid.uuid4()), "step": step, "text": draw(TEXT)}
        if step == PLATFORM:
            payload["lane"] = draw(st.sampled_from(LANES))
            if draw(st.booleans()):
                payload.update(x=draw(st.floats(0, 1)), y=draw(st.floats(0, 1)))
            platform.append(payload["id"])
        elif step == FRICTION:
            payload["anonymous"] = draw(st.booleans())
        elif workshop.tables and author == "fac" and draw(st.booleans()):
            payload["for_table"] = draw(st.sampled_from(["t1", "t2"]))
        run(author, p.NOTE_ADD, payload)
    if draw(st.booleans()):
        run("fac", p.NOTES_REVEAL, {"step": FRICTION})  # else its notes stay private
    if len(platform) > 1 and draw(st.booleans()):
        run("fac", p.NOTE_GROUP, {"ids": platform[:2], "title": draw(TEXT)[:80]})
    if platform and draw(st.booleans()):
        run("fac", p.VOTING_OPEN, {"step": PLATFORM, "budget": 5})
        for voter in people:
            run(voter, p.VOTE_CAST, {"note_id": draw(st.sampled_from(platform))})
        if draw(st.booleans()):
            run("fac", p.VOTING_CLOSE, {})
    for _ in range(draw(st.integers(0, 3))):
        action_id = str(uuid.uuid4())
        owner = draw(st.none() | st.sampled_from(people) | TEXT.map(lambda text: text[:80]))
        run(
            "fac",
            p.ACTION_ADD,
            {
                "id": action_id,
                "title": draw(TEXT),
                "note_ids": draw(st.lists(st.sampled_from(platform), unique=True)) if platform else [],
                **({"owner": owner} if owner else {}),
                **({"due": draw(DAYS)} if draw(st.booleans()) else {}),
            },
        )
        for _ in range(draw(st.integers(0, 2))):
            report_progress(workshop, action_id, draw(st.sampled_from(ACTION_STATUSES)), draw(TEXT), NOW)
    if not draw(st.booleans()):
        return workshop
    # The next session of its series: the review decides on what it carries.
    later = domain_workshop(
        {}, now=NOW, workshop_id="w2", join_code="DEF567", title=draw(TEXT), follow_up_of=workshop.id
    )
    share(workshop)
    for action in to_carry(workshop):
        later.actions[action.id] = carried_copy(action)
        decision = draw(st.none() | st.sampled_from(REVIEW_DECISIONS))
        if decision:
            apply(later, "fac", p.ACTION_REVIEW, {"id": action.id, "decision": decision}, NOW)
    return later


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(workshop=workshops(), version=st.sampled_from(BACKUP_VERSIONS))
def test_export_import_export_gives_the_same_backup_for_every_version(client, workshop, version):
    """Every backup version imports; a current backup comes back unchanged, an older one as
    the current version of what it held (without what its version did not know)."""
    document = json.loads(json.dumps(backup(workshop)))
    older = as_version(document, version)
    first = round_trip(client, older)
    assert first == upgraded(older)
    assert round_trip(client, first) == first  # and from then on it stays as it is


def round_trip(client, document):
    """`document` imported over HTTP and exported again."""
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 201, answer.text
    again = client.get(f"/w/{answer.json['id']}/export.json", headers=bearer(answer.json["facilitator_token"]))
    assert again.status_code == 200
    return again.json


# What each backup version added (export/backup.py), to write an older one.
ADDED = {
    2: {"actions": ("progress",)},
    3: {
        "workshop": ("tables", "table_mode"),
        "participants": ("table",),
        "steps": ("tables",),
        "notes": ("table", "for_table"),
    },
    4: {"workshop": ("follow_up_of", "date"), "actions": ("carried", "decision", "dropped")},
}
# What an import gives a field an older version did not have.
DEFAULTS = {
    "progress": [],
    "tables": [],
    "table_mode": None,
    "table": None,
    "for_table": False,
    "follow_up_of": None,
    "date": None,
    "carried": False,
    "decision": None,
    "dropped": False,
    ("steps", "tables"): False,
}


def as_version(document, version):
    """`document` as backup version `version` wrote it: without the fields added since."""
    older = copy.deepcopy(document)
    older["version"] = version
    for added in (number for number in ADDED if number > version):
        for part, names in ADDED[added].items():
            for item in [older[part]] if part == "workshop" else older[part]:
                for name in names:
                    item.pop(name, None)
    return older


def upgraded(older):
    """An older backup as the current version writes what it held."""
    current = copy.deepcopy(older)
    current["version"] = BACKUP_VERSION
    for number in ADDED:
        for part, names in ADDED[number].items():
            for item in [current[part]] if part == "workshop" else current[part]:
                for name in names:
                    item.setdefault(name, DEFAULTS.get((part, name), DEFAULTS.get(name)))
    return current


def test_a_backup_with_text_that_is_no_valid_unicode_is_refused_and_stores_nothing(client):
    document = backup(seated_workshop())
    document["notes"][0]["text"] = "kapot \ud800 teken"
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 400
    assert answer.json["error"]["code"] == "invalid"
    assert "notes.0.text" in json.dumps(answer.json["error"]["fields"])
