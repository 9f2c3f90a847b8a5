"""Where notes go on a canvas step: free space for a new note, the lane under a place, and
the frames of clusters, so that no two notes and no two clusters ever cover each other.

Positions are the top-left corners of notes in 0..1 coordinates of a 16:9 board; a note
is `NOTE_WIDTH` by `NOTE_HEIGHT` of it. With lanes, the board is split into equal
vertical bands, one per lane, left to right. A cluster is a frame around a grid of its
notes: `CLUSTER_PAD` round them and `CLUSTER_TITLE` on top for its name.
"""

import math

from .. import protocol as p

NOTE_WIDTH = p.CANVAS["NOTE_WIDTH"]
NOTE_HEIGHT = p.CANVAS["NOTE_HEIGHT"]
GAP = p.CANVAS["GAP"]
PAD = p.CANVAS["CLUSTER_PAD"]
TITLE = p.CANVAS["CLUSTER_TITLE"]
TOP = 0.08  # room for the lane titles at the top of the board


def lane_at(lanes, x):
    """The key of the lane under a note whose left edge is at `x` (by its centre)."""
    if not lanes:
        return None
    centre = min(max(x + NOTE_WIDTH / 2, 0.0), 0.999999)
    return lanes[int(centre * len(lanes))]["key"]


def band(lanes, lane):
    """(left, right) of a lane's band on the board; the whole board without lanes."""
    keys = [entry["key"] for entry in lanes]
    if lane not in keys:
        return 0.0, 1.0
    width = 1.0 / len(keys)
    return keys.index(lane) * width, (keys.index(lane) + 1) * width


def _box(place):
    """(x, y, width, height) of a note's place (x, y) or of a box already."""
    return place if len(place) == 4 else (place[0], place[1], NOTE_WIDTH, NOTE_HEIGHT)


def _covers(box, taken):
    """Does `box` come within half a gap of any box in `taken`?"""
    x, y, width, height = box
    clear = GAP / 2 - 1e-6  # a frame's margin is half a gap: frames fit the grid exactly
    return any(
        x < ox + ow + clear and ox < x + width + clear and y < oy + oh + clear and oy < y + height + clear
        for ox, oy, ow, oh in map(_box, taken)
    )


def _cells(lanes=(), lane=None):
    """The places of the grid new notes fill (in `lane`'s band, or the whole board), in
    reading order."""
    left, right = band(lanes, lane) if lanes else (0.0, 1.0)
    top = TOP if lanes else GAP
    columns = max(1, int((right - left - GAP) / (NOTE_WIDTH + GAP) + 1e-9))
    inset = (right - left - columns * NOTE_WIDTH - (columns - 1) * GAP) / 2
    rows = int((1.0 - top + GAP) // (NOTE_HEIGHT + GAP))
    return [
        (round(left + inset + column * (NOTE_WIDTH + GAP), 4), round(top + row * (NOTE_HEIGHT + GAP), 4))
        for row in range(rows)
        for column in range(columns)
    ]


def free_spot(taken, lanes=(), lane=None):
    """The first place, in reading order, where a note overlaps none of `taken`.

    `taken` holds the (x, y) of the notes already on the board, or (x, y, width, height)
    of clusters' frames; with lanes the place is in `lane`'s band. A full board gets a
    place stepped down from the top left, so notes never pile up on one point.
    """
    for x, y in _cells(lanes, lane):
        if not _covers((x, y, NOTE_WIDTH, NOTE_HEIGHT), taken):
            return x, y
    left = band(lanes, lane)[0] if lanes else 0.0
    top = TOP if lanes else GAP
    step = len(taken) % 12
    return (round(min(left + GAP + step * 0.01, 1 - NOTE_WIDTH), 4), round(min(top + step * 0.02, 1 - NOTE_HEIGHT), 4))


def clamp(x, y, width=NOTE_WIDTH, height=NOTE_HEIGHT):
    """A place that keeps the whole note (or a box of this size) on the board."""
    return (round(min(max(x, 0.0), 1 - width), 4), round(min(max(y, 0.0), 1 - height), 4))


# -- clusters ------------------------------------------------------------------------------


def grid_of(count):
    """(columns, rows) of a cluster's grid: about square, and never taller than the board."""
    columns = max(1, math.ceil(math.sqrt(count)))
    while TITLE + PAD + math.ceil(count / columns) * (NOTE_HEIGHT + GAP) > 1 and columns < count:
        columns += 1
    return columns, math.ceil(count / columns)


def frame_size(count):
    """(width, height) of the frame of a cluster of `count` notes."""
    columns, rows = grid_of(count)
    return (2 * PAD + columns * NOTE_WIDTH + (columns - 1) * GAP, TITLE + PAD + rows * NOTE_HEIGHT + (rows - 1) * GAP)


def frame_around(places):
    """(x, y, width, height) of the frame around notes at `places` (as the board draws it)."""
    left = min(x for x, _y in places) - PAD
    top = min(y for _x, y in places) - TITLE
    return (
        left,
        top,
        max(x for x, _y in places) + NOTE_WIDTH + PAD - left,
        max(y for _x, y in places) + NOTE_HEIGHT + PAD - top,
    )


def grid_places(x, y, count):
    """The places of `count` notes in the grid of a frame whose top-left corner is (x, y)."""
    columns, _rows = grid_of(count)
    return [
        (
            round(x + PAD + (index % columns) * (NOTE_WIDTH + GAP), 4),
            round(y + TITLE + (index // columns) * (NOTE_HEIGHT + GAP), 4),
        )
        for index in range(count)
    ]


def nearest_free(box, taken, top=0.0, lanes=()):
    """The place nearest `box`'s own (x, y) where a box its size covers none of `taken`
    (a note tries the places of the grid new notes fill first, so a full board stays
    packed); its own place when the board has no such room."""
    x, y, width, height = box
    wanted = clamp(x, max(y, top), width, height)
    if not _covers((*wanted, width, height), taken):
        return wanted
    if (width, height) == (NOTE_WIDTH, NOTE_HEIGHT):
        cells = [
            cell
            for key in ([entry["key"] for entry in lanes] or [None])
            for cell in _cells(lanes, key)
            if not _covers((*cell, width, height), taken)
        ]
        if cells:
            return min(cells, key=lambda cell: (cell[0] - x) ** 2 + (cell[1] - y) ** 2)
    candidates = []
    for ox, oy, ow, oh in map(_box, taken):
        for cx, cy in (
            (ox + ow + GAP, y),
            (ox - width - GAP, y),
            (x, oy + oh + GAP),
            (x, oy - height - GAP),
            (ox + ow + GAP, oy),
            (ox, oy + oh + GAP),
        ):
            candidates.append(clamp(cx, max(cy, top), width, height))
    clear = [spot for spot in candidates if not _covers((*spot, width, height), taken)]
    if not clear:  # every spot next to another box is taken: look over the whole board
        clear = [clamp(cx / 50, max(cy / 50, top), width, height) for cy in range(50) for cx in range(50)]
        clear = [spot for spot in clear if not _covers((*spot, width, height), taken)]
    if not clear:
        return wanted
    return min(clear, key=lambda spot: (spot[0] - x) ** 2 + (spot[1] - y) ** 2)


def arrange(clusters, loose, lanes=()):
    """New places for notes so that no frame or note covers another.

    `clusters` is a list of clusters, each a list of (note id, x, y) in the order its grid
    takes them: the first note's place anchors the frame. `loose` is a list of (note id,
    x, y) of notes in no cluster. Earlier entries keep their place; a later one that would
    cover an earlier one moves to the nearest free place, so list what was just moved
    last. Returns {note id: (x, y)} for every note whose place changes.
    """
    top = TOP if lanes else 0.0
    taken, places = [], {}
    for members in clusters:
        width, height = frame_size(len(members))
        _first, x, y = members[0]
        frame = nearest_free((x - PAD, y - TITLE, width, height), taken, top)
        taken.append((*frame, width, height))
        for (note_id, *_old), place in zip(members, grid_places(*frame, len(members))):
            places[note_id] = place
    for note_id, x, y in loose:
        places[note_id] = nearest_free((x, y, NOTE_WIDTH, NOTE_HEIGHT), taken, top, lanes)
        taken.append(places[note_id])
    old = {entry[0]: tuple(entry[1:]) for entry in [*loose, *(m for c in clusters for m in c)]}
    return {note_id: place for note_id, place in places.items() if place != old[note_id]}
