"""cocreate.export on aggregates built with the domain: the plan and every file made from it."""

import csv
import functools
import io
import json
import re
import uuid
from datetime import date

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from cocreate import protocol as p
from cocreate.domain import (FACILITATOR, PARTICIPANT, DomainError, apply, join, load_format,
                             new_workshop, steps_in_language)
from cocreate.export import (backup, backup_schema, build_plan, render_csv, render_ics,
                             render_markdown, render_pdf, restore)
from cocreate.export import pdf as pdf_module
from cocreate.i18n import long_date, translate

NOW = "2026-11-22T09:00:00+00:00"
TODAY = date(2026, 11, 22)
GOALS, BRAND, FRICTION, PLATFORM = 0, 1, 2, 3  # FRICTION: private writing, anonymity allowed
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1))"


def t_for(language):
    return functools.partial(translate, language)


def date_for(language):
    return functools.partial(long_date, language)


T, FORMAT_DATE = t_for("nl"), date_for("nl")


def make_workshop(language="nl", title="Teamdag Één", goal="Meer klanten"):
    steps = steps_in_language(load_format("cocreation"), language)
    workshop = new_workshop("w1", "ABC234", title, goal, language, "cocreation", steps, NOW)
    join(workshop, "fac", "Begeleider", FACILITATOR, NOW)
    join(workshop, "ann", "Ann", PARTICIPANT, NOW)
    join(workshop, "bob", "Bob", PARTICIPANT, NOW)
    return workshop


def run(workshop, actor, command, payload):
    return apply(workshop, actor, command, payload, NOW)


def add(workshop, actor, step, text, **extra):
    note_id = str(uuid.uuid4())
    run(workshop, actor, p.NOTE_ADD, {"id": note_id, "step": step, "text": text, **extra})
    return note_id


def action(workshop, actor, title, **extra):
    action_id = str(uuid.uuid4())
    run(workshop, actor, p.ACTION_ADD, {"id": action_id, "title": title, **extra})
    return action_id


def vote(workshop, step, dots, budget=10):
    """Open voting on `step`, cast `dots` as (voter, note id) pairs, close it."""
    run(workshop, "fac", p.VOTING_OPEN, {"step": step, "budget": budget})
    for voter, note_id in dots:
        run(workshop, voter, p.VOTE_CAST, {"note_id": note_id})
    run(workshop, "fac", p.VOTING_CLOSE, {})


def rich_workshop():
    """Every kind of content: lanes, clusters, votes, anonymous and private notes, actions."""
    workshop = make_workshop()
    run(workshop, "fac", p.STEP_EDIT, {"index": BRAND, "anonymity": "allowed"})
    add(workshop, "ann", GOALS, "Meer klanten met minder moeite")
    anonymous = add(workshop, "bob", BRAND, "Ik durf niet alles te zeggen", anonymous=True)
    add(workshop, "ann", FRICTION, "Geheim: de planning klopt nooit")
    notes = [add(workshop, who, PLATFORM, text, lane=lane) for who, text, lane in [
        ("ann", "Open agenda", "transparency"), ("bob", "Spreekuur", "dialogue"),
        ("ann", "Terugblik per kwartaal", "reflection"), ("bob", "Één loket", "accessibility")]]
    run(workshop, "fac", p.NOTE_GROUP, {"id": str(uuid.uuid4()), "ids": notes[:2],
                                        "title": "Zichtbaarheid"})
    vote(workshop, PLATFORM, [("ann", notes[1]), ("bob", notes[1]), ("ann", notes[3])])
    action(workshop, "ann", "Agenda delen", owner="bob", due="2026-12-15",
           note_ids=notes[:2])
    action(workshop, "bob", "Koffie met de directie", owner="Mevrouw De Vries")
    done = action(workshop, "fac", "Loket inrichten", note_ids=[notes[3]], due="2027-01-31")
    run(workshop, "ann", p.ACTION_EDIT, {"id": done, "status": "done"})
    removed = action(workshop, "ann", "Vergeten actie")
    run(workshop, "ann", p.ACTION_REMOVE, {"id": removed})
    return workshop, notes, anonymous


# -- build_plan ------------------------------------------------------------------------

def test_plan_sorts_actions_by_votes_then_due_date_then_title():
    workshop = make_workshop()
    n1, n2, n3 = (add(workshop, "ann", PLATFORM, text) for text in ("Een", "Twee", "Drie"))
    action(workshop, "ann", "A laat", note_ids=[n2], due="2026-03-01")
    action(workshop, "ann", "B veel stemmen", note_ids=[n1])
    action(workshop, "ann", "C januari", due="2026-01-10")
    action(workshop, "ann", "E zonder datum")
    action(workshop, "ann", "D februari", due="2026-02-01")
    action(workshop, "ann", "F vroeg", note_ids=[n2, n3], due="2026-02-01")
    action(workshop, "ann", "d februari ook", due="2026-02-01")

    before = build_plan(workshop, TODAY)
    assert [a["votes"] for a in before["actions"]] == [0] * 7  # nothing closed yet
    vote(workshop, PLATFORM, [("ann", n1), ("bob", n1), ("bob", n2)])

    plan = build_plan(workshop, TODAY)
    assert [(a["title"], a["votes"], a["due"]) for a in plan["actions"]] == [
        ("B veel stemmen", 2, None),
        ("F vroeg", 1, "2026-02-01"),
        ("A laat", 1, "2026-03-01"),
        ("C januari", 0, "2026-01-10"),
        ("D februari", 0, "2026-02-01"),
        ("d februari ook", 0, "2026-02-01"),
        ("E zonder datum", 0, None),
    ]
    assert plan["date"] == "2026-11-22"
    assert plan["title"] == "Teamdag Één" and plan["goal"] == "Meer klanten"


def test_plan_counts_private_notes_without_showing_them():
    workshop = make_workshop()
    secret = add(workshop, "ann", FRICTION, "Geheim één", anonymous=True)
    add(workshop, "bob", FRICTION, "Geheim twee")
    add(workshop, "bob", FRICTION, "Geheim drie")
    plan = build_plan(workshop, TODAY)
    step = plan["steps"][FRICTION]
    assert step["private"] == 3
    assert step["notes"] == [] and step["clusters"] == []
    assert "Geheim" not in repr(plan)
    assert all(s["private"] == 0 for s in plan["steps"] if s["index"] != FRICTION)

    # Revealed, used in an action, then made private again: hidden from the plan once more.
    run(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION})
    action(workshop, "ann", "Planning bespreken", note_ids=[secret])
    assert "Geheim één" in repr(build_plan(workshop, TODAY))
    run(workshop, "fac", p.STEP_EDIT, {"index": FRICTION, "reveal": "open"})
    run(workshop, "fac", p.STEP_EDIT, {"index": FRICTION, "reveal": "private"})
    plan = build_plan(workshop, TODAY)
    assert plan["steps"][FRICTION]["private"] == 3
    assert plan["actions"][0]["sources"] == []
    for text in (repr(plan), render_markdown(plan, T, FORMAT_DATE), render_csv(plan, T),
                 render_ics(plan, T, "example.test").decode("utf-8")):
        assert "Geheim" not in text
        assert "Planning bespreken" in text or "VCALENDAR" in text


def test_plan_lists_clusters_first_top_voted_first_then_loose_notes_by_votes():
    workshop = make_workshop()
    texts = ["a1", "a2", "b1", "b2", "los1", "los2", "los3"]
    ids = dict(zip(texts, (add(workshop, "ann", PLATFORM, text) for text in texts)))
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [ids["a1"], ids["a2"]], "title": "Cluster A"})
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [ids["b1"], ids["b2"]], "title": "Cluster B"})
    dots = [("ann", ids["a2"]), ("ann", ids["b1"]), ("bob", ids["b1"]), ("bob", ids["b2"]),
            ("ann", ids["los3"]), ("bob", ids["los3"]), ("bob", ids["los2"])]
    vote(workshop, PLATFORM, dots)

    step = build_plan(workshop, TODAY)["steps"][PLATFORM]
    assert [c["title"] for c in step["clusters"]] == ["Cluster B", "Cluster A"]
    assert [c["votes"] for c in step["clusters"]] == [3, 1]
    assert [[n["text"] for n in c["notes"]] for c in step["clusters"]] == [["b1", "b2"],
                                                                           ["a2", "a1"]]
    assert [(n["text"], n["votes"]) for n in step["notes"]] == [("los3", 2), ("los2", 1),
                                                                ("los1", 0)]
    markdown = render_markdown(build_plan(workshop, TODAY), T, FORMAT_DATE)
    said = markdown[markdown.index("### 4."):]
    order = [said.index(text) for text in ("**Cluster B**", "- b1", "- b2", "**Cluster A**",
                                           "- a2", "- a1", "- los3", "- los2", "- los1")]
    assert order == sorted(order)
    assert "- b1 (2 stemmen, Ann)" in said and "- los2 (1 stem, Ann)" in said


def test_plan_never_names_the_author_of_an_anonymous_note():
    workshop, _notes, _anonymous = rich_workshop()
    plan = build_plan(workshop, TODAY)
    note = next(n for n in plan["steps"][BRAND]["notes"])
    assert note["text"] == "Ik durf niet alles te zeggen" and note["author"] is None
    assert "- Ik durf niet alles te zeggen (anoniem)" in render_markdown(plan, T, FORMAT_DATE)


# -- CSV --------------------------------------------------------------------------------

def test_csv_has_a_bom_semicolons_and_neutralises_formula_cells():
    workshop = make_workshop()
    source = add(workshop, "ann", PLATFORM, "@SUM(1+1) als bron")
    action(workshop, "ann", "=1+1", owner="-Eigenaar", note_ids=[source], due="2026-12-15")
    action(workshop, "ann", "+31 6 12345678 bellen", owner="@iemand")
    action(workshop, "ann", "Één overleg; met \"quotes\"", owner="ann")
    action(workshop, "ann", "Gewone actie - met streepje")
    text = render_csv(build_plan(workshop, TODAY), T)
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Nr", "Actie", "Eigenaar", "Deadline", "Status", "Stemmen",
                       "Bronnotities"]
    body = {row[1]: row for row in rows[1:]}
    assert body["'=1+1"] == ["1", "'=1+1", "'-Eigenaar", "2026-12-15", "Open", "0",
                             "'@SUM(1+1) als bron"]
    assert body["'+31 6 12345678 bellen"][2] == "'@iemand"
    assert body["Één overleg; met \"quotes\""][2] == "Ann"
    assert body["Gewone actie - met streepje"][2] == ""
    for row in rows[1:]:
        assert len(row) == 7
        assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row


# -- Markdown ------------------------------------------------------------------------------

def test_markdown_escapes_html_and_links_in_all_user_text():
    workshop = make_workshop(title="Plan <b>vet</b>", goal="[klik](javascript:alert(1))")
    join(workshop, "eve", "<img src=x onerror=alert(1)>", PARTICIPANT, NOW)
    hostile = add(workshop, "eve", PLATFORM, HOSTILE)
    add(workshop, "eve", PLATFORM, "regel een\n# Kop?\n| tabel |")
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [hostile], "title": "<i>cluster</i>"})
    action(workshop, "eve", HOSTILE, owner="[owner](http://evil.test)", note_ids=[hostile])
    action(workshop, "eve", "a | b | c", owner="eve")

    markdown = render_markdown(build_plan(workshop, TODAY), T, FORMAT_DATE)
    assert not re.search(r"(?<!\\)<[A-Za-z/]", markdown), markdown  # no raw tag
    assert not re.search(r"(?<!\\)\]\(", markdown), markdown  # no link
    assert "\\<script\\>alert\\(1\\)\\</script\\>" in markdown
    assert "\\[x\\]\\(javascript:alert\\(1\\)\\)" in markdown
    assert "\\<img src=x onerror=alert\\(1\\)\\>" in markdown
    assert not any(line.startswith("# Kop") for line in markdown.splitlines())
    # Pipes in user text do not add table columns.
    row = next(line for line in markdown.splitlines() if "a \\| b" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 7


# -- PDF ------------------------------------------------------------------------------------

def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pdf_is_a_readable_pdf_in_dutch_and_english(language):
    workshop, _notes, _anonymous = rich_workshop()
    workshop.language = language
    data = render_pdf(build_plan(workshop, TODAY), t_for(language), date_for(language))
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Teamdag Één" in text and "Agenda delen" in text and "Koffie met de directie" in text
    assert ("15 december 2026" if language == "nl" else "December 15, 2026") in text
    assert "Geheim" not in text
    heading = translate(language, "plan_what_we_said")
    assert heading in text


def test_pdf_survives_text_outside_latin_1():
    workshop = make_workshop(title="Werkdag 🎉 Ελληνικά 共創")
    note = add(workshop, "ann", PLATFORM, "Emoji 🤝🏽, CJK 协作, Кириллица, Ελληνικά, ﷽, \u200b")
    action(workshop, "ann", "Samen 🚀 操作 Ωmega", owner="Zoë 😀", note_ids=[note])
    data = render_pdf(build_plan(workshop, TODAY), T, FORMAT_DATE)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Werkdag" in text and "Кириллица" in text and "Ωmega" in text and "Zoë" in text


def test_pdf_with_the_core_font_replaces_what_latin_1_lacks(monkeypatch):
    monkeypatch.setattr(pdf_module, "FONT_DIRS", ())
    workshop = make_workshop(title="Café Één 协作")
    action(workshop, "ann", "Overleg — “quotes” 🎉 ïë", due="2026-12-15")
    data = render_pdf(build_plan(workshop, TODAY), T, FORMAT_DATE)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Café Één ??" in text
    assert "ïë" in text


def test_pdf_renders_an_action_whose_source_notes_fill_more_than_a_page():
    """An action made from a cluster of a dozen full notes: the row is taller than A4."""
    workshop = make_workshop()
    long_text = ("Iedereen moet de agenda van het overleg vooraf kunnen zien en aanvullen, "
                 "zodat besluiten niet meer achter gesloten deuren vallen. ") * 2
    notes = [add(workshop, "ann", PLATFORM, f"{n}. {long_text}"[:280]) for n in range(12)]
    action(workshop, "ann", "Agenda-afspraken vastleggen", note_ids=notes)
    data = render_pdf(build_plan(workshop, TODAY), T, FORMAT_DATE)
    assert data.startswith(b"%PDF-")
    assert "Agenda-afspraken vastleggen" in pdf_text(data)


# -- iCalendar ---------------------------------------------------------------------------------

def test_ics_has_one_all_day_event_per_dated_action():
    workshop, _notes, _anonymous = rich_workshop()
    calendar = Calendar.from_ical(render_ics(build_plan(workshop, TODAY), T, "example.test"))
    events = {str(e.get("summary")): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events == {"Agenda delen": date(2026, 12, 15), "Loket inrichten": date(2027, 1, 31)}


# -- backup and restore --------------------------------------------------------------------

def loaded(document):
    """A backup as the import route hands it to `restore`: JSON text, then the schema."""
    return backup_schema.load(json.loads(json.dumps(document)))


def test_backup_restore_backup_is_identical():
    workshop, _notes, anonymous = rich_workshop()
    first = backup(workshop)
    assert first["format"] == "cocreate.workshop" and first["version"] == 1
    assert all(n["step"] != FRICTION for n in first["notes"])
    assert next(n for n in first["notes"] if n["id"] == anonymous)["author"] is None
    restored = restore(loaded(first), "w2", "XYZ789", NOW)
    assert restored.id == "w2" and restored.join_code == "XYZ789"
    second = backup(restored)
    assert second == first
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)
    # The restored aggregate makes the same plan, except for private notes (never exported).
    before, after = build_plan(workshop, TODAY), build_plan(restored, TODAY)
    assert after["actions"] == before["actions"]
    assert [s for s in after["steps"] if s["index"] != FRICTION] == [
        s for s in before["steps"] if s["index"] != FRICTION]
    assert before["steps"][FRICTION]["private"] == 1
    assert after["steps"][FRICTION]["private"] == 0


def _broken(mutate):
    workshop, _notes, _anonymous = rich_workshop()
    document = json.loads(json.dumps(backup(workshop)))
    mutate(document)
    return loaded(document)


def _platform_note(document):
    return next(n for n in document["notes"] if n["step"] == PLATFORM and not n["anonymous"])


BROKEN = {
    "note by a missing author": lambda d: _platform_note(d).update(author="ghost"),
    "note in a missing lane": lambda d: _platform_note(d).update(lane="nope"),
    "note without a lane on a step with lanes": lambda d: _platform_note(d).update(lane=None),
    "note on a missing step": lambda d: _platform_note(d).update(step=12),
    "note in a missing cluster": lambda d: _platform_note(d).update(group="ghost"),
    "note in a cluster of another step": lambda d: d["notes"][0].update(
        group=d["clusters"][0]["id"]),
    "cluster on a missing step": lambda d: d["clusters"][0].update(step=12),
    "action from a missing note": lambda d: d["actions"][0].update(note_ids=["ghost"]),
    "action owned by a missing participant": lambda d: d["actions"][0].update(owner_id="ghost"),
    "current step past the last": lambda d: d["workshop"].update(current_step=4),
    "duplicate note id": lambda d: d["notes"].append(dict(d["notes"][0])),
    "duplicate participant id": lambda d: d["participants"].append(dict(d["participants"][1])),
    "duplicate action id": lambda d: d["actions"].append(dict(d["actions"][0])),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_restore_refuses_broken_references_as_invalid(case):
    data = _broken(BROKEN[case])
    with pytest.raises(DomainError) as caught:
        restore(data, "w2", "XYZ789", NOW)
    assert caught.value.code == "invalid"
    assert caught.value.fields
