"""Interface text in Dutch and English from gettext `.po` catalogues (keys as message ids),
read as they are with Babel. Needs no Flask, so the domain names things with it too.

Plurals follow CLDR, as `Intl.PluralRules` does in `static/js/dom.js`: a count `n` in
category 'one' (…) picks `<key>_one` (…) where the catalogue has it, else the plain key.
"""

import numbers
from decimal import Decimal
from functools import cache
from importlib import resources

from babel import Locale
from babel.messages.pofile import read_po

SOURCES = resources.files("cocreate") / "translations"
# CLDR plural categories with a key suffix of their own; 'other' is the plain key.
PLURAL_SUFFIXES = ("zero", "one", "two", "few", "many")


@cache
def catalogue(language):
    """All interface strings of one language, by key."""
    with (SOURCES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        messages = read_po(source, locale=language)
    return {message.id: message.string for message in messages if message.id}


@cache
def plural_rule(language):
    """The CLDR plural rule of `language`: a count in, 'one', 'other', … out."""
    return Locale.parse(language).plural_form


def translate(language, key, **values):
    """The text for `key` in `language`, with `{name}` placeholders filled in.

    A number `n` picks the plural form of its CLDR category (`<key>_one` for 1 in Dutch
    and English) where the catalogue has one. A key the catalogue lacks comes back as is.
    """
    texts = catalogue(language)
    count = values.get("n")
    if isinstance(count, (numbers.Real, Decimal)) and not isinstance(count, bool):
        form = f"{key}_{plural_rule(language)(count)}"
        if not form.endswith("_other") and form in texts:
            key = form
    text = texts.get(key, key)
    return text.format(**values) if values else text
