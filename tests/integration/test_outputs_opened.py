"""Every download opened with the program people open it with: LibreOffice reads the CSV
files, poppler and pikepdf the PDF, two calendar parsers (one validating) every calendar,
a CommonMark renderer the Markdown. The workshop is tests/plans.py's municipal series."""

import functools
import subprocess
import xml.etree.ElementTree as ElementTree

import pytest

from cocreate.export import build_plan, render_csv, render_links_csv
from cocreate.i18n import translate

from plans import municipal_series

T = functools.partial(translate, "nl")
# LibreOffice's CSV import: its shipped defaults split on comma, semicolon and tab at once;
# Dutch Excel splits on the semicolon only. Tokens: separators, quote ("), UTF-8 (76), row 1.
FILTERS = {"libreoffice": "CSV:44/59/9,34,76,1", "dutch-excel": "CSV:59,34,76,1"}
OPEN_DOCUMENT = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
                 "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}


@pytest.fixture(scope="module")
def series():
    return municipal_series()


@pytest.fixture(scope="module")
def csv_files(series, tmp_path_factory):
    """{name: CSV text} of both sessions' plans and the update links."""
    first, second = series
    links = {action_id: f"http://192.168.1.20:5000/a/{first.id}/{action_id}/k"
             for action_id in first.actions}
    return {"first.csv": render_csv(build_plan(first, series), T),
            "second.csv": render_csv(build_plan(second, series), T),
            "links.csv": render_links_csv(build_plan(first, series), T, links)}


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
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile",
                        "--headless", f"--infilter={infilter}", "--convert-to", "fods",
                        "--outdir", str(out), *(str(folder / name) for name in csv_files)],
                       check=True, capture_output=True, timeout=120)
        for name in csv_files:
            read[label, name] = _sheet_rows(out / name.replace(".csv", ".fods"))
    return read


@pytest.mark.parametrize("name", ["first.csv", "second.csv", "links.csv"])
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
    assert body["Spreekuur plannen, ook 's avonds; met \"tolk\""][owner] == 'Bob; "B" Jansen'
    assert body["'=HYPERLINK(\"http://x\"),'=1+1"][owner] == "Karin, van Financiën"
    assert body["Nieuwsbrief\nvoor de wijk"][status] == "Open"
    assert body["Één loket voor mantelzorgers, vóór 1 juni 🙂"][status] == "Gestopt"


def test_the_update_links_name_the_workshop_on_every_row(opened):
    rows = [[text for text, _formula in row] for row in opened["dutch-excel", "links.csv"]]
    assert rows[0][0] == "Workshop"
    assert {row[0] for row in rows[1:]} == {'Gemeente Oost, afdeling Zuid; "wijkavond" 🎉'}
