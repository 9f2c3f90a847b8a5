"""The plan as Markdown: readable as plain text, tidy when rendered."""

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text):
    """User text as literal Markdown: no links, HTML, headings or tables sneak in."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _note_line(note, t):
    extra = []
    if note["votes"]:
        extra.append(t("plan_votes", n=note["votes"]))
    extra.append(escape(note["author"]) if note["author"] else t("plan_anonymous_or_unknown"))
    return f"- {escape(note['text'])} ({', '.join(extra)})"


def render_markdown(plan, t, format_date):
    """The whole plan as one Markdown document."""
    lines = [f"# {escape(plan['title'])}", "",
             f"{t('plan_heading')} · {format_date(plan['date'])}", ""]
    if plan["goal"]:
        lines += [f"**{t('plan_goal')}:** {escape(plan['goal'])}", ""]
    lines += [f"## {t('plan_actions')}", ""]
    if plan["actions"]:
        lines += [f"| # | {t('col_action')} | {t('col_owner')} | {t('col_due')} | "
                  f"{t('col_votes')} | {t('col_status')} |",
                  "|---|---|---|---|---|---|"]
        for number, action in enumerate(plan["actions"], 1):
            owner = escape(action["owner"]) if action["owner"] else t("plan_no_owner")
            due = format_date(action["due"]) if action["due"] else t("plan_no_due")
            lines.append(f"| {number} | {escape(action['title'])} | {owner} | {due} | "
                         f"{action['votes']} | {t('status_' + action['status'])} |")
        lines.append("")
        for number, action in enumerate(plan["actions"], 1):
            if action["sources"]:
                lines.append(f"{number}. {escape(action['title'])} — {t('col_sources')}: "
                             + "; ".join(escape(s["text"]) for s in action["sources"]))
        lines.append("")
    else:
        lines += [t("plan_no_actions"), ""]
    lines += [f"## {t('plan_what_we_said')}", ""]
    for step in plan["steps"]:
        lines += [f"### {step['index'] + 1}. {escape(step['title'])}", ""]
        if step["private"]:
            lines += [t("plan_private_notes", n=step["private"]), ""]
            continue
        if not step["clusters"] and not step["notes"]:
            lines += [t("plan_no_notes"), ""]
            continue
        for cluster in step["clusters"]:
            lines.append(f"**{escape(cluster['title'] or t('cluster_untitled'))}**")
            lines += [_note_line(note, t) for note in cluster["notes"]]
            lines.append("")
        lines += [_note_line(note, t) for note in step["notes"]]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
