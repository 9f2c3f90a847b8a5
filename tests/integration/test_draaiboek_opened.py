"""The draaiboek's PDF opened with the programs people open it with: poppler reads its
title, tags and text, pikepdf its language and structure tree. A two-day programme, once
before the session (Dutch) and once with three steps run (English)."""

import copy
import functools
import re

import pikepdf
import pytest

from cocreate import protocol as p
from cocreate.domain import apply
from cocreate.export.draaiboek import build_draaiboek, render_draaiboek_markdown, render_draaiboek_pdf
from cocreate.i18n import long_date, translate
from pdfs import poppler, structure
from workshops import AGENDA, BRAND, DAY_ONE, FRICTION, GOALS, at, domain_workshop


def teamdag():
    """The two-day cocreation workshop with its agenda set, nothing run yet."""
    workshop = domain_workshop({}, now=at("08:00"), title="Teamdag Zuid", goal="Meer klanten, minder moeite")
    apply(workshop, "fac", p.SET_AGENDA, copy.deepcopy(AGENDA), at("08:00"))
    return workshop


def printed(workshop, now, language, folder):
    """The path of the workshop's draaiboek PDF at `now`, in `language`."""
    path = folder / f"draaiboek-{language}.pdf"
    path.write_bytes(
        render_draaiboek_pdf(
            build_draaiboek(workshop, now, DAY_ONE),
            functools.partial(translate, language),
            functools.partial(long_date, language),
            language,
        )
    )
    return path


@pytest.fixture(scope="module")
def before(tmp_path_factory):
    """The Dutch draaiboek before the session."""
    return printed(teamdag(), at("08:00"), "nl", tmp_path_factory.mktemp("before"))


@pytest.fixture(scope="module")
def after(tmp_path_factory):
    """The English draaiboek at 14:30 on day one, after three steps ran."""
    workshop = teamdag()
    for index, clock in ((GOALS, "09:00"), (BRAND, "10:20"), (FRICTION, "12:40")):
        apply(workshop, "fac", p.STEP_GO, {"index": index}, at(clock))
    return printed(workshop, at("14:30"), "en", tmp_path_factory.mktemp("after"))


def _text(path):
    """The PDF's text as poppler extracts it, one space between words."""
    return " ".join(poppler("pdftotext", "-raw", path, "-").split())


@pytest.mark.parametrize(
    "case, language, title", [("before", "nl", "Teamdag Zuid · Draaiboek"), ("after", "en", "Teamdag Zuid · Run sheet")]
)
def test_the_draaiboek_pdf_is_tagged_with_its_title_language_headings_and_tables(request, case, language, title):
    path = request.getfixturevalue(case)
    info = poppler("pdfinfo", path)
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(rf"^Title:\s+{re.escape(title)}$", info, re.M)
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == language
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        kinds = [kind for kind, _alt in structure(pdf.Root.StructTreeRoot.K)]
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD"} <= set(kinds)
    assert kinds.count("/Table") == 2 and kinds.count("/H2") == 2  # a table per day


def test_before_the_session_the_pdf_has_every_planned_time_prompt_and_way_of_working(before):
    text = _text(before)
    assert "DRAAIBOEK · 10 MAART 2026" in text  # the eyebrow, in capitals
    assert "Dag 1: 10 maart 2026" in text and "Dag 2: 11 maart 2026" in text
    assert "Tijd Onderdeel Min." in text and "Werkelijk" not in text
    for row in (
        "09:00–10:00 Doelen stellen 60",
        "10:00–10:15 Koffie 15",
        "12:15–13:45 Knuppel in het hoenderhok 90",
        "09:00–11:00 Platform van betrokkenheid 120",
    ):
        assert row in text
    assert "12:15 Knuppel in het hoenderhok (90 min)" in text
    assert "eerst ieder voor zich schrijven, dan onthullen; anoniem mag" in text
    assert "Zet je doel in een bredere context" in text


def test_after_steps_ran_the_pdf_has_the_actual_times_beside_the_plan(after):
    text = _text(after)
    assert "RUN SHEET · MARCH 10, 2026" in text and "Day 2: March 11, 2026" in text
    assert "Time Item Min. Actual" in text
    assert "09:00–10:00 Doelen stellen 60 09:00–10:20 (80 min)" in text
    assert "10:00–10:15 Koffie 15 —" in text
    assert "12:15–13:45 Knuppel in het hoenderhok 90 running since 12:40 (110 min)" in text
    assert "Actual 10:20–12:40 (140 min)" in text  # beside the step's details too


def test_a_shortened_item_and_the_step_the_room_opened_on_read_whole_in_the_pdf(tmp_path):
    workshop = teamdag()
    apply(workshop, "fac", p.STEP_GO, {"index": BRAND}, at("10:05"))  # no Start on the goals
    agenda = copy.deepcopy(AGENDA)
    agenda["days"][0]["items"][4].update(minutes=60, planned=90)
    apply(workshop, "fac", p.SET_AGENDA, agenda, at("10:30"))
    path = printed(workshop, at("10:30"), "nl", tmp_path)
    text = _text(path)
    assert "09:00–10:00 Doelen stellen 60 tot 10:05" in text
    assert "12:15–13:15 Knuppel in het hoenderhok 60 (was 90) —" in text
    # "(was 90)" stays inside its column: it ends left of the actual times' column.
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>',
        poppler("pdftotext", "-bbox", path, "-"),
    )
    was_ends = max(float(x_max) for _x, x_max, word in words if word == "90)")
    actual_starts = min(float(x_min) for x_min, _x, word in words if word == "—")
    assert was_ends < actual_starts


def test_a_day_whose_items_run_past_its_set_end_says_so_in_the_product_words(tmp_path):
    """Day two must end at 11:00; its step and coffee take until 11:15. The run sheet says
    "stemmen", as the board does, never "stippen"."""
    workshop = teamdag()
    agenda = copy.deepcopy(AGENDA)
    agenda["days"][1].update(end=agenda["days"][1]["start"][:11] + "11:00")
    agenda["days"][1]["items"] = [{"step": 3, "minutes": 120}, {"break": "Koffie", "minutes": 15}]
    apply(workshop, "fac", p.SET_AGENDA, agenda, at("08:00"))
    text = _text(printed(workshop, at("08:00"), "nl", tmp_path))
    assert "Gepland van 09:00 tot 11:00, maar de onderdelen lopen tot 11:15." in text
    assert "Gepland van 09:00 tot 13:45." in text  # day one's items fill it exactly
    assert "stemmen" in text and "stippen" not in text
    markdown = render_draaiboek_markdown(
        build_draaiboek(workshop, at("08:00"), DAY_ONE),
        functools.partial(translate, "nl"),
        functools.partial(long_date, "nl"),
    )
    assert "Gepland van 09:00 tot 11:00, maar de onderdelen lopen tot 11:15." in markdown
    assert "- **Werkvorm:** open schrijven, iedereen ziet elkaars notities; in banen; stemmen\n" in markdown
    assert "stippen" not in markdown
