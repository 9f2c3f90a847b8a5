"""What each viewer may see: pure functions from the aggregate to plain dicts."""


def note_view(note, workshop, viewer=None):
    """A note as `viewer` sees it; an anonymous note never names its author to others.

    Without a viewer it is the public form used in broadcast events: the
    author of an anonymous note is left out for everyone, facilitator included,
    and a note of a step still in private writing is reduced to its id.
    """
    if workshop.is_hidden(note) and (viewer is None or viewer.id != note.author_id):
        return {"id": note.id, "step": note.step, "hidden": True}
    author = None if note.anonymous else workshop.participants.get(note.author_id)
    view = {
        "id": note.id,
        "step": note.step,
        "lane": note.lane,
        "text": note.text,
        "color": note.color,
        "x": note.x,
        "y": note.y,
        "anonymous": note.anonymous,
        "version": note.version,
        "author": author.id if author else None,
        "author_name": author.name if author else None,
        "created_at": note.created_at,
        "group": note.group,
    }
    if viewer is not None:
        view["mine"] = note.author_id == viewer.id
    return view


def step_view(index, step, workshop=None):
    """A step with its lanes and rules; while private, how many notes by how many people."""
    view = {"index": index, "key": step.key, "title": step.title, "prompt": step.prompt,
            "lanes": [dict(lane) for lane in step.lanes], "reveal": step.reveal,
            "anonymity": step.anonymity, "voting": step.voting, "revealed": step.revealed}
    if workshop is not None and step.hidden:
        view["counts"] = step_counts(workshop, index)
    return view


def step_counts(workshop, index):
    """`{notes, authors}` of one step: all a viewer learns of private writing."""
    notes = workshop.live_notes(index)
    return {"notes": len(notes), "authors": len({note.author_id for note in notes})}


def cluster_view(cluster):
    """A cluster: its title and step; its notes say they belong to it."""
    return {"id": cluster.id, "step": cluster.step, "title": cluster.title}


def participant_view(person):
    """A participant as everyone in the workshop sees them."""
    return {"id": person.id, "name": person.name, "role": person.role, "ready": person.ready}


def workshop_view(workshop):
    """The workshop's own settings."""
    return {"id": workshop.id, "title": workshop.title, "goal": workshop.goal,
            "language": workshop.language, "format": workshop.format,
            "join_code": workshop.join_code, "current_step": workshop.current_step,
            "locked": workshop.locked, "created_at": workshop.created_at,
            "timer": workshop.timer}


def snapshot(workshop, viewer, now):
    """The whole workshop as `viewer` may see it, with the `seq` it reflects."""
    return {
        "seq": workshop.seq,
        "server_time": now,
        "me": participant_view(viewer),
        "workshop": workshop_view(workshop),
        "steps": [step_view(index, step, workshop) for index, step in enumerate(workshop.steps)],
        "participants": [participant_view(p) for p in workshop.participants.values()],
        "notes": [note_view(note, workshop, viewer) for note in workshop.live_notes()],
        "clusters": [cluster_view(cluster) for cluster in workshop.clusters.values()],
    }


def event_message(event):
    """The `event` message every viewer of the workshop receives for one change."""
    return {"seq": event.seq, "type": event.type, "data": event.data}


def own_message(event):
    """The owner's fuller copy of an event (same `seq`), or None when there is none."""
    if event.owner is None:
        return None
    return {"seq": event.seq, "type": event.type, "data": event.own, "own": True}
