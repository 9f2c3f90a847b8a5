// The protocol's vocabulary and limits; mirrors cocreate/protocol.py (a test keeps them equal).

export const VERSION = 1;

export const MESSAGES = Object.freeze({
  SNAPSHOT: "snapshot",
  EVENT: "event",
  PRESENCE: "presence",
  CLOSED: "closed",
  DRAG: "drag",
  POINTER: "pointer",
});

export const COMMANDS = Object.freeze({
  NOTE_ADD: "note:add",
  NOTE_EDIT: "note:edit",
  NOTE_MOVE: "note:move",
  NOTE_DRAG: "note:drag",
  NOTE_REMOVE: "note:remove",
  NOTE_GROUP: "note:group",
  NOTE_UNGROUP: "note:ungroup",
  VOTE_CAST: "vote:cast",
  VOTE_RETRACT: "vote:retract",
  VOTING_OPEN: "voting:open",
  VOTING_CLOSE: "voting:close",
  ACTION_ADD: "action:add",
  ACTION_EDIT: "action:edit",
  ACTION_REMOVE: "action:remove",
  ACTION_RELINK: "action:relink",
  ACTION_REVIEW: "action:review",
  ACTION_LINK: "action:link",
  CALENDAR_RELINK: "calendar:relink",
  SET_TABLES: "tables:set",
  TABLE_CHOOSE: "table:choose",
  TABLE_ASSIGN: "table:assign",
  TABLES_CLEAR: "tables:clear",
  PROJECTOR_FOCUS: "projector:focus",
  SET_AGENDA: "agenda:set",
  STEP_GO: "step:go",
  WORKSHOP_EDIT: "workshop:edit",
  WORKSHOP_LOCK: "workshop:lock",
  PARTICIPANT_READY: "participant:ready",
  NOTES_REVEAL: "notes:reveal",
  STEP_EDIT: "step:edit",
  TIMER_START: "timer:start",
  TIMER_STOP: "timer:stop",
  SET_SPOTLIGHT: "spotlight:set",
  PITCH_START: "pitch:start",
  PITCH_NEXT: "pitch:next",
  PITCH_STOP: "pitch:stop",
  ROOM_PAUSE: "room:pause",
  POINTER: "pointer",
  SYNC: "sync",
});

// How each command travels, as cocreate/protocol.py declares it: [delivery, rate bucket, who
// may send it] and the commands that travel so. "live" goes now or not at all; "outbox" may
// wait offline and be replayed.
export const DELIVERY = Object.freeze({ LIVE: "live", OUTBOX: "outbox" });

const TRAVEL = [
  [["outbox", "commands", "anyone"], ["note:add", "note:edit", "note:remove", "vote:cast",
    "vote:retract", "action:add", "action:edit", "action:remove"]],
  [["outbox", "commands", "facilitator"], ["note:group", "note:ungroup", "action:review",
    "workshop:edit"]],
  [["outbox", "moves", "anyone"], ["note:move"]],
  [["live", "commands", "anyone"], ["action:link", "table:choose", "participant:ready", "sync"]],
  [["live", "commands", "facilitator"], ["voting:open", "voting:close", "action:relink",
    "calendar:relink", "tables:set", "table:assign", "tables:clear", "projector:focus",
    "agenda:set", "step:go", "step:edit", "notes:reveal", "timer:start", "timer:stop",
    "workshop:lock", "spotlight:set", "pitch:start", "pitch:next", "pitch:stop", "room:pause"]],
  [["live", "drags", "anyone"], ["note:drag"]],
  [["live", "drags", "facilitator"], ["pointer"]],
];

/** Each command's name → [delivery, bucket, who]. */
export const DECLARED = Object.freeze(Object.fromEntries(
  TRAVEL.flatMap(([how, names]) => names.map((name) => [name, how]))));

export const EVENTS = Object.freeze({
  NOTE_ADDED: "note.added",
  NOTE_EDITED: "note.edited",
  NOTE_MOVED: "note.moved",
  NOTE_REMOVED: "note.removed",
  STEP_CHANGED: "step.changed",
  WORKSHOP_EDITED: "workshop.edited",
  WORKSHOP_LOCKED: "workshop.locked",
  PARTICIPANT_JOINED: "participant.joined",
  PARTICIPANT_READY_CHANGED: "participant.ready",
  NOTES_REVEALED: "notes.revealed",
  NOTES_GROUPED: "notes.grouped",
  NOTES_UNGROUPED: "notes.ungrouped",
  VOTE_CHANGED: "vote.changed",
  VOTING_OPENED: "voting.opened",
  VOTING_CLOSED: "voting.closed",
  ACTION_ADDED: "action.added",
  ACTION_EDITED: "action.edited",
  ACTION_REMOVED: "action.removed",
  STEP_EDITED: "step.edited",
  TIMER_CHANGED: "timer.changed",
  TABLES_SET: "tables.set",
  PARTICIPANT_TABLE: "participant.table",
  PROJECTOR_FOCUSED: "projector.focused",
  SPOTLIGHT_SET: "spotlight.set",
  PITCH_SET: "pitch.set",
  ROOM_PAUSED: "room.paused",
  AGENDA_SET: "agenda.set",
});

export const ERROR_CODES = Object.freeze([
  "invalid", "unauthorized", "forbidden", "not_found", "conflict", "locked",
  "budget_exceeded", "voting_closed", "rate_limited", "unknown_command",
  "payload_too_large", "internal", "busy", "unavailable",
]);

export const LAYOUTS = Object.freeze(["lanes", "grid", "canvas"]);

// The canvas is a 16:9 board; a note's x, y (its top-left corner) run 0..1 across it.
export const CANVAS = Object.freeze({
  ASPECT: 16 / 9,
  NOTE_WIDTH: 0.1,
  NOTE_HEIGHT: 0.16,
  GAP: 0.01,
  CLUSTER_PAD: 0.005, // a cluster's frame round its notes,
  CLUSTER_TITLE: 0.06, // and its name's band
});

// Bounds on what the server accepts: lengths of text and ids, ranges of numbers.
export const LIMITS = Object.freeze({
  ID_MAX: 40,
  CLIENT_ID_MAX: 36,
  KEY_MAX: 40,
  TIME_MAX: 40,
  TOKEN_MAX: 100,
  JOIN_CODE_LENGTH: 6,
  JOIN_CODE_MAX: 16,
  NAME_MAX: 40,
  TITLE_MAX: 120,
  GOAL_MAX: 500,
  NOTE_MAX: 280,
  LANE_MAX: 40,
  LANES_MAX: 8,
  PROMPT_MAX: 600,
  CLUSTER_TITLE_MAX: 80,
  GROUP_MAX: 100,
  STEP_INDEX_MAX: 99,
  TIMER_MIN: 5, // seconds
  TIMER_MAX: 14400, // seconds: 4 hours
  BUDGET_MAX: 20,
  ACTION_TITLE_MAX: 200,
  OWNER_MAX: 80,
  PROGRESS_MAX: 500,
  TABLES_MIN: 2,
  TABLES_MAX: 30,
  TABLE_SIZE_MIN: 2,
  TABLE_SIZE_MAX: 20,
  PITCH_MINUTES_MIN: 1,
  PITCH_MINUTES_MAX: 15,
  HISTORY_MAX: 20,
  AGENDA_MINUTES_MIN: 1,
  AGENDA_MINUTES_MAX: 480,
  BREAK_TITLE_MAX: 80,
  AGENDA_DAYS_MAX: 31,
  AGENDA_ITEMS_MAX: 60,
  ZONE_MAX: 64,
});
