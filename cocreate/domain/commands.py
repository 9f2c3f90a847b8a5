"""Commands in, events out: `apply` runs a command by its name.

Each noun's module declares its commands (`COMMANDS`: name, schema, domain function,
who, delivery, rate bucket) beside the functions that hold its rules; `DECLARED`
collects them.
"""

from . import actions, agenda, notes, participants, room, series, settings, steps, tables, timer, voting
from .errors import DomainError
from .rules import numbered

DECLARED = (
    *notes.COMMANDS,
    *voting.COMMANDS,
    *actions.COMMANDS,
    *series.COMMANDS,
    *steps.COMMANDS,
    *timer.COMMANDS,
    *settings.COMMANDS,
    *participants.COMMANDS,
    *tables.COMMANDS,
    *room.COMMANDS,
    *agenda.COMMANDS,
)

_RUN = {command.name: command.run for command in DECLARED}


def apply(workshop, actor_id, name, payload, now):
    """Run command `name` for `actor_id`; mutate `workshop`, number and return the events.

    A command that changes nothing (a repeated create) returns no events.
    Every check runs before the first change, so a refused command leaves
    the workshop untouched.
    """
    actor = workshop.participants.get(actor_id)
    if actor is None:
        raise DomainError("unauthorized", "Unknown participant.", key="error_unauthorized")
    run = _RUN.get(name)
    if run is None:
        raise DomainError(
            "unknown_command", f"Unknown command {name!r}.", key="refusal_unknown_command", values={"command": name}
        )
    return numbered(workshop, run(workshop, actor, payload, now))
