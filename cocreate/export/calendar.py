"""The actions with a due date as an iCalendar file: one all-day event per action."""

from datetime import date, datetime, timedelta, timezone

from icalendar import Calendar, Event


def render_ics(plan, t, host):
    """An .ics calendar; every action with a due date becomes an all-day event on that day."""
    calendar = Calendar()
    calendar.add("prodid", "-//cocreate//action plan//NL")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{plan['title']} · {t('plan_heading')}")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
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
                 f"{t('col_status')}: {t('status_' + action['status'])}",
                 f"{t('col_votes')}: {action['votes']}"]
        lines += [f"- {source['text']}" for source in action["sources"]]
        lines.append(f"{plan['title']}")
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()
