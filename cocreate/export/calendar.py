"""The actions with a due date as an iCalendar file: one all-day event per action."""

from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event

from .plan import decision_text, status_text, update_text

FINISHED = ("done", "dropped")

STABLE_STAMP = datetime(2026, 1, 1, tzinfo=timezone.utc)


def render_ics(plan, t, host, update_urls=None, stable=False):
    """An .ics calendar; every action with a due date becomes an all-day event on that day.

    With `update_urls` (action id → its owner's update link, for the actions whose link
    the feed's holder may see) each event has a reminder the day before and carries its
    link where given, as the subscribable feeds do. `stable` keeps the bytes the same while
    the plan is, so a feed's ETag only changes with the plan.
    """
    calendar = Calendar()
    calendar.add("prodid", "-//cocreate//action plan//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{plan['title']} · {t('plan_heading')}")
    stamp = STABLE_STAMP if stable else datetime.now(timezone.utc).replace(microsecond=0)
    for action in plan["actions"]:
        if not action["due"]:
            continue
        day = date.fromisoformat(action["due"])
        event = Event()
        event.add("uid", f"{action['id']}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", action["title"])
        lines = [f"{t('col_owner')}: {action['owner'] or t('plan_no_owner')}",
                 f"{t('col_status')}: {status_text(action, t)}",
                 f"{t('col_votes')}: {action['votes']}"]
        if action["decision"]:
            lines.append(f"{t('col_review')}: {decision_text(action, t, str)}")
        if action["updates"]:
            lines.append(f"{t('action_latest')}: {update_text(action['updates'][-1], str)}")
        lines += [f"- {source['text']}" for source in action["sources"]]
        lines.append(f"{plan['title']}")
        link = (update_urls or {}).get(action["id"])
        if link:
            lines.append(f"{t('action_update_link')}: {link}")
            event.add("url", link)
        if action["state"] == "dropped":
            event.add("status", "CANCELLED")
        # Only what is still to do is worth a reminder.
        if update_urls is not None and action["state"] not in FINISHED:
            reminder = Alarm()
            reminder.add("action", "DISPLAY")
            reminder.add("description", action["title"])
            reminder.add("trigger", timedelta(days=-1))
            event.add_component(reminder)
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()
