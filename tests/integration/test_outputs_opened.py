"""Every download opened with the program people open it with: LibreOffice reads the CSV
files, poppler and pikepdf the PDF, two calendar parsers (one validating) every calendar,
a CommonMark renderer the Markdown. The workshop is tests/plans.py's municipal series."""

import functools
import re
import sqlite3
import subprocess
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta, timezone

import pikepdf
import pytest
import vobject
from icalendar import Calendar
from markdown_it import MarkdownIt

from cocreate import links
from cocreate.export import backup, build_plan, render_csv, render_ics, render_links_csv, render_markdown, render_pdf
from cocreate.i18n import long_date, translate

from pdfs import poppler, structure
from plans import PLATFORM, municipal_series, municipal_workshop
from support import bearer

T = functools.partial(translate, "nl")
FORMAT_DATE = functools.partial(long_date, "nl")
# LibreOffice's CSV import: its shipped defaults split on comma, semicolon and tab at once;
# Dutch Excel splits on the semicolon only. Tokens: separators, quote ("), UTF-8 (76), row 1.
FILTERS = {"libreoffice": "CSV:44/59/9,34,76,1", "dutch-excel": "CSV:59,34,76,1"}
OPEN_DOCUMENT = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


@pytest.fixture(scope="module")
def series():
    return municipal_series()


@pytest.fixture(scope="module")
def csv_files(series, tmp_path_factory):
    """{name: CSV text} of both sessions' plans and the update links."""
    first, second = series
    links = {action_id: f"http://192.168.1.20:5000/a/{first.id}/{action_id}/k" for action_id in first.actions}
    return {
        "alone.csv": render_csv(build_plan(municipal_workshop()), T),
        "first.csv": render_csv(build_plan(first, series), T),
        "second.csv": render_csv(build_plan(second, series), T),
        "links.csv": render_links_csv(build_plan(first, series), T, links),
    }


def _sheet_rows(path):
    """The rows of the first sheet of a flat OpenDocument spreadsheet: [(text, formula)]."""
    table = ElementTree.parse(path).getroot().find(".//table:table", OPEN_DOCUMENT)
    attribute = "{%s}" % OPEN_DOCUMENT["table"]
    rows = []
    for row in table.findall("table:table-row", OPEN_DOCUMENT):
        cells = []
        for cell in row.findall("table:table-cell", OPEN_DOCUMENT):
            text = "\n".join("".join(p.itertext()) for p in cell.findall("text:p", OPEN_DOCUMENT))
            repeated = int(cell.get(attribute + "number-columns-repeated", "1"))
            cells += [(text, cell.get(attribute + "formula"))] * min(repeated, 50)
        while cells and cells[-1] == ("", None):
            cells.pop()
        if cells:
            rows.append(cells)
    return rows


@pytest.fixture(scope="module")
def opened(csv_files, tmp_path_factory):
    """{(filter, file name): rows} as LibreOffice reads each CSV: one start per filter."""
    folder = tmp_path_factory.mktemp("csv")
    for name, text in csv_files.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    read = {}
    for label, infilter in FILTERS.items():
        out = folder / label
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{folder}/profile",
                "--headless",
                f"--infilter={infilter}",
                "--convert-to",
                "fods",
                "--outdir",
                str(out),
                *(str(folder / name) for name in csv_files),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        for name in csv_files:
            read[label, name] = _sheet_rows(out / name.replace(".csv", ".fods"))
    return read


@pytest.mark.parametrize("name", ["alone.csv", "first.csv", "second.csv", "links.csv"])
def test_libreoffice_and_dutch_excel_read_the_same_columns_and_no_formula(opened, name):
    default, dutch = opened["libreoffice", name], opened["dutch-excel", name]
    assert default == dutch
    width = len(default[0])
    assert all(len(row) <= width for row in default), default
    assert not [cell for row in default for cell in row if cell[1]]  # no formula anywhere


def test_a_field_with_commas_quotes_and_a_newline_stays_in_its_column(opened, series):
    first, _second = series
    rows = [[text for text, _formula in row] for row in opened["libreoffice", "first.csv"]]
    header, body = rows[0], {row[1]: row for row in rows[1:]}
    owner, status = header.index("Eigenaar"), header.index("Status")
    assert body['Spreekuur plannen, ook \'s avonds; met "tolk"'][owner] == 'Bob; "B" Jansen'
    assert body["'=HYPERLINK(\"http://x\"),'=1+1"][owner] == "Karin, van Financiën"
    assert body["Nieuwsbrief\nvoor de wijk"][status] == "Open"
    assert body["Één loket voor mantelzorgers, vóór 1 juni 🙂"][status] == "Gestopt"


def test_only_a_session_of_a_series_has_a_column_for_the_review_decision(opened):
    headers = {
        name: [text for text, _formula in opened["libreoffice", name][0]]
        for name in ("alone.csv", "first.csv", "second.csv")
    }
    assert headers["alone.csv"] == [
        "Nr",
        "Actie",
        "Eigenaar",
        "Deadline",
        "Status",
        "Voortgang",
        "Stemmen",
        "Bronnotities",
    ]
    assert (
        headers["first.csv"]
        == headers["second.csv"]
        == [*headers["alone.csv"][:5], "Besluit terugkomdag", *headers["alone.csv"][5:]]
    )
    # Every row of the first session's file keeps to its header's columns.
    rows = [[text for text, _formula in row] for row in opened["libreoffice", "alone.csv"]]
    votes = rows[0].index("Stemmen")
    assert all(row[votes].isdigit() for row in rows[1:]), rows


def test_the_update_links_name_the_workshop_on_every_row(opened):
    rows = [[text for text, _formula in row] for row in opened["dutch-excel", "links.csv"]]
    assert rows[0][0] == "Workshop"
    assert {row[0] for row in rows[1:]} == {'Gemeente Oost, afdeling Zuid; "wijkavond" 🎉'}


# -- calendars -----------------------------------------------------------------------------

HOSTILE_TITLE = 'Cal\rX-INJECTED:1\nGemeente Oost, afdeling Zuid; "wijk" 🎉'
LONE_SURROGATE = "kapot \ud800 teken"


def hostile_session():
    """A session whose title breaks lines and whose history holds a lone surrogate, as
    stored before the schemas refused them."""
    first = municipal_workshop()
    first.title = HOSTILE_TITLE
    action = first.actions[first.action_ids["komma"]]
    action.title += " \ud800"
    action.progress.append({"at": "2026-07-02T10:00:00+00:00", "status": "doing", "text": LONE_SURROGATE})
    return first


@pytest.fixture(scope="module")
def calendars(series):
    """{name: calendar bytes}: downloads and feeds of both sessions and a hostile one."""
    first, second = series
    own = {action_id for action_id, action in first.actions.items() if action.owner_id == "ann"}
    links = {action_id: f"http://192.168.1.20:5000/a/{first.id}/{action_id}/k" for action_id in first.actions}
    plan = build_plan(first, series)
    hostile = hostile_session()
    return {
        "first.ics": render_ics(plan, T),
        "first-feed.ics": render_ics(plan, T, update_urls=links),
        "ann-feed.ics": render_ics(
            {**plan, "actions": [a for a in plan["actions"] if a["id"] in own]},
            T,
            update_urls={i: links[i] for i in own},
        ),
        "second-feed.ics": render_ics(build_plan(second, series), T, update_urls=links),
        "hostile.ics": render_ics(build_plan(hostile), T, update_urls=links),
    }


@pytest.mark.parametrize("name", ["first.ics", "first-feed.ics", "ann-feed.ics", "second-feed.ics", "hostile.ics"])
def test_two_independent_parsers_one_validating_read_every_calendar_alike(calendars, name):
    body = calendars[name]
    ours = Calendar.from_ical(body)
    theirs = vobject.readOne(body.decode("utf-8"), validate=True)
    events = ours.walk("VEVENT")
    assert [str(event["UID"]) for event in events] == [event.uid.value for event in theirs.vevent_list]
    assert [str(event["SUMMARY"]) for event in events] == [event.summary.value for event in theirs.vevent_list]
    # icalendar hands an X- property over as written: unescape it as TEXT (RFC 5545 3.3.11).
    name = re.sub(r"\\([nN]|.)", lambda found: "\n" if found[1] in "nN" else found[1], str(ours["X-WR-CALNAME"]))
    assert name == theirs.x_wr_calname.value and name.endswith(" · Actieplan")
    assert all(event.dtstamp.value.tzinfo is not None for event in theirs.vevent_list)


def test_a_title_with_line_breaks_stays_one_escaped_value(calendars):
    body = calendars["hostile.ics"]
    calendar = vobject.readOne(body.decode("utf-8"), validate=True)
    assert calendar.x_wr_calname.value == HOSTILE_TITLE.replace("\r", "\n") + " · Actieplan"
    assert b"X-INJECTED" not in body.replace(b"\\nX-INJECTED", b"")
    assert "kapot \ufffd teken" in body.decode("utf-8").replace("\r\n ", "")


def test_a_calendar_reminds_only_of_what_is_still_to_do_at_nine_the_day_before(calendars):
    events = {str(event["SUMMARY"]): event for event in Calendar.from_ical(calendars["first-feed.ics"]).walk("VEVENT")}
    dropped = events["Één loket voor mantelzorgers, vóór 1 juni 🙂"]
    assert not dropped.walk("VALARM") and str(dropped["STATUS"]) == "CANCELLED"
    assert not events["Budget € 2.500 – aanvragen"].walk("VALARM")  # done
    # Due 30 June: 09:00 on 29 June in Amsterdam is 07:00 UTC (summer time).
    alarm = events['Spreekuur plannen, ook \'s avonds; met "tolk"'].walk("VALARM")[0]
    assert alarm["TRIGGER"].dt == datetime(2026, 6, 29, 7, 0, tzinfo=timezone.utc)
    stamp = events["Budget € 2.500 – aanvragen"]["DTSTAMP"].dt
    assert abs(datetime.now(timezone.utc) - stamp) < timedelta(minutes=5)


def test_a_lone_surrogate_in_stored_text_never_fails_a_download_or_feed(make_app):
    app = make_app()
    client = app.test_client()
    session = municipal_workshop()
    session.title = HOSTILE_TITLE
    document = backup(session)
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 201, answer.text
    copy, token = answer.json["id"], answer.json["facilitator_token"]
    # Stored as the issue found it: the history's JSON holds an escaped lone surrogate.
    with sqlite3.connect(app.config["DATABASE_URL"].removeprefix("sqlite:///")) as db:
        db.execute(
            "UPDATE actions SET progress = ? WHERE workshop_id = ?",
            ('[{"at": "2026-07-02T10:00:00+00:00", "status": "doing", "text": "kapot \\ud800 teken"}]', copy),
        )
    fresh = make_app().test_client()  # nothing cached from before the change
    store = fresh.application.extensions["cocreate.store"]
    workshop = store.workshop(copy)
    feed = links.calendar_path(fresh.application.extensions["cocreate.secret"], workshop)
    for path in (
        f"/w/{copy}/plan.ics",
        f"/w/{copy}/plan.csv",
        f"/w/{copy}/plan.md",
        f"/w/{copy}/plan.pdf",
        f"/w/{copy}/plan",
        feed,
    ):
        answer = fresh.get(path, headers=bearer(token))
        assert answer.status_code == 200, path


# -- Markdown ------------------------------------------------------------------------------


def _rendered(plan):
    """HTML of the plan's Markdown by CommonMark with GitHub's tables (as most renderers)."""
    return MarkdownIt("commonmark").enable("table").render(render_markdown(plan, T, FORMAT_DATE))


@pytest.mark.parametrize("session", [0, 1])
def test_a_commonmark_renderer_keeps_every_actions_rank(series, session):
    plan = build_plan(series[session], series)
    html = _rendered(plan)
    # The table's rank of each action is the rank its details are headed with.
    table = html[html.index("<table>") : html.index("</table>")]
    ranks = dict(re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td>(.*?)</td>", table))
    details = dict(re.findall(r"<p><strong>#(\d+) · (.*?)</strong></p>", html))
    assert details and all(ranks[rank] == title for rank, title in details.items())
    assert len(ranks) == len(plan["actions"])
    # No ordered list a renderer could renumber; no markup from user text.
    assert "<ol" not in html and "<script" not in html and "<a " not in html


def test_every_export_is_dated_with_the_workshops_day_not_the_download_day(series):
    first, second = series
    assert "Actieplan · 2 juni 2026" in render_markdown(build_plan(first), T, FORMAT_DATE)
    assert "Actieplan · 15 september 2026" in render_markdown(build_plan(second), T, FORMAT_DATE)
    undated = municipal_workshop()
    undated.date = None  # made late in the evening of 1 June in Amsterdam, 21:30 UTC
    undated.created_at = "2026-06-01T22:30:00+00:00"
    assert build_plan(undated)["date"] == "2026-06-02"


# -- PDF -----------------------------------------------------------------------------------

MM = 72 / 25.4
PRINT_MARGIN = 18 * MM  # print.css: the sides of every page


@pytest.fixture(scope="module")
def pdfs(series, tmp_path_factory):
    """{session: path of its plan.pdf}, the first and the follow-up."""
    folder = tmp_path_factory.mktemp("pdf")
    paths = {}
    for name, workshop in zip(("first", "second"), series):
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(render_pdf(build_plan(workshop, series), T, FORMAT_DATE))
    return paths


@pytest.mark.parametrize("session", ["first", "second"])
def test_the_pdf_is_tagged_pdf_ua_with_its_language_title_and_outline(pdfs, session):
    info = poppler("pdfinfo", pdfs[session])
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert re.search(r"^Title:\s+.+ · Actieplan$", info, re.M)
    with pikepdf.open(pdfs[session]) as pdf:
        assert str(pdf.Root.Lang) == "nl"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle  # the title, not the file name
        assert pdf.Root.MarkInfo.Marked
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        with pdf.open_outline() as outline:
            [top] = outline.root
            chapters = [str(item.title) for item in top.children]
        assert chapters[:2] == ["Acties", "Wat we zeiden"]
        elements = structure(pdf.Root.StructTreeRoot.K)
    kinds = {kind for kind, _alt in elements}
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI"} <= kinds
    figures = [alt for kind, alt in elements if kind == "/Figure"]
    assert len(figures) == (1 if session == "first" else 0)
    assert all(alt and "notities op hun plek" in alt for alt in figures)


@pytest.mark.parametrize("session", ["first", "second"])
def test_no_word_in_the_pdf_is_broken_without_a_hyphen(pdfs, series, session):
    text = poppler("pdftotext", "-raw", pdfs[session], "-")
    plan = build_plan(series[0], series)
    said = [note["text"] for step in plan["steps"] for group in step["by_lane"] for note in group["notes"]]
    words = {
        word.strip(".,;:!?\"'()")
        for phrase in [a["title"] for a in plan["actions"]]
        + [a["owner"] or "" for a in plan["actions"]]
        + said
        + ["Vastgelopen", "Gemeentesecretaris", "Terugkomdag", "augustus"]
        for word in phrase.split()
    }
    for word in (word for word in words if len(word) > 3 and word.isalpha()):
        for cut in range(1, len(word)):
            assert f"{word[:cut]}\n{word[cut:]}" not in text, word
    joined = re.sub(r"[-\u2010]\n(?=[a-zà-ÿ])", "", text)  # WeasyPrint hyphenates with U+2010
    assert "Gemeentesecretaris en praktijkondersteuner uitnodigen" in " ".join(joined.split())


def test_emoji_are_drawn_with_a_font_that_has_them(pdfs):
    fonts = poppler("pdffonts", pdfs["first"])
    assert "Noto-Color-Emoji" in fonts and "DejaVu-Sans" in fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:])  # every font embedded
    text = " ".join(poppler("pdftotext", "-raw", pdfs["first"], "-").split())
    assert "vóór 1 juni 🙂" in text and "€ 2.500 – aanvragen" in text
    assert "?" not in text.replace("?\n", "")  # nothing replaced by a question mark


def test_the_canvas_page_keeps_every_text_inside_its_note_at_the_body_texts_size(pdfs, series):
    plan = build_plan(series[0], series)
    picture = plan["steps"][PLATFORM]["picture"]
    view = picture["view"]
    boxes = poppler("pdftotext", "-bbox", pdfs["first"], "-")
    page = ElementTree.fromstring(
        re.sub(r"<!DOCTYPE[^>]*>", "", boxes).replace('xmlns="http://www.w3.org/1999/xhtml"', "")
    )
    [canvas] = [p for p in page.iter("page") if float(p.get("width")) > float(p.get("height"))]
    words = [(w.text, *(float(w.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))) for w in canvas.iter("word")]
    # The plan's body text (10 pt) as poppler measures a word of it: a note of step 1.
    body = next(
        float(w.get("yMax")) - float(w.get("yMin")) for w in next(page.iter("page")).iter("word") if w.text == "Minder"
    )
    scale = (float(canvas.get("width")) - 2 * PRINT_MARGIN) / view["width"]
    # The frame's top from its first lane title, set at 28 px (its baseline) in the picture.
    lane = next(w for w in words if w[0] == "TRANSPARANTIE")
    top = lane[4] - (28 - view["y"]) * scale - 4  # the descent below the baseline, with room
    for note in picture["notes"]:
        left = PRINT_MARGIN + (note["x"] - view["x"]) * scale
        right = left + note["width"] * scale
        upper = top + (note["y"] - view["y"]) * scale
        lower = upper + note["height"] * scale + 8
        for line in note["print_lines"]:
            for word in line.split():
                # The word where its note is (the same word may stand elsewhere on the page):
                # found there, and inside the note.
                boxes = [w for w in words if w[0] == word and left - 1 <= w[1] <= right and upper - 12 <= w[2] <= lower]
                assert boxes, (word, note["print_lines"])
                assert all(w[3] <= right and upper <= w[2] and w[4] <= lower for w in boxes), word
                if word.isalpha():  # (poppler gives an emoji's bitmap no height)
                    assert all(w[4] - w[2] >= body - 0.01 for w in boxes), (word, body)
    assert all(
        PRINT_MARGIN - 1 <= x_min and x_max <= float(canvas.get("width")) - PRINT_MARGIN + 1
        for _t, x_min, _y, x_max, _y2 in words
    )
