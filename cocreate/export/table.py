"""The actions as CSV for spreadsheets: UTF-8 with a byte-order mark, `;` between fields.

Dutch Excel uses the comma as its decimal separator and expects `;` between fields; the
BOM makes it read UTF-8, so é, ë and ï survive a double-click. LibreOffice's import splits
on `,`, `;` and tab at once by default, so every field holding any of those (or a quote or
a line break) is quoted: both programs then read the same columns.
"""

import re

from .plan import decision_text, status_text, update_text

BOM = "\ufeff"
SEPARATOR = ";"
# A field with one of these is quoted: what some spreadsheet splits on, quotes, line breaks.
_QUOTED = re.compile(r'[,;\t"\r\n]')
# A cell starting with one of these would be run as a formula by a spreadsheet.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# Text after a separator that a reader splitting there would take for a formula.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([,;\t\r\n])(?=[=+\-@])")


def cell(value):
    """A value as a safe spreadsheet cell: never a formula, wherever a reader splits it."""
    text = "" if value is None else str(value)
    text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)
    return "'" + text if text.startswith(_FORMULA) else text


def _field(value):
    text = "" if value is None else str(value)
    return '"' + text.replace('"', '""') + '"' if _QUOTED.search(text) else text


def _rows(rows):
    """CSV text: `;` between fields, CRLF after each row, quoted where needed, with a BOM."""
    return BOM + "".join(SEPARATOR.join(_field(value) for value in row) + "\r\n" for row in rows)


def render_csv(plan, t):
    """One row per action, sorted as in the plan. The review's decision has a column only in
    a series: a first session has no follow-up yet to decide anything."""
    series = plan["in_series"]
    rows = [
        [
            t("col_number"),
            t("col_action"),
            t("col_owner"),
            t("col_due"),
            t("col_status"),
            *([t("col_review")] if series else []),
            t("col_updates"),
            t("col_votes"),
            t("col_sources"),
        ]
    ]
    for number, action in enumerate(plan["actions"], 1):
        rows.append(
            [
                number,
                cell(action["title"]),
                cell(action["owner"]),
                action["due"] or "",
                status_text(action, t),
                *([cell(decision_text(action, t, str))] if series else []),
                cell(" | ".join(update_text(update, str) for update in action["updates"])),
                action["votes"],
                cell(" | ".join(source["text"] for source in action["sources"])),
            ]
        )
    return _rows(rows)


def render_links_csv(plan, t, links):
    """Each action's update link, grouped by owner, for a facilitator to send on; every row
    names the workshop, so lists of several workshops can be put together.

    `links` maps an action id to its owner's update link.
    """
    rows = [[t("col_workshop"), t("col_owner"), t("col_action"), t("col_due"), t("col_status"), t("col_update_link")]]
    by_owner = sorted(plan["actions"], key=lambda a: ((a["owner"] or "~").lower(), a["title"]))
    for action in by_owner:
        rows.append(
            [
                cell(plan["title"]),
                cell(action["owner"] or t("plan_no_owner")),
                cell(action["title"]),
                action["due"] or "",
                status_text(action, t),
                links[action["id"]],
            ]
        )
    return _rows(rows)
