"""The workshop domain: pure Python, no web, socket or database imports."""

from .commands import DECLARED, apply
from .actions import report_progress
from .notes import Drag, drag
from .participants import join
from .errors import DomainError
from .formats import DEFAULT_FORMAT, LANGUAGES, available_formats, load_format, steps_in_language, table_names
from .views import event_message, own_message, snapshot
from .workshop import Action, Cluster, FACILITATOR, PARTICIPANT, Event, Note, Participant, Step, Workshop, new_workshop
from ..protocol import GOAL_MAX, NAME_MAX, NOTE_MAX, PALETTE, TITLE_MAX

__all__ = [
    "Action",
    "Cluster",
    "DECLARED",
    "DEFAULT_FORMAT",
    "DomainError",
    "Drag",
    "drag",
    "report_progress",
    "Event",
    "FACILITATOR",
    "GOAL_MAX",
    "LANGUAGES",
    "NAME_MAX",
    "NOTE_MAX",
    "Note",
    "PALETTE",
    "PARTICIPANT",
    "Participant",
    "Step",
    "TITLE_MAX",
    "Workshop",
    "apply",
    "available_formats",
    "event_message",
    "join",
    "load_format",
    "new_workshop",
    "own_message",
    "snapshot",
    "steps_in_language",
    "table_names",
]
