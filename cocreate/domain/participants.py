"""The people in the workshop: joining, and `participant:ready`."""

from .. import protocol as p
from ..protocol import Command
from .tables import seat_late_joiner
from .workshop import Event, Participant


def join(workshop, participant_id, name, role, now):
    """Add a participant (or facilitator) to the workshop; returns the numbered event."""
    person = Participant(id=participant_id, name=name, role=role, joined_at=now)
    workshop.participants[person.id] = person
    seat_late_joiner(workshop, person)
    workshop.seq += 1
    data = {"id": person.id, "name": person.name, "role": person.role, "ready": person.ready, "table": person.table}
    return [Event(p.PARTICIPANT_JOINED, data, workshop.seq)]


def mark_ready(workshop, actor, payload, now):
    """`participant:ready`: someone says they are done with this step (or not)."""
    if actor.ready == payload["ready"]:
        return []
    actor.ready = payload["ready"]
    return [Event(p.PARTICIPANT_READY_CHANGED, {"id": actor.id, "ready": actor.ready})]


COMMANDS = (Command(p.PARTICIPANT_READY, "ParticipantReady", mark_ready, delivery=p.LIVE),)
