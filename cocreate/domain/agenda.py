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
# A suggestion keeps every later step at two thirds of its minutes, and at least this many.
KEEP_SHARE = 2 / 3
KEEP_MINUTES = 5
DEFAULT_MINUTES = 30  # a step whose format plans no minutes


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
            raise invalid(f"{where}.start", "A day starts at a time YYYY-MM-DDTHH:MM.")
        begins = _moment(start, f"{where}.start")
        if previous_end is not None and begins < previous_end:
            raise invalid(f"{where}.start", "A day starts after the previous day ends.")
        items = [_item(item, f"{where}.items.{index}", step_count, seen)
                 for index, item in enumerate(day.get("items") or [])]
        previous_end = begins + timedelta(minutes=sum(item["minutes"] for item in items))
        checked = {"start": start, "items": items}
        if day.get("end") is not None:
            ends = _moment(day["end"], f"{where}.end")
            if not begins < ends <= begins + timedelta(days=1):
                raise invalid(f"{where}.end", "A day ends after it starts, the same day.")
            previous_end = max(previous_end, ends)
            checked["end"] = day["end"]
        days.append(checked)
    if not days:
        return None
    return {"zone": zone, "days": days}


def _moment(text, where):
    """A wall-clock `YYYY-MM-DDTHH:MM` as a naive datetime; `invalid` on `where` otherwise."""
    if not isinstance(text, str) or not DAY_START.match(text):
        raise invalid(where, "A time is written YYYY-MM-DDTHH:MM.")
    try:
        return datetime.strptime(text, WALL_CLOCK)
    except ValueError:
        raise invalid(where, "A time is written YYYY-MM-DDTHH:MM.") from None


def _zone(name):
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise invalid("zone", "Unknown time zone.") from None


def _item(item, where, step_count, seen):
    minutes = item.get("minutes")
    if (not isinstance(minutes, int) or isinstance(minutes, bool)
            or not p.AGENDA_MINUTES_MIN <= minutes <= p.AGENDA_MINUTES_MAX):
        raise invalid(f"{where}.minutes", "Minutes are a whole number from 1 to 480.")
    if "step" in item:
        step = item["step"]
        if not isinstance(step, int) or isinstance(step, bool) or not 0 <= step < step_count:
            raise invalid(f"{where}.step", "Unknown step.")
        if step in seen:
            raise invalid(f"{where}.step", "Every step appears at most once.")
        seen.add(step)
        return {"step": step, "minutes": minutes}
    title = item.get("break")
    title = title.strip() if isinstance(title, str) else ""
    if not 1 <= len(title) <= p.BREAK_TITLE_MAX:
        raise invalid(f"{where}.break", "A break has a title of 1 to 80 characters.")
    return {"break": title, "minutes": minutes}


def copy_agenda(agenda):
    """A copy of an agenda that shares nothing with it (or None)."""
    if agenda is None:
        return None
    return {"zone": agenda["zone"],
            "days": [{**day, "items": [dict(item) for item in day["items"]]}
                     for day in agenda["days"]]}


# -- the times the room records ------------------------------------------------------------

def record_move(workshop, index, now):
    """The room moves to step `index` at `now`: the step it leaves ends, the new one starts.

    A step keeps the time it first started; going back to it makes it run again until
    the room leaves it again. Returns the times of the steps that changed.
    """
    changed = []
    leaving = workshop.steps[workshop.current_step]
    if index != workshop.current_step and leaving.started_at and not leaving.ended_at:
        leaving.ended_at = now
        changed.append(workshop.current_step)
    target = workshop.steps[index]
    if target.started_at is None:
        target.started_at = now
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
    return {"zone": DEFAULT_ZONE, "days": [{"start": f"{day}T09:00", "items": [
        {"step": index, "minutes": step.minutes or DEFAULT_MINUTES}
        for index, step in enumerate(workshop.steps)]}]}


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
    upcoming = next((item for day in days for item in day["items"]
                     if item["state"] == "planned" and not (
                         item.get("step") == workshop.current_step
                         and item["planned_start"] <= wall_now)), None)
    if upcoming is not None:
        upcoming["state"] = "next"
    return {"zone": agenda["zone"], "now": _wall(clock), "days": days,
            "next": ({key: upcoming[key] for key in ("kind", "step", "title", "start")}
                     if upcoming else None)}


def _started_positions(workshop, agenda):
    """Positions (over all days, in order) of the agenda's steps that have started."""
    positions, position = [], 0
    for day in agenda["days"]:
        for item in day["items"]:
            if "step" in item and workshop.steps[item["step"]].started_at:
                positions.append(position)
            position += 1
    return positions


def _day_forecast(workshop, day, zone, clock, started, first_position):
    planned = datetime.strptime(day["start"], WALL_CLOCK).replace(tzinfo=zone)
    cursor = planned
    items = []
    for offset, item in enumerate(day["items"]):
        position = first_position + offset
        later_started = any(other > position for other in started)
        planned_end = planned + timedelta(minutes=item["minutes"])
        if "step" in item:
            start, end, state, actual = _step_times(workshop, day, offset, zone, clock, cursor,
                                                   later_started)
        else:
            start = cursor if later_started else max(cursor, clock)
            if items and items[-1]["state"] == "running":
                start = cursor
            end = start + timedelta(minutes=item["minutes"])
            state, actual = ("done" if later_started else "planned"), None
        items.append({**_label(workshop, item), "minutes": item["minutes"],
                      "planned_start": _wall(planned), "planned_end": _wall(planned_end),
                      "start": _wall(start), "end": _wall(end), "state": state,
                      "actual_minutes": actual, "late": _minutes(start - planned)})
        planned, cursor = planned_end, end
    if day.get("end"):  # the day must end then, whatever its items add up to
        planned = datetime.strptime(day["end"], WALL_CLOCK).replace(tzinfo=zone)
    late = _minutes(cursor - planned)
    to_come = any(item["state"] == "planned" for item in items)
    return {"start": day["start"], "planned_end": _wall(planned), "end": _wall(cursor),
            "late": late, "items": items,
            "suggestion": _suggestion(items, late) if late > 0 and to_come else None}


def _step_times(workshop, day, offset, zone, clock, cursor, later_started):
    """(start, end, state, actual minutes) of the step item at `offset` of `day`."""
    item = day["items"][offset]
    step = workshop.steps[item["step"]]
    planned = timedelta(minutes=item["minutes"])
    if not step.started_at:
        if later_started:
            return cursor, cursor, "skipped", None
        start = max(cursor, clock)
        return start, start + planned, "planned", None
    start = datetime.fromisoformat(step.started_at).astimezone(zone)
    ended = datetime.fromisoformat(step.ended_at).astimezone(zone) if step.ended_at else None
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
    for item in day["items"][offset + 1:]:
        if "step" in item:
            break
        total += item["minutes"]
    return total


def _suggestion(items, late):
    """How to end the day on time: shorten later steps, each by at most a third, in
    proportion to what each can give; move the next break; what is still short."""
    later = [item for item in items if item["kind"] == "step" and item["state"] == "planned"]
    room = [min(item["minutes"] - KEEP_MINUTES, math.floor(item["minutes"] * (1 - KEEP_SHARE)))
            for item in later]
    room = [max(0, minutes) for minutes in room]
    cuts = _shares(min(late, sum(room)), room)
    shorten = [{"step": item["step"], "title": item["title"], "by": cut,
                "minutes": item["minutes"] - cut}
               for item, cut in zip(later, cuts) if cut]
    move = next(({"title": item["title"], "from": item["planned_start"], "to": item["start"]}
                 for item in items if item["kind"] == "break" and item["state"] == "planned"
                 and item["start"] > item["planned_start"]), None)
    return {"late": late, "shorten": shorten, "move_break": move,
            "short": late - sum(cuts)}


def _shares(total, room):
    """`total` split over `room` in proportion (whole minutes, largest remainders first),
    none above its room."""
    capacity = sum(room)
    if not capacity or not total:
        return [0] * len(room)
    exact = [total * each / capacity for each in room]
    shares = [math.floor(each) for each in exact]
    by_remainder = sorted(range(len(room)), key=lambda i: shares[i] - exact[i])
    for index in by_remainder[:total - sum(shares)]:
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


COMMANDS = (
    Command(p.SET_AGENDA, "AgendaSet", set_agenda, who=p.FACILITATOR, delivery=p.LIVE),
)
