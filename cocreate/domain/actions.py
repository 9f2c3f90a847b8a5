"""Actions: `action:add`, `action:edit` and `action:remove`."""

from .. import protocol as p
from ..protocol import Command
from .errors import forbidden, invalid, not_found
from .rules import created_before, numbered, require_facilitator, require_writable
from .views import edited_action, shown_action
from .workshop import Action, Event


def _owner(workshop, owner):
    """(participant id, free-text name) for an `owner` value: a participant's id or a name."""
    if not owner:
        return None, None
    if owner in workshop.participants:
        return owner, None
    return None, owner


def _source_notes(workshop, note_ids):
    for note_id in note_ids:
        note = workshop.notes.get(note_id)
        if note is None or note.removed:
            raise invalid("note_ids", "A source note does not exist.", key="refusal_source_note_gone")
        if workshop.is_hidden(note):
            raise invalid("note_ids", "A source note is still private.", key="refusal_source_note_private")
    return list(dict.fromkeys(note_ids))


def live_action(workshop, action_id):
    action = workshop.actions.get(action_id)
    if action is None or action.removed:
        raise not_found("Action", key="refusal_action_gone")
    return action


def add_action(workshop, actor, payload, now):
    """`action:add`: turn notes into something the team will do; the same id again is harmless."""
    if created_before(workshop.actions, payload["id"], actor, lambda action: action.created_by):
        return []
    require_writable(workshop, actor, now)
    owner_id, owner_name = _owner(workshop, payload.get("owner"))
    action = Action(
        id=payload["id"],
        title=payload["title"],
        created_by=actor.id,
        owner_id=owner_id,
        owner_name=owner_name,
        due=payload.get("due"),
        note_ids=_source_notes(workshop, payload.get("note_ids", [])),
        created_at=now,
    )
    workshop.actions[action.id] = action
    return [Event(p.ACTION_ADDED, shown_action(action, workshop))]


def edit_action(workshop, actor, payload, now):
    """`action:edit`: title, owner ("ik pak dit op"), due date, status or a progress note."""
    action = live_action(workshop, payload["id"])
    require_writable(workshop, actor, now)
    owner = _owner(workshop, payload["owner"]) if "owner" in payload else None
    if "note_ids" in payload and action.carried:
        raise invalid(
            "note_ids", "Its source notes belong to the session it started in.", key="refusal_action_sources_elsewhere"
        )
    note_ids = _source_notes(workshop, payload["note_ids"]) if "note_ids" in payload else None
    known = len(action.progress)
    status = payload.get("status", action.status)
    if status != action.status or payload.get("text"):
        action.progress.append({"at": now, "status": status, "text": payload.get("text", "")})
    for name in ("title", "due", "status"):
        if name in payload:
            setattr(action, name, payload[name])
    if owner is not None:
        if owner != (action.owner_id, action.owner_name):
            action.link += 1  # the update link is the owner's: a new owner, a new link
        action.owner_id, action.owner_name = owner
        if action.shared and action.owner_id:
            # Other sessions of the series do not know this participant: keep the name.
            action.owner_name = workshop.participants[action.owner_id].name
    if note_ids is not None:
        action.note_ids = note_ids
    return [Event(p.ACTION_EDITED, edited_action(action, workshop, known))]


def remove_action(workshop, actor, payload, now):
    """`action:remove`: the facilitator or whoever made the action removes it."""
    action = live_action(workshop, payload["id"])
    if action.created_by != actor.id and not actor.is_facilitator:
        raise forbidden("Only the facilitator or its creator may remove this action.", key="refusal_action_remove")
    if action.shared:
        raise invalid(
            "id",
            "Other sessions of the series hold this action too: drop it at a review instead.",
            key="refusal_action_shared",
        )
    require_writable(workshop, actor, now)
    action.removed = True
    return [Event(p.ACTION_REMOVED, {"id": action.id})]


def relink_action(workshop, actor, payload, now):
    """`action:relink`: the facilitator revokes an action's update link and makes a new one."""
    require_facilitator(actor)
    action = live_action(workshop, payload["id"])
    action.link += 1
    return [Event(p.ACTION_EDITED, edited_action(action, workshop, len(action.progress)))]


def report_progress(workshop, action_id, status, text, now):
    """The owner's update through their link (no participant): a status, a note, or both.

    Every report joins the action's history; the board sees it as `action.edited`,
    numbered like any command's event.
    """
    action = live_action(workshop, action_id)
    if status is None and not text:
        raise invalid("text", "Give a status or a short note.", key="refusal_progress_empty")
    action.status = status or action.status
    action.progress.append({"at": now, "status": action.status, "text": text or ""})
    return numbered(workshop, [Event(p.ACTION_EDITED, edited_action(action, workshop, len(action.progress) - 1))])


COMMANDS = (
    Command(p.ACTION_ADD, "ActionAdd", add_action),
    Command(p.ACTION_EDIT, "ActionEdit", edit_action),
    Command(p.ACTION_REMOVE, "ById", remove_action),
    Command(p.ACTION_RELINK, "ById", relink_action, who=p.FACILITATOR, delivery=p.LIVE),
)
