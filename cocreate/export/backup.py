"""export.json: the whole workshop in a versioned format, and the schema to import it.

Notes still in private writing are left out, and anonymous notes carry no
author: a backup never tells more than the room was shown. Votes are kept as
tallies per note, never as who voted for what.
"""

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate

from ..domain import Action, Cluster, DomainError, Note, Participant, Step, Workshop

from ..domain.workshop import ACTION_STATUSES, ANONYMITY_MODES, RETENTIONS, REVEAL_MODES, REVIEW_DECISIONS, ROLES
from ..domain.agenda import checked_agenda, copy_agenda
from ..domain.formats import LANGUAGES
from ..schemas import AgendaSet
from ..protocol import (
    AGENDA_MINUTES_MAX,
    AGENDA_MINUTES_MIN,
    ACTION_TITLE_MAX,
    BUDGET_MAX,
    CLUSTER_TITLE_MAX,
    GOAL_MAX,
    ID_MAX,
    KEY_MAX,
    LANE_MAX,
    LANES_MAX,
    NAME_MAX,
    NOTE_MAX,
    OWNER_MAX,
    PALETTE,
    PROGRESS_MAX,
    PROMPT_MAX,
    STEP_INDEX_MAX,
    TABLES_MAX,
    TIME_MAX,
    TITLE_MAX,
)

BACKUP_FORMAT = "cocreate.workshop"
# 2: actions carry their progress history (statuses open, doing, done, blocked).
# 3: tables — the workshop's tables, who sits where, table steps, each note's table.
# 4: series — the session it follows up and its planned date; actions carried from an
#    earlier session, the review's decision, dropped.
# 5: the agenda (run sheet), each step's planned minutes and the times it started and ended.
# Older backups still import: without history, without tables, without a series, without
# an agenda.
BACKUP_VERSION = 5
BACKUP_VERSIONS = (1, 2, 3, 4, 5)
LIMIT = 5000


def backup(workshop):
    """The workshop as a JSON-ready dict."""
    shown = [note for note in workshop.live_notes() if not workshop.is_hidden(note)]
    shown_ids = {note.id for note in shown}
    return {
        "format": BACKUP_FORMAT,
        "version": BACKUP_VERSION,
        "workshop": {
            "title": workshop.title,
            "goal": workshop.goal,
            "language": workshop.language,
            "format": workshop.format,
            "current_step": workshop.current_step,
            "locked": workshop.locked,
            "retention": workshop.retention,
            "created_at": workshop.created_at,
            "tables": [dict(table) for table in workshop.tables],
            "table_mode": workshop.table_mode,
            "follow_up_of": workshop.follow_up_of,
            "date": workshop.date,
            "agenda": copy_agenda(workshop.agenda),
        },
        "steps": [
            {
                "key": s.key,
                "title": s.title,
                "prompt": s.prompt,
                "lanes": [dict(lane) for lane in s.lanes],
                "reveal": s.reveal,
                "anonymity": s.anonymity,
                "voting": s.voting,
                "revealed": s.revealed,
                "vote_state": s.vote_state,
                "budget": s.budget,
                "per_note": s.per_note,
                "layout": s.layout,
                "tables": s.tables,
                "minutes": s.minutes,
                "started_at": s.started_at,
                "ended_at": s.ended_at,
            }
            for s in workshop.steps
        ],
        "participants": [
            {"id": p.id, "name": p.name, "role": p.role, "joined_at": p.joined_at, "table": p.table}
            for p in workshop.participants.values()
        ],
        "notes": [
            {
                "id": n.id,
                "step": n.step,
                "lane": n.lane,
                "text": n.text,
                "color": n.color,
                "x": n.x,
                "y": n.y,
                "anonymous": n.anonymous,
                "author": None if n.anonymous else n.author_id,
                "group": n.group,
                # Tallies only once voting closed: an open vote stays blind.
                "votes": (workshop.tally(n.id) if workshop.steps[n.step].vote_state == "closed" else 0),
                "created_at": n.created_at,
                "table": n.table,
                "for_table": n.for_table,
            }
            for n in shown
        ],
        "clusters": [{"id": c.id, "step": c.step, "title": c.title} for c in workshop.clusters.values()],
        # An action carried from an earlier session may be owned by someone of that
        # session: this one knows them by name only.
        "actions": [
            {
                "id": a.id,
                "title": a.title,
                "owner_id": a.owner_id if a.owner_id in workshop.participants else None,
                "owner_name": a.owner_name,
                "due": a.due,
                "status": a.status,
                "note_ids": [i for i in a.note_ids if i in shown_ids],
                "created_by": a.created_by,
                "created_at": a.created_at,
                "progress": [dict(entry) for entry in a.progress],
                "carried": a.carried,
                "decision": a.decision,
                "dropped": a.dropped,
            }
            for a in workshop.actions.values()
            if not a.removed
        ],
    }


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _str(max_length, **kwargs):
    return fields.String(validate=validate.Length(max=max_length), **kwargs)


def _id(**kwargs):
    return _str(ID_MAX, **kwargs)


class _Lane(_Strict):
    key = _str(LANE_MAX, required=True)
    title = _str(LANE_MAX, required=True)


class _Step(_Strict):
    key = _str(KEY_MAX, required=True)
    title = _str(TITLE_MAX, required=True)
    prompt = _str(PROMPT_MAX, required=True)
    lanes = fields.List(fields.Nested(_Lane), required=True, validate=validate.Length(max=LANES_MAX))
    reveal = fields.String(required=True, validate=validate.OneOf(REVEAL_MODES))
    anonymity = fields.String(required=True, validate=validate.OneOf(ANONYMITY_MODES))
    voting = fields.Boolean(required=True)
    revealed = fields.Boolean(required=True)
    vote_state = fields.String(required=True, validate=validate.OneOf(("none", "open", "closed")))
    budget = fields.Integer(strict=True, required=True, validate=validate.Range(0, BUDGET_MAX))
    per_note = fields.Integer(strict=True, allow_none=True, validate=validate.Range(1, BUDGET_MAX))
    # Since the canvas; backups from before it have no layout.
    layout = fields.String(allow_none=True, validate=validate.OneOf(("canvas",)))
    tables = fields.Boolean(load_default=False)
    # Since the agenda (version 5).
    minutes = fields.Integer(
        strict=True, load_default=None, allow_none=True, validate=validate.Range(AGENDA_MINUTES_MIN, AGENDA_MINUTES_MAX)
    )
    started_at = _str(TIME_MAX, load_default=None, allow_none=True)
    ended_at = _str(TIME_MAX, load_default=None, allow_none=True)


class _Table(_Strict):
    id = _id(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))


class _Workshop(_Strict):
    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    goal = _str(GOAL_MAX, required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    format = _str(KEY_MAX, required=True)
    current_step = fields.Integer(strict=True, required=True, validate=validate.Range(0, STEP_INDEX_MAX))
    locked = fields.Boolean(required=True)
    retention = fields.String(load_default="30d", validate=validate.OneOf(RETENTIONS))
    created_at = _str(TIME_MAX, required=True)
    tables = fields.List(fields.Nested(_Table), load_default=list, validate=validate.Length(max=TABLES_MAX))
    table_mode = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("random", "choose")))
    follow_up_of = _id(load_default=None, allow_none=True)
    date = fields.Date(load_default=None, allow_none=True)
    agenda = fields.Nested(AgendaSet, load_default=None, allow_none=True)


class _Participant(_Strict):
    id = _id(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_MAX))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    joined_at = _str(TIME_MAX, required=True)
    table = _id(load_default=None, allow_none=True)


class _Note(_Strict):
    id = _id(required=True)
    step = fields.Integer(strict=True, required=True, validate=validate.Range(0, STEP_INDEX_MAX))
    lane = _str(LANE_MAX, allow_none=True, required=True)
    text = fields.String(required=True, validate=validate.Length(min=1, max=NOTE_MAX))
    color = fields.String(required=True, validate=validate.OneOf(PALETTE))
    x = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(0, 1), required=True)
    y = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(0, 1), required=True)
    anonymous = fields.Boolean(required=True)
    author = _id(allow_none=True, required=True)
    group = _id(allow_none=True, required=True)
    votes = fields.Integer(strict=True, required=True, validate=validate.Range(0, 100000))
    created_at = _str(TIME_MAX, required=True)
    table = _id(load_default=None, allow_none=True)
    for_table = fields.Boolean(load_default=False)


class _Cluster(_Strict):
    id = _id(required=True)
    step = fields.Integer(strict=True, required=True, validate=validate.Range(0, STEP_INDEX_MAX))
    title = _str(CLUSTER_TITLE_MAX, required=True)


PROGRESS_ENTRIES_MAX = 1000


class _Progress(_Strict):
    at = _str(TIME_MAX, required=True)
    status = fields.String(required=True, validate=validate.OneOf(ACTION_STATUSES))
    text = _str(PROGRESS_MAX, required=True)


class _Action(_Strict):
    id = _id(required=True)
    title = fields.String(required=True, validate=validate.Length(min=1, max=ACTION_TITLE_MAX))
    owner_id = _id(allow_none=True, required=True)
    owner_name = _str(OWNER_MAX, allow_none=True, required=True)
    due = fields.Date(allow_none=True, required=True)
    status = fields.String(required=True, validate=validate.OneOf(ACTION_STATUSES))
    note_ids = fields.List(_id(), required=True, validate=validate.Length(max=LIMIT))
    created_by = _id(required=True)
    created_at = _str(TIME_MAX, required=True)
    progress = fields.List(
        fields.Nested(_Progress), load_default=list, validate=validate.Length(max=PROGRESS_ENTRIES_MAX)
    )
    carried = fields.Boolean(load_default=False)
    decision = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(REVIEW_DECISIONS))
    dropped = fields.Boolean(load_default=False)


def _invalid_text(value, path=()):
    """The path of the first text in `value` that is no valid Unicode (a lone surrogate,
    which no database stores), or None."""
    if isinstance(value, str):
        return path if any("\ud800" <= ch <= "\udfff" for ch in value) else None
    items = value.items() if isinstance(value, dict) else (enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        found = _invalid_text(item, (*path, str(key)))
        if found is not None:
            return found
    return None


class BackupSchema(_Strict):
    """A whole `export.json`; unknown fields anywhere are refused, and so is text that is no
    valid Unicode."""

    @pre_load
    def _valid_text(self, data, **_kwargs):
        path = _invalid_text(data)
        if path is not None:
            raise ValidationError({".".join(path) or "_schema": ["Not valid Unicode text."]})
        return data

    format = fields.String(required=True, validate=validate.Equal(BACKUP_FORMAT))
    version = fields.Integer(strict=True, required=True, validate=validate.OneOf(BACKUP_VERSIONS))
    workshop = fields.Nested(_Workshop, required=True)
    steps = fields.List(fields.Nested(_Step), required=True, validate=validate.Length(min=1, max=20))
    participants = fields.List(fields.Nested(_Participant), required=True, validate=validate.Length(min=1, max=LIMIT))
    notes = fields.List(fields.Nested(_Note), required=True, validate=validate.Length(max=LIMIT))
    clusters = fields.List(fields.Nested(_Cluster), required=True, validate=validate.Length(max=LIMIT))
    actions = fields.List(fields.Nested(_Action), required=True, validate=validate.Length(max=LIMIT))


backup_schema = BackupSchema()


def _require(condition, field, message):
    if not condition:
        raise DomainError("invalid", message, fields={field: [message]}, key="refusal_backup_invalid")


def restore(data, workshop_id, join_code, now):
    """A new workshop aggregate from a loaded backup; every reference is checked.

    Ids of participants, notes, clusters and actions are kept (they are unique
    per workshop), so export → import → export gives the same content. The workshop
    stands alone: it joins no series, and actions carried from an earlier session are
    its own now (the review's decisions kept).
    """
    spec = data["workshop"]
    steps = [Step(**{**step, "lanes": [dict(lane) for lane in step["lanes"]]}) for step in data["steps"]]
    _require(spec["current_step"] < len(steps), "workshop", "current_step is not a step.")
    workshop = Workshop(
        id=workshop_id,
        join_code=join_code,
        title=spec["title"],
        goal=spec["goal"],
        language=spec["language"],
        format=spec["format"],
        steps=steps,
        current_step=spec["current_step"],
        locked=spec["locked"],
        retention=spec["retention"],
        created_at=spec["created_at"] or now,
        tables=[dict(table) for table in spec["tables"]],
        table_mode=spec["table_mode"] if spec["tables"] else None,
        # A record of where it came from: an import joins no series.
        follow_up_of=spec["follow_up_of"],
        date=spec["date"].isoformat() if spec["date"] else None,
    )
    if spec["agenda"] is not None:
        workshop.agenda = checked_agenda(spec["agenda"], len(steps))
    table_ids = {table["id"] for table in workshop.tables}
    _require(len(table_ids) == len(workshop.tables), "workshop", "Duplicate table id.")
    for person in data["participants"]:
        _require(person["id"] not in workshop.participants, "participants", "Duplicate id.")
        workshop.participants[person["id"]] = Participant(
            id=person["id"],
            name=person["name"],
            role=person["role"],
            joined_at=person["joined_at"] or now,
            table=person["table"],
        )
        _require(
            person["table"] is None or person["table"] in table_ids,
            "participants",
            "A participant's table does not exist.",
        )
    for cluster in data["clusters"]:
        _require(cluster["step"] < len(steps), "clusters", "A cluster's step does not exist.")
        _require(cluster["id"] not in workshop.clusters, "clusters", "Duplicate id.")
        workshop.clusters[cluster["id"]] = Cluster(
            id=cluster["id"], step=cluster["step"], title=cluster["title"], created_at=now
        )
    for item in data["notes"]:
        _require(item["step"] < len(steps), "notes", "A note's step does not exist.")
        _require(item["id"] not in workshop.notes, "notes", "Duplicate id.")
        lanes = steps[item["step"]].lane_keys()
        _require(item["lane"] in lanes if lanes else item["lane"] is None, "notes", "A note's lane does not exist.")
        _require(
            item["anonymous"] or item["author"] in workshop.participants,
            "notes",
            "A note's author is not a participant.",
        )
        _require(
            item["group"] is None
            or (item["group"] in workshop.clusters and workshop.clusters[item["group"]].step == item["step"]),
            "notes",
            "A note's cluster does not exist.",
        )
        # An anonymous note's author was never exported; keep it unowned.
        author = item["author"] if not item["anonymous"] else ""
        workshop.notes[item["id"]] = Note(
            id=item["id"],
            step=item["step"],
            text=item["text"],
            author_id=author,
            lane=item["lane"],
            color=item["color"],
            x=item["x"],
            y=item["y"],
            anonymous=item["anonymous"],
            created_at=item["created_at"],
            group=item["group"],
            table=item["table"],
            for_table=item["for_table"] and item["table"] is not None,
        )
        _require(item["table"] is None or item["table"] in table_ids, "notes", "A note's table does not exist.")
        if item["votes"]:
            workshop.votes[(IMPORTED_VOTES, item["id"])] = item["votes"]
    for item in data["actions"]:
        _require(item["id"] not in workshop.actions, "actions", "Duplicate id.")
        _require(
            all(note in workshop.notes for note in item["note_ids"]),
            "actions",
            "An action's source note does not exist.",
        )
        _require(
            item["owner_id"] is None or item["owner_id"] in workshop.participants,
            "actions",
            "An action's owner is not a participant.",
        )
        workshop.actions[item["id"]] = Action(
            id=item["id"],
            title=item["title"],
            created_by=item["created_by"],
            owner_id=item["owner_id"],
            owner_name=item["owner_name"],
            due=item["due"].isoformat() if item["due"] else None,
            status=item["status"],
            note_ids=list(item["note_ids"]),
            created_at=item["created_at"],
            progress=[dict(entry) for entry in item["progress"]],
            carried=item["carried"],
            decision=item["decision"] if item["carried"] else None,
            dropped=item["dropped"],
        )
    return workshop


# Tallies come back as the votes of no one in particular: voters are never exported.
IMPORTED_VOTES = "imported"
