"""The workshop aggregate: steps, participants and notes, changed only by commands."""

from dataclasses import dataclass, field

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
ROLES = (FACILITATOR, PARTICIPANT)

DEFAULT_COLOR = "yellow"  # of the protocol's PALETTE

ACTION_STATUSES = ("open", "doing", "done", "blocked")
# What the room decides, at a follow-up's review, about an action from an earlier session.
REVIEW_DECISIONS = ("keep", "done", "drop")
# How long a workshop is kept: days after the last activity, or one day after the
# facilitator first downloaded the plan.
RETENTIONS = {"7d": 7, "30d": 30, "90d": 90, "after_download": 1}
DEFAULT_RETENTION = "30d"
REVEAL_MODES = ("open", "private")
ANONYMITY_MODES = ("off", "allowed", "required")


@dataclass
class Step:
    """One step of the workshop as the facilitator runs it."""

    key: str
    title: str
    prompt: str
    lanes: list = field(default_factory=list)
    reveal: str = "open"
    anonymity: str = "off"
    voting: bool = False
    revealed: bool = False
    vote_state: str = "none"
    budget: int = 0
    per_note: int | None = None
    layout: str | None = None  # "canvas", or None: in lanes when the step has them, else a grid
    tables: bool = False  # worked at the tables
    minutes: int | None = None  # the format's planned minutes, the agenda's default
    started_at: str | None = None  # when the room first moved to it
    ended_at: str | None = None  # when the room last moved away from it (None while running)

    @property
    def hidden(self):
        """True while notes of this step are private to their authors."""
        return self.reveal == "private" and not self.revealed

    def lane_keys(self):
        """The keys of this step's lanes, in order."""
        return [lane["key"] for lane in self.lanes]

    def current_layout(self):
        """How the step shows its notes: "canvas", else "lanes" with lanes, else "grid"."""
        if self.layout == "canvas":
            return "canvas"
        return "lanes" if self.lanes else "grid"


@dataclass
class Participant:
    """Someone in the workshop: a participant or a facilitator."""

    id: str
    name: str
    role: str = PARTICIPANT
    ready: bool = False
    joined_at: str = ""
    table: str | None = None  # the id of their table, when there are tables

    @property
    def is_facilitator(self):
        """True when this person may drive the workshop."""
        return self.role == FACILITATOR


@dataclass
class Note:
    """A sticky note on one step, possibly in a lane."""

    id: str
    step: int
    text: str
    author_id: str
    lane: str | None = None
    color: str = DEFAULT_COLOR
    x: float | None = None
    y: float | None = None
    anonymous: bool = False
    version: int = 1
    created_at: str = ""
    removed: bool = False
    group: str | None = None
    table: str | None = None  # written at this table (a step worked at the tables)
    for_table: bool = False  # written on behalf of the table: the table is its author


@dataclass
class Action:
    """Something the team will do: a title, an owner, a due date, and the notes it came from."""

    id: str
    title: str
    created_by: str
    owner_id: str | None = None
    owner_name: str | None = None
    due: str | None = None
    status: str = "open"
    note_ids: list = field(default_factory=list)
    created_at: str = ""
    removed: bool = False
    progress: list = field(default_factory=list)  # [{at, status, text}], oldest first
    link: int = 1  # the generation of the owner's update link; a new one revokes the old
    # Shared across a series: the session whose id its update link is made with. Every
    # session of the series that carries the action keeps a copy; a change reaches them all.
    origin: str | None = None
    carried: bool = False  # came from an earlier session of the series
    decision: str | None = None  # this session's review: one of REVIEW_DECISIONS
    dropped: bool = False  # a review stopped it: no later session carries it
    # Carried: the votes it got in the session it was voted in (the store reads them from
    # that session; never stored with this copy).
    voted: int = 0

    @property
    def shared(self):
        """True when other sessions of a series may hold this action too."""
        return self.origin is not None


@dataclass
class Cluster:
    """A named group of notes of one step, made by the facilitator."""

    id: str
    step: int
    title: str = ""
    created_at: str = ""


@dataclass
class Workshop:
    """The whole state of one workshop; `seq` counts its changes."""

    id: str
    join_code: str
    title: str
    goal: str = ""
    language: str = "nl"
    format: str = "cocreation"
    steps: list = field(default_factory=list)
    current_step: int = 0
    locked: bool = False
    seq: int = 0
    created_at: str = ""
    timer: dict | None = None
    retention: str = "30d"
    calendar_link: int = 1  # the generation of the calendar feed's address
    tables: list = field(default_factory=list)  # [{id, name}]
    table_mode: str | None = None  # "random" or "choose" while there are tables
    focus: str | None = None  # the table the projector shows for its report-back
    follow_up_of: str | None = None  # the earlier session of its series
    date: str | None = None  # the day the session is planned for (YYYY-MM-DD)
    spotlight: dict | None = None  # {kind, id}: what every screen shows large
    pitch: dict | None = None  # {queue, current, step, of, minutes} while a pitch round runs
    paused: bool = False  # "eyes to the front": participants' screens ask them to look up
    agenda: dict | None = None  # the run sheet: {zone, days: [{start, items}]} (domain.agenda)
    participants: dict = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    clusters: dict = field(default_factory=dict)
    votes: dict = field(default_factory=dict)
    actions: dict = field(default_factory=dict)
    applied: set = field(default_factory=set)

    def live_notes(self, step=None):
        """Notes that have not been removed, oldest first; only of `step` when given."""
        return [note for note in self.notes.values() if not note.removed and (step is None or note.step == step)]

    def open_voting(self):
        """The index of the step whose voting is open, or None."""
        for index, step in enumerate(self.steps):
            if step.vote_state == "open":
                return index
        return None

    def tally(self, note_id):
        """How many dots a note got, from everyone."""
        return sum(count for (_who, note), count in self.votes.items() if note == note_id)

    def is_hidden(self, note):
        """True while `note` may be seen by its author only."""
        return self.steps[note.step].hidden


@dataclass
class Event:
    """One change of a workshop: what happened and its sequence number.

    `data` is what every viewer receives. When one participant may see more
    (the author of a hidden note), `owner` names them and `own` is their version.
    """

    type: str
    data: dict
    seq: int = 0
    owner: str | None = None
    own: dict | None = None
    command_id: str | None = None


def new_workshop(
    workshop_id,
    join_code,
    title,
    goal,
    language,
    format_key,
    steps,
    now,
    retention=DEFAULT_RETENTION,
    follow_up_of=None,
    date=None,
):
    """A fresh workshop at step 0 with the given (already materialised) steps."""
    return Workshop(
        id=workshop_id,
        join_code=join_code,
        title=title,
        goal=goal or "",
        language=language,
        format=format_key,
        retention=retention,
        steps=[Step(**spec) for spec in steps],
        created_at=now,
        follow_up_of=follow_up_of,
        date=date,
    )
