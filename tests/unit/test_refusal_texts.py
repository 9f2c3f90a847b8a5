"""Every refusal reaches the person in their language: each one names a catalogue key, and
the answer carries its `text` beside the English `message`."""

import ast
import string
from pathlib import Path

import pytest

from cocreate.catalogues import catalogue
from cocreate.domain import DomainError
from cocreate.domain.errors import forbidden, invalid
from cocreate.web.errors import HTTP_KEYS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted((ROOT / "cocreate").rglob("*.py"))
LANGUAGES = ("nl", "en")
# What builds a refusal: the domain's error and its helpers, the web's and the socket layer's.
REFUSERS = {"DomainError", "invalid", "forbidden", "not_found", "ApiError", "failure"}
HELPERS_WITH_VALUES = {"invalid", "forbidden"}  # their other keyword arguments fill the text in


def _name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def refusals():
    """(where, call) for every refusal built in cocreate/; `where` ends in " (passing on)"
    inside a refuser's own definition, which hands its caller's key on."""
    found = []
    for path in SOURCES:
        tree = ast.parse(path.read_text("utf-8"))
        inside = {
            id(call)
            for definition in ast.walk(tree)
            if isinstance(definition, (ast.FunctionDef, ast.ClassDef)) and definition.name in REFUSERS
            for call in ast.walk(definition)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node) in REFUSERS:
                passing_on = " (passing on)" if id(node) in inside else ""
                found.append((f"{path.relative_to(ROOT)}:{node.lineno}{passing_on}", node))
    return found


def placeholders(text):
    """The `{name}` fields of a catalogue text."""
    return {field for _literal, field, _spec, _conversion in string.Formatter().parse(text) if field}


def values_given(call):
    """The names of the values a refusal fills its text in with."""
    keywords = {keyword.arg: keyword.value for keyword in call.keywords}
    if _name(call) in HELPERS_WITH_VALUES:
        return set(keywords) - {"key"}
    given = keywords.get("values")
    if isinstance(given, ast.Dict):
        return {key.value for key in given.keys if isinstance(key, ast.Constant)}
    return set()


def problems_of(where, call):
    """What is wrong with one refusal's key: nothing, or why a person would read English."""
    key = next((keyword.value for keyword in call.keywords if keyword.arg == "key"), None)
    if key is None:
        if _name(call) == "forbidden" and not call.args:
            return []  # the facilitator's own refusal: `forbidden`'s default key
        return [f"{where}: a refusal without a catalogue key"]
    if isinstance(key, ast.Name) and key.id == "key" and where.endswith("(passing on)"):
        return []  # a refuser's caller names the key
    if isinstance(key, ast.Attribute) and key.attr == "key":
        return []  # a refusal answered again, in another form: its key was checked where it was made
    if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
        return [f"{where}: the key is not written out"]
    problems = []
    for language in LANGUAGES:
        text = catalogue(language).get(key.value)
        if text is None:
            problems.append(f"{where}: {key.value} is not in the {language} catalogue")
        elif not placeholders(text) <= values_given(call):
            problems.append(f"{where}: {key.value} ({language}) needs {placeholders(text)}")
    return problems


def test_every_refusal_names_a_key_both_catalogues_hold():
    found = refusals()
    assert len(found) > 80  # the scan sees the refusals (about a hundred), not nothing
    problems = [problem for where, call in found for problem in problems_of(where, call)]
    assert problems == []


def test_a_refusal_without_a_key_is_caught():
    call = ast.parse('raise DomainError("locked", "The board is locked.")').body[0].exc
    assert problems_of("new.py:1", call) == ["new.py:1: a refusal without a catalogue key"]
    call = ast.parse('raise invalid("lane", "No.", key="refusal_nowhere")').body[0].exc
    assert len(problems_of("new.py:1", call)) == 2  # neither catalogue holds it


def test_a_refusal_missing_a_value_its_text_needs_is_caught():
    call = ast.parse('raise invalid("kind", "Must be one of a, b.", key="refusal_one_of")').body[0].exc
    assert len(problems_of("new.py:1", call)) == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_http_error_has_a_text_in_both_catalogues(language):
    assert set(HTTP_KEYS.values()) <= set(catalogue(language))


def test_a_refusal_keeps_its_english_message_and_gains_its_text_in_the_viewers_language():
    refused = DomainError("budget_exceeded", "You have used all your dots.", key="refusal_dots_used")
    assert refused.body() == {"error": {"code": "budget_exceeded", "message": "You have used all your dots."}}
    dutch, english = refused.body("nl")["error"], refused.body("en")["error"]
    assert dutch["message"] == english["message"] == "You have used all your dots."
    assert dutch["text"] == catalogue("nl")["refusal_dots_used"]
    assert english["text"] == catalogue("en")["refusal_dots_used"]
    assert dutch["text"] != english["text"]


def test_a_refusals_values_fill_in_its_text():
    refused = invalid("kind", "Must be one of note, table.", key="refusal_one_of", choices="note, table")
    assert refused.fields == {"kind": ["Must be one of note, table."]}
    assert refused.text("nl") == "Kies een van: note, table."
    assert refused.text("en") == "Choose one of: note, table."


def test_the_facilitators_own_refusal_reads_as_the_page_says_it():
    assert forbidden().text("nl") == catalogue("nl")["error_forbidden"]
    assert forbidden().ack("en") == {
        "ok": False,
        "error": {
            "code": "forbidden",
            "message": "This is for the facilitator.",
            "text": catalogue("en")["error_forbidden"],
        },
    }


def test_a_refusals_extra_fields_stay_in_its_answer():
    refused = DomainError(
        "busy", "Someone else is moving this note right now.", key="error_busy", by={"id": "p1", "name": "Ann"}
    )
    assert refused.ack("nl")["error"]["by"] == {"id": "p1", "name": "Ann"}


# -- HTTP ---------------------------------------------------------------------------------


def test_an_http_refusal_is_in_the_workshops_language_unless_the_person_chose_another(client):
    dutch = client.create_workshop("Teamdag")["id"]
    english = client.create_workshop("Team day", language="en")["id"]
    answer = client.post(f"/api/workshops/{dutch}/participants", json={"name": ""})
    assert answer.status_code == 400
    assert answer.json["error"]["message"] == "Some fields are not right."
    assert answer.json["error"]["text"] == catalogue("nl")["refusal_fields"]
    answer = client.post(f"/api/workshops/{english}/participants", json={"name": ""})
    assert answer.json["error"]["text"] == catalogue("en")["refusal_fields"]
    client.set_cookie("cc_lang", "en")
    answer = client.post(f"/api/workshops/{dutch}/participants", json={"name": ""})
    assert answer.json["error"]["text"] == catalogue("en")["refusal_fields"]


def test_an_http_refusal_without_a_workshop_follows_the_browsers_language(client):
    answer = client.get("/api/join/ZZZZZZ", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert answer.status_code == 404
    assert answer.json["error"] == {
        "code": "not_found",
        "message": "No workshop with this code.",
        "text": catalogue("en")["refusal_code_unknown"],
    }
    answer = client.get("/api/join/ZZZZZZ", headers={"Accept-Language": "fr"})
    assert answer.json["error"]["text"] == catalogue("nl")["refusal_code_unknown"]


def test_an_error_werkzeug_answers_gets_a_text_too(client):
    answer = client.get("/api/no-such-thing", headers={"Accept-Language": "nl"})
    assert answer.status_code == 404
    assert answer.json["error"]["text"] == catalogue("nl")["error_not_found"]
