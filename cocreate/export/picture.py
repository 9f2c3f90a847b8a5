"""A picture of a canvas step as the room left it: lanes, clusters and notes at their places.

`canvas_picture` turns a step into plain shapes in a 1600 × 900 frame (the canvas is 16:9);
the plan page draws them as SVG, and the PDF prints that page, cropped to where the notes are
(`view`), on a landscape page of its own when a portrait page would set its text smaller than
the plan's body text (`landscape`). Note texts are wrapped and
cut here, measured with the plan's font (DejaVu Sans), so every line stays inside its note
on the page and on paper; a word too long for a line is hyphenated where the language
allows (Pyphen), and never broken without a hyphen. Every shape stays inside the frame.
"""

import functools
import math
from pathlib import Path

import pyphen
from fontTools.ttLib import TTFont

from .. import protocol as p

WIDTH, HEIGHT = 1600, 900
NOTE_W, NOTE_H = p.CANVAS["NOTE_WIDTH"] * WIDTH, p.CANVAS["NOTE_HEIGHT"] * HEIGHT
NOTE_PADDING = 10  # px between a note's edge and its text
FONT_SIZE, LINE_HEIGHT = 18, 22  # px; the first line's baseline is 26 px below the top
LINE_WIDTH = NOTE_W - 2 * NOTE_PADDING
MAX_LINES = 5
CLUSTER_TITLE_SIZE = 22  # px: the 20 px bold title measured with room to spare
CLUSTER_TITLE_ROOM = 32  # px above a cluster's notes for its title
LANE_TITLES = 40  # px at the top of a frame with lanes, where their titles stand
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
AVERAGE_EM = 0.62  # DejaVu Sans's widest-case average advance, when the font is missing
ELLIPSIS, HYPHEN = "…", "-"
VIEW_MARGIN = 16  # px of the frame kept around the notes on paper
# The printed plan (static/css/print.css): an A4 portrait page's text width, and the size of
# its body text (10 pt), both in mm.
PORTRAIT_MM, LANDSCAPE_MM = 210 - 2 * 18, 297 - 2 * 18
MAX_HEIGHT_MM = 165  # a printed picture's most height
BODY_TEXT_MM = 10 * 25.4 / 72
FIRST_BASELINE = 26  # px below a note's top at FONT_SIZE
DESCENT = 0.24  # of the font size: DejaVu Sans below its baseline

# The board's note colours (static/css/cocreate.css), for writers that cannot use CSS.
NOTE_RGB = {
    "yellow": (255, 243, 166),
    "pink": (255, 211, 224),
    "blue": (207, 230, 255),
    "green": (211, 242, 208),
    "orange": (255, 220, 184),
    "purple": (230, 217, 255),
}


@functools.cache
def _advances():
    """(advance per character in em, default) of the plan's font."""
    if not FONT.exists():
        return {}, AVERAGE_EM
    with TTFont(FONT, lazy=True) as font:
        scale = font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        advances = {chr(code): metrics[name][0] / scale for code, name in font.getBestCmap().items() if name in metrics}
    return advances, 1.0  # a character the font lacks (an emoji) takes a full em


def text_width(text, size=FONT_SIZE):
    """The width of `text` in px at `size` px, set in the plan's font."""
    advances, default = _advances()
    return sum(advances.get(ch, default) for ch in text) * size


@functools.cache
def _hyphenator(language):
    return pyphen.Pyphen(lang=language if language in pyphen.LANGUAGES else "nl")


SOFT_HYPHEN = "\u00ad"
LONG_WORD = 12  # letters: a shorter word always fits a line of the plan


def soft_hyphens(text, language="nl"):
    """`text` with soft hyphens at the language's hyphenation points of its long words, so a
    browser without that language's hyphenation breaks them with a hyphen, not bare."""
    return " ".join(
        _hyphenator(language).inserted(word, hyphen=SOFT_HYPHEN) if len(word) >= LONG_WORD else word
        for word in text.split(" ")
    )


def _split_long(word, width, language):
    """A word wider than a line, in pieces that fit: each but the last ends in a hyphen, at
    a hyphenation point where the language has one, else wherever it must."""
    pieces = []
    while text_width(word) > width:
        fits = [
            (head, tail) for head, tail in _hyphenator(language).iterate(word) if text_width(head + HYPHEN) <= width
        ]
        if fits:
            head, word = fits[0]  # iterate() yields the longest head first
        else:
            cut = max(1, max(n for n in range(1, len(word) + 1) if text_width(word[:n] + HYPHEN) <= width or n == 1))
            head, word = word[:cut], word[cut:]
        pieces.append(head + HYPHEN)
    return pieces + [word]


def wrap(text, width=LINE_WIDTH, lines=MAX_LINES, language="nl"):
    """`text` in lines at most `width` px wide, at most `lines` of them ("…" if cut)."""
    out, line = [], ""
    for word in " ".join(text.split()).split(" "):
        for piece in _split_long(word, width, language) if word else []:
            candidate = f"{line} {piece}" if line else piece
            if line and text_width(candidate) > width:
                out.append(line)
                candidate = piece
            line = candidate
            if piece.endswith(HYPHEN) and piece != word:  # the word goes on on the next line
                out.append(line)
                line = ""
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _cut(out[-1].removesuffix(HYPHEN), width)
    return out


def fit(text, width, size=FONT_SIZE):
    """`text` cut to `width` px at `size` px, ending in "…" when cut."""
    return text if text_width(text, size) <= width else _cut(text, width, size)


def _cut(text, width, size=FONT_SIZE):
    """`text`, shortened as needed, with "…" after it, within `width` px."""
    while text and text_width(text.rstrip() + ELLIPSIS, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _inside(value, size, limit, low=0):
    """`value` moved so that [value, value + size] lies within [low, limit]."""
    return max(low, min(value, limit - size))


def canvas_picture(step, notes, clusters, language="nl"):
    """Shapes of a canvas step: `{lanes, clusters, notes}` in the 1600 × 900 frame.

    `notes` are the step's shown notes (dicts with `text`, `color`, `x`, `y`, `group`);
    `clusters` maps a cluster id to its title. A note without a place is left out.
    """
    placed = [note for note in notes if note.get("x") is not None and note.get("y") is not None]
    band = WIDTH / len(step.lanes) if step.lanes else WIDTH
    lanes = [{"x": index * band, "width": band, "title": lane["title"]} for index, lane in enumerate(step.lanes)]
    # Notes stay below the lane titles, with room above them for a cluster's title.
    top = (LANE_TITLES if lanes else 0) + CLUSTER_TITLE_ROOM
    shapes = []
    for note in placed:
        colour = note.get("color") if note.get("color") in NOTE_RGB else "yellow"
        shapes.append(
            {
                "x": _inside(note["x"] * WIDTH, NOTE_W, WIDTH),
                "y": _inside(note["y"] * HEIGHT, NOTE_H, HEIGHT, low=top),
                "width": NOTE_W,
                "height": NOTE_H,
                "color": colour,
                "fill": "#%02x%02x%02x" % NOTE_RGB[colour],
                "group": note["group"],
                "lines": wrap(note["text"], language=language),
            }
        )
    areas = []
    for cluster_id, title in clusters.items():
        members = [shape for shape in shapes if shape["group"] == cluster_id]
        if not members:
            continue
        # A frame around its notes with room for its title above them, inside the picture.
        left = max(0, min(shape["x"] for shape in members) - 10)
        top = max(0, min(shape["y"] for shape in members) - CLUSTER_TITLE_ROOM)
        right = min(WIDTH, max(shape["x"] for shape in members) + NOTE_W + 10)
        bottom = min(HEIGHT, max(shape["y"] for shape in members) + NOTE_H + 10)
        areas.append(
            {
                "x": left,
                "y": top,
                "width": right - left,
                "height": bottom - top,
                # Its title in bold at 20 px, cut to the frame's width.
                "title": fit(title, right - left - 20, size=CLUSTER_TITLE_SIZE) if title else title,
            }
        )
    view = _view(shapes + areas, bool(lanes))
    printed = _on_paper(view)
    for shape, note in zip(shapes, placed):
        # On paper the text is set larger where the page would make it small; the same width
        # at a larger size holds fewer letters, so it is wrapped for that size.
        shape["print_lines"] = wrap(
            note["text"], LINE_WIDTH * FONT_SIZE / printed["print"]["size"], printed["print"]["lines"], language
        )
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "lanes": lanes,
        "clusters": areas,
        "notes": shapes,
        "view": view,
        **printed,
    }


def _on_paper(view):
    """How the printed plan sets a picture showing `view`: `landscape` when a portrait page
    would set its notes' text smaller than the plan's body text, and the note text's `size`,
    `line_height`, `first` baseline and most `lines` that keep it at least that large."""

    def scale(page_mm):  # mm per px: as wide as the page, at most MAX_HEIGHT_MM high
        return min(page_mm / view["width"], MAX_HEIGHT_MM / view["height"])

    landscape = FONT_SIZE * scale(PORTRAIT_MM) < BODY_TEXT_MM
    size = max(FONT_SIZE, math.ceil(BODY_TEXT_MM / scale(LANDSCAPE_MM if landscape else PORTRAIT_MM)))
    line_height, first = size * LINE_HEIGHT / FONT_SIZE, size * FIRST_BASELINE / FONT_SIZE
    room = NOTE_H - NOTE_PADDING / 2 - first - DESCENT * size  # below the first baseline
    return {
        "landscape": landscape,
        "print": {
            "size": size,
            "line_height": round(line_height, 1),
            "first": round(first, 1),
            "lines": min(MAX_LINES, 1 + int(room // line_height)),
        },
    }


def _view(shapes, lanes):
    """The part of the frame the printed picture shows: where its notes and clusters are,
    with a margin; the whole width and the lane titles when the step has lanes."""
    if not shapes:
        return {"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT}
    left = 0 if lanes else max(0, min(shape["x"] for shape in shapes) - VIEW_MARGIN)
    right = WIDTH if lanes else min(WIDTH, max(s["x"] + s["width"] for s in shapes) + VIEW_MARGIN)
    top = 0 if lanes else max(0, min(shape["y"] for shape in shapes) - VIEW_MARGIN)
    bottom = min(HEIGHT, max(s["y"] + s["height"] for s in shapes) + VIEW_MARGIN)
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}
