"""Checks that commands of several kinds share: who may, whether the board is open, what exists."""

from .errors import DomainError, forbidden, invalid, not_found


def require_facilitator(actor):
    """Refuse anyone but a facilitator."""
    if not actor.is_facilitator:
        raise forbidden()


def require_writable(workshop, actor, now):
    """Refuse a participant while the board is locked or the timer has closed writing."""
    if actor.is_facilitator:
        return
    if workshop.locked:
        raise DomainError("locked", "The board is locked by the facilitator.", key="refusal_board_locked")
    timer = workshop.timer
    if timer and timer.get("lock_at_end") and now >= timer["ends_at"]:
        raise DomainError("locked", "Time is up: writing is closed.", key="refusal_time_up")


def step_at(workshop, index, field_name="step"):
    """The step at `index`; `invalid` on `field_name` when there is none."""
    if not 0 <= index < len(workshop.steps):
        raise invalid(field_name, "Unknown step.", key="refusal_step_unknown")
    return workshop.steps[index]


def live_note(workshop, note_id):
    """The note with this id, unless it is unknown or removed (`not_found`)."""
    note = workshop.notes.get(note_id)
    if note is None or note.removed:
        raise not_found("Note", key="refusal_note_gone")
    return note


def created_before(things, thing_id, actor, owner_of):
    """True when this actor already made this id (a harmless retry); refuse someone else's."""
    existing = things.get(thing_id)
    if existing is None:
        return False
    if owner_of(existing) != actor.id:
        raise DomainError("conflict", "This id is already taken.", key="refusal_id_taken")
    return True


def numbered(workshop, events):
    """Give each event of a change the workshop's next `seq`; returns the events."""
    for event in events:
        workshop.seq += 1
        event.seq = workshop.seq
    return events
