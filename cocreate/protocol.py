"""The protocol's vocabulary, in one place: message, command, event and error names, limits,
and the shape of a command's declaration.

`static/js/protocol.js` mirrors this module; a test keeps the two equal.
"""

from collections.abc import Callable
from dataclasses import dataclass

VERSION = 1

# Messages from the server.
SNAPSHOT = "snapshot"
EVENT = "event"
PRESENCE = "presence"
CLOSED = "closed"  # the workshop is gone; the client stops
DRAG = "drag"  # a frame of someone dragging a note: volatile, not sequenced, never stored
POINTER = "pointer"  # the facilitator's pointer on the projector: volatile like DRAG; also a command

# Commands from clients (each acknowledged). A command's constant spells its name
# (`NOTE_ADD` is note:add); where its event reads the same (`TABLES_SET` is the event
# tables.set), the command's is an order: `SET_TABLES` is tables:set.
NOTE_ADD = "note:add"
NOTE_EDIT = "note:edit"
NOTE_MOVE = "note:move"
NOTE_DRAG = "note:drag"
NOTE_REMOVE = "note:remove"
NOTE_GROUP = "note:group"
NOTE_UNGROUP = "note:ungroup"
VOTE_CAST = "vote:cast"
VOTE_RETRACT = "vote:retract"
VOTING_OPEN = "voting:open"
VOTING_CLOSE = "voting:close"
ACTION_ADD = "action:add"
ACTION_EDIT = "action:edit"
ACTION_REMOVE = "action:remove"
ACTION_RELINK = "action:relink"
ACTION_REVIEW = "action:review"
ACTION_LINK = "action:link"  # asks for an action's update link (facilitator, owner): the ack
CALENDAR_RELINK = "calendar:relink"
STEP_GO = "step:go"
WORKSHOP_EDIT = "workshop:edit"
WORKSHOP_LOCK = "workshop:lock"
PARTICIPANT_READY = "participant:ready"
NOTES_REVEAL = "notes:reveal"
STEP_EDIT = "step:edit"
TIMER_START = "timer:start"
TIMER_STOP = "timer:stop"
SET_TABLES = "tables:set"
TABLE_CHOOSE = "table:choose"
TABLE_ASSIGN = "table:assign"
TABLES_CLEAR = "tables:clear"
PROJECTOR_FOCUS = "projector:focus"
SET_SPOTLIGHT = "spotlight:set"
PITCH_START = "pitch:start"
PITCH_NEXT = "pitch:next"
PITCH_STOP = "pitch:stop"
ROOM_PAUSE = "room:pause"
SET_AGENDA = "agenda:set"
SYNC = "sync"

COMMANDS = (
    NOTE_ADD,
    NOTE_EDIT,
    NOTE_MOVE,
    NOTE_DRAG,
    NOTE_REMOVE,
    NOTE_GROUP,
    NOTE_UNGROUP,
    VOTE_CAST,
    VOTE_RETRACT,
    VOTING_OPEN,
    VOTING_CLOSE,
    ACTION_ADD,
    ACTION_EDIT,
    ACTION_REMOVE,
    ACTION_RELINK,
    ACTION_REVIEW,
    ACTION_LINK,
    CALENDAR_RELINK,
    SET_TABLES,
    TABLE_CHOOSE,
    TABLE_ASSIGN,
    TABLES_CLEAR,
    PROJECTOR_FOCUS,
    SET_AGENDA,
    STEP_GO,
    STEP_EDIT,
    NOTES_REVEAL,
    TIMER_START,
    TIMER_STOP,
    WORKSHOP_EDIT,
    WORKSHOP_LOCK,
    PARTICIPANT_READY,
    SET_SPOTLIGHT,
    PITCH_START,
    PITCH_NEXT,
    PITCH_STOP,
    ROOM_PAUSE,
    POINTER,
    SYNC,
)

# Event types carried by `event` messages.
NOTE_ADDED = "note.added"
NOTE_EDITED = "note.edited"
NOTE_MOVED = "note.moved"
NOTE_REMOVED = "note.removed"
STEP_CHANGED = "step.changed"
WORKSHOP_EDITED = "workshop.edited"
WORKSHOP_LOCKED = "workshop.locked"
PARTICIPANT_JOINED = "participant.joined"
PARTICIPANT_READY_CHANGED = "participant.ready"
NOTES_REVEALED = "notes.revealed"
NOTES_GROUPED = "notes.grouped"
NOTES_UNGROUPED = "notes.ungrouped"
VOTE_CHANGED = "vote.changed"
VOTING_OPENED = "voting.opened"
VOTING_CLOSED = "voting.closed"
ACTION_ADDED = "action.added"
ACTION_EDITED = "action.edited"
ACTION_REMOVED = "action.removed"
STEP_EDITED = "step.edited"
TIMER_CHANGED = "timer.changed"
TABLES_SET = "tables.set"
PARTICIPANT_TABLE = "participant.table"
PROJECTOR_FOCUSED = "projector.focused"
SPOTLIGHT_SET = "spotlight.set"
PITCH_SET = "pitch.set"
ROOM_PAUSED = "room.paused"
AGENDA_SET = "agenda.set"

EVENT_TYPES = (
    NOTE_ADDED,
    NOTE_EDITED,
    NOTE_MOVED,
    NOTE_REMOVED,
    STEP_CHANGED,
    STEP_EDITED,
    NOTES_REVEALED,
    NOTES_GROUPED,
    NOTES_UNGROUPED,
    VOTE_CHANGED,
    VOTING_OPENED,
    VOTING_CLOSED,
    ACTION_ADDED,
    ACTION_EDITED,
    ACTION_REMOVED,
    TIMER_CHANGED,
    WORKSHOP_EDITED,
    WORKSHOP_LOCKED,
    PARTICIPANT_JOINED,
    PARTICIPANT_READY_CHANGED,
    TABLES_SET,
    PARTICIPANT_TABLE,
    PROJECTOR_FOCUSED,
    SPOTLIGHT_SET,
    PITCH_SET,
    ROOM_PAUSED,
    AGENDA_SET,
)

# Error codes in acks, connect errors and HTTP error bodies.
ERROR_CODES = (
    "invalid",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "locked",
    "budget_exceeded",
    "voting_closed",
    "rate_limited",
    "unknown_command",
    "payload_too_large",
    "internal",
    "busy",
    "unavailable",
)


def error_body(code, message, fields=None, current=None, retry_after=None, text=None):
    """An error as every client gets it:
    `{"error": {code, message, fields?, current?, retry_after?, text?}}`; `message` is English,
    `text` the same refusal in the viewer's language."""
    error = {"code": code, "message": message}
    if text is not None:
        error["text"] = text
    if fields:
        error["fields"] = fields
    if current is not None:
        error["current"] = current
    if retry_after is not None:
        error["retry_after"] = retry_after  # seconds: the same request may work then
    return {"error": error}


# Limits: every bound on what clients send, in one place. The schemas check them, the
# tables are sized by them, and protocol.js mirrors LIMITS for the forms.
ID_MAX = 40  # ids of workshops, participants, notes, clusters, actions (backups bring theirs)
CLIENT_ID_MAX = 36  # a client-made UUID in its canonical form
KEY_MAX = 40  # the key of a format or a step
TIME_MAX = 40  # a moment as an ISO 8601 string
TOKEN_MAX = 100
JOIN_CODE_LENGTH = 6
JOIN_CODE_MAX = 16  # a typed join code, before spaces and dashes are dropped
NAME_MAX = 40
TITLE_MAX = 120
GOAL_MAX = 500
NOTE_MAX = 280
LANE_MAX = 40  # a lane's key and its title
LANES_MAX = 8
PROMPT_MAX = 600
CLUSTER_TITLE_MAX = 80
GROUP_MAX = 100  # notes in one cluster, source notes of one action
STEP_INDEX_MAX = 99
TIMER_MIN = 5  # seconds
TIMER_MAX = 4 * 60 * 60
BUDGET_MAX = 20
ACTION_TITLE_MAX = 200
OWNER_MAX = 80
PROGRESS_MAX = 500  # one progress note on an action
HISTORY_MAX = 20  # an action's latest progress entries in snapshots and on boards
TABLES_MIN, TABLES_MAX = 2, 30  # tables:set {count}
TABLE_SIZE_MIN, TABLE_SIZE_MAX = 2, 20  # tables:set {size}
PITCH_MINUTES_MIN, PITCH_MINUTES_MAX = 1, 15  # pitch:start {minutes}
AGENDA_MINUTES_MIN, AGENDA_MINUTES_MAX = 1, 480  # an item of the agenda: a step or a break
BREAK_TITLE_MAX = 80
AGENDA_DAYS_MAX = 31
AGENDA_ITEMS_MAX = 60  # on one day
ZONE_MAX = 64  # an IANA time zone name, "Europe/Amsterdam"

LIMITS = {name: value for name, value in dict(globals()).items() if name.endswith(("_MAX", "_MIN", "_LENGTH"))}

# How a step shows its notes: in its lanes, flowing in a grid, or at free places on a canvas.
LAYOUTS = ("lanes", "grid", "canvas")

# The canvas is a 16:9 board; `x, y` of a note (its top-left corner) run 0..1 across it.
# A note on the canvas is this wide and high, as fractions of the board.
# A cluster on a canvas is a frame around a grid of its notes: a margin round them and a
# band on top for its name.
CANVAS = {
    "ASPECT": 16 / 9,
    "NOTE_WIDTH": 0.1,
    "NOTE_HEIGHT": 0.16,
    "GAP": 0.01,
    "CLUSTER_PAD": 0.005,
    "CLUSTER_TITLE": 0.06,
}

# Note colours, in the order the composer offers them.
PALETTE = ("yellow", "pink", "blue", "green", "orange", "purple")


# How a command is declared: once, beside its noun (domain/<noun>.py, or realtime/ for the
# commands only the socket layer answers), collected by `realtime.commands`.
ANYONE, FACILITATOR = "anyone", "facilitator"  # who may send it (the domain decides in detail)
LIVE, OUTBOX = "live", "outbox"  # the browser sends it now or not at all / it may wait offline
COMMAND_BUCKET, MOVE_BUCKET, DRAG_BUCKET = "commands", "moves", "drags"  # its rate limit
# What answers it: the domain's events, stored, sequenced and broadcast (ack `{ok, seq}`);
# the same once no one else holds the note (a drop: it ends a drag's hold); a relay to the
# room, never stored; or the ack alone.
EVENTS, DROP, VOLATILE, ACK = "events", "drop", "volatile", "ack"
WHO, DELIVERIES, BUCKETS, ANSWERS = (
    (ANYONE, FACILITATOR),
    (LIVE, OUTBOX),
    (COMMAND_BUCKET, MOVE_BUCKET, DRAG_BUCKET),
    (EVENTS, DROP, VOLATILE, ACK),
)


@dataclass(frozen=True)
class Command:
    """One command, all its facts in one place.

    `schema` names its class in `cocreate.schemas` (the domain may not import marshmallow).
    `run` is the domain's function `(workshop, actor, payload, now) -> events` when the
    answer is EVENTS or DROP; otherwise the socket layer's `(sender, command, payload) -> ack`.
    """

    name: str
    schema: str
    run: Callable
    who: str = ANYONE
    delivery: str = OUTBOX
    bucket: str = COMMAND_BUCKET
    answer: str = EVENTS

    def __post_init__(self):
        if not (
            self.name in COMMANDS
            and self.who in WHO
            and self.delivery in DELIVERIES
            and self.bucket in BUCKETS
            and self.answer in ANSWERS
        ):
            raise ValueError(f"Not a declaration the protocol knows: {self}")

    @property
    def stored(self):
        """True when the domain runs it and its events are stored and broadcast."""
        return self.answer in (EVENTS, DROP)
