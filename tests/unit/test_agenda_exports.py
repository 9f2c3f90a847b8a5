"""The agenda in the backup (version 5, older versions still importing) and in the
draaiboek's Markdown."""

import copy
import json

import pytest
from markdown_it import MarkdownIt

from cocreate import protocol as p
from cocreate.domain import DomainError, apply
from cocreate.export import backup, backup_schema, restore
from cocreate.export.draaiboek import build_draaiboek, render_draaiboek_markdown
from cocreate.i18n import translate

from test_agenda_domain import AGENDA, DAY_ONE, DAY_TWO, at, go, workshop  # noqa: F401 (a fixture)

GOALS, BRAND, FRICTION, PLATFORM = 0, 1, 2, 3


def loaded(document):
    """A backup as the import route hands it to `restore`: JSON text, then the schema."""
    return backup_schema.load(json.loads(json.dumps(document)))


def test_a_backup_keeps_the_agenda_and_the_step_times(workshop):  # noqa: F811
    go(workshop, GOALS, "09:00")
    go(workshop, BRAND, "10:20")
    first = backup(workshop)
    assert first["version"] == 5
    assert first["workshop"]["agenda"] == AGENDA
    assert [(s["minutes"], s["started_at"], s["ended_at"]) for s in first["steps"]] == [
        (60, at("09:00"), at("10:20")),
        (75, at("10:20"), None),
        (90, None, None),
        (120, None, None),
    ]
    restored = restore(loaded(first), "w2", "XYZ789", at("11:00"))
    assert restored.agenda == workshop.agenda
    assert [s.started_at for s in restored.steps] == [s.started_at for s in workshop.steps]
    assert backup(restored) == first


def test_a_backup_from_before_the_agenda_still_imports(workshop):  # noqa: F811
    old = backup(workshop)
    old["version"] = 4
    del old["workshop"]["agenda"]
    for step in old["steps"]:
        del step["minutes"], step["started_at"], step["ended_at"]
    restored = restore(loaded(old), "w3", "QRS456", at("11:00"))
    assert restored.agenda is None
    assert [s.minutes for s in restored.steps] == [None] * 4


def test_a_backup_with_a_broken_agenda_is_refused(workshop):  # noqa: F811
    broken = backup(workshop)
    broken["workshop"]["agenda"]["days"][0]["items"].append({"step": 9, "minutes": 10})
    with pytest.raises(DomainError) as refused:
        restore(loaded(broken), "w4", "QRS456", at("11:00"))
    assert refused.value.code == "invalid"


def render(workshop, now, language="nl"):  # noqa: F811
    return render_draaiboek_markdown(
        build_draaiboek(workshop, now, DAY_ONE),
        lambda key, **values: translate(language, key, **values),
        lambda day: day,
    )


def test_the_draaiboek_lists_each_day_with_planned_times_and_how_each_step_is_worked(workshop):  # noqa: F811
    text = render(workshop, at("08:00"))
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert html.count("<h2>") == 2
    rows = [row for row in text.splitlines() if row.startswith("| ")]
    assert rows[:6] == [
        "| Tijd | Min. | Onderdeel |",
        "| 09:00–10:00 | 60 | Doelen stellen |",
        "| 10:00–10:15 | 15 | *Koffie* |",
        "| 10:15–11:30 | 75 | Persoonlijk merk |",
        "| 11:30–12:15 | 45 | *Lunch* |",
        "| 12:15–13:45 | 90 | Knuppel in het hoenderhok |",
    ]
    assert "### 12:15 Knuppel in het hoenderhok (90 min)" in text
    assert "**Werkvorm:** eerst ieder voor zich schrijven, dan onthullen; anoniem mag" in text
    assert "Werkelijk" not in text  # nothing has run yet


def test_after_the_session_the_draaiboek_has_the_actual_times_beside_the_plan(workshop):  # noqa: F811
    go(workshop, GOALS, "09:00")
    go(workshop, BRAND, "10:20")
    go(workshop, FRICTION, "12:40")
    text = render(workshop, at("14:30"), "en")
    assert "| Time | Min. | Item | Actual |" in text
    assert "| 09:00–10:00 | 60 | Doelen stellen | 09:00–10:20 (80 min) |" in text
    assert "| 12:15–13:45 | 90 | Knuppel in het hoenderhok | running since 12:40 (110 min) |" in text
    assert "| 10:00–10:15 | 15 | *Koffie* | — |" in text


def test_break_titles_and_step_titles_cannot_inject_markup(workshop):  # noqa: F811
    apply(workshop, "fac", p.STEP_EDIT, {"index": GOALS, "title": "Doelen | <b>vet</b>"}, at("08:00"))
    agenda = copy.deepcopy(AGENDA)
    agenda["days"][0]["items"][1]["break"] = "[koffie](http://x.test)"
    apply(workshop, "fac", p.SET_AGENDA, agenda, at("08:00"))
    html = MarkdownIt("commonmark").enable("table").render(render(workshop, at("08:00")))
    assert "<b>" not in html and "<a " not in html


def test_a_step_the_day_closed_on_shows_only_when_it_started(workshop):  # noqa: F811
    go(workshop, GOALS, "09:00")
    go(workshop, FRICTION, "12:40")
    go(workshop, PLATFORM, "09:00", DAY_TWO)
    text = render(workshop, at("09:30", DAY_TWO))
    assert "| 12:15–13:45 | 90 | Knuppel in het hoenderhok | begonnen om 12:40 |" in text
    assert "| 09:00–11:00 | 120 | Platform van betrokkenheid | loopt sinds 09:00 (30 min) |" in text


def test_a_step_the_room_opened_on_shows_when_it_ended(workshop):  # noqa: F811
    go(workshop, BRAND, "10:05")  # the room was at the goals since it opened; nobody pressed Start
    text = render(workshop, at("10:30"))
    assert "| 09:00–10:00 | 60 | Doelen stellen | tot 10:05 |" in text
    assert "**Werkelijk:** tot 10:05" in text
    assert "| Doelen stellen | until 10:05 |" in render(workshop, at("10:30"), "en")


def test_the_draaiboek_shows_what_was_planned_before_a_suggestion_shortened_an_item(workshop):  # noqa: F811
    agenda = copy.deepcopy(AGENDA)
    agenda["days"][0]["items"][2].update(minutes=60, planned=75)
    apply(workshop, "fac", p.SET_AGENDA, agenda, at("10:20"))
    assert "| 10:15–11:15 | 60 (was 75) | Persoonlijk merk |" in render(workshop, at("10:20"))


def test_a_backup_keeps_what_was_planned_before_a_suggestion_and_the_opened_on_step(workshop):  # noqa: F811
    go(workshop, BRAND, "10:05")  # the room left the goals it opened on without a Start
    agenda = copy.deepcopy(AGENDA)
    agenda["days"][0]["items"][4].update(minutes=70, planned=90)
    apply(workshop, "fac", p.SET_AGENDA, agenda, at("10:20"))
    first = backup(workshop)
    restored = restore(loaded(first), "w5", "XYZ788", at("11:00"))
    assert restored.agenda["days"][0]["items"][4] == {"step": FRICTION, "minutes": 70, "planned": 90}
    assert (restored.steps[GOALS].started_at, restored.steps[GOALS].ended_at) == (None, at("10:05"))
    assert backup(restored) == first
