"""Interface text in Dutch (first) and English for the web: the language of a request, the
strings a page's scripts get (as JSON in the page), dates as people write them. The
catalogues themselves, and `translate`, are in catalogues.py.
"""

import re
from datetime import date
from functools import cache
from importlib import resources

from babel.dates import format_date
from flask import request

from .catalogues import PLURAL_SUFFIXES, catalogue, translate  # noqa: F401  (translate: for the views)
from .domain import LANGUAGES

LANGUAGE_COOKIE = "cc_lang"
SCRIPTS = resources.files("cocreate") / "static" / "js"
STATIC_IMPORT = re.compile(r"""^import\s[^;]*?from\s+["']\./([\w-]+\.js)["']""", re.M)
DYNAMIC_IMPORT = re.compile(r"""import\(\s*["']\./([\w-]+\.js)["']\s*\)""")


# The module app.js loads only for one view (with `import()`).
VIEW_MODULES = {"facilitate": "facilitator.js", "present": "projector.js"}
# A page with a script of its own instead of app.js.
VIEW_ENTRIES = {"remote": "remote.js"}
# Modules loaded at first use (moving and editing a note; an action's new owner; the
# spotlight, a pitch, the pause), only on a step that needs them (the review step), or by a
# workshop with an agenda (its run sheet and its words, what comes next): their strings come
# in one request, `later_catalogue`, the first time one of them loads, so no board page
# carries those. (tables.js loads with the page of a workshop at tables: its strings are on
# the page, which saves that page a request.)
LATER_MODULES = (
    "moving.js",
    "note-edit.js",
    "review.js",
    "steering.js",
    "runsheet.js",
    "agenda-advice.js",
    "next-up.js",
    "action-owner.js",
)


def page_scripts(view=None):
    """The modules a board page loads: app.js, what it imports (at once or when needed), and
    its `view`'s own module (every module when no view is given). Modules that bring their
    own strings count only when no view is given."""
    if view in VIEW_ENTRIES:
        wanted = [VIEW_ENTRIES[view]]
    else:
        wanted = ["app.js"] if view else ["app.js", *VIEW_ENTRIES.values()]
    found = []
    while wanted:
        name = wanted.pop()
        if name in found:
            continue
        found.append(name)
        source = (SCRIPTS / name).read_text("utf-8")
        wanted += STATIC_IMPORT.findall(source)
        wanted += [
            module
            for module in DYNAMIC_IMPORT.findall(source)
            if view is None
            or (
                module not in LATER_MODULES
                and (VIEW_MODULES.get(view) == module or module not in VIEW_MODULES.values())
            )
        ]
    return sorted(found)


@cache
def browser_catalogue(language, view=None):
    """The strings the page's scripts use, found by reading them: the page carries no more.

    A key counts when a script the `view` loads (all of them without a view) names it in
    quotes, or builds it from a prefix such as `status_${…}`; a counted key brings its
    plural forms (`_one`, …) along.
    """
    return _strings_of(language, page_scripts(view))


@cache
def later_catalogue(language):
    """The strings `LATER_MODULES` use: the first of them to load fetches these."""
    return _strings_of(language, LATER_MODULES)


def _strings_of(language, modules):
    scripts = "".join((SCRIPTS / name).read_text("utf-8") for name in modules)
    named = set(re.findall(r"""["'`]([a-z][a-z0-9_]*)["'`]""", scripts))
    prefixes = tuple(re.findall(r"`([a-z][a-z0-9_]*_)\$\{", scripts))
    full = catalogue(language)
    wanted = {key for key in full if key in named or key.startswith(prefixes)}
    wanted |= {f"{key}_{suffix}" for key in wanted for suffix in PLURAL_SUFFIXES if f"{key}_{suffix}" in full}
    return {key: full[key] for key in sorted(wanted)}


def long_date(language, iso_date):
    """A `YYYY-MM-DD` date as people write it: "22 november 2026", "November 22, 2026"."""
    return format_date(date.fromisoformat(iso_date), format="long", locale=language)


def choose_language(workshop_language=None, asking=None):
    """The language for this request (or `asking`, such as a socket's handshake): `?lang=`, the
    person's choice, the workshop's, else Dutch."""
    asking = request if asking is None else asking
    for candidate in (asking.args.get("lang"), asking.cookies.get(LANGUAGE_COOKIE), workshop_language):
        if candidate in LANGUAGES:
            return candidate
    return LANGUAGES[0]
