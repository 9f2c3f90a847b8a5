"""The countdown: `timer:start` and `timer:stop`."""

from datetime import datetime, timedelta

from .. import protocol as p
from ..protocol import Command
from .rules import require_facilitator
from .workshop import Event


def start_timer(workshop, actor, payload, now):
    """`timer:start`: a countdown whose end time the server holds, so every screen agrees."""
    require_facilitator(actor)
    ends_at = datetime.fromisoformat(now) + timedelta(seconds=payload["seconds"])
    workshop.timer = {
        "seconds": payload["seconds"],
        "started_at": now,
        "ends_at": ends_at.isoformat(timespec="seconds"),
        "lock_at_end": bool(payload.get("lock_at_end", False)),
    }
    return [Event(p.TIMER_CHANGED, {"timer": dict(workshop.timer), "server_time": now})]


def stop_timer(workshop, actor, payload, now):
    """`timer:stop`: clear the countdown (and the writing lock that came with it)."""
    require_facilitator(actor)
    return timer_ended(workshop, now)


def timer_ended(workshop, now):
    """Clear the countdown, if there is one: `timer:stop`, and every move to another step
    (a countdown is for the step it was started in; its writing lock must not close the next)."""
    if workshop.timer is None:
        return []
    workshop.timer = None
    return [Event(p.TIMER_CHANGED, {"timer": None, "server_time": now})]


COMMANDS = (
    Command(p.TIMER_START, "TimerStart", start_timer, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.TIMER_STOP, "Empty", stop_timer, who=p.FACILITATOR, delivery=p.LIVE),
)
