"""Interface text in Dutch (first) and English through Flask-Babel message catalogues.

The catalogues (`translations/<language>/LC_MESSAGES/messages.po`) use keys as message
ids. Flask-Babel translates them for templates and downloads; the page scripts get the
same catalogue as JSON in the page. The `.po` files are compiled when the app starts,
so there is no build step to forget.
"""

import os
import re
import tempfile
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import has_app_context, request
from flask_babel import force_locale, gettext

from .domain import LANGUAGES

LANGUAGE_COOKIE = "cc_lang"
SOURCES = resources.files("cocreate") / "translations"


def _read(language):
    with (SOURCES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=language)


@cache
def catalogue(language):
    """All interface strings of one language, by key."""
    return {message.id: message.string for message in _read(language) if message.id}


def compile_catalogues(target):
    """Write the `.mo` files Flask-Babel loads into `target`; returns `target`.

    Each file is written aside and moved into place, so processes starting together
    never read half a file.
    """
    for language in LANGUAGES:
        folder = Path(target) / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        handle, scratch = tempfile.mkstemp(dir=folder, suffix=".mo")
        with os.fdopen(handle, "wb") as compiled:
            write_mo(compiled, _read(language))
        os.replace(scratch, folder / "messages.mo")
    return str(target)


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
    if has_app_context():
        with force_locale(language):
            text = gettext(key)
    else:  # exports rendered outside the app (tests, scripts) read the same catalogue
        text = catalogue(language).get(key, key)
    return text.format(**values) if values else text


def long_date(language, iso_date):
    """A `YYYY-MM-DD` date as people write it: "22 november 2026", "November 22, 2026"."""
    return format_date(date.fromisoformat(iso_date), format="long", locale=language)


def choose_language(workshop_language=None):
    """The language for this request: `?lang=`, the person's choice, the workshop's, else Dutch."""
    for candidate in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE),
                      workshop_language):
        if candidate in LANGUAGES:
            return candidate
    return LANGUAGES[0]
