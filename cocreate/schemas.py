"""One marshmallow schema per inbound command and JSON body; unknown fields are refused."""

import re

from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from .domain import LANGUAGES, available_formats
from .domain.workshop import (
    ACTION_STATUSES,
    ANONYMITY_MODES,
    DEFAULT_RETENTION,
    RETENTIONS,
    REVEAL_MODES,
    REVIEW_DECISIONS,
)
from . import protocol as p
from .protocol import (
    ACTION_TITLE_MAX,
    BUDGET_MAX,
    CLIENT_ID_MAX,
    CLUSTER_TITLE_MAX,
    GOAL_MAX,
    GROUP_MAX,
    JOIN_CODE_MAX,
    LANE_MAX,
    LANES_MAX,
    NAME_MAX,
    NOTE_MAX,
    OWNER_MAX,
    PALETTE,
    PROMPT_MAX,
    STEP_INDEX_MAX,
    TIMER_MAX,
    TIMER_MIN,
    TITLE_MAX,
)


# What no stored text may hold: C0 and C1 control characters but tab and line breaks, lone
# surrogates (JSON can spell them, "\ud800"; no encoder can write them out: one broke
# every calendar feed for good) and the two noncharacters.
FORBIDDEN_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
NOT_TEXT = "Text may not hold control characters or broken Unicode."
LINE_BREAKS = re.compile("\r\n?")
SPACES = re.compile("[\t\n]+")


def valid_text(data, path=()):
    """`data` (parsed JSON) with every line break written "\n"; a ValidationError naming the
    field (`notes.0.text`) whose text holds a control character other than tab or a line
    break, or broken Unicode. Every JSON body and socket command passes here before its
    schema."""
    if isinstance(data, str):
        if FORBIDDEN_IN_TEXT.search(data):
            raise ValidationError({".".join(map(str, path)) or "_schema": [NOT_TEXT]})
        return LINE_BREAKS.sub("\n", data) if "\r" in data else data
    if isinstance(data, dict):
        return {valid_text(key, path): valid_text(value, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [valid_text(item, (*path, index)) for index, item in enumerate(data)]
    return data


class Trimmed(fields.String):
    """A string with surrounding white space removed before its length is checked; on one
    line (tabs and line breaks become a space) unless `lines=True`."""

    def __init__(self, *args, lines=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        return (text if self.lines else SPACES.sub(" ", text)).strip()


class ClientId(fields.UUID):
    """A client-made UUID, kept as its canonical string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > CLIENT_ID_MAX:
            raise self.make_error("invalid_uuid")
        return str(super()._deserialize(value, attr, data, **kwargs))


class IsoDate(fields.Date):
    """A calendar date `YYYY-MM-DD`, kept as that string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) != 10:
            raise self.make_error("invalid")
        day = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= day.year <= 2100:
            raise ValidationError("Choose a date between 2000 and 2100.")
        return day.isoformat()


def _text(max_length, min_length=1, **kwargs):
    return Trimmed(validate=validate.Length(min=min_length, max=max_length), **kwargs)


def _lines(max_length, min_length=1, **kwargs):
    return _text(max_length, min_length, lines=True, **kwargs)


def _index(**kwargs):
    return fields.Integer(strict=True, validate=validate.Range(min=0, max=STEP_INDEX_MAX), **kwargs)


def _coordinate(**kwargs):
    return fields.Float(allow_nan=False, validate=validate.Range(min=0, max=1), **kwargs)


class StrictSchema(Schema):
    """Base: unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE

    @pre_load
    def _valid_text(self, data, **kwargs):
        return valid_text(data)


class NoteAdd(StrictSchema):
    id = ClientId(required=True)
    step = _index(required=True)
    lane = fields.String(validate=validate.Length(max=LANE_MAX), allow_none=True)
    text = _lines(NOTE_MAX, required=True)
    color = fields.String(validate=validate.OneOf(PALETTE), allow_none=True)
    x = _coordinate(allow_none=True)
    y = _coordinate(allow_none=True)
    anonymous = fields.Boolean()
    for_table = fields.String(validate=validate.Length(min=1, max=p.ID_MAX))


class NoteEdit(StrictSchema):
    id = ClientId(required=True)
    text = _lines(NOTE_MAX)
    color = fields.String(validate=validate.OneOf(PALETTE))
    lane = fields.String(validate=validate.Length(max=LANE_MAX), allow_none=True)
    version = fields.Integer(strict=True, validate=validate.Range(min=1))

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not {"text", "color", "lane"} & data.keys():
            raise ValidationError("Give text, color or lane to change.", "_schema")


class NoteMove(StrictSchema):
    """The drop: a place on the board, another lane, into a cluster or out of one."""

    id = ClientId(required=True)
    x = _coordinate()
    y = _coordinate()
    lane = fields.String(validate=validate.Length(max=LANE_MAX), allow_none=True)
    cluster = ClientId(allow_none=True)

    @validates_schema
    def _a_place_to_go(self, data, **kwargs):
        if ("x" in data) != ("y" in data):
            raise ValidationError("Give x and y together.", "y" if "x" in data else "x")
        if not data.keys() - {"id"}:
            raise ValidationError("Give x and y, a lane or a cluster.", "_schema")


class NoteDrag(StrictSchema):
    """One frame of a drag: where the note is now."""

    id = ClientId(required=True)
    x = _coordinate(required=True)
    y = _coordinate(required=True)


class ById(StrictSchema):
    """`{id}`: a command about one note, cluster or action (remove, ungroup, relink, link)."""

    id = ClientId(required=True)


class NoteGroup(StrictSchema):
    id = ClientId()
    ids = fields.List(ClientId(), required=True, validate=validate.Length(min=1, max=GROUP_MAX))
    title = _text(CLUSTER_TITLE_MAX, min_length=0)


class StepGo(StrictSchema):
    index = _index(required=True)


class Lane(StrictSchema):
    key = fields.String(required=True, validate=validate.Length(min=1, max=LANE_MAX))
    title = _text(LANE_MAX, required=True)


class StepEdit(StrictSchema):
    index = _index(required=True)
    title = _text(TITLE_MAX)
    prompt = _lines(PROMPT_MAX, min_length=0)
    lanes = fields.List(fields.Nested(Lane), validate=validate.Length(max=LANES_MAX))
    reveal = fields.String(validate=validate.OneOf(REVEAL_MODES))
    anonymity = fields.String(validate=validate.OneOf(ANONYMITY_MODES))
    layout = fields.String(validate=validate.OneOf(p.LAYOUTS))
    tables = fields.Boolean()

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data.keys() - {"index"}:
            raise ValidationError("Give something of the step to change.", "_schema")


class NotesReveal(StrictSchema):
    step = _index(required=True)


class TimerStart(StrictSchema):
    seconds = fields.Integer(strict=True, required=True, validate=validate.Range(min=TIMER_MIN, max=TIMER_MAX))
    lock_at_end = fields.Boolean()


class Vote(StrictSchema):
    """`vote:cast` and `vote:retract`: the note, and an id that makes a retry harmless."""

    id = ClientId()
    note_id = ClientId(required=True)


class VotingOpen(StrictSchema):
    step = _index(required=True)
    budget = fields.Integer(strict=True, required=True, validate=validate.Range(min=1, max=BUDGET_MAX))
    per_note = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1, max=BUDGET_MAX))


def _note_ids():
    return fields.List(ClientId(), validate=validate.Length(max=GROUP_MAX))


class ActionAdd(StrictSchema):
    id = ClientId(required=True)
    title = _text(ACTION_TITLE_MAX, required=True)
    owner = _text(OWNER_MAX, min_length=0, allow_none=True)
    due = IsoDate(allow_none=True)
    note_ids = _note_ids()


class ActionEdit(StrictSchema):
    id = ClientId(required=True)
    title = _text(ACTION_TITLE_MAX)
    owner = _text(OWNER_MAX, min_length=0, allow_none=True)
    due = IsoDate(allow_none=True)
    status = fields.String(validate=validate.OneOf(ACTION_STATUSES))
    text = _lines(p.PROGRESS_MAX)  # a progress note for the action's history
    note_ids = _note_ids()

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data.keys() - {"id"}:
            raise ValidationError("Give something of the action to change.", "_schema")


class ActionReview(StrictSchema):
    """`action:review`: the room's decision about an action from an earlier session."""

    id = ClientId(required=True)
    decision = fields.String(required=True, validate=validate.OneOf(REVIEW_DECISIONS))


class ActionProgress(StrictSchema):
    """What an owner sends through their update link: a status, a short note, or both."""

    status = fields.String(validate=validate.OneOf(ACTION_STATUSES))
    text = _lines(p.PROGRESS_MAX)

    @validates_schema
    def _something_to_report(self, data, **kwargs):
        if not data:
            raise ValidationError("Give a status or a short note.", "_schema")


action_progress = ActionProgress()


class TablesSet(StrictSchema):
    """`tables:set`: exactly one of `count` and `size`, a mode, names if wanted."""

    count = fields.Integer(strict=True, validate=validate.Range(min=p.TABLES_MIN, max=p.TABLES_MAX))
    size = fields.Integer(strict=True, validate=validate.Range(min=p.TABLE_SIZE_MIN, max=p.TABLE_SIZE_MAX))
    mode = fields.String(required=True, validate=validate.OneOf(("random", "choose")))
    names = fields.List(_text(p.NAME_MAX), validate=validate.Length(max=p.TABLES_MAX))

    @validates_schema
    def _count_or_size(self, data, **kwargs):
        if ("count" in data) == ("size" in data):
            raise ValidationError("Give either count or size.", "_schema")


def _table_id(**kwargs):
    return fields.String(validate=validate.Length(min=1, max=p.ID_MAX), **kwargs)


class TableChoose(StrictSchema):
    table = _table_id(required=True)


class TableAssign(StrictSchema):
    participant = _table_id(required=True)
    table = _table_id(required=True, allow_none=True)


class ProjectorFocus(StrictSchema):
    table = _table_id(required=True, allow_none=True)


class AgendaItem(StrictSchema):
    """A step with its planned minutes, or a break (`{"break": title, "minutes"}`), and
    `planned` once a suggestion shortened it."""

    step = _index()
    pause = _text(p.BREAK_TITLE_MAX, data_key="break", attribute="break")
    minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=p.AGENDA_MINUTES_MIN, max=p.AGENDA_MINUTES_MAX)
    )
    # What the facilitator planned before a suggestion shortened it (the domain checks it
    # is at least `minutes`).
    planned = fields.Integer(strict=True, validate=validate.Range(min=p.AGENDA_MINUTES_MIN, max=p.AGENDA_MINUTES_MAX))

    @validates_schema
    def _step_or_break(self, data, **kwargs):
        if ("step" in data) == ("break" in data):
            raise ValidationError("Give either a step or a break.", "_schema")


def _wall_clock(**kwargs):
    return fields.String(
        validate=validate.Regexp(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$", error="A time YYYY-MM-DDTHH:MM."), **kwargs
    )


class AgendaDay(StrictSchema):
    start = _wall_clock(required=True)
    end = _wall_clock(allow_none=True)
    items = fields.List(fields.Nested(AgendaItem), required=True, validate=validate.Length(max=p.AGENDA_ITEMS_MAX))


class AgendaSet(StrictSchema):
    """`agenda:set`: the whole agenda, days of steps and breaks (the domain checks the rest)."""

    days = fields.List(fields.Nested(AgendaDay), required=True, validate=validate.Length(max=p.AGENDA_DAYS_MAX))
    zone = fields.String(validate=validate.Length(min=1, max=p.ZONE_MAX))


class Empty(StrictSchema):
    """Commands without a payload: `{}` (or nothing)."""


class SpotlightSet(StrictSchema):
    """`spotlight:set {kind, id?}`: what every screen shows large; `kind: null` clears it."""

    kind = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(("note", "cluster", "table", "participant"))
    )
    id = _table_id(allow_none=True)

    @validates_schema
    def _id_with_kind(self, data, **kwargs):
        if data.get("kind") is not None and not data.get("id"):
            raise ValidationError("Say which one to put in the spotlight.", "id")


class PitchStart(StrictSchema):
    step = _index(required=True)
    of = fields.String(required=True, validate=validate.OneOf(("participants", "tables")))
    order = fields.String(required=True, validate=validate.OneOf(("random", "joined")))
    minutes = fields.Integer(
        strict=True, required=True, validate=validate.Range(min=p.PITCH_MINUTES_MIN, max=p.PITCH_MINUTES_MAX)
    )


class PitchNext(StrictSchema):
    """`pitch:next {}` moves on; `{to}` goes to one of the queue (skip ahead or back)."""

    to = _table_id(allow_none=True)


class RoomPause(StrictSchema):
    on = fields.Boolean(required=True)


class Pointer(StrictSchema):
    """`pointer {x, y}` on the projector's board, or `{x: null}` to hide it."""

    x = _coordinate(required=True, allow_none=True)
    y = _coordinate(allow_none=True)

    @validates_schema
    def _both_or_hidden(self, data, **kwargs):
        if data.get("x") is not None and data.get("y") is None:
            raise ValidationError("Give y with x (or x: null to hide the pointer).", "y")


class WorkshopEdit(StrictSchema):
    title = _text(TITLE_MAX)
    goal = _lines(GOAL_MAX, min_length=0)

    @validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ValidationError("Give a title or a goal to change.", "_schema")


class WorkshopLock(StrictSchema):
    locked = fields.Boolean(required=True)


class ParticipantReady(StrictSchema):
    ready = fields.Boolean(required=True)


class WorkshopCreate(StrictSchema):
    """`POST /api/workshops`, the form on `/` and the plan page's "Terugkomdag plannen".

    Without `format` or `language` a workshop gets the default ones, a follow-up those of
    the session it follows (`None` here).
    """

    title = _text(TITLE_MAX, required=True)
    goal = _lines(GOAL_MAX, min_length=0, load_default="")
    format = fields.String(load_default=None, validate=validate.OneOf(available_formats()))
    language = fields.String(load_default=None, validate=validate.OneOf(LANGUAGES))
    retention = fields.String(load_default=DEFAULT_RETENTION, validate=validate.OneOf(RETENTIONS))
    follow_up_of = fields.String(validate=validate.Length(min=1, max=p.ID_MAX))
    date = IsoDate(load_default=None)


class Returning(StrictSchema):
    """Who someone was in an earlier session of the series: that session and their token there."""

    workshop = fields.String(required=True, validate=validate.Length(min=1, max=p.ID_MAX))
    token = fields.String(required=True, validate=validate.Length(min=1, max=p.TOKEN_MAX))


class ParticipantCreate(StrictSchema):
    """`POST /api/workshops/<id>/participants` and the join form."""

    name = _text(NAME_MAX, required=True)
    returning = fields.Nested(Returning)


class JoinCode(StrictSchema):
    """The code typed on `/join`."""

    code = _text(JOIN_CODE_MAX, required=True)


class IdentitySwitch(StrictSchema):
    """ "Doorgaan als …" on the page a `?token=` link opens in a browser that is someone else."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=p.TOKEN_MAX))
    view = fields.String(required=True, validate=validate.OneOf(("board", "facilitate", "present", "remote")))


identity_switch = IdentitySwitch()


class HyphenWords(StrictSchema):
    """`GET /texts/<language>/hyphens.json?words=…`: the long words of a board, space-separated."""

    words = fields.String(required=True, validate=validate.Length(min=1, max=2000))


workshop_create = WorkshopCreate()
participant_create = ParticipantCreate()
join_code = JoinCode()
hyphen_words = HyphenWords()
