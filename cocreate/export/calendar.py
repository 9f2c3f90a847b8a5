"""The actions with a due date as an iCalendar file (RFC 5545): one all-day event per action.

Every text goes out as an escaped TEXT value, the calendar's name too, so a comma, a
semicolon or a line break in a title never cuts or adds a property. An event's UID is
the action's id with the session it started in, so a calendar app sees one event per
action whatever address served the feed and whichever session of a series it came from.
"""

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vText

from .plan import decision_text, status_text, update_text

FINISHED = ("done", "dropped")
REMINDER_TIME = time(9, 0)  # the day before the due date, in the workshop's time zone


def render_ics(plan, t, update_urls=None, now=None, reminded=None):
    """An .ics calendar; every action with a due date becomes an all-day event on that day.

    With `update_urls` (action id → its owner's update link, for the actions whose link
    the feed's holder may see) each event still to do has a reminder at 09:00 the day
    before and carries its link where given, as the subscribable feeds do. A downloaded
    file reminds of the actions in `reminded` (ids) that are still to do and have an
    owner: the downloader's own, or every one for the facilitator. `SEQUENCE` is
    the workshop's change count, which grows with every change of an action; `DTSTAMP`
    is `now` (see `revision_tag` for a tag that ignores it).
    """
    calendar = Calendar()
    calendar.add("prodid", "-//cocreate//action plan//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", vText(f"{plan['title']} · {t('plan_heading')}"))
    calendar.add("x-wr-timezone", vText(plan["time_zone"]))
    stamp = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    feed = update_urls is not None
    for action in plan["actions"]:
        if action["due"]:
            remind = action["state"] not in FINISHED and (
                feed or bool(action["owner"] and action["id"] in (reminded or ()))
            )
            calendar.add_component(_event(action, plan, t, update_urls, stamp, remind))
    return calendar.to_ical()


def _event(action, plan, t, update_urls, stamp, remind):
    day = date.fromisoformat(action["due"])
    event = Event()
    event.add("uid", f"{action['id']}.{action['started_in']}@cocreate")
    event.add("dtstamp", stamp)
    event.add("sequence", plan["revision"])
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", action["title"])
    lines = [
        f"{t('col_owner')}: {action['owner'] or t('plan_no_owner')}",
        f"{t('col_status')}: {status_text(action, t)}",
        f"{t('col_votes')}: {action['votes']}",
    ]
    if action["decision"]:
        lines.append(f"{t('col_review')}: {decision_text(action, t, str)}")
    if action["updates"]:
        lines.append(f"{t('action_latest')}: {update_text(action['updates'][-1], str)}")
    lines += [f"- {source['text']}" for source in action["sources"]]
    lines.append(plan["title"])
    link = (update_urls or {}).get(action["id"])
    if link:
        lines.append(f"{t('action_update_link')}: {link}")
        event.add("url", link)
    if action["state"] == "dropped":
        event.add("status", "CANCELLED")
    if remind:  # only what is still to do is worth a reminder
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", action["title"])
        reminder.add("trigger", _reminder_at(day, plan["time_zone"]))
        event.add_component(reminder)
    event.add("description", "\n".join(lines))
    return event


def _reminder_at(day, zone):
    """09:00 the day before `day` where the workshop is, in UTC (RFC 5545: an absolute
    trigger is a UTC time)."""
    local = datetime.combine(day - timedelta(days=1), REMINDER_TIME, tzinfo=ZoneInfo(zone))
    return local.astimezone(timezone.utc)


def revision_tag(body):
    """A tag of a calendar's content that changes only when the plan does (not `DTSTAMP`)."""
    kept = b"\r\n".join(line for line in body.split(b"\r\n") if not line.startswith(b"DTSTAMP"))
    return hashlib.sha256(kept).hexdigest()[:32]
