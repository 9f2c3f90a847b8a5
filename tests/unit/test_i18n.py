"""Interface text: .po catalogues read with Babel, CLDR plurals on server and page, no Flask-Babel."""

import gettext
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cocreate.catalogues import PLURAL_SUFFIXES, SOURCES, catalogue, plural_rule, translate

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ["nl", "en"]
I18N_JS = ROOT / "cocreate" / "static" / "js" / "dom.js"


# -- plurals ------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("n, category", [(0, "other"), (1, "one"), (2, "other")])
def test_plurals_follow_the_cldr_rules_of_the_language(language, n, category):
    assert plural_rule(language)(n) == category
    key = "plan_votes_one" if category == "one" else "plan_votes"
    assert translate(language, "plan_votes", n=n) == catalogue(language)[key].format(n=n)


def test_plural_forms_read_as_people_write_them():
    assert [translate("nl", "plan_votes", n=n) for n in (0, 1, 2)] == ["0 stemmen", "1 stem", "2 stemmen"]
    assert [translate("en", "plan_votes", n=n) for n in (0, 1, 2)] == ["0 votes", "1 vote", "2 votes"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_key_without_plural_forms_keeps_its_one_text_for_every_count(language):
    text = catalogue(language)["step_of"]
    for n in (0, 1, 2):
        assert translate(language, "step_of", n=n, total=3) == text.format(n=n, total=3)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_key_comes_back_as_it_is(language):
    assert translate(language, "no_such_key") == "no_such_key"
    for n in (0, 1, 2):
        assert translate(language, "no_such_key", n=n) == "no_such_key"
    # 'other' is the plain key: `problem_heading_other` is a key of its own, not a plural form.
    assert translate(language, "error_heading", n=2) == "error_heading"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_count_that_is_not_a_number_picks_no_plural_form(language):
    assert translate(language, "plan_votes", n="1") == catalogue(language)["plan_votes"].format(n="1")
    assert translate(language, "plan_votes", n=True) == catalogue(language)["plan_votes"].format(n=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_form_belongs_to_a_key_and_to_a_category_of_the_language(language):
    texts = catalogue(language)
    categories = plural_rule(language).tags
    forms = {
        key: suffix
        for key in texts
        for suffix in PLURAL_SUFFIXES
        if key.endswith(f"_{suffix}") and key.removesuffix(f"_{suffix}") in texts
    }
    assert len(forms) >= 10
    assert {key: suffix for key, suffix in forms.items() if suffix not in categories} == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_plural_forms_header_agrees_with_cldr(language):
    # Tools that read the .po files (editors, msgfmt) see the same rule the app applies.
    from babel.messages.pofile import read_po

    with (SOURCES / language / "LC_MESSAGES" / "messages.po").open("rb") as source:
        header = read_po(source, locale=language)
    rule = plural_rule(language)
    categories = ["one", "other"] if rule.tags == {"one"} else None
    assert categories, f"{language}: more CLDR categories than one/other: {rule.tags}"
    assert header.num_plurals == len(categories)
    index = gettext.c2py(header.plural_expr)
    assert [categories[index(n)] for n in range(200)] == [rule(n) for n in range(200)]


def test_the_page_script_picks_the_same_plural_forms_as_the_server():
    # dom.js (t) with a stand-in document holding each language's catalogue, as the page does.
    cases = [
        (language, key, n)
        for language in LANGUAGES
        for key in ("plan_votes", "timer_minutes", "step_of", "no_such_key")
        for n in (0, 1, 2, 21)
    ]
    probe = """
    const [source, pages, cases] = JSON.parse(process.argv[1]);
    const out = [];
    for (const [language, key, n] of cases) {
      globalThis.document = {
        documentElement: { lang: language },
        getElementById: () => ({ textContent: JSON.stringify(pages[language]) }),
      };
      // A fresh module per case: the catalogue and the rules are read when it loads.
      const url = "data:text/javascript," + encodeURIComponent(source + "\\n//" + out.length);
      const { t } = await import(url);
      out.push(t(key, { n, total: 3 }));
    }
    console.log(JSON.stringify(out));
    """
    pages = {language: catalogue(language) for language in LANGUAGES}
    argument = json.dumps([I18N_JS.read_text("utf-8"), pages, cases])
    result = subprocess.run(
        ["node", "--input-type=module", "-e", probe, argument], capture_output=True, text=True, timeout=30, check=True
    )
    expected = [translate(language, key, n=n, total=3) for language, key, n in cases]
    assert json.loads(result.stdout) == expected


# -- no Flask-Babel, nothing compiled -------------------------------------------------


def test_the_app_starts_and_renders_without_flask_babel_and_writes_no_catalogues(tmp_path):
    probe = """
import json, os, sys
from importlib.abc import MetaPathFinder

class NoFlaskBabel(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "flask_babel" or name.startswith("flask_babel."):
            raise ImportError("flask_babel is blocked")

sys.meta_path.insert(0, NoFlaskBabel())
from cocreate import create_app
app = create_app({"TESTING": True})
client = app.test_client()
pages = {language: client.get("/?lang=" + language) for language in ("nl", "en")}
print(json.dumps({
    "status": {language: page.status_code for language, page in pages.items()},
    "html": {language: page.get_data(as_text=True) for language, page in pages.items()},
    "loaded": sorted(name for name in sys.modules if name.split(".")[0] == "flask_babel"),
}))
"""
    instance = tmp_path / "instance"
    env = dict(os.environ, COCREATE_INSTANCE_PATH=str(instance))
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert report["status"] == {"nl": 200, "en": 200}
    assert 'lang="nl"' in report["html"]["nl"] and catalogue("nl")["app_name"] in report["html"]["nl"]
    assert 'lang="en"' in report["html"]["en"]
    assert not (instance / "translations").exists()
    assert list(instance.rglob("*.mo")) == []


def test_lanes_have_one_name_in_each_language():
    """Dutch says "Kolom" and English "Lane" wherever a step's lanes are named."""
    from cocreate.i18n import translate

    keys = ("composer_lane", "step_field_lanes", "step_field_lanes_hint", "layout_lanes", "move_to_lane")
    for language, word in (("nl", "kolom"), ("en", "lane")):
        for key in keys:
            text = translate(language, key).lower()
            assert word in text and "baan" not in text and "banen" not in text, (language, key, text)
