"""Dot voting: `voting:open`, `voting:close`, `vote:cast` and `vote:retract`."""

from .. import protocol as p
from ..protocol import Command
from .errors import DomainError, invalid, not_found
from .rules import live_note, require_facilitator, step_at
from .views import my_votes, own_votes, voting_progress
from .workshop import Event


def open_voting(workshop, actor, payload, now):
    """`voting:open`: dot voting on one step with a budget per participant."""
    require_facilitator(actor)
    index = payload["step"]
    step = step_at(workshop, index)
    if step.hidden:
        raise invalid("step", "Reveal the notes of this step before voting.", key="refusal_vote_reveal_first")
    current = workshop.open_voting()
    if current is not None and current != index:
        raise DomainError("conflict", "Voting is open on another step; close it first.", key="refusal_voting_elsewhere")
    per_note = payload.get("per_note")
    if per_note is not None and per_note > payload["budget"]:
        raise invalid("per_note", "The per-note maximum cannot exceed the budget.", key="refusal_per_note_over_budget")
    step.vote_state, step.budget, step.per_note = "open", payload["budget"], per_note
    return [
        Event(
            p.VOTING_OPENED,
            {
                "step": index,
                "budget": step.budget,
                "per_note": step.per_note,
                "progress": voting_progress(workshop, index),
            },
        )
    ]


def close_voting(workshop, actor, payload, now):
    """`voting:close`: the tallies become visible to everyone at once."""
    require_facilitator(actor)
    index = workshop.open_voting()
    if index is None:
        raise DomainError("voting_closed", "No voting is open.", key="refusal_no_voting")
    workshop.steps[index].vote_state = "closed"
    tallies = {note.id: workshop.tally(note.id) for note in workshop.live_notes(index)}
    return [Event(p.VOTING_CLOSED, {"step": index, "tallies": tallies})]


def _votable(workshop, note_id):
    note = live_note(workshop, note_id)
    index = workshop.open_voting()
    if index is None:
        raise DomainError("voting_closed", "Voting is not open.", key="refusal_no_voting")
    if note.step != index:
        raise invalid("note_id", "This note is not part of the current vote.", key="refusal_vote_other_note")
    return note, workshop.steps[index]


def _vote_event(workshop, actor, note):
    own = own_votes(workshop, actor.id, note.step)
    own["note_id"] = note.id
    public = {"step": note.step, "progress": voting_progress(workshop, note.step)}
    own["progress"] = public["progress"]
    return Event(p.VOTE_CHANGED, public, owner=actor.id, own=own)


def _once(workshop, payload, events):
    """Remember a command's client id, so an offline retry of it changes nothing."""
    if payload.get("id"):
        workshop.applied.add(payload["id"])
        events[-1].command_id = payload["id"]
    return events


def cast_vote(workshop, actor, payload, now):
    """`vote:cast`: one dot on a note; never past the budget or the per-note maximum.

    With a client `id`, repeating the same cast (an offline retry) changes nothing.
    """
    if payload.get("id") in workshop.applied:
        return []
    note, step = _votable(workshop, payload["note_id"])
    mine = my_votes(workshop, actor.id, note.step)
    if sum(mine.values()) >= step.budget:
        raise DomainError("budget_exceeded", "You have used all your dots.", key="refusal_dots_used")
    if step.per_note is not None and mine.get(note.id, 0) >= step.per_note:
        raise DomainError(
            "budget_exceeded", "This note has the most dots you may give it.", key="refusal_dots_note_full"
        )
    workshop.votes[(actor.id, note.id)] = mine.get(note.id, 0) + 1
    return _once(workshop, payload, [_vote_event(workshop, actor, note)])


def retract_vote(workshop, actor, payload, now):
    """`vote:retract`: take one of your dots back (once per client `id`)."""
    if payload.get("id") in workshop.applied:
        return []
    note, _step_ = _votable(workshop, payload["note_id"])
    key = (actor.id, note.id)
    if not workshop.votes.get(key):
        raise not_found("Your vote on this note", key="refusal_vote_gone")
    workshop.votes[key] -= 1
    if not workshop.votes[key]:
        del workshop.votes[key]
    return _once(workshop, payload, [_vote_event(workshop, actor, note)])


COMMANDS = (
    Command(p.VOTING_OPEN, "VotingOpen", open_voting, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.VOTING_CLOSE, "Empty", close_voting, who=p.FACILITATOR, delivery=p.LIVE),
    Command(p.VOTE_CAST, "Vote", cast_vote),
    Command(p.VOTE_RETRACT, "Vote", retract_vote),
)
