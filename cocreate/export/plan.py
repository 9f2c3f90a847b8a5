"""The plan: what the team will do (hard side) and what the group said (soft side).

A pure function of the workshop: notes still private are counted, never shown;
anonymous notes never carry an author. Per step the clusters come first, top-voted
first; the loose notes follow under their lane, in the step's lane order. `headed`
tells a writer to put a heading over each loose group ("other" when it has no lane
title), so loose notes never read as part of the cluster above them.
"""

from datetime import date

from .picture import canvas_picture


def _table_names(workshop):
    return {table["id"]: table["name"] for table in workshop.tables}


def _note(note, workshop):
    author = None
    if note.for_table:  # written on behalf of a table: the table is its author
        author = _table_names(workshop).get(note.table)
    elif not note.anonymous and note.author_id in workshop.participants:
        author = workshop.participants[note.author_id].name
    closed = workshop.steps[note.step].vote_state == "closed"
    return {"id": note.id, "text": note.text, "author": author, "lane": note.lane,
            "votes": workshop.tally(note.id) if closed else None, "group": note.group,
            "table": note.table,
            "color": note.color, "x": note.x, "y": note.y}


def _by_votes(notes):
    return sorted(notes, key=lambda note: -(note["votes"] or 0))


def _step(index, step, workshop):
    notes = workshop.live_notes(index)
    if step.hidden:
        return {"index": index, "title": step.title, "prompt": step.prompt, "lanes": step.lanes,
                "private": len(notes), "clusters": [], "notes": [], "by_lane": [],
                "headed": False, "picture": None}
    shown = [_note(note, workshop) for note in notes]
    clusters = []
    for cluster in workshop.clusters.values():
        members = [note for note in shown if note["group"] == cluster.id]
        if cluster.step == index and members:
            clusters.append({"title": cluster.title, "notes": _by_votes(members),
                             "votes": sum(note["votes"] or 0 for note in members)})
    loose = _by_votes([note for note in shown if note["group"] not in workshop.clusters])
    return {"index": index, "title": step.title, "prompt": step.prompt, "lanes": step.lanes,
            "private": 0, "clusters": sorted(clusters, key=lambda c: -c["votes"]),
            "notes": loose,
            # A step worked at the tables reads per table; any other per lane.
            "by_lane": (_by_table(loose, workshop) if step.tables and workshop.tables
                        else _by_lane(loose, step.lanes)),
            "headed": bool(clusters or step.lanes or (step.tables and workshop.tables)),
            # A canvas step also shows as the room left it.
            "picture": canvas_picture(step, shown, {c.id: c.title for c in workshop.clusters.values()
                                                    if c.step == index})
            if step.current_layout() == "canvas" and shown else None}


def _by_lane(loose, lanes):
    """Loose notes under their lane, in the step's lane order; the rest under "other".

    Empty lanes are left out. A group whose `title` is None is "other": every loose
    note of a step without lanes, or a note whose lane the step does not have.
    """
    groups = [{"lane": lane["key"], "title": lane["title"] or lane["key"],
               "notes": [note for note in loose if note["lane"] == lane["key"]]}
              for lane in lanes]
    known = {lane["key"] for lane in lanes}
    groups.append({"lane": None, "title": None,
                   "notes": [note for note in loose if note["lane"] not in known]})
    return [group for group in groups if group["notes"]]


def _by_table(loose, workshop):
    """Loose notes under their table, in the tables' order; notes of no table under "other"."""
    names = _table_names(workshop)
    groups = [{"lane": None, "title": name,
               "notes": [note for note in loose if note["table"] == table_id]}
              for table_id, name in names.items()]
    groups.append({"lane": None, "title": None,
                   "notes": [note for note in loose if note["table"] not in names]})
    return [group for group in groups if group["notes"]]


def plan_action(action, workshop):
    """One action as the plan shows it: owner by name, source notes, votes, history."""
    owner = None
    if action.owner_id in workshop.participants:
        owner = workshop.participants[action.owner_id].name
    elif action.owner_name:
        owner = action.owner_name
    sources = []
    for note_id in action.note_ids:
        note = workshop.notes.get(note_id)
        if note is not None and not note.removed and not workshop.is_hidden(note):
            sources.append(_note(note, workshop))
    return {"id": action.id, "title": action.title, "owner": owner, "due": action.due,
            "status": action.status, "votes": sum(s["votes"] or 0 for s in sources),
            "progress": [dict(entry) for entry in action.progress],
            "sources": sources, "carried": action.carried, "dropped": action.dropped}


def in_plan(action):
    """True when the plan lists the action: every live one, except one from an earlier
    session that this session's review found done or dropped."""
    return not action.removed and not (action.carried and action.decision in ("done", "drop"))


def build_plan(workshop, today=None):
    """The plan as plain data, ready for any writer."""
    actions = [plan_action(action, workshop) for action in workshop.actions.values()
               if in_plan(action)]
    actions.sort(key=lambda a: (-a["votes"], a["due"] or "9999-99-99", a["title"].lower()))
    return {
        "id": workshop.id,
        "title": workshop.title,
        "goal": workshop.goal,
        "language": workshop.language,
        "date": (today or date.today()).isoformat(),
        "actions": actions,
        "steps": [_step(index, step, workshop) for index, step in enumerate(workshop.steps)],
    }
