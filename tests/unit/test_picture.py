"""A canvas step in the plan: wrapped note texts and shapes in a 16:9 frame."""

import pytest

from cocreate.domain import Step
from cocreate.export.picture import (
    CLUSTER_TITLE_SIZE,
    HEIGHT,
    LINE_WIDTH,
    NOTE_H,
    NOTE_W,
    WIDTH,
    canvas_picture,
    text_width,
    wrap,
)


def test_wrap_keeps_words_whole_and_cuts_long_texts_with_an_ellipsis():
    assert wrap("Meer klanten met minder moeite") == ["Meer klanten", "met minder", "moeite"]
    cut = wrap("een " * 40, lines=3)
    assert len(cut) == 3 and cut[-1].endswith("…")
    assert all(text_width(line) <= LINE_WIDTH for line in cut)


@pytest.mark.parametrize(
    "word, language",
    [
        ("Mantelzorgondersteuningsgesprekken", "nl"),
        ("Gemeentesecretarissen", "nl"),
        ("Onderwijsvernieuwingsprogramma", "nl"),
        ("Incomprehensibilities", "en"),
        ("WWWWWWWWWWWWWWWWWWWWWWWW", "nl"),
    ],
)
def test_a_word_longer_than_a_line_is_hyphenated_never_split_bare(word, language):
    lines = wrap(word, language=language)
    assert len(lines) > 1
    assert all(line.endswith("-") for line in lines[:-1]) and not lines[-1].endswith("-")
    assert "".join(line.removesuffix("-") for line in lines) == word
    assert all(text_width(line) <= LINE_WIDTH for line in lines)
    if language == "nl" and word.startswith("Mantel"):  # at a Dutch hyphenation point
        assert lines[0] in ("Mantelzorgon-", "Mantelzorg-", "Mantel-")


def test_every_shape_stays_inside_the_frame_and_below_the_lane_titles():
    step = Step(key="platform", title="Platform", prompt="", layout="canvas", lanes=[{"key": "a", "title": "Dialoog"}])
    notes = [
        {"text": "Rechtsonder", "color": "blue", "x": 1.0, "y": 1.0, "group": "c1"},
        {"text": "Bovenaan", "color": "nope", "x": 0.0, "y": 0.0, "group": "c1"},
    ]
    picture = canvas_picture(step, notes, {"c1": "Een titel die veel te lang is " * 12})
    for shape in picture["notes"] + picture["clusters"]:
        assert 0 <= shape["x"] and shape["x"] + shape["width"] <= WIDTH
        assert 0 <= shape["y"] and shape["y"] + shape["height"] <= HEIGHT
    assert picture["notes"][1]["y"] >= 40 + 32  # clear of the lane titles, room for its title
    assert picture["notes"][1]["fill"] == "#fff3a6"  # an unknown colour is yellow
    [cluster] = picture["clusters"]
    assert cluster["y"] >= 40 and cluster["title"].endswith("…")
    assert text_width(cluster["title"], CLUSTER_TITLE_SIZE) <= cluster["width"] - 20


def test_the_picture_places_lanes_clusters_and_notes_in_the_frame():
    step = Step(
        key="platform",
        title="Platform",
        prompt="",
        layout="canvas",
        lanes=[{"key": "a", "title": "Dialoog"}, {"key": "b", "title": "Reflectie"}],
    )
    notes = [
        {"text": "Koffie met de directie", "color": "pink", "x": 0.1, "y": 0.2, "group": "c1"},
        {"text": "Retro", "color": "blue", "x": 0.3, "y": 0.5, "group": "c1"},
        {"text": "Zonder plek", "color": "yellow", "x": None, "y": None, "group": None},
    ]
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
