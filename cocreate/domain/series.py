"""A series of sessions: a follow-up carries the earlier session's unfinished actions, its
review step lets the room decide on each (`action:review`), and a change to an action the
sessions share reaches every session that holds it.

Each session keeps its own copy of a shared action. The copies have the fields in
`SHARED_FIELDS` in common — the store changes them together, so they never differ —
while the source notes, whether it was carried in and the room's decision at the review
are each session's own.
"""

import copy
import dataclasses
import json
from importlib import resources

from .. import protocol as p
from ..protocol import Command
from .actions import live_action
from .errors import invalid
from .formats import steps_in_language
from .rules import numbered, require_facilitator
from .views import action_view, edited_action
from .workshop import Event

REVIEW = "review"  # the key of the step a follow-up starts with
SHARED_FIELDS = (
    "title",
    "owner_id",
    "owner_name",
    "due",
    "status",
    "progress",
    "link",
    "dropped",
    "origin",
    "created_by",
    "created_at",
)


def review_step(language):
    """The step a follow-up starts with ("Terugblik"), materialised like a format's steps."""
    source = resources.files("cocreate") / "formats" / "steps" / f"{REVIEW}.json"
    return steps_in_language({"steps": [json.loads(source.read_text("utf-8"))]}, language)[0]


def to_carry(earlier):
    """The actions a follow-up of `earlier` carries: every one neither done nor dropped,
    its own and those it carries from before."""
    return [
        action
        for action in earlier.actions.values()
        if not action.removed and action.status != "done" and not action.dropped
    ]


def share(earlier):
    """Make every action `earlier` hands on a shared one (its links keep `earlier`'s id).

    Returns the numbered `action.edited` of each action that was not shared before, so
    every viewer (and every process's cached copy) learns it.
    """
    events = []
    for action in to_carry(earlier):
        if not action.shared:
            action.origin = earlier.id
            person = earlier.participants.get(action.owner_id)
            if person is not None:  # other sessions do not know the participant: keep the name
                action.owner_name = person.name
            events.append(Event(p.ACTION_EDITED, edited_action(action, earlier, len(action.progress))))
    return numbered(earlier, events)


def carried_copy(action):
    """A follow-up's copy of an action it carries: no source notes, not yet reviewed."""
    return dataclasses.replace(
        action, note_ids=[], carried=True, decision=None, progress=copy.deepcopy(action.progress)
    )


def follow_shared(workshop, source):
    """Another session changed a shared action: this session's copy takes the change.

    Returns the numbered `action.edited` (this session's own `seq`).
    """
    held = workshop.actions[source.id]
    known = len(held.progress)
    for name in SHARED_FIELDS:
        setattr(held, name, copy.deepcopy(getattr(source, name)))
    return numbered(workshop, [Event(p.ACTION_EDITED, edited_action(held, workshop, known))])


def review_action(workshop, actor, payload, now):
    """`action:review`: at a follow-up the facilitator records what the room decided about an
    action from an earlier session — keep going, done, or drop.

    `done` sets the status to done; `keep` reopens an action marked done as "doing";
    `drop` stops it, so no later session carries it. The decision can be changed.
    """
    require_facilitator(actor)
    action = live_action(workshop, payload["id"])
    if not action.carried:
        raise invalid("id", "Only actions from an earlier session are reviewed.", key="refusal_review_earlier_only")
    decision = payload["decision"]
    if action.decision == decision:
        return []
    known = len(action.progress)
    action.decision = decision
    action.dropped = decision == "drop"
    status = {"done": "done", "keep": "doing" if action.status == "done" else None}.get(decision)
    if status and status != action.status:
        action.status = status
        action.progress.append({"at": now, "status": status, "text": ""})
    return [Event(p.ACTION_EDITED, edited_action(action, workshop, known))]


def _status_before(action, moment):
    """The action's status as it stood at `moment` (None: as it stands now)."""
    status = "open"
    for entry in action.progress:
        if moment is not None and entry["at"] > moment:
            break
        status = entry["status"]
    return status if moment is not None else action.status


def series_view(sessions):
    """What the series page shows: every session in order, and every action of the series
    with its path through the sessions — where it started, the room's decision at each
    later session, and its status at the end of each.

    `sessions` are the aggregates, oldest first. Notes are never part of it.
    """
    shown = [
        {"id": session.id, "title": session.title, "date": session.date, "created_at": session.created_at}
        for session in sessions
    ]
    actions = {}
    for index, session in enumerate(sessions):
        ends = sessions[index + 1].created_at if index + 1 < len(sessions) else None
        for action in session.actions.values():
            if action.removed:
                continue
            entry = actions.setdefault((action.origin or session.id, action.id), {"path": []})
            view = action_view(action, session)
            entry.update({key: view[key] for key in ("id", "title", "owner", "due", "status", "dropped", "progress")})
            mark = action.decision or ("pending" if action.carried else "new")
            entry["path"].append({"session": index, "mark": mark, "status": _status_before(action, ends)})
    return {"sessions": shown, "actions": list(actions.values())}


COMMANDS = (Command(p.ACTION_REVIEW, "ActionReview", review_action, who=p.FACILITATOR),)
