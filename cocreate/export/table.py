"""The actions as CSV for Excel: UTF-8 with a byte-order mark and `;` between fields.

Dutch Excel uses the comma as its decimal separator and expects `;` between
fields; the BOM makes it read UTF-8, so é, ë and ï survive a double-click.
"""

import csv
import io

from .plan import decision_text, status_text, update_text

BOM = "\ufeff"
# A cell starting with one of these would be run as a formula by a spreadsheet.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as a safe spreadsheet cell."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def render_csv(plan, t):
    """One row per action, sorted as in the plan."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([t("col_number"), t("col_action"), t("col_owner"), t("col_due"),
                     t("col_status"), t("col_review"), t("col_updates"), t("col_votes"),
                     t("col_sources")])
    for number, action in enumerate(plan["actions"], 1):
        writer.writerow([number, cell(action["title"]), cell(action["owner"]),
                         action["due"] or "", status_text(action, t),
                         cell(decision_text(action, t, str)),
                         cell(" | ".join(update_text(update, str) for update in action["updates"])),
                         action["votes"],
                         cell(" | ".join(source["text"] for source in action["sources"]))])
    return BOM + out.getvalue()


def render_links_csv(plan, t, links):
    """Each action's update link, grouped by owner, for a facilitator to send on.

    `links` maps an action id to its owner's update link.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([t("col_owner"), t("col_action"), t("col_due"), t("col_status"),
                     t("col_update_link")])
    by_owner = sorted(plan["actions"], key=lambda a: ((a["owner"] or "~").lower(), a["title"]))
    for action in by_owner:
        writer.writerow([cell(action["owner"] or t("plan_no_owner")), cell(action["title"]),
                         action["due"] or "", status_text(action, t), links[action["id"]]])
    return BOM + out.getvalue()
