"""The workshop as a whole: `workshop:edit` (title, goal) and `workshop:lock`."""

from .. import protocol as p
from ..protocol import Command
from .rules import require_facilitator
from .workshop import Event


def edit_workshop(workshop, actor, payload, now):
    """`workshop:edit`: the facilitator renames the workshop or restates its goal."""
    require_facilitator(actor)
    for name in ("title", "goal"):
        if name in payload:
            setattr(workshop, name, payload[name])
    return [Event(p.WORKSHOP_EDITED, {"title": workshop.title, "goal": workshop.goal})]


def lock_workshop(workshop, actor, payload, now):
    """`workshop:lock`: the facilitator makes the board read-only for participants, or not."""
    require_facilitator(actor)
    if workshop.locked == payload["locked"]:
        return []
    workshop.locked = payload["locked"]
    return [Event(p.WORKSHOP_LOCKED, {"locked": workshop.locked})]


def relink_calendar(workshop, actor, payload, now):
    """`calendar:relink`: the facilitator revokes the calendar feed's address and makes a new
    one (a `sync` snapshot carries it)."""
    require_facilitator(actor)
    workshop.calendar_link += 1
    return [Event(p.WORKSHOP_EDITED, {"title": workshop.title, "goal": workshop.goal})]


COMMANDS = (
    Command(p.WORKSHOP_EDIT, "WorkshopEdit", edit_workshop, who=p.FACILITATOR),
    Command(p.WORKSHOP_LOCK, "WorkshopLock", lock_workshop, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.CALENDAR_RELINK, "Empty", relink_calendar, who=p.FACILITATOR, delivery=p.LIVE),
)
