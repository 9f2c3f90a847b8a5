"""A workshop as a Dutch municipality runs it, built with the domain, for the tests that open
every download with the programs people use.

Its texts hold what breaks files: accents, quotes, emoji, a semicolon, a comma, a newline,
a formula, long Dutch words. It has tables, a canvas with a cluster, six actions with
progress, and a follow-up that keeps one action, finds one done and drops one.
"""

import uuid

from cocreate import protocol as p
from cocreate.domain import apply, report_progress
from cocreate.domain.series import carried_copy, follow_shared, share, to_carry
from workshops import domain_workshop

NOW = "2026-06-02T08:30:00+00:00"
LATER = "2026-09-15T08:30:00+00:00"
GOALS, BRAND, FRICTION, PLATFORM = 0, 1, 2, 3
TITLE = 'Gemeente Oost, afdeling Zuid; "wijkavond" 🎉'
ACTIONS = {
    "loket": "Één loket voor mantelzorgers, vóór 1 juni 🙂",
    "formule": '=HYPERLINK("http://x"),=1+1',
    "komma": 'Spreekuur plannen, ook \'s avonds; met "tolk"',
    "regel": "Nieuwsbrief\nvoor de wijk",
    "secretaris": "Gemeentesecretaris en praktijkondersteuner uitnodigen",
    "geld": "Budget € 2.500 – aanvragen",
}


def _run(workshop, actor, command, payload, now=NOW):
    return apply(workshop, actor, command, payload, now)


def _note(workshop, actor, step, text, **extra):
    note_id = str(uuid.uuid4())
    _run(workshop, actor, p.NOTE_ADD, {"id": note_id, "step": step, "text": text, **extra})
    return note_id


def municipal_workshop():
    """The first session: tables, a canvas step with a cluster, votes, six actions."""
    people = {"ann": "Ännelies de Vries-van 't Hof", "bob": 'Bob; "B" Jansen', "cas": "Cas, de Wijkagent"}
    workshop = domain_workshop(
        people, now=NOW, workshop_id="w-oost", title=TITLE, goal="Zorg dichtbij, voor iedereen", date="2026-06-02"
    )
    _run(workshop, "fac", p.SET_TABLES, {"count": 2, "mode": "random", "names": ["Zorg", "Wonen; Buurt"]})
    _run(workshop, "fac", p.STEP_EDIT, {"index": BRAND, "tables": True})
    _note(workshop, "ann", GOALS, "Minder wachten, meer 😀 — ook voor ouderen")
    _note(workshop, "bob", BRAND, "Ik verbind mensen,\n=1+1 en meer")
    _note(workshop, "fac", BRAND, "Namens de tafel: samen sterk", for_table="t1")
    _note(workshop, "cas", FRICTION, "Niemand durft het te zeggen", anonymous=True)
    _run(workshop, "fac", p.NOTES_REVEAL, {"step": FRICTION})
    _run(workshop, "fac", p.STEP_EDIT, {"index": PLATFORM, "layout": "canvas"})
    placed = [
        _note(workshop, who, PLATFORM, text, lane=lane, x=x, y=y)
        for who, text, lane, x, y in (
            ("ann", "Mantelzorgondersteuningsgesprekken", "transparency", 0.02, 0.02),
            ("bob", "Spreekuur in de bibliotheek, elke dinsdag", "dialogue", 0.5, 0.3),
            ("cas", "Een heel lang verhaal " * 12, "reflection", 0.8, 0.85),
            ("ann", "Wijkloket 🏠 open", "accessibility", 0.3, 0.6),
        )
    ]
    _run(workshop, "fac", p.NOTE_GROUP, {"ids": placed[:2], "title": 'Samen; "praten"'})
    _run(workshop, "fac", p.VOTING_OPEN, {"step": PLATFORM, "budget": 3})
    for voter, note in (("ann", placed[1]), ("bob", placed[1]), ("cas", placed[0])):
        _run(workshop, voter, p.VOTE_CAST, {"note_id": note})
    _run(workshop, "fac", p.VOTING_CLOSE, {})
    ids = {}
    for (key, title), owner, due, notes in zip(
        ACTIONS.items(),
        ("ann", "Karin, van Financiën", "bob", None, "=cmd", "cas"),
        ("2026-07-01", "2026-08-15", "2026-06-30", None, "2026-12-31", "2026-10-01"),
        (placed[1:2], [], placed[:1], [], [], placed[3:]),
    ):
        ids[key] = str(uuid.uuid4())
        _run(
            workshop,
            "fac",
            p.ACTION_ADD,
            {"id": ids[key], "title": title, "due": due, "note_ids": notes, **({"owner": owner} if owner else {})},
        )
    report_progress(
        workshop, ids["loket"], "blocked", 'Wacht op de wethouder; "volgende week"', "2026-06-20T10:00:00+00:00"
    )
    report_progress(workshop, ids["komma"], "doing", "Tolk gevonden, zaal nog niet", "2026-07-01T10:00:00+00:00")
    workshop.action_ids = ids
    return workshop


def municipal_series():
    """(first, follow-up): the follow-up keeps the consultation hour going, finds the budget
    done and drops the counter; the first session's copies follow, as the store makes them."""
    first = municipal_workshop()
    ids = first.action_ids
    second = domain_workshop(
        {},
        now=LATER,
        workshop_id="w-oost-2",
        join_code="DEF567",
        title="Terugkomdag Oost",
        follow_up_of=first.id,
        date="2026-09-15",
    )
    share(first)
    for action in to_carry(first):
        second.actions[action.id] = carried_copy(action)
    for key, decision in (("komma", "keep"), ("geld", "done"), ("loket", "drop")):
        _run(second, "fac", p.ACTION_REVIEW, {"id": ids[key], "decision": decision}, LATER)
        follow_shared(first, second.actions[ids[key]])
    return first, second
