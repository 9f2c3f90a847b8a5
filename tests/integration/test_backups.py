"""export.json through the store: a backup imported over HTTP and exported again keeps
everything it held."""

import uuid

from cocreate import protocol as p
from cocreate.domain import FACILITATOR, PARTICIPANT, apply, join, load_format, new_workshop
from cocreate.domain import steps_in_language
from cocreate.export import backup

from support import bearer

NOW = "2026-11-22T09:00:00+00:00"
BRAND = 1


def seated_workshop():
    """Three people at two named tables, step 2 worked at them, one note written for a table."""
    steps = steps_in_language(load_format("cocreation"), "nl")
    workshop = new_workshop("w1", "ABC234", "Wijkavond", "", "nl", "cocreation", steps, NOW)
    join(workshop, "fac", "Begeleider", FACILITATOR, NOW)
    for pid, name in (("ann", "Ann"), ("bob", "Bob"), ("cas", "Cas")):
        join(workshop, pid, name, PARTICIPANT, NOW)
    apply(workshop, "fac", p.TABLES_SET_COMMAND,
          {"count": 2, "mode": "choose", "names": ["Zorg", "Wonen"]}, NOW)
    for pid, table in (("ann", "t1"), ("bob", "t2"), ("cas", "t1")):
        apply(workshop, "fac", p.TABLE_ASSIGN, {"participant": pid, "table": table}, NOW)
    apply(workshop, "fac", p.STEP_EDIT, {"index": BRAND, "tables": True}, NOW)
    for pid in ("ann", "bob"):
        apply(workshop, pid, p.NOTE_ADD, {"id": str(uuid.uuid4()), "step": BRAND,
                                          "text": f"Sterk punt van {pid}"}, NOW)
    apply(workshop, "fac", p.NOTE_ADD, {"id": str(uuid.uuid4()), "step": BRAND,
                                        "text": "Namens de tafel", "for_table": "t2"}, NOW)
    return workshop


def test_an_imported_backup_keeps_its_tables_seats_and_notes_written_for_a_table(client):
    document = backup(seated_workshop())
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 201, answer.text
    copy, token = answer.json["id"], answer.json["facilitator_token"]
    again = client.get(f"/w/{copy}/export.json", headers=bearer(token)).json
    assert again["workshop"]["tables"] == [{"id": "t1", "name": "Zorg"},
                                           {"id": "t2", "name": "Wonen"}]
    assert again["workshop"]["table_mode"] == "choose"
    assert again == document
    # The note written for a table still names the table as its author.
    plan = client.get(f"/w/{copy}/plan.md", headers=bearer(token)).text
    assert "Namens de tafel (Wonen)" in plan
