"""No interface text is written into a template or script: it all comes from the catalogues."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "cocreate" / "templates").glob("*.html"))
JS = ROOT / "cocreate" / "static" / "js"
SCRIPTS = sorted(JS.glob("*.js"))
JINJA = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.S)
TEXT_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label"}
# Blocks that fill in class names and data attributes, not text.
MARKUP_BLOCKS = re.compile(r"{%\s*block (body_class|body_attrs)\s*%}.*?{%\s*endblock\s*%}", re.S)
ALLOWED = {"#", "−", "·", "•", "→", "●", "✓"}


class TextFinder(HTMLParser):
    """Collects visible text and text-carrying attributes that are not Jinja expressions."""

    def __init__(self):
        super().__init__()
        self.found, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES and value and re.search(r"[A-Za-z]", value):
                self.found.append(f"{tag}[{name}]={value!r}")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        text = data.strip()
        if text and not self.skip and text not in ALLOWED and re.search(r"[A-Za-z]", text):
            self.found.append(repr(text))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_templates_hold_no_text_of_their_own(template):
    # Jinja expressions become a neutral placeholder; what is left is literal markup.
    finder = TextFinder()
    source = MARKUP_BLOCKS.sub("", template.read_text())
    finder.feed(JINJA.sub("X0", source).replace("X0", ""))
    assert finder.found == []


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_scripts_put_only_catalogue_text_on_screen(script):
    source = script.read_text()
    # A quoted word assigned to textContent, or passed as the text of the el() helper,
    # would skip translation; template literals built from t() are fine.
    literal = re.findall(r"""textContent\s*=\s*(["'][^"']*[A-Za-z][^"']*["'])""", source)
    literal += re.findall(r"""\bel\(\s*"[^"]*"\s*,\s*[^,()]*,\s*(["'][^"']*[A-Za-z][^"']*["'])""", source)
    assert literal == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_page_carries_every_string_its_scripts_ask_for(language):
    from cocreate.i18n import browser_catalogue, catalogue

    shipped = browser_catalogue(language)
    asked = set()
    for script in SCRIPTS:
        asked |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", script.read_text()))
    assert asked and asked <= shipped.keys()
    # Refusals come worded by the server (`text`): their words stay off the page.
    assert not [key for key in shipped if key.startswith("refusal_")]
    assert len(shipped) < len(catalogue(language))


def test_each_view_carries_the_strings_of_the_scripts_it_loads():
    from cocreate.i18n import VIEW_MODULES, browser_catalogue, page_scripts

    assert set(VIEW_MODULES.values()) <= set(page_scripts())
    for view, module in VIEW_MODULES.items():
        assert module in page_scripts(view) and module not in page_scripts("board")
    # The facilitator's panel texts stay off the participant's page.
    assert "voting_open" in browser_catalogue("nl", "facilitate")
    assert "voting_open" not in browser_catalogue("nl", "board")
    assert browser_catalogue("nl", "board").keys() < browser_catalogue("nl").keys()


def test_modules_loaded_later_bring_their_strings_and_the_board_page_does_without(client):
    from cocreate.i18n import LATER_MODULES, browser_catalogue, later_catalogue, page_scripts

    def asked(modules):
        return set(
            re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", "".join((JS / module).read_text() for module in modules))
        )

    assert {"moving.js", "note-edit.js", "review.js"} <= set(LATER_MODULES)
    for view in ("board", "facilitate", "present"):
        only_later = asked(LATER_MODULES) - asked(page_scripts(view))
        assert {"review_heading", "move_to_lane"} <= only_later
        assert not only_later & browser_catalogue("nl", view).keys(), view
    texts = client.get("/texts/en/later.json")
    assert texts.status_code == 200 and texts.json == later_catalogue("en")
    assert texts.json["review_keep"] == "Keep going" and "status_blocked" in texts.json
    assert "review_history_one" in texts.json  # plural forms come along
    # Every key a later module asks for is in the answer.
    for module in LATER_MODULES:
        asked = set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']""", (JS / module).read_text()))
        assert asked and asked <= texts.json.keys(), module
    for missing in ("/texts/fr/later.json", "/texts/nl/review.json", "/texts/nl/..%2Flater.json"):
        assert client.get(missing).status_code == 404
