"""Interface text in Dutch (first) and English, one catalogue per language for Jinja and JS."""

import json
from functools import cache
from importlib import resources

from flask import request

from .domain import LANGUAGES

LANGUAGE_COOKIE = "cc_lang"


@cache
def catalogue(language):
    """All interface strings of one language, by key."""
    path = resources.files("cocreate") / "translations" / f"{language}.json"
    return json.loads(path.read_text("utf-8"))


def translate(language, key, **values):
    """The text for `key` in `language`, with `{name}` placeholders filled in.

    With `n=1` the singular `<key>_one` is used where the catalogue has one.
    """
    if values.get("n") == 1 and f"{key}_one" in catalogue(language):
        key = f"{key}_one"
    text = catalogue(language).get(key) or catalogue("nl").get(key) or key
    return text.format(**values) if values else text


def choose_language(workshop_language=None):
    """The language for this request: `?lang=`, the person's choice, the workshop's, else Dutch."""
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE),
                      workshop_language):
        if candidate in LANGUAGES:
            return candidate
    return LANGUAGES[0]
