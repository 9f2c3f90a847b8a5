"""The draaiboek (run sheet) as Markdown and as PDF: per day, per item the planned time, and
per step its prompt, how it is worked and what is needed; once steps have run, their actual
times beside the plan."""

import functools

from ..domain.agenda import forecast, proposed_agenda
from .markdown import escape
from .pdf import print_page


def build_draaiboek(workshop, now, today):
    """The draaiboek as plain data: the workshop's agenda (or a proposal from its format's
    minutes, on `today` or its planned date) with the forecast at `now`."""
    proposed = workshop.agenda is None
    agenda = proposed_agenda(workshop, workshop.date or today) if proposed else workshop.agenda
    view = forecast(workshop, now, agenda)
    return {
        "title": workshop.title,
        "goal": workshop.goal,
        "proposed": proposed,
        "date": workshop.date or next((day["start"][:10] for day in agenda["days"]), today),
        "days": [{**day, "items": [_item(workshop, item) for item in day["items"]]} for day in view["days"]],
    }


def _item(workshop, item):
    if item["kind"] != "step":
        return item
    step = workshop.steps[item["step"]]
    return {
        **item,
        "prompt": step.prompt,
        "ways": ways_of_working(step),
        "needs": needs_of(step),
        "ran": item["state"] in ("done", "running"),
    }


def ways_of_working(step):
    """Translation keys of how a step is worked, in the order a facilitator explains them."""
    ways = ["work_private" if step.reveal == "private" else "work_open"]
    if step.anonymity != "off":
        ways.append(f"work_anonymous_{step.anonymity}")
    if step.tables:
        ways.append("work_tables")
    if step.current_layout() == "canvas":
        ways.append("work_canvas")
    elif step.lanes:
        ways.append("work_lanes")
    if step.voting:
        ways.append("work_voting")
    return ways


def needs_of(step):
    """Translation keys of what a step needs in the room."""
    extra = (("need_tables", step.tables), ("need_budget", step.voting))
    return ["need_projector", "need_devices"] + [need for need, wanted in extra if wanted]


def _clock(moment):
    return moment[11:16]


def _actual(item, t):
    if not item.get("ran"):
        return ""
    if item["state"] == "running":
        return t("draaiboek_running", start=_clock(item["start"]), n=item["actual_minutes"])
    if not item["start_known"]:  # the room opened on it: when it began is not known
        return t("draaiboek_ended", end=_clock(item["end"]))
    if item["actual_minutes"] is None:  # the day closed on it: when it ended is not known
        return t("draaiboek_started", start=_clock(item["start"]))
    return f"{_clock(item['start'])}–{_clock(item['end'])} ({t('draaiboek_minutes', n=item['actual_minutes'])})"


def day_times(day, t):
    """When a day is planned, and when its items end where they run past that end (a day
    with a set end whose items add up to more, or a break a suggestion moved)."""
    start, end = _clock(day["start"]), _clock(day["planned_end"])
    items_end = max((item["planned_end"] for item in day["items"]), default=day["planned_end"])
    if items_end > day["planned_end"]:
        return t("draaiboek_day_times_over", start=start, end=end, over=_clock(items_end))
    return t("draaiboek_day_times", start=start, end=end)


def _minutes_cell(item, t):
    """The item's minutes, and what was planned before a suggestion shortened it."""
    if item["planned"] > item["minutes"]:
        return t("draaiboek_shortened", n=item["minutes"], planned=item["planned"])
    return str(item["minutes"])


def _ran(draaiboek):
    """Whether any step has run: then every day's table gets the actual times."""
    return any(item.get("ran") for day in draaiboek["days"] for item in day["items"])


def render_draaiboek_pdf(draaiboek, t, format_date, language):
    """The draaiboek as tagged PDF bytes (A4, in `language`)."""
    return print_page(
        "draaiboek_print.html",
        draaiboek=draaiboek,
        t=t,
        format_date=format_date,
        language=language,
        ran=_ran(draaiboek),
        clock=_clock,
        day_times=functools.partial(day_times, t=t),
        actual=functools.partial(_actual, t=t),
        minutes=functools.partial(_minutes_cell, t=t),
    )


def render_draaiboek_markdown(draaiboek, t, format_date):
    """The whole draaiboek as one Markdown document."""
    lines = [f"# {t('draaiboek_heading')}: {escape(draaiboek['title'], heading=True)}", ""]
    if draaiboek["goal"]:
        lines += [f"**{t('plan_goal')}:** {escape(draaiboek['goal'])}", ""]
    if draaiboek["proposed"]:
        lines += [t("draaiboek_proposed"), ""]
    ran = _ran(draaiboek)
    for number, day in enumerate(draaiboek["days"], 1):
        lines += [f"## {t('draaiboek_day', n=number)}: {format_date(day['start'][:10])}", "", day_times(day, t), ""]
        header = [t("draaiboek_col_time"), t("draaiboek_col_minutes"), t("draaiboek_col_item")]
        if ran:
            header.append(t("draaiboek_col_actual"))
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for item in day["items"]:
            title = escape(item["title"], cell=True)
            cells = [
                f"{_clock(item['planned_start'])}–{_clock(item['planned_end'])}",
                _minutes_cell(item, t),
                title if item["kind"] == "step" else f"*{title}*",
            ]
            if ran:
                cells.append(_actual(item, t) or "—")
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
        for item in day["items"]:
            if item["kind"] == "step":
                lines += _step(item, t)
    return "\n".join(lines).rstrip() + "\n"


def _step(item, t):
    lines = [
        f"### {_clock(item['planned_start'])} {escape(item['title'], heading=True)} "
        f"({t('draaiboek_minutes', n=item['minutes'])})",
        "",
        f"- **{t('draaiboek_prompt')}:** {escape(item['prompt'])}",
        f"- **{t('draaiboek_ways')}:** " + "; ".join(t(way) for way in item["ways"]),
        f"- **{t('draaiboek_needs')}:** " + "; ".join(t(need) for need in item["needs"]),
    ]
    if item["ran"]:
        lines.append(f"- **{t('draaiboek_col_actual')}:** {_actual(item, t)}")
    return lines + [""]
