"""The plan as Markdown: readable as plain text, tidy when rendered."""

import re
import string
import unicodedata

from .plan import decision_text, rank_text, status_text, update_text

_PUNCTUATION = frozenset(string.punctuation)
# At the start of a block: a heading, a quote, a list item or a thematic break.
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+](?=\s|$|-))")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_CLOSING_HASHES = re.compile(r"(^|\s)(#+)$")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+(?:;|$))")


def _punctuation(ch):
    """True for what CommonMark counts as punctuation; the start and end of the text count too."""
    return ch == "" or ch in _PUNCTUATION or unicodedata.category(ch)[0] in "PS"


def _may_close(before, after):
    """True when a `*`, `_` or `~` between `before` and `after` could close emphasis.

    Emphasis needs a closing delimiter, so escaping every one that could close is
    enough: one that can only open stays as typed ("~10 mensen", "5 * 3").
    """
    if before.isspace():
        return False
    return not _punctuation(before) or after.isspace() or _punctuation(after)


def _needs_backslash(ch, before, after, cell):
    """True when `ch` between `before` and `after` could start markup where it stands."""
    if ch in "`[]":  # code spans, links, images
        return True
    if ch == "\\":  # a backslash before punctuation (or our own markup) would escape it
        return after == "" or after in _PUNCTUATION
    if ch == "<":  # raw HTML and autolinks
        return after != "" and after.isascii() and (after.isalpha() or after in "/!?")
    if ch in "*~":
        return _may_close(before, after)
    if ch == "_":  # inside a word an `_` neither opens nor closes
        return _may_close(before, after) and not (before.isalnum() and after.isalnum())
    return ch == "|" and cell


def escape(text, cell=False, heading=False):
    """User text as literal Markdown on one line: no links, HTML, code or emphasis sneak in.

    Only what would change the meaning where it stands is escaped, so "Ingrid (HR)",
    "werk!" and "8+" read the same pasted as plain text. `cell` also escapes `|` (a
    table cell); `heading` also escapes trailing `#`s (an ATX heading would drop them).
    """
    text = " ".join(text.split())
    marked = [
        ("\\" if _needs_backslash(ch, text[i - 1 : i], text[i + 1 : i + 2], cell) else "") + ch
        for i, ch in enumerate(text)
    ]
    text = _ENTITY.sub(r"\\&", "".join(marked))
    # User text comes first in a list item, heading or table cell here, so it may start a block.
    text = _BLOCK_START.sub(lambda found: "\\" + found.group(), text)
    text = _ORDERED_START.sub(r"\1\\\2", text)
    if heading:
        text = _CLOSING_HASHES.sub(r"\1\\\2", text)
    return text


def _note_line(note, t):
    extra = []
    if note["votes"]:
        extra.append(t("plan_votes", n=note["votes"]))
    extra.append(escape(note["author"]) if note["author"] else t("plan_anonymous_or_unknown"))
    return f"- {escape(note['text'])} ({', '.join(extra)})"


def _group(title, notes, t):
    """A sub-heading (when given) over a list of notes."""
    lines = [f"#### {escape(title, heading=True)}", ""] if title else []
    return lines + [_note_line(note, t) for note in notes] + [""]


def _step(step, t):
    lines = [f"### {step['index'] + 1}. {escape(step['title'], heading=True)}", ""]
    if step["private"]:
        return lines + [t("plan_private_notes", n=step["private"]), ""]
    lines += _ranking(step, t)
    if step["review"] is not None:
        lines += _review(step, t)
        if not step["clusters"] and not step["notes"]:
            return lines
    if not step["clusters"] and not step["notes"]:
        return lines + [t("plan_no_notes"), ""]
    for cluster in step["clusters"]:
        lines += _group(cluster["title"] or t("cluster_untitled"), cluster["notes"], t)
    for group in step["by_lane"]:
        title = (group["title"] or t("plan_other")) if step["headed"] else None
        lines += _group(title, group["notes"], t)
    return lines


def _details(number, action, t, format_date):
    """What the table has no room for: source notes, the review's decision, progress.

    Headed by the action's rank as plain text ("#3"), never a list marker: a renderer
    renumbers an ordered list that skips numbers, so "item 2" would no longer be #3.
    """
    lines = []
    if action["sources"]:
        lines.append(f"- {t('col_sources')}: " + "; ".join(escape(source["text"]) for source in action["sources"]))
    if action["decision"]:
        lines.append(f"- {t('col_review')}: {escape(decision_text(action, t, format_date))}")
    if action["updates"]:
        lines.append(f"- {t('col_updates')}:")
        lines += [f"  - {escape(update_text(update, format_date))}" for update in action["updates"]]
    if not lines:
        return []
    return [f"**#{number} · {escape(action['title'])}**", ""] + lines + [""]


def _ranking(step, t):
    """The vote's result as a table: place (ties shown as ties), note, votes."""
    if not step["ranking"]:
        return []
    lines = [
        f"#### {t('plan_ranking')}",
        "",
        f"| {t('col_rank')} | {t('col_note')} | {t('col_votes')} |",
        "|---|---|---|",
    ]
    lines += [
        f"| {rank_text(entry, t)} | {escape(entry['text'], cell=True)} | {entry['votes']} |"
        for entry in step["ranking"]
    ]
    return lines + [""]


def _review(step, t):
    """A review step: what the room decided about each action from an earlier session."""
    if not step["review"]:
        return [t("plan_no_review"), ""]
    lines = [f"#### {t('plan_reviewed')}", ""]
    for action in step["review"]:
        decided = t("review_decided_" + action["decision"]) if action["decision"] else t("plan_review_pending")
        status = f" ({t('status_' + action['state'])})" if action["state"] else ""
        lines.append(f"- {escape(action['title'])}: {decided}{status}")
    return lines + [""]


def render_markdown(plan, t, format_date):
    """The whole plan as one Markdown document."""
    lines = [f"# {escape(plan['title'], heading=True)}", "", f"{t('plan_heading')} · {format_date(plan['date'])}", ""]
    if plan["goal"]:
        lines += [f"**{t('plan_goal')}:** {escape(plan['goal'])}", ""]
    lines += [f"## {t('plan_actions')}", ""]
    if plan["actions"]:
        lines += [
            f"| # | {t('col_action')} | {t('col_owner')} | {t('col_due')} | {t('col_votes')} | {t('col_status')} |",
            "|---|---|---|---|---|---|",
        ]
        for number, action in enumerate(plan["actions"], 1):
            owner = escape(action["owner"], cell=True) if action["owner"] else t("plan_no_owner")
            due = format_date(action["due"]) if action["due"] else t("plan_no_due")
            lines.append(
                f"| {number} | {escape(action['title'], cell=True)} | {owner} | {due} | "
                f"{action['votes']} | {status_text(action, t)} |"
            )
        lines.append("")
        for number, action in enumerate(plan["actions"], 1):
            lines += _details(number, action, t, format_date)
    else:
        lines += [t("plan_no_actions"), ""]
    lines += [f"## {t('plan_what_we_said')}", ""]
    for step in plan["steps"]:
        lines += _step(step, t)
    return "\n".join(lines).rstrip() + "\n"
