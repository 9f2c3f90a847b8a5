"""cocreate.export on aggregates built with the domain: the plan and every file made from it."""

import csv
import functools
import io
import json
import re
import subprocess
import uuid
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from cocreate import protocol as p
from cocreate.domain import PARTICIPANT, DomainError, apply, join, report_progress
from cocreate.export import (
    backup,
    backup_schema,
    build_plan,
    render_csv,
    render_ics,
    render_markdown,
    render_pdf,
    restore,
)
from cocreate.export.markdown import escape
from cocreate.export.table import cell as csv_cell
from cocreate.i18n import long_date, translate
from workshops import domain_workshop

NOW = "2026-11-22T09:00:00+00:00"
TODAY = date(2026, 11, 22)
GOALS, BRAND, FRICTION, PLATFORM = 0, 1, 2, 3  # FRICTION: private writing, anonymity allowed
HOSTILE = "<script>alert(1)</script> [x](javascript:alert(1))"
TEMPLATES = Path(__file__).resolve().parents[2] / "cocreate" / "templates"


def t_for(language):
    return functools.partial(translate, language)


def date_for(language):
    return functools.partial(long_date, language)


T, FORMAT_DATE = t_for("nl"), date_for("nl")


make_workshop = functools.partial(domain_workshop, now=NOW, title="Teamdag Één", goal="Meer klanten")


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
    notes = [
        add(workshop, who, PLATFORM, text, lane=lane)
        for who, text, lane in [
            ("ann", "Open agenda", "transparency"),
            ("bob", "Spreekuur", "dialogue"),
            ("ann", "Terugblik per kwartaal", "reflection"),
            ("bob", "Één loket", "accessibility"),
        ]
    ]
    run(workshop, "fac", p.NOTE_GROUP, {"id": str(uuid.uuid4()), "ids": notes[:2], "title": "Zichtbaarheid"})
    vote(workshop, PLATFORM, [("ann", notes[1]), ("bob", notes[1]), ("ann", notes[3])])
    action(workshop, "ann", "Agenda delen", owner="bob", due="2026-12-15", note_ids=notes[:2])
    action(workshop, "bob", "Koffie met de directie", owner="Mevrouw De Vries")
    done = action(workshop, "fac", "Loket inrichten", note_ids=[notes[3]], due="2027-01-31")
    run(workshop, "ann", p.ACTION_EDIT, {"id": done, "status": "done"})
    removed = action(workshop, "ann", "Vergeten actie")
    run(workshop, "ann", p.ACTION_REMOVE, {"id": removed})
    return workshop, notes, anonymous


def lanes_workshop():
    """Step 4 with notes in three of its four lanes, a cluster, and a note without a lane."""
    workshop = make_workshop()
    ids = {
        text: add(workshop, who, PLATFORM, text, lane=lane)
        for who, text, lane in [
            ("bob", "Terugblik", "reflection"),
            ("ann", "Spreekuur", "dialogue"),
            ("bob", "Notulen delen", "transparency"),
            ("ann", "Open agenda", "transparency"),
            ("ann", "Koffiegesprek", "dialogue"),
            ("bob", "Besluitenlijst", "reflection"),
            ("ann", "Oud idee", "dialogue"),
        ]
    }
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [ids["Koffiegesprek"], ids["Besluitenlijst"]], "title": "Ontmoeten"})
    # The commands never leave a note of a step with lanes outside them; the plan must
    # still show such a note, whatever data it comes from.
    workshop.notes[ids["Oud idee"]].lane = None
    vote(workshop, PLATFORM, [("ann", ids["Open agenda"]), ("bob", ids["Open agenda"]), ("bob", ids["Besluitenlijst"])])
    return workshop


LANES_OUTLINE = [
    ("heading", "Ontmoeten"),
    ("note", "Besluitenlijst"),
    ("note", "Koffiegesprek"),
    ("heading", "Transparantie"),
    ("note", "Open agenda"),
    ("note", "Notulen delen"),
    ("heading", "Dialoog"),
    ("note", "Spreekuur"),
    ("heading", "Reflectie"),
    ("note", "Terugblik"),
    ("heading", "Overig"),
    ("note", "Oud idee"),
]


def clustered_goals_workshop():
    """Step 1 (no lanes) with one cluster and two loose notes; step 2 with one loose note."""
    workshop = make_workshop()
    ids = {text: add(workshop, "ann", GOALS, text) for text in ("Groei", "Rust", "Plezier", "Minder mail")}
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [ids["Groei"], ids["Rust"]], "title": "Koers"})
    add(workshop, "bob", BRAND, "Verbinder")
    return workshop


def plan_page(plan, language="nl"):
    """plan.html as the plan page renders it (Jinja, autoescaped), without a server."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    environment.globals["url_for"] = lambda endpoint, **values: f"/{endpoint}"
    return environment.get_template("plan.html").render(
        plan=plan,
        t=t_for(language),
        format_date=date_for(language),
        lang=language,
        hyphenate=lambda text: text,
        workshop=SimpleNamespace(id=plan["id"]),
        board_url="/board",
        title=plan["title"],
    )


class PageOutline(HTMLParser):
    """The h4 headings and note texts of one step's section of the plan page, in order."""

    def __init__(self, index):
        super().__init__()
        self.section, self.inside = f"plan-step-{index}", False
        self.capture, self.outline = None, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.inside = attrs.get("aria-labelledby") == self.section
        elif self.inside and tag == "h4":
            self.capture = ["heading", ""]
        elif self.inside and attrs.get("class") == "plan-note-text":
            self.capture = ["note", ""]

    def handle_data(self, data):
        if self.capture:
            self.capture[1] += data

    def handle_endtag(self, tag):
        if tag == "section":
            self.inside = False
        elif self.capture and tag in ("h4", "span"):
            self.outline.append(tuple(self.capture))
            self.capture = None


def markdown_outline(markdown, index):
    """The sub-headings and note texts of step `index` in a Markdown plan, in order."""
    section = markdown.split(f"\n### {index + 1}. ")[1].split("\n### ")[0]
    outline = []
    for line in section.splitlines():
        if line.startswith("#### "):
            outline.append(("heading", line.removeprefix("#### ")))
        elif line.startswith("- "):
            outline.append(("note", line.removeprefix("- ").rsplit(" (", 1)[0]))
    return outline


def pdf_outline(data, plan, index):
    """The page's outline of step `index`, as far as the PDF shows it in the same order."""
    parser = PageOutline(index)
    parser.feed(plan_page(plan))
    text = pdf_text(data)
    position = text.index(f"{index + 1}. {plan['steps'][index]['title']}")
    shown = []
    for item in parser.outline:
        position = text.find(" ".join(item[1].split()), position)
        if position < 0:
            break
        shown.append(item)
    return shown


def outline(writer, plan, index):
    """What one writer shows of step `index`: ("heading", title) and ("note", text) in order,
    after the vote's ranking."""
    if writer == "page":
        parser = PageOutline(index)
        parser.feed(plan_page(plan))
        shown = parser.outline
    elif writer == "markdown":
        shown = markdown_outline(render_markdown(plan, T, FORMAT_DATE), index)
    else:
        shown = pdf_outline(render_pdf(plan, T, FORMAT_DATE), plan, index)
    ranking = ("heading", T("plan_ranking"))
    return shown[shown.index(ranking) + 1 :] if ranking in shown else shown


WRITERS = ["page", "markdown", "pdf"]


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

    before = build_plan(workshop)
    assert [a["votes"] for a in before["actions"]] == [0] * 7  # nothing closed yet
    vote(workshop, PLATFORM, [("ann", n1), ("bob", n1), ("bob", n2)])

    plan = build_plan(workshop)
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
    plan = build_plan(workshop)
    step = plan["steps"][FRICTION]
    assert step["private"] == 3
    assert step["notes"] == [] and step["clusters"] == []
    assert "Geheim" not in repr(plan)
    assert all(s["private"] == 0 for s in plan["steps"] if s["index"] != FRICTION)

    # Revealed, used in an action, then made private again: hidden from the plan once more.
    run(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION})
    action(workshop, "ann", "Planning bespreken", note_ids=[secret])
    assert "Geheim één" in repr(build_plan(workshop))
    run(workshop, "fac", p.STEP_EDIT, {"index": FRICTION, "reveal": "open"})
    run(workshop, "fac", p.STEP_EDIT, {"index": FRICTION, "reveal": "private"})
    plan = build_plan(workshop)
    assert plan["steps"][FRICTION]["private"] == 3
    assert plan["actions"][0]["sources"] == []
    for text in (
        repr(plan),
        render_markdown(plan, T, FORMAT_DATE),
        render_csv(plan, T),
        render_ics(plan, T).decode("utf-8"),
    ):
        assert "Geheim" not in text
        assert "Planning bespreken" in text or "VCALENDAR" in text


def test_plan_lists_clusters_first_top_voted_first_then_loose_notes_by_votes():
    workshop = make_workshop()
    texts = ["a1", "a2", "b1", "b2", "los1", "los2", "los3"]
    ids = dict(zip(texts, (add(workshop, "ann", PLATFORM, text) for text in texts)))
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [ids["a1"], ids["a2"]], "title": "Cluster A"})
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [ids["b1"], ids["b2"]], "title": "Cluster B"})
    dots = [
        ("ann", ids["a2"]),
        ("ann", ids["b1"]),
        ("bob", ids["b1"]),
        ("bob", ids["b2"]),
        ("ann", ids["los3"]),
        ("bob", ids["los3"]),
        ("bob", ids["los2"]),
    ]
    vote(workshop, PLATFORM, dots)

    step = build_plan(workshop)["steps"][PLATFORM]
    assert [c["title"] for c in step["clusters"]] == ["Cluster B", "Cluster A"]
    assert [c["votes"] for c in step["clusters"]] == [3, 1]
    assert [[n["text"] for n in c["notes"]] for c in step["clusters"]] == [["b1", "b2"], ["a2", "a1"]]
    assert [(n["text"], n["votes"]) for n in step["notes"]] == [("los3", 2), ("los2", 1), ("los1", 0)]
    markdown = render_markdown(build_plan(workshop), T, FORMAT_DATE)
    said = markdown[markdown.index("### 4.") :]
    order = [
        said.index(text)
        for text in (
            "#### Cluster B",
            "- b1",
            "- b2",
            "#### Cluster A",
            "- a2",
            "- a1",
            "#### Transparantie",
            "- los3",
            "- los2",
            "- los1",
        )
    ]
    assert order == sorted(order)
    assert "- b1 (2 stemmen, Ann)" in said and "- los2 (1 stem, Ann)" in said


def test_plan_groups_the_loose_notes_of_a_step_with_lanes_by_lane_in_lane_order():
    step = build_plan(lanes_workshop())["steps"][PLATFORM]
    assert step["headed"] is True
    assert [(c["title"], [n["text"] for n in c["notes"]]) for c in step["clusters"]] == [
        ("Ontmoeten", ["Besluitenlijst", "Koffiegesprek"])
    ]
    # Lane order, not writing order; the empty lane (Toegankelijkheid) is left out;
    # top-voted first within a lane; a note without a known lane comes last.
    assert [(g["lane"], g["title"], [n["text"] for n in g["notes"]]) for g in step["by_lane"]] == [
        ("transparency", "Transparantie", ["Open agenda", "Notulen delen"]),
        ("dialogue", "Dialoog", ["Spreekuur"]),
        ("reflection", "Reflectie", ["Terugblik"]),
        (None, None, ["Oud idee"]),
    ]


def test_plan_heads_loose_notes_only_when_a_step_has_clusters_or_lanes():
    steps = build_plan(clustered_goals_workshop())["steps"]
    assert steps[GOALS]["headed"] is True
    assert [[n["text"] for n in g["notes"]] for g in steps[GOALS]["by_lane"]] == [["Plezier", "Minder mail"]]
    assert steps[BRAND]["headed"] is False
    assert [[n["text"] for n in g["notes"]] for g in steps[BRAND]["by_lane"]] == [["Verbinder"]]


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_shows_clusters_then_each_lane_under_its_heading(writer):
    plan = build_plan(lanes_workshop())
    assert outline(writer, plan, PLATFORM) == LANES_OUTLINE


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_puts_loose_notes_after_clusters_under_other(writer):
    plan = build_plan(clustered_goals_workshop())
    assert outline(writer, plan, GOALS) == [
        ("heading", "Koers"),
        ("note", "Groei"),
        ("note", "Rust"),
        ("heading", "Overig"),
        ("note", "Plezier"),
        ("note", "Minder mail"),
    ]
    # A step with neither clusters nor lanes keeps its plain list.
    assert outline(writer, plan, BRAND) == [("note", "Verbinder")]


def test_plan_page_keeps_its_heading_levels_in_order_with_lanes():
    page = plan_page(build_plan(lanes_workshop()), "en")
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", page)]
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:])), levels
    assert "<h4>Transparency</h4>" not in page  # lane titles are the workshop's own
    assert "<h4>Transparantie</h4>" in page and "<h4>Other</h4>" in page


def test_plan_never_names_the_author_of_an_anonymous_note():
    workshop, _notes, _anonymous = rich_workshop()
    plan = build_plan(workshop)
    note = next(n for n in plan["steps"][BRAND]["notes"])
    assert note["text"] == "Ik durf niet alles te zeggen" and note["author"] is None
    assert "- Ik durf niet alles te zeggen (anoniem)" in render_markdown(plan, T, FORMAT_DATE)


# -- CSV --------------------------------------------------------------------------------


def test_csv_has_a_bom_semicolons_and_neutralises_formula_cells():
    workshop = make_workshop()
    source = add(workshop, "ann", PLATFORM, "@SUM(1+1) als bron")
    action(workshop, "ann", "=1+1", owner="-Eigenaar", note_ids=[source], due="2026-12-15")
    action(workshop, "ann", "+31 6 12345678 bellen", owner="@iemand")
    action(workshop, "ann", 'Één overleg; met "quotes"', owner="ann")
    action(workshop, "ann", "Gewone actie - met streepje")
    text = render_csv(build_plan(workshop), T)
    assert text.startswith("\ufeff")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Nr", "Actie", "Eigenaar", "Deadline", "Status", "Voortgang", "Stemmen", "Bronnotities"]
    body = {row[1]: row for row in rows[1:]}
    assert body["'=1+1"] == ["1", "'=1+1", "'-Eigenaar", "2026-12-15", "Open", "", "0", "'@SUM(1+1) als bron"]
    assert body["'+31 6 12345678 bellen"][2] == "'@iemand"
    assert body['Één overleg; met "quotes"'][2] == "Ann"
    assert body["Gewone actie - met streepje"][2] == ""
    # Text after a separator would be a formula where a reader splits there.
    assert csv_cell("x,=1+1;@SUM(1)\t-2") == "x,'=1+1;'@SUM(1)\t'-2"
    for row in rows[1:]:
        assert len(row) == 8
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

    markdown = render_markdown(build_plan(workshop), T, FORMAT_DATE)
    assert not re.search(r"(?<!\\)<[A-Za-z/]", markdown), markdown  # no raw tag
    assert not re.search(r"(?<!\\)\]\(", markdown), markdown  # no link
    assert "\\<script>alert(1)\\</script>" in markdown
    assert "\\[x\\](javascript:alert(1))" in markdown
    assert "\\<img src=x onerror=alert(1)>" in markdown
    assert not any(line.startswith("# Kop") for line in markdown.splitlines())
    # Pipes in user text do not add table columns.
    row = next(line for line in markdown.splitlines() if "a \\| b" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 7


def test_markdown_leaves_punctuation_that_means_nothing_where_it_stands():
    workshop = make_workshop()
    join(workshop, "ingrid", "Ingrid (HR)", PARTICIPANT, NOW)
    texts = [
        "Minder vergaderen, meer doen!",
        "Klanttevredenheid naar 8+",
        "+31 6 12345678 bellen",
        "Vraag? {optioneel} 50% korting",
        "snake_case_naam",
        "5 * 3 = 15",
        "~10 mensen",
        "#1 werkgever in de regio",
    ]
    for text in texts:
        add(workshop, "ingrid", GOALS, text)
    action(workshop, "ingrid", "Ingrid (HR) belt terug!", owner="ingrid")
    markdown = render_markdown(build_plan(workshop), T, FORMAT_DATE)
    for text in texts:
        assert f"- {text} (Ingrid (HR))" in markdown
    assert "| 1 | Ingrid (HR) belt terug! | Ingrid (HR) |" in markdown
    assert not re.search(r"\\[()!+{}%#]", markdown), markdown


@pytest.mark.parametrize(
    "text, escaped",
    [
        ("# Kop", "\\# Kop"),
        ("- lijst", "\\- lijst"),
        ("+ punt", "\\+ punt"),
        ("> citaat", "\\> citaat"),
        ("1. eerste", "1\\. eerste"),
        ("2) tweede", "2\\) tweede"),
        ("---", "\\---"),
        ("*nadruk* en **vet**", "*nadruk\\* en **vet\\*\\*"),
        ("_nadruk_ maar snake_case", "_nadruk\\_ maar snake_case"),
        ("~~weg~~", "\\~~weg\\~\\~"),
        ("`code`", "\\`code\\`"),
        ("[x](http://evil.test)", "\\[x\\](http://evil.test)"),
        ("<b>vet</b> maar < 5", "\\<b>vet\\</b> maar < 5"),
        ("R&amp;D", "R\\&amp;D"),
        ("C:\\pad\\", "C:\\pad\\\\"),
        ("regel een\n# regel twee", "regel een # regel twee"),
    ],
)
def test_markdown_escapes_markup_only_where_it_would_take_effect(text, escaped):
    assert escape(text) == escaped


def test_markdown_escapes_pipes_only_in_table_cells_and_closing_hashes_only_in_headings():
    assert escape("a | b") == "a | b" and escape("a | b", cell=True) == "a \\| b"
    assert escape("Team #") == "Team #" and escape("Team #", heading=True) == "Team \\#"


# -- PDF ------------------------------------------------------------------------------------


def pdf_text(data):
    """The PDF's text as poppler reads it, in drawing order, on one line; words hyphenated
    at a line's end joined again."""
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True).stdout.decode(
        "utf-8"
    )
    return " ".join(re.sub(r"(?<=[^\W\d])[-\u2010]\n(?=[a-zà-ÿ])", "", text).split())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_pdf_is_a_readable_pdf_in_dutch_and_english(language):
    workshop, _notes, _anonymous = rich_workshop()
    workshop.language = language
    data = render_pdf(build_plan(workshop), t_for(language), date_for(language))
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
    data = render_pdf(build_plan(workshop), T, FORMAT_DATE)
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Werkdag" in text and "Кириллица" in text and "Ωmega" in text and "Zoë" in text


def test_pdf_renders_an_action_whose_source_notes_fill_more_than_a_page():
    """An action made from a cluster of a dozen full notes: the row is taller than A4."""
    workshop = make_workshop()
    long_text = (
        "Iedereen moet de agenda van het overleg vooraf kunnen zien en aanvullen, "
        "zodat besluiten niet meer achter gesloten deuren vallen. "
    ) * 2
    notes = [add(workshop, "ann", PLATFORM, f"{n}. {long_text}"[:280]) for n in range(12)]
    action(workshop, "ann", "Afspraken vastleggen", note_ids=notes)
    data = render_pdf(build_plan(workshop), T, FORMAT_DATE)
    assert data.startswith(b"%PDF-")
    assert "Afspraken vastleggen" in pdf_text(data)


# -- iCalendar ---------------------------------------------------------------------------------


def test_ics_has_one_all_day_event_per_dated_action():
    workshop, _notes, _anonymous = rich_workshop()
    calendar = Calendar.from_ical(render_ics(build_plan(workshop), T))
    events = {str(e.get("summary")): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    assert events == {"Agenda delen": date(2026, 12, 15), "Loket inrichten": date(2027, 1, 31)}


# -- backup and restore --------------------------------------------------------------------


def loaded(document):
    """A backup as the import route hands it to `restore`: JSON text, then the schema."""
    return backup_schema.load(json.loads(json.dumps(document)))


def test_backup_restore_backup_is_identical():
    workshop, _notes, anonymous = rich_workshop()
    first = backup(workshop)
    assert first["format"] == "cocreate.workshop" and first["version"] == 5
    assert all(n["step"] != FRICTION for n in first["notes"])
    assert next(n for n in first["notes"] if n["id"] == anonymous)["author"] is None
    restored = restore(loaded(first), "w2", "XYZ789", NOW)
    assert restored.id == "w2" and restored.join_code == "XYZ789"
    second = backup(restored)
    assert second == first
    assert json.dumps(second, sort_keys=True) == json.dumps(first, sort_keys=True)
    # The restored aggregate makes the same plan, except for private notes (never exported).
    before, after = build_plan(workshop), build_plan(restored)
    # An imported action is the new workshop's own: its calendar events are new ones.
    assert [{**a, "started_in": "w1"} for a in after["actions"]] == before["actions"]
    assert [s for s in after["steps"] if s["index"] != FRICTION] == [
        s for s in before["steps"] if s["index"] != FRICTION
    ]
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
    "note in a cluster of another step": lambda d: d["notes"][0].update(group=d["clusters"][0]["id"]),
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


def canvas_workshop():
    """Step 4 as a canvas with a cluster, and a hostile note text."""
    workshop = make_workshop()
    run(workshop, "fac", p.STEP_EDIT, {"index": PLATFORM, "layout": "canvas"})
    first = add(workshop, "ann", PLATFORM, "Koffiegesprek met de directie", lane="dialogue")
    second = add(workshop, "bob", PLATFORM, HOSTILE, lane="reflection", color="pink")
    run(workshop, "fac", p.NOTE_GROUP, {"ids": [first], "title": "Samen praten"})
    return workshop, first, second


def test_the_plan_page_draws_a_canvas_step_as_the_room_left_it():
    workshop, _first, _second = canvas_workshop()
    page = plan_page(build_plan(workshop))
    figure = page[page.index('<figure class="canvas-picture">') : page.index("</figure>")]
    assert "Koffiegesprek" in figure and "Samen praten" in figure
    assert "DIALOOG" in figure and "canvas-note note-pink" in figure
    assert "<script>" not in figure and "&lt;script&gt;" in figure
    assert "2 notities op hun plek" in figure
    # A step that is no canvas gets no picture.
    assert page.count('<figure class="canvas-picture">') == 1


def test_the_pdf_shows_a_canvas_step_with_lanes_on_a_landscape_page():
    workshop, _first, _second = canvas_workshop()
    reader = PdfReader(io.BytesIO(render_pdf(build_plan(workshop), T, FORMAT_DATE)))
    pages = [page for page in reader.pages if "notities op hun plek" in page.extract_text()]
    assert len(pages) == 1 and pages[0].mediabox.width > pages[0].mediabox.height
    assert sum(page.mediabox.width > page.mediabox.height for page in reader.pages) == 1


def test_a_backup_keeps_every_action_status_and_its_history():
    workshop = make_workshop()
    kept = action(workshop, "ann", "Koffie met de directie", owner="ann")
    run(workshop, "ann", p.ACTION_EDIT, {"id": kept, "status": "doing"})
    report_progress(workshop, kept, "blocked", "Wacht op de agenda", "2026-12-01T10:00:00+00:00")
    restored = restore(loaded(backup(workshop)), "w2", "XYZ789", NOW)
    again = restored.actions[kept]
    assert again.status == "blocked"
    assert [(e["status"], e["text"]) for e in again.progress] == [("doing", ""), ("blocked", "Wacht op de agenda")]


def test_a_backup_from_before_the_history_still_imports():
    workshop = make_workshop()
    action(workshop, "ann", "Oud plan", owner="ann")
    old = backup(workshop)
    old["version"] = 1
    for item in old["actions"]:
        del item["progress"]
    restored = restore(loaded(old), "w2", "XYZ789", NOW)
    assert [a.progress for a in restored.actions.values()] == [[]]


def table_workshop():
    """Step 2 worked at two named tables, one note written for a table."""
    workshop = make_workshop()
    join(workshop, "cas", "Cas", PARTICIPANT, NOW)
    run(workshop, "fac", p.SET_TABLES, {"count": 2, "mode": "random", "names": ["Data", "Leiderschap"]})
    run(workshop, "fac", p.STEP_EDIT, {"index": BRAND, "tables": True})
    for who in ("ann", "bob", "cas"):
        add(workshop, who, BRAND, f"Sterk punt van {who}")
    add(workshop, "fac", BRAND, "Namens de tafel", for_table="t2")
    return workshop


def test_the_plan_groups_a_table_step_by_table_and_a_table_can_be_the_author():
    workshop = table_workshop()
    step = build_plan(workshop)["steps"][BRAND]
    assert [group["title"] for group in step["by_lane"]] == ["Data", "Leiderschap"]
    seated = {pid: workshop.participants[pid].table for pid in ("ann", "bob", "cas")}
    data = next(g for g in step["by_lane"] if g["title"] == "Data")["notes"]
    assert {n["author"] for n in data} <= {"Ann", "Bob", "Cas"}
    assert len(data) == list(seated.values()).count("t1")
    leadership = next(g for g in step["by_lane"] if g["title"] == "Leiderschap")["notes"]
    assert any(n["author"] == "Leiderschap" and n["text"] == "Namens de tafel" for n in leadership)
    markdown = render_markdown(build_plan(workshop), T, FORMAT_DATE)
    assert "Data" in markdown and "Leiderschap" in markdown


def test_a_backup_keeps_the_tables_and_an_older_one_imports_without_them():
    workshop = table_workshop()
    first = backup(workshop)
    restored = restore(loaded(first), "w2", "XYZ789", NOW)
    assert restored.tables == workshop.tables and restored.table_mode == "random"
    assert {pid: p.table for pid, p in restored.participants.items()} == {
        pid: p.table for pid, p in workshop.participants.items()
    }
    assert restored.steps[BRAND].tables
    assert backup(restored) == first
    old = backup(make_workshop())
    old["version"] = 2
    del old["workshop"]["tables"], old["workshop"]["table_mode"]
    for person in old["participants"]:
        del person["table"]
    for step in old["steps"]:
        del step["tables"]
    assert restore(loaded(old), "w3", "QRS456", NOW).tables == []


def test_a_step_worked_at_tables_keeps_its_lanes_in_every_writer():
    workshop = table_workshop()
    run(workshop, "fac", p.STEP_EDIT, {"index": PLATFORM, "tables": True})
    for who, text, lane in (
        ("ann", "Open agenda", "transparency"),
        ("bob", "Spreekuur", "dialogue"),
        ("cas", "Wijkloket", "accessibility"),
    ):
        add(workshop, who, PLATFORM, text, lane=lane)
    plan = build_plan(workshop)
    titles = [group["title"] for group in plan["steps"][PLATFORM]["by_lane"]]
    names = {"t1": "Data", "t2": "Leiderschap"}
    expected = [
        f"{names[workshop.participants[who].table]} · {lane}"
        for who, lane in (("ann", "Transparantie"), ("bob", "Dialoog"), ("cas", "Toegankelijkheid"))
    ]
    assert sorted(titles) == sorted(expected)
    for title in expected:
        assert title in render_markdown(plan, T, FORMAT_DATE)
        assert title in plan_page(plan)


def test_when_voting_closed_the_plan_ranks_the_notes_most_votes_first_ties_as_ties():
    workshop = make_workshop()
    ids = {
        text: add(workshop, "ann", PLATFORM, text, lane="dialogue")
        for text in ("Stil", "Spreekuur", "Open agenda", "Loket")
    }
    vote(
        workshop,
        PLATFORM,
        [("ann", ids["Open agenda"]), ("bob", ids["Open agenda"]), ("ann", ids["Spreekuur"]), ("bob", ids["Loket"])],
    )
    plan = build_plan(workshop)
    ranking = [(e["rank"], e["tied"], e["text"], e["votes"]) for e in plan["steps"][PLATFORM]["ranking"]]
    assert ranking == [(1, False, "Open agenda", 2), (2, True, "Spreekuur", 1), (2, True, "Loket", 1)]
    assert all(not step["ranking"] for step in plan["steps"][:PLATFORM])
    markdown = render_markdown(plan, T, FORMAT_DATE)
    assert (
        "| Plaats | Notitie | Stemmen |\n|---|---|---|\n| 1 | Open agenda | 2 |\n"
        "| 2 (gedeeld) | Spreekuur | 1 |\n| 2 (gedeeld) | Loket | 1 |"
    ) in markdown
    page = plan_page(plan)
    table = page[page.index('class="plan-ranking"') :]
    assert [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)][:6] == [
        "1",
        "Open agenda",
        "2",
        "2 (gedeeld)",
        "Spreekuur",
        "1",
    ]


# -- an action made from a note with its own words ------------------------------------------


def copied_note_workshop():
    """An action made from two notes, one of them with the action's own words."""
    workshop = make_workshop()
    same = add(workshop, "ann", PLATFORM, "WhatsApp-lijn voor  snelle vragen", lane="dialogue")
    other = add(workshop, "bob", PLATFORM, "Bereikbaar na 17 uur", lane="dialogue")
    vote(workshop, PLATFORM, [("ann", same), ("bob", same), ("bob", other)])
    action(workshop, "ann", "whatsapp-lijn voor snelle vragen ", owner="ann", due="2026-12-18", note_ids=[same, other])
    return workshop


def test_no_download_repeats_an_actions_title_as_its_source_note_but_keeps_the_others():
    plan = build_plan(copied_note_workshop())
    [shown] = plan["actions"]
    assert [source["text"] for source in shown["sources"]] == ["Bereikbaar na 17 uur"]
    assert shown["votes"] == 3  # the left-out note's votes still count
    writers = {
        "page": plan_page(plan),
        "markdown": render_markdown(plan, T, FORMAT_DATE),
        "csv": render_csv(plan, T),
        "pdf": pdf_text(render_pdf(plan, T, FORMAT_DATE)),
        "ics": str(Calendar.from_ical(render_ics(plan, T)).walk("VEVENT")[0].get("description")),
    }
    for name, text in writers.items():
        # The actions, before what the group said: the title once, the other note under it.
        actions = text.split(T("plan_what_we_said"))[0]
        assert "Bereikbaar na 17 uur" in actions, name
        # Markdown names an action in its table and over its details; an event's description
        # leaves it to the event's summary.
        expected = {"markdown": 2, "ics": 0}.get(name, 1)
        assert actions.lower().count("whatsapp-lijn voor") == expected, name


# -- the canvas on paper ------------------------------------------------------------------------


def goals_canvas_workshop(spread):
    """Step 1 as a canvas without lanes: three loose notes and a cluster of four, across the
    board (`spread`) or close together at its left; step 4 with notes and five actions."""
    workshop = make_workshop()
    run(workshop, "fac", p.STEP_EDIT, {"index": GOALS, "layout": "canvas"})
    left = 1 if spread else 0.25
    for text, x in (
        ("Meer inwoners bereiken", 0.02),
        ("Begrijpelijke brieven", 0.2),
        ("Inwoners betrekken bij besluiten", 0.31),
    ):
        add(workshop, "ann", GOALS, text, x=x * left, y=0.05)
    start = 0.67 if spread else 0.1
    cluster = [
        add(workshop, "bob", GOALS, text, x=start + dx, y=0.06 + dy)
        for text, dx, dy in (
            ("Telefonisch beter bereikbaar", 0, 0),
            ("Bereikbaar na 17 uur", 0.11, 0),
            ("Eén loket voor alles", 0, 0.17),
            ("Sneller reageren op vragen", 0.11, 0.17),
        )
    ]
    run(workshop, "fac", p.NOTE_GROUP, {"ids": cluster, "title": "Bereikbaarheid"})
    ideas = [add(workshop, "ann", PLATFORM, f"Idee {n} voor het platform", lane="dialogue") for n in range(5)]
    for n, idea in enumerate(ideas):
        action(
            workshop,
            "ann",
            f"Actie {n} met een titel die twee regels vult in de tabel",
            owner="ann",
            due="2026-12-18",
            note_ids=[idea],
        )
    return workshop


def pdf_pages(data):
    """[(lines of text, landscape)] of each page, as poppler reads them."""
    reader = PdfReader(io.BytesIO(data))
    texts = (
        subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
        .stdout.decode("utf-8")
        .split("\f")
    )
    return [
        ([line.strip() for line in text.splitlines() if line.strip()], page.mediabox.width > page.mediabox.height)
        for text, page in zip(texts, reader.pages)
    ]


def word_heights(data, page, word):
    """The heights of `word` on page `page` (1-based) of a PDF, as poppler boxes it."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [
        float(y_max) - float(y_min)
        for y_min, y_max in re.findall(rf'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">{word}</word>', boxes)
    ]


@pytest.mark.parametrize("spread", [True, False])
def test_the_pdf_keeps_each_heading_with_its_notes_once_and_the_canvas_text_readable(spread):
    data = render_pdf(build_plan(goals_canvas_workshop(spread)), T, FORMAT_DATE)
    pages = pdf_pages(data)
    lines = [line for text, _landscape in pages for line in text]
    assert lines.count("1. Doelen stellen") == 1  # one heading per step, nothing repeats it
    # "Wat we zeiden" and the step's heading stand on the page of the step's first notes.
    [said] = [text for text, _landscape in pages if "Wat we zeiden" in text]
    assert said.index("Wat we zeiden") < said.index("1. Doelen stellen") < said.index("Bereikbaarheid")
    [(canvas, landscape)] = [
        (number, landscape)
        for number, (text, landscape) in enumerate(pages, 1)
        if any("op hun plek" in line for line in text)
    ]
    # A canvas used across its width needs a landscape page; a narrow one stays with its
    # heading on a portrait page.
    assert landscape == spread and (said is pages[canvas - 1][0]) != spread
    assert sum(landscape for _text, landscape in pages) == (1 if spread else 0)
    # Its notes' text at least as large as the body text of the list of notes.
    in_list = min(word_heights(data, pages.index(next(page for page in pages if page[0] is said)) + 1, "Sneller"))
    on_canvas = word_heights(data, canvas, "Telefonisch")
    assert on_canvas and min(on_canvas) >= in_list - 0.01, (on_canvas, in_list)
