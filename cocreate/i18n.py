"""Interface text in Dutch (first) and English, one catalogue per language for Jinja and JS."""

import json
import re
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


@cache
def browser_catalogue(language):
    """The strings the page scripts use, found by reading them: the page carries no more.

    A key counts when a script names it in quotes, or builds it from a prefix such as
    `status_${…}`; a counted key brings its singular `_one` along.
    """
    scripts = "".join(path.read_text("utf-8") for path in
                      (resources.files("cocreate") / "static" / "js").iterdir()
                      if path.name.endswith(".js"))
    named = set(re.findall(r"""["'`]([a-z][a-z0-9_]*)["'`]""", scripts))
    prefixes = tuple(re.findall(r"`([a-z][a-z0-9_]*_)\$\{", scripts))
    full = catalogue(language)
    wanted = {key for key in full if key in named or key.startswith(prefixes)}
    wanted |= {f"{key}_one" for key in wanted if f"{key}_one" in full}
    return {key: full[key] for key in sorted(wanted)}


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
