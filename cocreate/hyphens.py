"""Where long words may break: the hyphenation patterns LibreOffice uses (through Pyphen),
for Dutch and English. Debian's Chromium has no hyphenation dictionaries offline, so CSS
`hyphens: auto` does nothing there; pages get soft hyphens (U+00AD) in long words instead,
and the board asks `/texts/<language>/hyphens.json` for the long words its notes hold."""

import re
from functools import cache

import pyphen

SOFT_HYPHEN = "\u00ad"
LONG_WORD = re.compile(r"[^\W\d_]{12,}")  # as dom.js's LONG_WORD: shorter words fit a note
DICTIONARIES = {"nl": "nl_NL", "en": "en_GB"}


@cache
def _dictionary(language):
    return pyphen.Pyphen(lang=DICTIONARIES.get(language, "nl_NL"))


@cache
def soft_word(word, language):
    """`word` with a soft hyphen at each place it may break in `language`."""
    return _dictionary(language).inserted(word, hyphen=SOFT_HYPHEN)


def soft_hyphens(text, language):
    """`text` with soft hyphens in its long words, so a narrow box breaks them rightly."""
    return LONG_WORD.sub(lambda found: soft_word(found.group(0), language), text or "")
