"""Where notes go on a canvas step: free space for a new note, the lane under a place.

Positions are the top-left corners of notes in 0..1 coordinates of a 16:9 board; a note
is `NOTE_WIDTH` by `NOTE_HEIGHT` of it. With lanes, the board is split into equal
vertical bands, one per lane, left to right.
"""

from .. import protocol as p

NOTE_WIDTH = p.CANVAS["NOTE_WIDTH"]
NOTE_HEIGHT = p.CANVAS["NOTE_HEIGHT"]
GAP = 0.012
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


def _overlaps(x, y, taken):
    return any(abs(x - other_x) < NOTE_WIDTH + GAP / 2 and abs(y - other_y) < NOTE_HEIGHT + GAP / 2
               for other_x, other_y in taken)


def free_spot(taken, lanes=(), lane=None):
    """The first place, in reading order, where a note overlaps none of `taken`.

    `taken` holds the (x, y) of the notes already on the board; with lanes the place is
    in `lane`'s band. A full board gets a place stepped down from the top left, so
    notes never pile up on one point.
    """
    left, right = band(lanes, lane) if lanes else (0.0, 1.0)
    top = TOP if lanes else GAP
    columns = max(1, int((right - left - GAP) // (NOTE_WIDTH + GAP)))
    inset = (right - left - columns * NOTE_WIDTH - (columns - 1) * GAP) / 2
    y = top
    while y + NOTE_HEIGHT <= 1.0:
        for column in range(columns):
            x = left + inset + column * (NOTE_WIDTH + GAP)
            if not _overlaps(x, y, taken):
                return round(x, 4), round(y, 4)
        y += NOTE_HEIGHT + GAP
    step = len(taken) % 12
    return (round(min(left + GAP + step * 0.01, 1 - NOTE_WIDTH), 4),
            round(min(top + step * 0.02, 1 - NOTE_HEIGHT), 4))


def clamp(x, y):
    """A place that keeps the whole note on the board."""
    return (round(min(max(x, 0.0), 1 - NOTE_WIDTH), 4),
            round(min(max(y, 0.0), 1 - NOTE_HEIGHT), 4))
