"""One way to style: rules live in css/, a part that loads later links its sheet through
dom.js `styles(name)`, and the palette's colours are custom properties in cocreate.css."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "cocreate" / "static"
CSS, JS = STATIC / "css", STATIC / "js"
HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
PAGE_RULE = re.compile(r"@page[^{]*\{(?:[^{}]|\{[^{}]*\})*\}")  # custom properties stop at @page


def colour(match):
    """`#fff` and `#FFFFFF` alike: six lower-case digits."""
    digits = match.group(1).lower()
    return "#" + (digits if len(digits) == 6 else "".join(2 * digit for digit in digits))


def palette():
    """The colours of cocreate.css's `:root`."""
    root = re.search(r":root\s*\{([^}]*)\}", (CSS / "cocreate.css").read_text("utf-8")).group(1)
    return {colour(match) for match in HEX.finditer(root)}


def literal_colours():
    """`(sheet, colour)` for each colour written outside the palette (and outside @page)."""
    found = []
    for path in sorted(CSS.glob("*.css")):
        text = PAGE_RULE.sub("", path.read_text("utf-8"))
        if path.name == "cocreate.css":
            text = re.sub(r":root\s*\{[^}]*\}", "", text, count=1)
        found += [(path.name, colour(match)) for match in HEX.finditer(text)]
    return found


def test_no_sheet_writes_a_colour_of_the_palette_instead_of_its_property():
    named = palette()
    assert [(sheet, value) for sheet, value in literal_colours() if value in named] == []


def test_a_colour_used_twice_is_a_custom_property():
    values = [value for _sheet, value in literal_colours()]
    assert sorted({value for value in values if values.count(value) > 1}) == []


def test_page_scripts_carry_no_css_and_link_sheets_one_way():
    for path in sorted(JS.glob("*.js")):
        source = path.read_text("utf-8")
        assert "CSSStyleSheet" not in source and "adoptedStyleSheets" not in source, path.name
        assert ('"stylesheet"' in source) == (path.name == "dom.js"), path.name


def test_every_sheet_a_script_asks_for_exists():
    asked = set()
    for path in JS.glob("*.js"):
        asked |= set(re.findall(r"""\bstyles\(["'](\w+)["']\)""", path.read_text("utf-8")))
    assert asked >= {"canvas", "tables", "review"}
    assert sorted(name for name in asked if not (CSS / f"{name}.css").exists()) == []
