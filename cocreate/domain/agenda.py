"""The agenda (run sheet): `agenda:set`, the step times the room records, and the forecast.

An agenda is a list of days, each with a start (wall-clock time in the agenda's `zone`),
optionally the time it must end, and items: a step with its planned minutes, or a break
with a title. Without an end, a day ends when its items do. The server records
when the room moves to a step and away from it (`record_move`); `forecast` puts plan and
clock side by side. The domain never reads the clock: every function is given `now`.

A break is not a step, so the room does not "move" to it: the time a step runs into the
breaks right after it is theirs first. A running step and those breaks are one block
that ends at its planned end or now, whichever is later.
"""

import math
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import protocol as p
from ..protocol import Command
from .errors import invalid
from .rules import require_facilitator
from .workshop import Event

DEFAULT_ZONE = "Europe/Amsterdam"
DAY_START = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
WALL_CLOCK = "%Y-%m-%dT%H:%M"
# A suggestion keeps every later item at two thirds (KEEP_PARTS / 3) of its planned
# minutes, and at least KEEP_MINUTES.
KEEP_PARTS = 2
KEEP_MINUTES = 5
DEFAULT_MINUTES = 30  # a step whose format plans no minutes
# Once a suggestion was taken over, the next comes when the day runs this late again: a step
# still running, or the half minute the forecast rounds, is no reason to replan at once.
LATE_AGAIN_MINUTES = 5


# -- agenda:set -----------------------------------------------------------------------


def set_agenda(workshop, actor, payload, now):
    """`agenda:set`: the facilitator replaces the whole agenda (no days: no agenda)."""
    require_facilitator(actor)
    agenda = checked_agenda(payload, len(workshop.steps))
    workshop.agenda = agenda
    return [Event(p.AGENDA_SET, {"agenda": copy_agenda(agenda)})]


def checked_agenda(spec, step_count):
    """The agenda `spec` describes, normalised; `invalid` naming the first bad field.

    Every step at most once, only steps that exist, minutes within 1–480, a break's
    title 1–80 characters, a day's `end` (when given) after its start, each day starting
    after the previous day's planned end.
    """
    zone = spec.get("zone") or DEFAULT_ZONE
    _zone(zone)
    days, seen, previous_end = [], set(), None
    for day_index, day in enumerate(spec.get("days") or []):
        where = f"days.{day_index}"
        start = day.get("start")
        if not isinstance(start, str) or not DAY_START.match(start):
            raise invalid(f"{where}.start", "A day starts at a time YYYY-MM-DDTHH:MM.", key="refusal_agenda_day_start")
        begins = _moment(start, f"{where}.start")
        if previous_end is not None and begins < previous_end:
            raise invalid(f"{where}.start", "A day starts after the previous day ends.", key="refusal_agenda_day_order")
        items = [
            _item(item, f"{where}.items.{index}", step_count, seen) for index, item in enumerate(day.get("items") or [])
        ]
        previous_end = begins + timedelta(minutes=sum(item["minutes"] for item in items))
        checked = {"start": start, "items": items}
        if day.get("end") is not None:
            ends = _moment(day["end"], f"{where}.end")
            if not begins < ends <= begins + timedelta(days=1):
                raise invalid(f"{where}.end", "A day ends after it starts, the same day.", key="refusal_agenda_day_end")
            previous_end = max(previous_end, ends)
            checked["end"] = day["end"]
        days.append(checked)
    if not days:
        return None
    return {"zone": zone, "days": days}


def _moment(text, where):
    """A wall-clock `YYYY-MM-DDTHH:MM` as a naive datetime; `invalid` on `where` otherwise."""
    if not isinstance(text, str) or not DAY_START.match(text):
        raise invalid(where, "A time is written YYYY-MM-DDTHH:MM.", key="refusal_agenda_time")
    try:
        return datetime.strptime(text, WALL_CLOCK)
    except ValueError:
        raise invalid(where, "A time is written YYYY-MM-DDTHH:MM.", key="refusal_agenda_time") from None


def _zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("zone", "Unknown time zone.", key="refusal_time_zone") from None


def _item(item, where, step_count, seen):
    minutes = item.get("minutes")
    if (
        not isinstance(minutes, int)
        or isinstance(minutes, bool)
        or not p.AGENDA_MINUTES_MIN <= minutes <= p.AGENDA_MINUTES_MAX
    ):
        raise invalid(f"{where}.minutes", "Minutes are a whole number from 1 to 480.", key="refusal_agenda_minutes")
    if "step" in item:
        step = item["step"]
        if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < step_count:
            raise invalid(f"{where}.step", "Unknown step.", key="refusal_step_unknown")
        if step in seen:
            raise invalid(f"{where}.step", "Every step appears at most once.", key="refusal_agenda_step_twice")
        seen.add(step)
        return {"step": step, "minutes": minutes, **_planned(item, minutes, where)}
    title = item.get("break")
    title = title.strip() if isinstance(title, str) else ""
    if not 1 <= len(title) <= p.BREAK_TITLE_MAX:
        raise invalid(f"{where}.break", "A break has a title of 1 to 80 characters.", key="refusal_agenda_break_title")
    return {"break": title, "minutes": minutes, **_planned(item, minutes, where)}


def _planned(item, minutes, where):
    """`{"planned": minutes}` when an item was shortened by a suggestion taken over: what
    the facilitator planned, which later suggestions keep two thirds of."""
    planned = item.get("planned")
    if planned is None:
        return {}
    if not isinstance(planned, int) or isinstance(planned, bool) or not minutes <= planned <= p.AGENDA_MINUTES_MAX:
        raise invalid(
            f"{where}.planned",
            "Planned minutes are a whole number from the minutes to 480.",
            key="refusal_agenda_planned",
        )
    return {"planned": planned} if planned > minutes else {}


def copy_agenda(agenda):
    """A copy of an agenda that shares nothing with it (or None)."""
    if agenda is None:
        return None
    return {
        "zone": agenda["zone"],
        "days": [{**day, "items": [dict(item) for item in day["items"]]} for day in agenda["days"]],
    }


# -- the times the room records ------------------------------------------------------------


def record_move(workshop, index, now):
    """The room moves to step `index` at `now`: the step it leaves ends, the new one starts.

    A step keeps the time it first started; going back to it makes it run again until
    the room leaves it again. The step a workshop opens on may never have been started:
    leaving it still records when it ended (the room was there). Returns the times of the
    steps that changed.
    """
    changed = []
    leaving = workshop.steps[workshop.current_step]
    if index != workshop.current_step and not leaving.ended_at:
        leaving.ended_at = now
        changed.append(workshop.current_step)
    target = workshop.steps[index]
    if target.started_at is None:
        target.started_at, target.ended_at = now, None
        changed.append(index)
    elif target.ended_at is not None:
        target.ended_at = None
        changed.append(index)
    return [step_times(workshop, changed_index) for changed_index in changed]


def step_times(workshop, index):
    """`{index, started_at, ended_at}` of one step."""
    step = workshop.steps[index]
    return {"index": index, "started_at": step.started_at, "ended_at": step.ended_at}


# -- the forecast ----------------------------------------------------------------------------


def proposed_agenda(workshop, day):
    """The agenda of a workshop that has none yet: one `day` (YYYY-MM-DD) from 09:00 with
    every step for its format's minutes."""
    return {
        "zone": DEFAULT_ZONE,
        "days": [
            {
                "start": f"{day}T09:00",
                "items": [
                    {"step": index, "minutes": step.minutes or DEFAULT_MINUTES}
                    for index, step in enumerate(workshop.steps)
                ],
            }
        ],
    }


def forecast(workshop, now, agenda=None):
    """Plan and clock side by side: per day and item the planned and the forecast (or
    actual) times, minutes late (negative: ahead), and a suggestion for a day that will
    end late; `next` is what comes after the current item. None without an agenda
    (the workshop's, unless `agenda` is given).

    Times are wall-clock `YYYY-MM-DDTHH:MM` in the agenda's zone.
    """
    agenda = agenda or workshop.agenda
    if agenda is None:
        return None
    zone = _zone(agenda["zone"])
    clock = datetime.fromisoformat(now).astimezone(zone)
    started = _started_positions(workshop, agenda)
    days, position = [], 0
    for day in agenda["days"]:
        days.append(_day_forecast(workshop, day, zone, clock, started, position))
        position += len(day["items"])
    # Once its planned time has come, the step the room is on is not what comes next, even
    # before its clock was started (a workshop opens on its first step without a `step:go`).
    wall_now = _wall(clock)
    upcoming = next(
        (
            item
            for day in days
            for item in day["items"]
            if item["state"] == "planned"
            and not (item.get("step") == workshop.current_step and item["planned_start"] <= wall_now)
        ),
        None,
    )
    if upcoming is not None:
        upcoming["state"] = "next"
    return {
        "zone": agenda["zone"],
        "now": _wall(clock),
        "days": days,
        "next": ({key: upcoming[key] for key in ("kind", "step", "title", "start")} if upcoming else None),
    }


def _started_positions(workshop, agenda):
    """Positions (over all days, in order) of the agenda's steps the room has been at."""
    positions, position = [], 0
    for day in agenda["days"]:
        for item in day["items"]:
            if "step" in item and _ran(workshop.steps[item["step"]]):
                positions.append(position)
            position += 1
    return positions


def _ran(step):
    """Whether the room has been at a step (a step it opened on has only an end)."""
    return bool(step.started_at or step.ended_at)


def _day_forecast(workshop, day, zone, clock, started, first_position):
    def replanned(variant):
        return _day_items(workshop, variant, zone, clock, started, first_position)

    items, cursor = replanned(day)
    planned = _day_end(day, zone)
    late = _minutes(cursor - planned)
    taken = any("planned" in item for item in day["items"])  # a suggestion was taken over
    suggestion = None
    if late >= (LATE_AGAIN_MINUTES if taken else 1) and any(item["state"] in ("planned", "running") for item in items):
        suggestion = _suggestion(day, items, late, replanned, planned)
        if not (suggestion["shorten"] or any(item["state"] == "planned" for item in items)):
            suggestion = None  # the last step runs over and cannot give: nothing to replan
    return {
        "start": day["start"],
        "planned_end": _wall(planned),
        "end": _wall(cursor),
        "items_end": _wall(_items_end(day, zone)),
        "fixed_end": bool(day.get("end")),
        "late": late,
        "items": items,
        "suggestion": suggestion,
    }


def _day_end(day, zone):
    """When a day must end: its `end`, else when its planned items do."""
    if day.get("end"):  # the day must end then, whatever its items add up to
        return datetime.strptime(day["end"], WALL_CLOCK).replace(tzinfo=zone)
    return _items_end(day, zone)


def _items_end(day, zone):
    """When a day's items end as planned, one after the other from its start."""
    start = datetime.strptime(day["start"], WALL_CLOCK).replace(tzinfo=zone)
    return start + timedelta(minutes=sum(item["minutes"] for item in day["items"]))


def _day_items(workshop, day, zone, clock, started, first_position):
    """(the day's items with planned and forecast or actual times, the forecast end)."""
    planned = datetime.strptime(day["start"], WALL_CLOCK).replace(tzinfo=zone)
    cursor = planned
    # Where the room's time between two steps begins that breaks may have had: the end of
    # the planned minutes of the step before (it ran into them), or the day's start.
    spare = planned
    items = []
    for offset, item in enumerate(day["items"]):
        position = first_position + offset
        later_started = any(other > position for other in started)
        planned_end = planned + timedelta(minutes=item["minutes"])
        if "step" in item:
            start, end, state, actual = _step_times(workshop, day, offset, zone, clock, cursor, later_started)
            spare = (
                min(end, start + timedelta(minutes=item["minutes"]))
                if state == "done" and not _opened_on(workshop, item)
                else end
            )
        elif later_started:
            start, end, state = _passed_break(workshop, day, offset, zone, spare, cursor)
            spare, actual = end, None
        else:
            start = max(cursor, clock)
            if items and items[-1]["state"] == "running":
                start = cursor
            end = start + timedelta(minutes=item["minutes"])
            state, actual = "planned", None
        items.append(
            {
                **_label(workshop, item),
                "minutes": item["minutes"],
                "planned": item.get("planned", item["minutes"]),
                "planned_start": _wall(planned),
                "planned_end": _wall(planned_end),
                "start": _wall(start),
                "end": _wall(end),
                "state": state,
                "actual_minutes": actual,
                "late": _minutes(start - planned),
                "start_known": "step" not in item or not _opened_on(workshop, item),
            }
        )
        # A break the room passed lies within the time the steps around it took.
        planned, cursor = planned_end, max(cursor, end) if "break" in item else end
    return items, cursor


def _passed_break(workshop, day, offset, zone, spare, cursor):
    """(start, end, state) of a break before a step the room has been at: `done` when the
    room spent time there (the step before ran past its planned minutes into it, or the
    step after began later than the spare time before it), else `skipped`."""
    until = next(
        (
            _moment_of(workshop.steps[item["step"]].started_at, zone)
            for item in day["items"][offset + 1 :]
            if "step" in item and workshop.steps[item["step"]].started_at
        ),
        cursor,
    )
    if spare >= until:
        return cursor, cursor, "skipped"
    minutes = timedelta(minutes=day["items"][offset]["minutes"])
    return spare, min(spare + minutes, until), "done"


def _opened_on(workshop, item):
    """Whether the room opened on this step and left it without a recorded start."""
    step = workshop.steps[item["step"]]
    return step.ended_at is not None and step.started_at is None


def _moment_of(iso, zone):
    return datetime.fromisoformat(iso).astimezone(zone)


def _step_times(workshop, day, offset, zone, clock, cursor, later_started):
    """(start, end, state, actual minutes) of the step item at `offset` of `day`."""
    item = day["items"][offset]
    step = workshop.steps[item["step"]]
    planned = timedelta(minutes=item["minutes"])
    if _opened_on(workshop, item):  # when it began is not known
        ended = _moment_of(step.ended_at, zone)
        return min(cursor, ended), ended, "done", None
    if not step.started_at:
        if later_started:
            return cursor, cursor, "skipped", None
        start = max(cursor, clock)
        return start, start + planned, "planned", None
    start = _moment_of(step.started_at, zone)
    ended = _moment_of(step.ended_at, zone) if step.ended_at else None
    if ended is not None and ended.date() == start.date():
        return start, ended, "done", _minutes(ended - start)
    if ended is not None or clock.date() != start.date():
        # The day closed on this step: the room moved on another day, or has not yet.
        return start, start + planned, "done", None
    breaks = timedelta(minutes=_breaks_after(day, offset))
    end = max(start + planned + breaks, clock) - breaks
    return start, end, "running", _minutes(clock - start)


def _breaks_after(day, offset):
    """Minutes of the breaks right after the item at `offset`, up to the next step."""
    total = 0
    for item in day["items"][offset + 1 :]:
        if "step" in item:
            break
        total += item["minutes"]
    return total


def _room(item, ran=None):
    """Minutes a suggestion may take from an item: it keeps two thirds of what the
    facilitator planned (before any suggestion was taken over), and at least 5. A running
    step (`ran` minutes so far) also keeps what already ran and 5 minutes more to close."""
    planned = item.get("planned", item["minutes"])
    keep = max(KEEP_MINUTES, -(-planned * KEEP_PARTS // 3))
    if ran is not None:
        keep = max(keep, ran + KEEP_MINUTES)
    return max(0, item["minutes"] - keep)


def _suggestion(day, items, late, replanned, planned_end):
    """How to end the day on time: shorten the running step and the steps still to come,
    each in proportion to what it can give; when that is not enough, a break still to come
    is shortened where the day has pushed it, if that brings the day's end earlier (the
    break that makes the day fit first, else the one that saves most); `short` is what is
    left. Each proposed item carries the `start` and `end` the run sheet will then show."""
    later = [
        offset
        for offset, item in enumerate(items)
        if item["kind"] == "step" and item["state"] in ("planned", "running")
    ]
    room = [
        _room(day["items"][offset], items[offset]["actual_minutes"] if items[offset]["state"] == "running" else None)
        for offset in later
    ]
    cuts = _shares(min(late, sum(room)), room)
    variant = _shortened(day, {offset: cut for offset, cut in zip(later, cuts) if cut})
    short = _minutes(replanned(variant)[1] - planned_end)
    move = None
    if short > 0:
        move, short = _break_move(day, items, variant, short, replanned, planned_end)
    if move:
        variant = _shortened(variant, {move["item"]: move["by"]})
    then, then_end = replanned(variant)  # the run sheet once the suggestion is taken over
    if move:
        move["end"] = then[move["item"]]["end"]
    shorten = [
        {
            "step": items[offset]["step"],
            "title": items[offset]["title"],
            "by": cut,
            "minutes": items[offset]["minutes"] - cut,
            "running": items[offset]["state"] == "running",
            "start": then[offset]["start"],
            "end": then[offset]["end"],
        }
        for offset, cut in zip(later, cuts)
        if cut
    ]
    return {
        "late": late,
        "shorten": shorten,
        "move_break": move,
        "short": max(0, short),
        "end": _wall(then_end) if short > 0 else None,
    }


def _break_move(day, items, variant, short, replanned, planned_end):
    """(the break to start later and shorten, or None; what is then still short)."""
    best = None
    for offset, item in enumerate(items):
        if item["kind"] != "break" or item["state"] != "planned":
            continue
        cut = min(_room(variant["items"][offset]), short)
        if not cut:
            continue
        moved_items, end = replanned(_shortened(variant, {offset: cut}))
        left = _minutes(end - planned_end)
        if left >= short:
            continue  # the room's overrun takes this break's time anyway: it saves nothing
        if best is None or 0 < best[0] and left < best[0]:  # the first that fits stays
            moved = moved_items[offset]
            best = (
                left,
                {
                    "title": item["title"],
                    "item": offset,
                    "from": item["planned_start"],
                    "to": moved["start"],
                    "by": cut,
                    "minutes": moved["minutes"],
                },
            )
    if best is None:
        return None, short
    return best[1], best[0]


def _shortened(day, cuts):
    """A copy of `day` with the items at the given offsets that many minutes shorter."""
    return {
        **day,
        "items": [
            {**item, "minutes": item["minutes"] - cuts.get(offset, 0)} for offset, item in enumerate(day["items"])
        ],
    }


def _shares(total, room):
    """`total` split over `room` in proportion (whole minutes, largest remainders first),
    none above its room."""
    capacity = sum(room)
    if not capacity or not total:
        return [0] * len(room)
    exact = [total * each / capacity for each in room]
    shares = [math.floor(each) for each in exact]
    by_remainder = sorted(range(len(room)), key=lambda i: shares[i] - exact[i])
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares


def _label(workshop, item):
    if "step" in item:
        return {"kind": "step", "step": item["step"], "title": workshop.steps[item["step"]].title}
    return {"kind": "break", "step": None, "title": item["break"]}


def _wall(moment):
    """The wall-clock time to the nearest minute, as `late` is rounded."""
    return (moment + timedelta(seconds=30)).strftime(WALL_CLOCK)


def _minutes(delta):
    return round(delta.total_seconds() / 60)


COMMANDS = (Command(p.SET_AGENDA, "AgendaSet", set_agenda, who=p.FACILITATOR, delivery=p.LIVE),)
