"""Malformed, oversized and junk payloads for every command: a clear `invalid` ack,
nothing stored, nothing broadcast, and no traceback in the server log."""

import collections
import time
import uuid

import pytest
import socketio

from cocreate import protocol as p

from support import PLATFORM

BIG = "x" * 10_000  # 10 kB
DEEP = {"a": [[[[[[[[[[{"b": [[[[[[[[[[{}]]]]]]]]]]}]]]]]]]]]]}
NOTE = object()  # stands for the id of a real note of the workshop (on step 0)
OTHER_NOTE = object()  # and of one on step 3


def _u():
    return str(uuid.uuid4())


# Shapes that are never a valid payload of any command.
NOT_A_DICT = [
    ("a string", "note"),
    ("an empty list", []),
    ("a list holding a dict", [{"id": "x"}]),
    ("an integer", 42),
    ("a float", 3.5),
    ("true", True),
    ("a NaN-like string", "NaN"),
    ("two arguments", ("a", "b")),
]

# (label, payload, the field the error must name)
SPECIFIC = {
    p.NOTE_ADD: [
        ("empty dict", {}, "id"),
        ("missing id", {"step": 0, "text": "Doel"}, "id"),
        ("missing step", {"id": _u, "text": "Doel"}, "step"),
        ("missing text", {"id": _u, "step": 0}, "text"),
        ("bad uuid", {"id": "not-a-uuid", "step": 0, "text": "Doel"}, "id"),
        ("uuid with extra characters", {"id": "{" + str(uuid.uuid4()) + "}x", "step": 0, "text": "Doel"}, "id"),
        ("empty id", {"id": "", "step": 0, "text": "Doel"}, "id"),
        ("integer id", {"id": 12345, "step": 0, "text": "Doel"}, "id"),
        ("10 kB id", {"id": BIG, "step": 0, "text": "Doel"}, "id"),
        ("nested junk id", {"id": {"$ne": None}, "step": 0, "text": "Doel"}, "id"),
        ("empty text", {"id": _u, "step": 0, "text": ""}, "text"),
        ("blank text", {"id": _u, "step": 0, "text": "   \n\t "}, "text"),
        ("10 kB text", {"id": _u, "step": 0, "text": BIG}, "text"),
        ("281 character text", {"id": _u, "step": 0, "text": "y" * 281}, "text"),
        ("integer text", {"id": _u, "step": 0, "text": 7}, "text"),
        ("null text", {"id": _u, "step": 0, "text": None}, "text"),
        ("list text", {"id": _u, "step": 0, "text": ["Doel"]}, "text"),
        ("deeply nested text", {"id": _u, "step": 0, "text": DEEP}, "text"),
        ("string step", {"id": _u, "step": "0", "text": "Doel"}, "step"),
        ("NaN-like step", {"id": _u, "step": "NaN", "text": "Doel"}, "step"),
        ("float step", {"id": _u, "step": 1.5, "text": "Doel"}, "step"),
        ("boolean step", {"id": _u, "step": True, "text": "Doel"}, "step"),
        ("negative step", {"id": _u, "step": -1, "text": "Doel"}, "step"),
        ("unknown step 4", {"id": _u, "step": 4, "text": "Doel"}, "step"),
        ("unknown step 99", {"id": _u, "step": 99, "text": "Doel"}, "step"),
        ("step 100", {"id": _u, "step": 100, "text": "Doel"}, "step"),
        ("huge step", {"id": _u, "step": 10**30, "text": "Doel"}, "step"),
        ("unknown color", {"id": _u, "step": 0, "text": "Doel", "color": "chartreuse"}, "color"),
        ("integer color", {"id": _u, "step": 0, "text": "Doel", "color": 3}, "color"),
        ("lane on a step without lanes", {"id": _u, "step": 0, "text": "Doel", "lane": "transparency"}, "lane"),
        ("unknown lane", {"id": _u, "step": PLATFORM, "text": "Doel", "lane": "nope"}, "lane"),
        ("10 kB lane", {"id": _u, "step": PLATFORM, "text": "Doel", "lane": BIG}, "lane"),
        ("integer lane", {"id": _u, "step": PLATFORM, "text": "Doel", "lane": 2}, "lane"),
        ("x above 1", {"id": _u, "step": 0, "text": "Doel", "x": 1.5}, "x"),
        ("negative y", {"id": _u, "step": 0, "text": "Doel", "y": -0.1}, "y"),
        ("NaN-like x", {"id": _u, "step": 0, "text": "Doel", "x": "NaN"}, "x"),
        ("NaN x", {"id": _u, "step": 0, "text": "Doel", "x": float("nan")}, "x"),
        ("Infinity-like y", {"id": _u, "step": 0, "text": "Doel", "y": "Infinity"}, "y"),
        ("string x", {"id": _u, "step": 0, "text": "Doel", "x": "left"}, "x"),
        ("boolean y", {"id": _u, "step": 0, "text": "Doel", "y": True}, "y"),
        ("junk anonymous", {"id": _u, "step": 0, "text": "Doel", "anonymous": "maybe"}, "anonymous"),
        ("anonymous where the step forbids it", {"id": _u, "step": 0, "text": "Doel", "anonymous": True}, "anonymous"),
        ("unknown field author", {"id": _u, "step": 0, "text": "Doel", "author": "x"}, "author"),
        ("unknown field version", {"id": _u, "step": 0, "text": "Doel", "version": 3}, "version"),
    ],
    p.NOTE_EDIT: [
        ("empty dict", {}, "id"),
        ("nothing to change", {"id": NOTE}, "_schema"),
        ("only a version", {"id": NOTE, "version": 1}, "_schema"),
        ("missing id", {"text": "Nieuw"}, "id"),
        ("bad uuid", {"id": "12345", "text": "Nieuw"}, "id"),
        ("10 kB id", {"id": BIG, "text": "Nieuw"}, "id"),
        ("empty text", {"id": NOTE, "text": ""}, "text"),
        ("blank text", {"id": NOTE, "text": "    "}, "text"),
        ("10 kB text", {"id": NOTE, "text": BIG}, "text"),
        ("null text", {"id": NOTE, "text": None}, "text"),
        ("dict text", {"id": NOTE, "text": {"nl": "x"}}, "text"),
        ("unknown color", {"id": NOTE, "color": "chartreuse"}, "color"),
        ("null color", {"id": NOTE, "color": None}, "color"),
        ("lane on a step without lanes", {"id": NOTE, "lane": "dialogue"}, "lane"),
        ("10 kB lane", {"id": NOTE, "lane": BIG}, "lane"),
        ("version 0", {"id": NOTE, "text": "Nieuw", "version": 0}, "version"),
        ("string version", {"id": NOTE, "text": "Nieuw", "version": "1"}, "version"),
        ("NaN-like version", {"id": NOTE, "text": "Nieuw", "version": "NaN"}, "version"),
        ("float version", {"id": NOTE, "text": "Nieuw", "version": 1.5}, "version"),
        ("boolean version", {"id": NOTE, "text": "Nieuw", "version": True}, "version"),
        ("unknown field step", {"id": NOTE, "text": "Nieuw", "step": 1}, "step"),
        ("unknown field author", {"id": NOTE, "text": "Nieuw", "author": "x"}, "author"),
        ("nested junk", {"id": NOTE, "text": "Nieuw", "junk": DEEP}, "junk"),
    ],
    p.ACTION_RELINK: [
        ("empty dict", {}, "id"),
        ("bad uuid", {"id": "abc"}, "id"),
        ("unknown field", {"id": NOTE, "owner": "x"}, "owner"),
    ],
    p.ACTION_LINK: [
        ("empty dict", {}, "id"),
        ("bad uuid", {"id": "abc"}, "id"),
        ("unknown field", {"id": NOTE, "owner": "x"}, "owner"),
    ],
    p.ACTION_REVIEW: [
        ("empty dict", {}, "id"),
        ("no decision", {"id": NOTE}, "decision"),
        ("unknown decision", {"id": NOTE, "decision": "later"}, "decision"),
        ("decision a list", {"id": NOTE, "decision": ["keep"]}, "decision"),
        ("unknown field", {"id": NOTE, "decision": "keep", "status": "done"}, "status"),
    ],
    p.CALENDAR_RELINK: [
        ("unknown field", {"id": NOTE}, "id"),
    ],
    p.SET_TABLES: [
        ("no mode", {"count": 2}, "mode"),
        ("unknown mode", {"count": 2, "mode": "lottery"}, "mode"),
        ("too many tables", {"count": 31, "mode": "random"}, "count"),
        ("count as text", {"count": "2", "mode": "random"}, "count"),
        ("tables of one", {"size": 1, "mode": "random"}, "size"),
        ("both count and size", {"count": 2, "size": 3, "mode": "random"}, "_schema"),
        ("a name too long", {"count": 2, "mode": "random", "names": ["x" * 41]}, "names"),
    ],
    p.TABLE_CHOOSE: [
        ("empty dict", {}, "table"),
        ("table not text", {"table": 3}, "table"),
    ],
    p.TABLE_ASSIGN: [
        ("no participant", {"table": "t1"}, "participant"),
        ("no table key", {"participant": "x"}, "table"),
        ("long id", {"participant": "x" * 41, "table": "t1"}, "participant"),
    ],
    p.TABLES_CLEAR: [
        ("unknown field", {"all": True}, "all"),
    ],
    p.PROJECTOR_FOCUS: [
        ("no table key", {}, "table"),
        ("table a list", {"table": ["t1"]}, "table"),
    ],
    p.SET_SPOTLIGHT: [
        ("empty dict", {}, "kind"),
        ("unknown kind", {"kind": "person", "id": "x"}, "kind"),
        ("note without id", {"kind": "note"}, "id"),
        ("10 kB id", {"kind": "note", "id": BIG}, "id"),
        ("unknown field", {"kind": None, "all": True}, "all"),
    ],
    p.PITCH_START: [
        ("empty dict", {}, "step"),
        ("16 minutes", {"step": 1, "of": "participants", "order": "joined", "minutes": 16}, "minutes"),
        ("no minutes", {"step": 1, "of": "participants", "order": "joined"}, "minutes"),
        ("minutes as text", {"step": 1, "of": "tables", "order": "joined", "minutes": "3"}, "minutes"),
        ("unknown order", {"step": 1, "of": "tables", "order": "abc", "minutes": 3}, "order"),
        ("unknown of", {"step": 1, "of": "all", "order": "random", "minutes": 3}, "of"),
    ],
    p.PITCH_NEXT: [
        ("to a number", {"to": 3}, "to"),
        ("unknown field", {"back": True}, "back"),
    ],
    p.PITCH_STOP: [
        ("unknown field", {"all": True}, "all"),
    ],
    p.ROOM_PAUSE: [
        ("empty dict", {}, "on"),
        ("on as text", {"on": "ja"}, "on"),
    ],
    p.POINTER: [
        ("empty dict", {}, "x"),
        ("x without y", {"x": 0.5}, "y"),
        ("x above 1", {"x": 1.5, "y": 0.5}, "x"),
        ("nan y", {"x": 0.5, "y": float("nan")}, "y"),
    ],
    p.SET_AGENDA: [
        ("no days", {}, "days"),
        ("days not a list", {"days": {"start": "2026-03-10T09:00"}}, "days"),
        ("negative minutes", {"days": [{"start": "2026-03-10T09:00", "items": [{"step": 0, "minutes": -5}]}]}, "days"),
        ("huge minutes", {"days": [{"start": "2026-03-10T09:00", "items": [{"step": 0, "minutes": 10**9}]}]}, "days"),
        (
            "a break without a title",
            {"days": [{"start": "2026-03-10T09:00", "items": [{"break": "", "minutes": 15}]}]},
            "days",
        ),
        (
            "unknown step",
            {"days": [{"start": "2026-03-10T09:00", "items": [{"step": 7, "minutes": 15}]}]},
            "days.0.items.0.step",
        ),
        (
            "a step twice",
            {
                "days": [
                    {"start": "2026-03-10T09:00", "items": [{"step": 0, "minutes": 15}, {"step": 0, "minutes": 15}]}
                ]
            },
            "days.0.items.1.step",
        ),
        ("start not a time", {"days": [{"start": "morgen", "items": []}]}, "days"),
        ("a zone too long", {"zone": "x" * 65, "days": []}, "zone"),
        ("unknown zone", {"zone": "Mars/Olympus", "days": [{"start": "2026-03-10T09:00", "items": []}]}, "zone"),
    ],
    p.NOTE_DRAG: [
        ("empty dict", {}, "id"),
        ("missing x", {"id": NOTE, "y": 0.5}, "x"),
        ("missing y", {"id": NOTE, "x": 0.5}, "y"),
        ("bad uuid", {"id": "abc", "x": 0.5, "y": 0.5}, "id"),
        ("x above 1", {"id": NOTE, "x": 1.01, "y": 0.5}, "x"),
        ("nan y", {"id": NOTE, "x": 0.5, "y": float("nan")}, "y"),
        ("unknown field lane", {"id": NOTE, "x": 0.5, "y": 0.5, "lane": "dialogue"}, "lane"),
    ],
    p.NOTE_MOVE: [
        ("nothing to move to", {"id": NOTE}, "_schema"),
        ("bad cluster id", {"id": NOTE, "cluster": "abc"}, "cluster"),
        ("lane too long", {"id": NOTE, "lane": "x" * 41}, "lane"),
        ("empty dict", {}, "id"),
        ("missing id", {"x": 0.5, "y": 0.5}, "id"),
        ("missing x", {"id": NOTE, "y": 0.5}, "x"),
        ("missing y", {"id": NOTE, "x": 0.5}, "y"),
        ("bad uuid", {"id": "abc", "x": 0.5, "y": 0.5}, "id"),
        ("null x", {"id": NOTE, "x": None, "y": 0.5}, "x"),
        ("x above 1", {"id": NOTE, "x": 1.01, "y": 0.5}, "x"),
        ("negative y", {"id": NOTE, "x": 0.5, "y": -1}, "y"),
        ("huge x", {"id": NOTE, "x": 1e308, "y": 0.5}, "x"),
        ("NaN-like x", {"id": NOTE, "x": "NaN", "y": 0.5}, "x"),
        ("NaN y", {"id": NOTE, "x": 0.5, "y": float("nan")}, "y"),
        ("Infinity x", {"id": NOTE, "x": float("inf"), "y": 0.5}, "x"),
        ("-Infinity-like y", {"id": NOTE, "x": 0.5, "y": "-Infinity"}, "y"),
        ("string x", {"id": NOTE, "x": "left", "y": 0.5}, "x"),
        ("list y", {"id": NOTE, "x": 0.5, "y": [0.5]}, "y"),
        ("boolean x", {"id": NOTE, "x": False, "y": 0.5}, "x"),
        ("unknown field z", {"id": NOTE, "x": 0.5, "y": 0.5, "z": 1}, "z"),
    ],
    p.NOTE_REMOVE: [
        ("empty dict", {}, "id"),
        ("bad uuid", {"id": "not-a-uuid"}, "id"),
        ("null id", {"id": None}, "id"),
        ("integer id", {"id": 7}, "id"),
        ("10 kB id", {"id": BIG}, "id"),
        ("nested junk id", {"id": DEEP}, "id"),
        ("list of ids", {"id": [NOTE]}, "id"),
        ("unknown field force", {"id": NOTE, "force": True}, "force"),
    ],
    "note:group": [
        ("empty dict", {}, "ids"),
        ("ids not a list", {"ids": NOTE}, "ids"),
        ("empty ids", {"ids": []}, "ids"),
        ("bad uuid in ids", {"ids": [NOTE, "not-a-uuid"]}, "ids"),
        ("null in ids", {"ids": [None]}, "ids"),
        ("101 ids", {"ids": [_u for _ in range(101)]}, "ids"),
        ("notes of two steps", {"ids": [NOTE, OTHER_NOTE]}, "ids"),
        ("10 kB title", {"ids": [NOTE], "title": BIG}, "title"),
        ("integer title", {"ids": [NOTE], "title": 3}, "title"),
        ("bad cluster id", {"id": "cluster-1", "ids": [NOTE]}, "id"),
        ("unknown field step", {"ids": [NOTE], "step": 0}, "step"),
    ],
    "note:ungroup": [
        ("empty dict", {}, "id"),
        ("bad uuid", {"id": "cluster-1"}, "id"),
        ("list id", {"id": [NOTE]}, "id"),
        ("unknown field ids", {"id": NOTE, "ids": [NOTE]}, "ids"),
    ],
    "vote:cast": [
        ("empty dict", {}, "note_id"),
        ("bad uuid", {"note_id": "not-a-uuid"}, "note_id"),
        ("null note_id", {"note_id": None}, "note_id"),
        ("integer note_id", {"note_id": 5}, "note_id"),
        ("list of note ids", {"note_id": [NOTE, NOTE]}, "note_id"),
        ("unknown field count", {"note_id": NOTE, "count": 20}, "count"),
        ("command id that is not a uuid", {"id": "twee keer", "note_id": NOTE}, "id"),
    ],
    "vote:retract": [
        ("empty dict", {}, "note_id"),
        ("bad uuid", {"note_id": "x" * 36}, "note_id"),
        ("unknown field count", {"note_id": NOTE, "count": -3}, "count"),
    ],
    "voting:open": [
        ("empty dict", {}, "step"),
        ("missing budget", {"step": 0}, "budget"),
        ("missing step", {"budget": 3}, "step"),
        ("zero budget", {"step": 0, "budget": 0}, "budget"),
        ("negative budget", {"step": 0, "budget": -3}, "budget"),
        ("budget 21", {"step": 0, "budget": 21}, "budget"),
        ("huge budget", {"step": 0, "budget": 10**30}, "budget"),
        ("string budget", {"step": 0, "budget": "3"}, "budget"),
        ("NaN-like budget", {"step": 0, "budget": "NaN"}, "budget"),
        ("float budget", {"step": 0, "budget": 2.5}, "budget"),
        ("zero per_note", {"step": 0, "budget": 3, "per_note": 0}, "per_note"),
        ("per_note above budget", {"step": 0, "budget": 3, "per_note": 5}, "per_note"),
        ("unknown step 4", {"step": 4, "budget": 3}, "step"),
        ("unknown step 99", {"step": 99, "budget": 3}, "step"),
        ("unknown field tallies", {"step": 0, "budget": 3, "tallies": {}}, "tallies"),
    ],
    "voting:close": [
        ("unknown field step", {"step": 0}, "step"),
        ("nested junk", {"junk": DEEP}, "junk"),
    ],
    "action:add": [
        ("empty dict", {}, "id"),
        ("missing id", {"title": "Actie"}, "id"),
        ("bad uuid", {"id": "action-1", "title": "Actie"}, "id"),
        ("missing title", {"id": _u}, "title"),
        ("empty title", {"id": _u, "title": ""}, "title"),
        ("blank title", {"id": _u, "title": "  "}, "title"),
        ("10 kB title", {"id": _u, "title": BIG}, "title"),
        ("list title", {"id": _u, "title": ["Actie"]}, "title"),
        ("10 kB owner", {"id": _u, "title": "Actie", "owner": BIG}, "owner"),
        ("integer owner", {"id": _u, "title": "Actie", "owner": 12}, "owner"),
        ("due in words", {"id": _u, "title": "Actie", "due": "tomorrow"}, "due"),
        ("due month 13", {"id": _u, "title": "Actie", "due": "2030-13-01"}, "due"),
        ("due day 32", {"id": _u, "title": "Actie", "due": "2030-12-32"}, "due"),
        ("due in 1999", {"id": _u, "title": "Actie", "due": "1999-12-31"}, "due"),
        ("due with time", {"id": _u, "title": "Actie", "due": "2030-01-01T10:00:00"}, "due"),
        ("integer due", {"id": _u, "title": "Actie", "due": 20300101}, "due"),
        ("note_ids not a list", {"id": _u, "title": "Actie", "note_ids": NOTE}, "note_ids"),
        ("bad uuid in note_ids", {"id": _u, "title": "Actie", "note_ids": ["x"]}, "note_ids"),
        ("unknown note in note_ids", {"id": _u, "title": "Actie", "note_ids": [_u]}, "note_ids"),
        ("101 note ids", {"id": _u, "title": "Actie", "note_ids": [NOTE] * 101}, "note_ids"),
        ("unknown field status", {"id": _u, "title": "Actie", "status": "done"}, "status"),
        ("unknown field created_by", {"id": _u, "title": "Actie", "created_by": "x"}, "created_by"),
    ],
    "action:edit": [
        ("empty dict", {}, "id"),
        ("nothing to change", {"id": _u}, "_schema"),
        ("bad uuid", {"id": "action-1", "title": "Actie"}, "id"),
        ("empty title", {"id": _u, "title": ""}, "title"),
        ("10 kB title", {"id": _u, "title": BIG}, "title"),
        ("unknown status", {"id": _u, "status": "finished"}, "status"),
        ("null status", {"id": _u, "status": None}, "status"),
        ("empty progress note", {"id": _u, "text": "  "}, "text"),
        ("501 character progress note", {"id": _u, "text": "x" * 501}, "text"),
        ("due in words", {"id": _u, "due": "next week"}, "due"),
        ("due in 2101", {"id": _u, "due": "2101-01-01"}, "due"),
        ("10 kB owner", {"id": _u, "owner": BIG}, "owner"),
        ("note_ids of junk", {"id": _u, "note_ids": [DEEP]}, "note_ids"),
        ("unknown field created_by", {"id": _u, "created_by": "x"}, "created_by"),
    ],
    "action:remove": [
        ("empty dict", {}, "id"),
        ("bad uuid", {"id": "action-1"}, "id"),
        ("null id", {"id": None}, "id"),
        ("unknown field force", {"id": _u, "force": True}, "force"),
    ],
    p.STEP_GO: [
        ("empty dict", {}, "index"),
        ("string index", {"index": "1"}, "index"),
        ("NaN-like index", {"index": "NaN"}, "index"),
        ("float index", {"index": 1.5}, "index"),
        ("boolean index", {"index": True}, "index"),
        ("null index", {"index": None}, "index"),
        ("negative index", {"index": -1}, "index"),
        ("unknown step 4", {"index": 4}, "index"),
        ("unknown step 99", {"index": 99}, "index"),
        ("huge index", {"index": 10**30}, "index"),
        ("nested junk index", {"index": DEEP}, "index"),
        ("unknown field step", {"index": 1, "step": 1}, "step"),
    ],
    "step:edit": [
        ("empty dict", {}, "index"),
        ("only the index", {"index": 1}, "_schema"),
        ("missing index", {"title": "Nieuw"}, "index"),
        ("string index", {"index": "1", "title": "Nieuw"}, "index"),
        ("unknown step 4", {"index": 4, "title": "Nieuw"}, "index"),
        ("unknown step 99", {"index": 99, "title": "Nieuw"}, "index"),
        ("empty title", {"index": 1, "title": ""}, "title"),
        ("10 kB title", {"index": 1, "title": BIG}, "title"),
        ("10 kB prompt", {"index": 1, "prompt": BIG}, "prompt"),
        ("integer prompt", {"index": 1, "prompt": 3}, "prompt"),
        ("lanes not a list", {"index": 3, "lanes": "transparency"}, "lanes"),
        ("lanes of strings", {"index": 3, "lanes": ["transparency"]}, "lanes"),
        ("lane without title", {"index": 3, "lanes": [{"key": "a"}]}, "lanes"),
        ("lane without key", {"index": 3, "lanes": [{"title": "A"}]}, "lanes"),
        ("10 kB lane title", {"index": 3, "lanes": [{"key": "a", "title": BIG}]}, "lanes"),
        ("lane with an unknown field", {"index": 3, "lanes": [{"key": "a", "title": "A", "color": "red"}]}, "lanes"),
        ("nine lanes", {"index": 3, "lanes": [{"key": f"l{i}", "title": f"L{i}"} for i in range(9)]}, "lanes"),
        (
            "duplicate lane keys",
            {"index": 3, "lanes": [{"key": "a", "title": "A"}, {"key": "a", "title": "B"}]},
            "lanes",
        ),
        ("lane key with spaces", {"index": 3, "lanes": [{"key": "Bad Key!", "title": "A"}]}, "lanes"),
        ("unknown reveal", {"index": 1, "reveal": "sometimes"}, "reveal"),
        ("unknown anonymity", {"index": 1, "anonymity": "always"}, "anonymity"),
        ("unknown field voting", {"index": 1, "voting": True}, "voting"),
        ("nested junk", {"index": 1, "title": DEEP}, "title"),
    ],
    "notes:reveal": [
        ("empty dict", {}, "step"),
        ("string step", {"step": "2"}, "step"),
        ("NaN-like step", {"step": "NaN"}, "step"),
        ("null step", {"step": None}, "step"),
        ("negative step", {"step": -1}, "step"),
        ("unknown step 4", {"step": 4}, "step"),
        ("unknown step 99", {"step": 99}, "step"),
        ("unknown field index", {"step": 2, "index": 2}, "index"),
    ],
    "timer:start": [
        ("empty dict", {}, "seconds"),
        ("string seconds", {"seconds": "60"}, "seconds"),
        ("NaN-like seconds", {"seconds": "NaN"}, "seconds"),
        ("float seconds", {"seconds": 60.5}, "seconds"),
        ("boolean seconds", {"seconds": True}, "seconds"),
        ("null seconds", {"seconds": None}, "seconds"),
        ("zero seconds", {"seconds": 0}, "seconds"),
        ("negative seconds", {"seconds": -60}, "seconds"),
        ("more than four hours", {"seconds": 4 * 60 * 60 + 1}, "seconds"),
        ("huge seconds", {"seconds": 10**30}, "seconds"),
        ("junk lock_at_end", {"seconds": 60, "lock_at_end": "maybe"}, "lock_at_end"),
        ("unknown field ends_at", {"seconds": 60, "ends_at": "2030-01-01"}, "ends_at"),
    ],
    "timer:stop": [
        ("unknown field seconds", {"seconds": 60}, "seconds"),
        ("nested junk", {"junk": DEEP}, "junk"),
    ],
    p.WORKSHOP_EDIT: [
        ("empty dict", {}, "_schema"),
        ("empty title", {"title": ""}, "title"),
        ("blank title", {"title": "   "}, "title"),
        ("10 kB title", {"title": BIG}, "title"),
        ("121 character title", {"title": "t" * 121}, "title"),
        ("10 kB goal", {"goal": BIG}, "goal"),
        ("integer title", {"title": 5}, "title"),
        ("null title", {"title": None}, "title"),
        ("list goal", {"goal": ["meer", "klanten"]}, "goal"),
        ("nested junk goal", {"goal": DEEP}, "goal"),
        ("unknown field locked", {"title": "Nieuw", "locked": True}, "locked"),
        ("unknown field join_code", {"join_code": "AAAAAA"}, "join_code"),
    ],
    p.WORKSHOP_LOCK: [
        ("empty dict", {}, "locked"),
        ("junk locked", {"locked": "nope"}, "locked"),
        ("NaN-like locked", {"locked": "NaN"}, "locked"),
        ("null locked", {"locked": None}, "locked"),
        ("list locked", {"locked": [True]}, "locked"),
        ("number locked", {"locked": 2}, "locked"),
        ("unknown field title", {"locked": True, "title": "x"}, "title"),
    ],
    p.PARTICIPANT_READY: [
        ("empty dict", {}, "ready"),
        ("junk ready", {"ready": "nope"}, "ready"),
        ("NaN-like ready", {"ready": "NaN"}, "ready"),
        ("null ready", {"ready": None}, "ready"),
        ("dict ready", {"ready": {}}, "ready"),
        ("10 kB ready", {"ready": BIG}, "ready"),
        ("unknown field id", {"ready": True, "id": "someone-else"}, "id"),
    ],
    p.SYNC: [
        ("unknown field since", {"since": 3}, "since"),
        ("nested junk", {"junk": DEEP}, "junk"),
    ],
}


# Commands whose payload is `{}`: sending none at all is valid for them.
NO_PAYLOAD = {p.SYNC, "timer:stop", "voting:close", p.CALENDAR_RELINK, p.TABLES_CLEAR, p.PITCH_NEXT, p.PITCH_STOP}


def _cases():
    for command in p.COMMANDS:
        for label, payload, field in SPECIFIC.get(command, []):
            yield pytest.param(command, payload, field, id=f"{command} {label}")
        for label, payload in NOT_A_DICT:
            yield pytest.param(command, payload, "_schema", id=f"{command} {label}")
        if command not in NO_PAYLOAD:  # no payload at all is `{}`
            yield pytest.param(command, None, None, id=f"{command} None")


def board_state(snapshot):
    """A snapshot without the viewer's clock (`server_time`), which moves on by itself."""
    return {key: value for key, value in snapshot.items() if key != "server_time"}


def _fill(payload, workshop):
    """The payload with NOTE, OTHER_NOTE and callables replaced by real values."""
    if payload is NOTE:
        return workshop["note"]
    if payload is OTHER_NOTE:
        return workshop["other_note"]
    if callable(payload):
        return payload()
    if isinstance(payload, dict):
        return {key: _fill(value, workshop) for key, value in payload.items()}
    if isinstance(payload, list):
        return [_fill(value, workshop) for value in payload]
    return payload


@pytest.fixture(scope="module")
def workshop(server):
    """One workshop with a note on step 0 and one on step 3; no test may change it."""
    created = server.create_workshop("Foute invoer")
    author = socketio.Client(reconnection=False)
    author.connect(
        server.url,
        auth={"workshop": created["id"], "token": created["facilitator_token"]},
        transports=["websocket"],
        wait_timeout=10,
    )
    try:
        note_id, other_note = str(uuid.uuid4()), str(uuid.uuid4())
        for payload in (
            {"id": note_id, "step": 0, "text": "Bestaande kaart"},
            {"id": other_note, "step": PLATFORM, "text": "Bouwsteen"},
        ):
            ack = author.call(p.NOTE_ADD, payload, timeout=10)
            assert ack["ok"] is True, ack
    finally:
        author.disconnect()
    return {**created, "note": note_id, "other_note": other_note}


# A connection may send 20 commands at once, then 5 a second. Each test below sends
# three, so a connection rests this long before the next test may use it again.
REST = 0.7


@pytest.fixture(scope="module")
def pool():
    """(last used, connection) of the facilitator's connections, oldest first."""
    return collections.deque()


@pytest.fixture
def facilitator(server, module_clients, workshop, pool):
    """A rested facilitator connection to the module's workshop."""
    if pool and time.monotonic() - pool[0][0] >= REST:
        _used, connection = pool.popleft()
    else:
        connection = module_clients(server.url, workshop["id"], workshop["facilitator_token"])
    yield connection
    if connection.sio.connected:
        pool.append((time.monotonic(), connection))


def test_every_command_has_malformed_cases():
    assert set(SPECIFIC) == set(p.COMMANDS)


@pytest.mark.parametrize("command, payload, field", list(_cases()))
def test_malformed_payload_gets_an_invalid_ack_and_changes_nothing(
    server, facilitator, workshop, command, payload, field
):
    before = facilitator.call(p.SYNC, {})
    seen = len(facilitator.events)
    log_start = len(server.log())

    ack = facilitator.call(command, _fill(payload, workshop))

    assert ack["ok"] is False, ack
    error = ack["error"]
    assert error["code"] == "invalid", error
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error.get("fields"), dict) and error["fields"], error
    if field is not None:
        assert field in error["fields"], error["fields"]

    after = facilitator.call(p.SYNC, {})
    assert after["ok"] is True
    assert after["seq"] == before["seq"]
    assert board_state(after["snapshot"]) == board_state(before["snapshot"])
    assert len(facilitator.events) == seen
    assert "Traceback" not in server.log()[log_start:]


@pytest.mark.parametrize("name", ["note:explode", "admin", "note.added", "event", "snapshot", "x" * 500])
def test_unknown_event_name_gets_unknown_command(server, facilitator, name):
    before = facilitator.call(p.SYNC, {})
    log_start = len(server.log())

    ack = facilitator.call(name, {"id": str(uuid.uuid4()), "step": 0, "text": "Doel"})

    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == "unknown_command"
    after = facilitator.call(p.SYNC, {})
    assert board_state(after["snapshot"]) == board_state(before["snapshot"])
    assert "Traceback" not in server.log()[log_start:]


def _reserved_call(client, name, *args):
    try:
        return client.sio.call(name, args if len(args) > 1 else args[0], timeout=3)
    except socketio.exceptions.TimeoutError:
        return "no ack within 3 s"


@pytest.mark.parametrize("name", ["connect", "disconnect"])
def test_reserved_event_names_sent_by_a_client_are_refused_and_change_nothing(server, clients, workshop, name):
    """`connect` / `disconnect` sent as ordinary events must not reach the lifecycle
    handlers: the sender stays who it was, online and able to send commands."""
    other = server.create_workshop("Andere sessie")
    client = clients(server.url, workshop["id"], workshop["facilitator_token"])
    me = client.snapshots[-1]["me"]["id"]
    client.wait_for(lambda: client.presence and me in client.presence[-1]["online"])
    log_start = len(server.log())

    ack = _reserved_call(client, name, "x", {"workshop": other["id"], "token": other["facilitator_token"]})

    after = client.call(p.SYNC, {})
    problems = []
    if not (isinstance(ack, dict) and ack.get("error", {}).get("code") == "unknown_command"):
        problems.append(f"ack: {ack!r}")
    if not after.get("ok") or after["snapshot"]["workshop"]["id"] != workshop["id"]:
        problems.append(f"sync afterwards: {after!r:.200}")
    if me not in client.presence[-1]["online"]:
        problems.append(f"dropped from presence: {client.presence[-1]}")
    if len(client.snapshots) != 1:
        problems.append(f"extra snapshots of {[s['workshop']['title'] for s in client.snapshots]}")
    if "Traceback" in server.log()[log_start:]:
        problems.append("traceback in the server log")
    assert not problems, "; ".join(problems)
