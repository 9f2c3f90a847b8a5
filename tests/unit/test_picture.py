"""A canvas step in the plan: wrapped note texts and shapes in a 16:9 frame."""

from cocreate.domain import Step
from cocreate.export.picture import HEIGHT, NOTE_H, NOTE_W, WIDTH, canvas_picture, wrap


def test_wrap_keeps_words_whole_and_cuts_long_texts_with_an_ellipsis():
    assert wrap("Meer klanten met minder moeite", width=17) == ["Meer klanten met", "minder moeite"]
    assert wrap("Onderwijsvernieuwingsprogramma", width=10) == ["Onderwijsv", "ernieuwing",
                                                                 "sprogramma"]
    cut = wrap("een " * 40, width=10, lines=3)
    assert len(cut) == 3 and cut[-1].endswith("…") and all(len(line) <= 10 for line in cut)


def test_the_picture_places_lanes_clusters_and_notes_in_the_frame():
    step = Step(key="platform", title="Platform", prompt="", layout="canvas",
                lanes=[{"key": "a", "title": "Dialoog"}, {"key": "b", "title": "Reflectie"}])
    notes = [{"text": "Koffie met de directie", "color": "pink", "x": 0.1, "y": 0.2,
              "group": "c1"},
             {"text": "Retro", "color": "blue", "x": 0.3, "y": 0.5, "group": "c1"},
             {"text": "Zonder plek", "color": "yellow", "x": None, "y": None, "group": None}]
    picture = canvas_picture(step, notes, {"c1": "Samen praten", "c2": "Leeg"})
    assert (picture["width"], picture["height"]) == (WIDTH, HEIGHT)
    assert [lane["x"] for lane in picture["lanes"]] == [0, WIDTH / 2]
    assert [note["color"] for note in picture["notes"]] == ["pink", "blue"]
    first = picture["notes"][0]
    assert (first["x"], first["y"]) == (0.1 * WIDTH, 0.2 * HEIGHT)
    [cluster] = picture["clusters"]  # the empty cluster draws nothing
    assert cluster["title"] == "Samen praten"
    assert cluster["x"] < 0.1 * WIDTH and cluster["x"] + cluster["width"] > 0.3 * WIDTH + NOTE_W
    assert cluster["y"] + cluster["height"] > 0.5 * HEIGHT + NOTE_H
