"""The plan: what the team will do (hard side) and what the group said (soft side).

A pure function of the workshop: notes still private are counted, never shown;
anonymous notes never carry an author. Per step the clusters come first, top-voted
first; the loose notes follow under their lane, in the step's lane order. `headed`
tells a writer to put a heading over each loose group ("other" when it has no lane
title), so loose notes never read as part of the cluster above them.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from ..domain.series import REVIEW
from .picture import canvas_picture

# Where the workshops happen: a session's day and its calendar reminders are read here.
TIME_ZONE = "Europe/Amsterdam"


def _table_names(workshop):
    return {table["id"]: table["name"] for table in workshop.tables}


def _note(note, workshop):
    author = None
    if note.for_table:  # written on behalf of a table: the table is its author
        author = _table_names(workshop).get(note.table)
    elif not note.anonymous and note.author_id in workshop.participants:
        author = workshop.participants[note.author_id].name
    closed = workshop.steps[note.step].vote_state == "closed"
    return {
        "id": note.id,
        "text": note.text,
        "author": author,
        "lane": note.lane,
        "votes": workshop.tally(note.id) if closed else None,
        "group": note.group,
        "table": note.table,
        "color": note.color,
        "x": note.x,
        "y": note.y,
    }


def _by_votes(notes):
    return sorted(notes, key=lambda note: -(note["votes"] or 0))


def _step(index, step, workshop):
    notes = workshop.live_notes(index)
    if step.hidden:
        return {
            "index": index,
            "title": step.title,
            "prompt": step.prompt,
            "lanes": step.lanes,
            "private": len(notes),
            "clusters": [],
            "notes": [],
            "by_lane": [],
            "headed": False,
            "picture": None,
            "ranking": [],
            "review": None,
        }
    shown = [_note(note, workshop) for note in notes]
    clusters = []
    for cluster in workshop.clusters.values():
        members = [note for note in shown if note["group"] == cluster.id]
        if cluster.step == index and members:
            clusters.append(
                {
                    "title": cluster.title,
                    "notes": _by_votes(members),
                    "votes": sum(note["votes"] or 0 for note in members),
                }
            )
    loose = _by_votes([note for note in shown if note["group"] not in workshop.clusters])
    return {
        "index": index,
        "title": step.title,
        "prompt": step.prompt,
        "lanes": step.lanes,
        "private": 0,
        "clusters": sorted(clusters, key=lambda c: -c["votes"]),
        "notes": loose,
        # A step worked at the tables reads per table (and lane); any other per lane.
        "by_lane": (
            _by_table(loose, workshop, step.lanes) if step.tables and workshop.tables else _by_lane(loose, step.lanes)
        ),
        "headed": bool(clusters or step.lanes or (step.tables and workshop.tables)),
        # A canvas step also shows as the room left it.
        "picture": canvas_picture(
            step, shown, {c.id: c.title for c in workshop.clusters.values() if c.step == index}, workshop.language
        )
        if step.current_layout() == "canvas" and shown
        else None,
        "ranking": _ranking(shown) if step.vote_state == "closed" else [],
        # A review step (a follow-up's first) lists the room's decisions: see build_plan.
        "review": None,
    }


def _ranking(notes):
    """The vote's result: the notes with votes, most first, each with its `rank` (shared
    by notes with as many votes: 1, 2, 2, 4) and `tied` when it shares it."""
    voted = _by_votes([note for note in notes if note["votes"]])
    counts = [note["votes"] for note in voted]
    return [
        {**note, "rank": counts.index(note["votes"]) + 1, "tied": counts.count(note["votes"]) > 1} for note in voted
    ]


def _by_lane(loose, lanes):
    """Loose notes under their lane, in the step's lane order; the rest under "other".

    Empty lanes are left out. A group whose `title` is None is "other": every loose
    note of a step without lanes, or a note whose lane the step does not have.
    """
    groups = [
        {
            "lane": lane["key"],
            "title": lane["title"] or lane["key"],
            "notes": [note for note in loose if note["lane"] == lane["key"]],
        }
        for lane in lanes
    ]
    known = {lane["key"] for lane in lanes}
    groups.append({"lane": None, "title": None, "notes": [note for note in loose if note["lane"] not in known]})
    return [group for group in groups if group["notes"]]


def _by_table(loose, workshop, lanes):
    """Loose notes under their table, in the tables' order; notes of no table under "other".

    A step with lanes keeps them: each table's notes go under "table · lane" in the
    step's lane order.
    """
    names = _table_names(workshop)
    groups = []
    for table_id, name in [*names.items(), (None, None)]:
        notes = [note for note in loose if (note["table"] == table_id if table_id else note["table"] not in names)]
        if not lanes:
            groups.append({"lane": None, "title": name, "notes": notes})
            continue
        for group in _by_lane(notes, lanes):
            title = " · ".join(part for part in (name, group["title"]) if part) or None
            groups.append({**group, "title": title})
    return [group for group in groups if group["notes"]]


def plan_action(action, workshop, series=()):
    """One action as the plan shows it: owner by name, source notes, votes, history.

    Its votes are those of all its source notes; a source note whose text is the action's
    title is not listed (every writer would repeat the title under it).

    `series` are the sessions of the workshop's series, oldest first (empty: it stands
    alone). An action carried from an earlier session takes its source notes and votes
    from the session it was voted in, and its review decision from the latest session
    that decided on it. `state` is what a reader sees: its status, or `dropped`.
    """
    owner = None
    if action.owner_id in workshop.participants:
        owner = workshop.participants[action.owner_id].name
    elif action.owner_name:
        owner = action.owner_name
    voted_in, voted = _where_voted(action, workshop, series)
    sources = []
    for note_id in voted.note_ids:
        note = voted_in.notes.get(note_id)
        if note is not None and not note.removed and not voted_in.is_hidden(note):
            sources.append(_note(note, voted_in))
    return readable(
        {
            "id": action.id,
            "title": action.title,
            "owner": owner,
            "due": action.due,
            # The session whose copy started it: the same in every session of a series.
            "started_in": action.origin or workshop.id,
            "status": action.status,
            "state": "dropped" if action.dropped else action.status,
            "votes": sum(s["votes"] or 0 for s in sources),
            "progress": [dict(entry) for entry in action.progress],
            "updates": [{**entry, "day": local_day(entry["at"])} for entry in action.progress if entry["text"]],
            "decision": _latest_decision(action, workshop, series),
            # A note the action was made from word for word would only repeat its title.
            "sources": [source for source in sources if not same_text(source["text"], action.title)],
            "carried": action.carried,
            "dropped": action.dropped,
        }
    )


def same_text(one, other):
    """Whether two texts say the same, whatever their case and white space."""
    return " ".join(one.split()).casefold() == " ".join(other.split()).casefold()


def _copies(action, workshop, series):
    """(session, its copy of `action`) for every session of the series holding it, oldest
    first; only the workshop's own while the action is not shared."""
    if not action.shared:
        return [(workshop, action)]
    found = [
        (session, session.actions[action.id])
        for session in series
        if session.id != workshop.id
        and action.id in session.actions
        and session.actions[action.id].origin == action.origin
    ]
    order = {session.id: index for index, session in enumerate(series)}
    return sorted([*found, (workshop, action)], key=lambda pair: order.get(pair[0].id, len(order)))


def _where_voted(action, workshop, series):
    """(session, copy) where the action was made, so its source notes and votes are there."""
    if not action.carried:
        return workshop, action
    made = [(session, copy) for session, copy in _copies(action, workshop, series) if not copy.carried]
    return made[0] if made else (workshop, action)


def _latest_decision(action, workshop, series):
    """`{decision, session, date, here}` of the latest review that decided on the action, or
    None; `here`: that review is `workshop`'s own."""
    decided = [(session, copy) for session, copy in _copies(action, workshop, series) if copy.decision]
    if not decided:
        return None
    session, copy = decided[-1]
    return {
        "decision": copy.decision,
        "session": session.title,
        "date": workshop_date(session),
        "here": session.id == workshop.id,
    }


def in_plan(action):
    """True when the plan lists the action: every live one, except one from an earlier
    session that this session's review found done or dropped."""
    return not action.removed and not (action.carried and action.decision in ("done", "drop"))


def local_day(moment):
    """The day (YYYY-MM-DD) of an ISO time, in the workshops' time zone."""
    at = datetime.fromisoformat(moment)
    return (at.astimezone(ZoneInfo(TIME_ZONE)) if at.tzinfo else at).date().isoformat()


def workshop_date(workshop):
    """The session's day (YYYY-MM-DD): its planned date, else the day it was made."""
    return workshop.date or local_day(workshop.created_at)


def rank_text(entry, t):
    """A place in the vote's result: "2", or "2 (gedeeld)" when notes tie."""
    return t("plan_rank_tied", rank=entry["rank"]) if entry["tied"] else str(entry["rank"])


def status_text(action, t):
    """What a reader sees as an action's status: "Bezig", "Klaar", "Gestopt", …"""
    return t("status_" + action["state"])


def decision_text(action, t, format_date):
    """The latest review's decision and where it was made, or "" when none was."""
    decided = action["decision"]
    if not decided:
        return ""
    return t(
        "plan_decided",
        decision=t("review_decided_" + decided["decision"]),
        session=decided["session"],
        date=format_date(decided["date"]),
    )


def update_text(update, format_date):
    """One progress update as a line: its day and what the owner wrote."""
    return f"{format_date(update['day'])}: {update['text']}"


def _review(workshop):
    """What a review step decided: every action carried into the workshop, in order."""
    # A decision of done or drop says the status too ("Klaar (Klaar)" would read twice).
    return [
        {
            "id": action.id,
            "title": action.title,
            "decision": action.decision,
            "state": None if action.decision in ("done", "drop") else "dropped" if action.dropped else action.status,
        }
        for action in workshop.actions.values()
        if action.carried and not action.removed
    ]


def build_plan(workshop, series=()):
    """The plan as plain data, ready for any writer; dated with the workshop's day.

    `series`: the sessions of its series, oldest first, so an action shows its latest
    status, review decision and progress and its votes from where it was voted.
    """
    actions = [plan_action(action, workshop, series) for action in workshop.actions.values() if in_plan(action)]
    actions.sort(key=lambda a: (-a["votes"], a["due"] or "9999-99-99", a["title"].lower()))
    steps = [_step(index, step, workshop) for index, step in enumerate(workshop.steps)]
    for step in steps:
        if workshop.steps[step["index"]].key == REVIEW:
            step["review"] = _review(workshop)
    return readable(
        {
            "id": workshop.id,
            "title": workshop.title,
            "goal": workshop.goal,
            "language": workshop.language,
            "date": workshop_date(workshop),
            "time_zone": TIME_ZONE,
            # The workshop's change count: it grows with every change of any of its actions.
            "revision": workshop.seq,
            # A session of a series: its follow-ups decide on the actions (a first session's
            # writers leave out what only a follow-up fills in).
            "in_series": len(series) > 1
            or bool(workshop.follow_up_of)
            or any(action["decision"] for action in actions),
            "actions": actions,
            "steps": steps,
        }
    )


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def readable(value):
    """`value` with every text valid Unicode: a lone surrogate (no character, and not
    encodable as UTF-8) becomes U+FFFD, so no writer fails on text stored before it was
    refused."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: readable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [readable(item) for item in value]
    return value
