"""A picture of a canvas step as the room left it: lanes, clusters and notes at their places.

`canvas_picture` turns a step into plain shapes in a 1600 × 900 frame (the canvas is 16:9);
the plan page draws them as SVG and the PDF on a landscape page. Note texts are wrapped
and cut here, so both show the same words.
"""

from .. import protocol as p

WIDTH, HEIGHT = 1600, 900
NOTE_W, NOTE_H = p.CANVAS["NOTE_WIDTH"] * WIDTH, p.CANVAS["NOTE_HEIGHT"] * HEIGHT
LINE_CHARS = 17  # characters on one line of a note at the picture's type size
MAX_LINES = 5

# The board's note colours (static/css/cocreate.css), for writers that cannot use CSS.
NOTE_RGB = {"yellow": (255, 243, 166), "pink": (255, 211, 224), "blue": (207, 230, 255),
            "green": (211, 242, 208), "orange": (255, 220, 184), "purple": (230, 217, 255)}


def wrap(text, width=LINE_CHARS, lines=MAX_LINES):
    """`text` in lines of at most `width` characters, at most `lines` of them ("…" if cut)."""
    words, out, line = " ".join(text.split()).split(" "), [], ""
    for word in words:
        while len(word) > width:  # a word longer than a line is broken
            if line:
                out.append(line)
                line = ""
            out.append(word[:width])
            word = word[width:]
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:width - 1].rstrip() + "…"
    return out


def canvas_picture(step, notes, clusters):
    """Shapes of a canvas step: `{lanes, clusters, notes}` in the 1600 × 900 frame.

    `notes` are the step's shown notes (dicts with `text`, `color`, `x`, `y`, `group`);
    `clusters` maps a cluster id to its title. A note without a place is left out.
    """
    placed = [note for note in notes if note.get("x") is not None and note.get("y") is not None]
    band = WIDTH / len(step.lanes) if step.lanes else WIDTH
    lanes = [{"x": index * band, "width": band, "title": lane["title"]}
             for index, lane in enumerate(step.lanes)]
    areas = []
    for cluster_id, title in clusters.items():
        members = [note for note in placed if note["group"] == cluster_id]
        if not members:
            continue
        left = min(note["x"] for note in members) * WIDTH - 10
        top = min(note["y"] for note in members) * HEIGHT - 32  # clear of the lane titles
        right = max(note["x"] for note in members) * WIDTH + NOTE_W + 10
        bottom = max(note["y"] for note in members) * HEIGHT + NOTE_H + 10
        areas.append({"x": left, "y": top, "width": right - left, "height": bottom - top,
                      "title": title})
    shapes = [{"x": note["x"] * WIDTH, "y": note["y"] * HEIGHT, "width": NOTE_W,
               "height": NOTE_H, "color": note.get("color") or "yellow",
               "lines": wrap(note["text"])} for note in placed]
    return {"width": WIDTH, "height": HEIGHT, "lanes": lanes, "clusters": areas,
            "notes": shapes}
