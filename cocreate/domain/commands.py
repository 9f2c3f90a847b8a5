"""Commands in, events out: `apply` runs a command by its name, found in `COMMANDS`.

Every rule about who may change what lives in the module of the command's noun:
notes, voting, actions, series, steps, timer, settings, participants, agenda.
"""

from .. import protocol as p
from . import (actions, agenda, notes, participants, room, series, settings, steps, tables,
               timer, voting)
from .errors import DomainError
from .rules import numbered


def apply(workshop, actor_id, name, payload, now):
    """Run command `name` for `actor_id`; mutate `workshop`, number and return the events.

    A command that changes nothing (a repeated create) returns no events.
    Every check runs before the first change, so a refused command leaves
    the workshop untouched.
    """
    actor = workshop.participants.get(actor_id)
    if actor is None:
        raise DomainError("unauthorized", "Unknown participant.")
    handler = COMMANDS.get(name)
    if handler is None:
        raise DomainError("unknown_command", f"Unknown command {name!r}.")
    return numbered(workshop, handler(workshop, actor, payload, now))


COMMANDS = {
    p.NOTE_ADD: notes.add_note,
    p.NOTE_EDIT: notes.edit_note,
    p.NOTE_MOVE: notes.move_note,
    p.NOTE_REMOVE: notes.remove_note,
    p.NOTE_GROUP: notes.group_notes,
    p.NOTE_UNGROUP: notes.ungroup_notes,
    p.NOTES_REVEAL: notes.reveal_notes,
    p.VOTING_OPEN: voting.open_voting,
    p.VOTING_CLOSE: voting.close_voting,
    p.VOTE_CAST: voting.cast_vote,
    p.VOTE_RETRACT: voting.retract_vote,
    p.ACTION_ADD: actions.add_action,
    p.ACTION_EDIT: actions.edit_action,
    p.ACTION_REMOVE: actions.remove_action,
    p.ACTION_RELINK: actions.relink_action,
    p.ACTION_REVIEW: series.review_action,
    p.STEP_GO: steps.go_to_step,
    p.STEP_EDIT: steps.edit_step,
    p.TIMER_START: timer.start_timer,
    p.TIMER_STOP: timer.stop_timer,
    p.WORKSHOP_EDIT: settings.edit_workshop,
    p.WORKSHOP_LOCK: settings.lock_workshop,
    p.CALENDAR_RELINK: settings.relink_calendar,
    p.TABLES_SET_COMMAND: tables.set_tables,
    p.TABLE_CHOOSE: tables.choose_table,
    p.TABLE_ASSIGN: tables.assign_table,
    p.TABLES_CLEAR: tables.clear_tables,
    p.PROJECTOR_FOCUS: tables.focus_projector,
    p.PARTICIPANT_READY: participants.mark_ready,
    p.SPOTLIGHT_SET_COMMAND: room.set_spotlight,
    p.PITCH_START: room.start_pitch,
    p.PITCH_NEXT: room.next_pitch,
    p.PITCH_STOP: room.stop_pitch,
    p.ROOM_PAUSE: room.pause_room,
    p.AGENDA_SET_COMMAND: agenda.set_agenda,
}
