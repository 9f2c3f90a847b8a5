"""The shape of the code: a pure domain, one vocabulary, complete translations, safe JS."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cocreate import protocol
from cocreate.i18n import DYNAMIC_IMPORT, STATIC_IMPORT

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cocreate"
DOMAIN = PACKAGE / "domain"
JS = PACKAGE / "static" / "js"
TEMPLATES = PACKAGE / "templates"

FORBIDDEN_IN_DOMAIN = {"flask", "flask_socketio", "socketio", "engineio", "sqlalchemy", "marshmallow", "eventlet"}


def imported_top_level_names(path):
    """The top-level package of every absolute import in a Python file."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "__import__"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value).split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def python_files(folder):
    files = sorted(folder.rglob("*.py"))
    assert files, f"no Python files under {folder}"
    return files


# -- the domain is pure ------------------------------------------------------------


@pytest.mark.parametrize("path", python_files(DOMAIN), ids=lambda path: path.name)
def test_domain_module_imports_no_web_socket_or_database_library(path):
    assert imported_top_level_names(path) & FORBIDDEN_IN_DOMAIN == set()


def test_importing_the_domain_loads_no_web_socket_or_database_library():
    probe = "import sys, json, cocreate.domain\nprint(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=30, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert "cocreate" in loaded
    assert loaded & FORBIDDEN_IN_DOMAIN == set()


def test_only_the_cli_imports_eventlet():
    importers = {
        path.relative_to(ROOT).as_posix()
        for path in python_files(PACKAGE)
        if "eventlet" in imported_top_level_names(path)
    }
    assert importers <= {"cocreate/cli.py"}


# -- no import cycles ----------------------------------------------------------------


def module_name(path, root=ROOT):
    """`cocreate/store/rows.py` → `cocreate.store.rows`; a package is named by its folder."""
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(package=PACKAGE, root=ROOT):
    """Every module of the package → the package's modules it imports, anywhere in it
    (at the top or inside a function)."""
    modules = {module_name(path, root): path for path in python_files(package)}
    graph = {}
    for name, path in modules.items():
        home = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = home.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1])
                    source = f"{base}.{node.module}" if node.module else base
                else:
                    source = node.module
                # `from . import presence` imports a module; `from .x import y` a name.
                targets.update(
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names
                )
        graph[name] = sorted(targets & modules.keys())
    return graph


def import_cycles(graph):
    """Each cycle in the graph once, as the list of modules around it."""
    cycles, done, path = [], set(), []

    def visit(name):
        if name in path:
            cycle = path[path.index(name) :]
            start = cycle.index(min(cycle))
            cycle = cycle[start:] + cycle[:start]
            if cycle not in cycles:
                cycles.append(cycle)
            return
        if name in done:
            return
        path.append(name)
        for target in graph[name]:
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        visit(name)
    return cycles


def test_the_import_graph_sees_imports_inside_functions():
    graph = import_graph()
    assert "cocreate.store" in graph["cocreate"]  # create_app imports it when called
    assert "cocreate.protocol" in graph["cocreate.store.schema"]


def test_an_import_cycle_is_found(tmp_path):
    package = tmp_path / "loop"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def later():\n    from .a import thing\n")
    assert import_cycles(import_graph(package, tmp_path)) == [["loop.a", "loop.b"]]


def test_no_module_of_cocreate_imports_itself_round_a_cycle():
    assert import_cycles(import_graph()) == []


def js_import_graph(folder=JS):
    """Every page script → the scripts it imports, at the top or with `import()`."""
    graph = {}
    for path in sorted(folder.glob("*.js")):
        source = path.read_text("utf-8")
        graph[path.name] = sorted(set(STATIC_IMPORT.findall(source) + DYNAMIC_IMPORT.findall(source)))
    return graph


def test_a_js_import_cycle_is_found(tmp_path):
    (tmp_path / "a.js").write_text('import { b } from "./b.js";\n')
    (tmp_path / "b.js").write_text('const later = () => import("./a.js");\n')
    assert import_cycles(js_import_graph(tmp_path)) == [["a.js", "b.js"]]


def test_no_page_script_imports_itself_round_a_cycle():
    assert import_cycles(js_import_graph()) == []


# -- the store is made of parts ------------------------------------------------------

STORE = PACKAGE / "store"
STORE_PARTS = ("cache", "database", "locking", "members", "mirror", "retention", "series")


def test_the_store_is_composed_of_parts_the_import_graph_shows():
    from cocreate.store import Store

    assert Store.__bases__ == (object,)  # parts it holds, not mixins it inherits
    graph = import_graph()
    assert {f"cocreate.store.{part}" for part in STORE_PARTS} <= set(graph["cocreate.store"])


@pytest.mark.parametrize("path", python_files(STORE), ids=lambda path: path.name)
def test_no_part_of_the_store_reaches_into_another_objects_private_state(path):
    reached = [
        ast.unparse(node)
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert reached == []


# -- one vocabulary in Python and JS ------------------------------------------------


def js_frozen_block(source, name):
    """The text between the braces/brackets of `export const NAME = Object.freeze(...)`."""
    match = re.search(rf"export\s+const\s+{name}\s*=\s*Object\.freeze\(\s*([\[{{])(.*?)[\]}}]\s*\)", source, re.S)
    assert match, f"protocol.js has no frozen {name}"
    return match.group(2)


def js_values(block):
    return re.findall(r"""["']([^"']+)["']""", re.sub(r"//[^\n]*", "", block))


def js_entries(block):
    return dict(re.findall(r"""(\w+)\s*:\s*["']([^"']+)["']""", re.sub(r"//[^\n]*", "", block)))


PROTOCOL_JS = (JS / "protocol.js").read_text("utf-8")


def test_js_and_python_protocol_versions_match():
    match = re.search(r"export\s+const\s+VERSION\s*=\s*(\d+)", PROTOCOL_JS)
    assert match and int(match.group(1)) == protocol.VERSION


def test_js_and_python_list_the_same_commands():
    commands = js_entries(js_frozen_block(PROTOCOL_JS, "COMMANDS"))
    assert sorted(commands.values()) == sorted(protocol.COMMANDS)
    for constant, value in commands.items():
        assert getattr(protocol, constant) == value


def test_js_and_python_list_the_same_event_types():
    events = js_entries(js_frozen_block(PROTOCOL_JS, "EVENTS"))
    assert sorted(events.values()) == sorted(protocol.EVENT_TYPES)
    for constant, value in events.items():
        assert getattr(protocol, constant) == value


def test_js_and_python_list_the_same_error_codes():
    assert js_values(js_frozen_block(PROTOCOL_JS, "ERROR_CODES")) == list(protocol.ERROR_CODES)


def test_js_and_python_name_the_same_server_messages():
    messages = js_entries(js_frozen_block(PROTOCOL_JS, "MESSAGES"))
    assert messages == {
        "SNAPSHOT": protocol.SNAPSHOT,
        "EVENT": protocol.EVENT,
        "PRESENCE": protocol.PRESENCE,
        "CLOSED": protocol.CLOSED,
        "DRAG": protocol.DRAG,
        "POINTER": protocol.POINTER,
    }


def test_js_and_python_have_the_same_layouts_and_canvas():
    assert js_values(js_frozen_block(PROTOCOL_JS, "LAYOUTS")) == list(protocol.LAYOUTS)
    block = re.sub(r"//[^\n]*", "", js_frozen_block(PROTOCOL_JS, "CANVAS"))
    found = dict(re.findall(r"(\w+)\s*:\s*([\d./ ]+)", block))

    def number(text):
        top, _slash, bottom = text.partition("/")
        return float(top) / float(bottom) if bottom.strip() else float(top)

    assert {name: number(value) for name, value in found.items()} == protocol.CANVAS


def js_numbers(block):
    return {name: int(value) for name, value in re.findall(r"(\w+)\s*:\s*(\d+)", re.sub(r"//[^\n]*", "", block))}


def test_js_and_python_have_the_same_limits():
    assert js_numbers(js_frozen_block(PROTOCOL_JS, "LIMITS")) == protocol.LIMITS


def test_every_limit_of_the_protocol_is_in_limits():
    constants = {name: value for name, value in vars(protocol).items() if name.endswith(("_MAX", "_MIN", "_LENGTH"))}
    assert constants == protocol.LIMITS


# -- each command declared once ------------------------------------------------------


def test_every_command_of_the_vocabulary_is_declared_exactly_once():
    from cocreate.realtime.commands import ALL

    names = [command.name for command in ALL]
    assert sorted(names) == sorted(protocol.COMMANDS)


def test_every_declaration_names_a_schema_of_the_schemas_module():
    from cocreate import schemas
    from cocreate.realtime.commands import ALL

    unknown = [
        command.name
        for command in ALL
        if not isinstance(getattr(schemas, command.schema, None), type)
        or not issubclass(getattr(schemas, command.schema), schemas.StrictSchema)
    ]
    assert unknown == []


def test_each_command_is_declared_in_the_module_of_its_function():
    import importlib
    from cocreate.domain import DECLARED
    from cocreate.realtime import commands, dragging

    nouns = {path.stem for path in DOMAIN.glob("*.py")}
    modules = [importlib.import_module(f"cocreate.domain.{noun}") for noun in sorted(nouns)]
    modules += [commands, dragging]
    elsewhere = [
        (command.name, command.run.__module__)
        for module in modules
        for command in getattr(module, "COMMANDS", ())
        if command.run.__module__ != module.__name__
    ]
    assert elsewhere == []
    assert all(command.stored for command in DECLARED)


@pytest.mark.parametrize(
    "wrong", [{"name": "note:paint"}, {"delivery": "later"}, {"bucket": "notes"}, {"who": "owner"}, {"answer": "maybe"}]
)
def test_a_declaration_outside_the_vocabulary_is_refused(wrong):
    with pytest.raises(ValueError):
        protocol.Command(**{"name": protocol.NOTE_ADD, "schema": "NoteAdd", "run": print, **wrong})


def js_travel(source):
    """protocol.js's TRAVEL: each command's name → (delivery, bucket, who)."""
    match = re.search(r"const\s+TRAVEL\s*=\s*\[(.*?)\n\];", source, re.S)
    assert match, "protocol.js has no TRAVEL"
    declared = {}
    for how, names in re.findall(r"\[\[([^\]]*)\],\s*\[([^\]]*)\]\]", match.group(1)):
        for name in js_values(names):
            assert name not in declared, f"{name} travels two ways"
            declared[name] = tuple(js_values(how))
    return declared


def test_js_declares_each_command_as_python_does():
    from cocreate.realtime.commands import DECLARED

    python = {name: (command.delivery, command.bucket, command.who) for name, command in DECLARED.items()}
    assert js_travel(PROTOCOL_JS) == python


def test_a_command_declared_two_ways_in_js_is_found():
    twice = (
        'const TRAVEL = [\n  [["live", "commands", "anyone"], ["sync"]],\n'
        '  [["outbox", "commands", "anyone"], ["sync"]],\n];'
    )
    with pytest.raises(AssertionError, match="two ways"):
        js_travel(twice)


def test_js_and_python_name_the_same_deliveries():
    assert js_entries(js_frozen_block(PROTOCOL_JS, "DELIVERY")) == {"LIVE": protocol.LIVE, "OUTBOX": protocol.OUTBOX}


def names_compared(path):
    """The protocol constants (`p.NOTE_MOVE`) a module compares anything with."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Compare):
            for part in ast.walk(node):
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == "p"
                    and getattr(protocol, part.attr, None) in protocol.COMMANDS
                ):
                    found.add(part.attr)
    return found


@pytest.mark.parametrize("path", python_files(PACKAGE / "realtime"), ids=lambda path: path.name)
def test_the_socket_layer_never_branches_on_a_command_name(path):
    assert names_compared(path) == set()


def test_a_branch_on_a_command_name_is_found(tmp_path):
    path = tmp_path / "branchy.py"
    path.write_text("def run(name):\n    if name in (p.SYNC, p.NOTE_DRAG):\n        return 1\n")
    assert names_compared(path) == {"SYNC", "NOTE_DRAG"}


def domain_error_codes():
    """Every literal code passed to `DomainError(...)` anywhere in the domain."""
    codes = set()
    for path in python_files(DOMAIN):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "DomainError"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                codes.add(node.args[0].value)
    return codes


def test_every_error_code_the_domain_raises_is_in_the_protocol():
    codes = domain_error_codes()
    assert {"invalid", "forbidden", "not_found", "conflict", "locked"} <= codes
    assert sorted(codes - set(protocol.ERROR_CODES)) == []


# -- translations -------------------------------------------------------------------


def catalogue(language):
    from cocreate.i18n import catalogue as read

    return read(language)


NL, EN = catalogue("nl"), catalogue("en")


def test_dutch_and_english_catalogues_have_the_same_keys():
    assert sorted(NL.keys() - EN.keys()) == []
    assert sorted(EN.keys() - NL.keys()) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_no_translation_is_empty(language):
    empty = [key for key, text in catalogue(language).items() if not isinstance(text, str) or not text.strip()]
    assert empty == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_placeholders_are_the_same_in_both_languages(language):
    other = EN if language == "nl" else NL
    mismatched = [
        key
        for key, text in catalogue(language).items()
        if key in other and set(re.findall(r"\{(\w+)\}", text)) != set(re.findall(r"\{(\w+)\}", other[key]))
    ]
    assert mismatched == []


def keys_used(paths, pattern):
    used = {}
    for path in paths:
        for key in re.findall(pattern, path.read_text("utf-8")):
            used.setdefault(key, path.name)
    return used


# Literal keys only: `t('color_' ~ color)` builds a key and is checked separately.
TEMPLATE_KEYS = keys_used(sorted(TEMPLATES.glob("*.html")), r"""\bt\(\s*'([A-Za-z0-9_]+)'\s*[,)]""")
JS_KEYS = keys_used(sorted(JS.glob("*.js")), r"""\bt\(\s*"([A-Za-z0-9_]+)"\s*[,)]""")


def test_templates_and_scripts_use_translation_keys():
    assert len(TEMPLATE_KEYS) > 20 and len(JS_KEYS) > 10


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_template_translation_key_exists(language):
    missing = {key: where for key, where in TEMPLATE_KEYS.items() if key not in catalogue(language)}
    assert missing == {}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_script_translation_key_exists(language):
    missing = {key: where for key, where in JS_KEYS.items() if key not in catalogue(language)}
    assert missing == {}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_colour_and_error_page_key_exists(language):
    from cocreate.domain import PALETTE

    keys = [f"color_{color}" for color in PALETTE]
    kinds = ("not_found", "forbidden", "rate_limited", "unavailable", "other")
    keys += [f"problem_{part}_{kind}" for part in ("heading", "text") for kind in kinds]
    keys += [f"connection_{state}" for state in ("online", "offline", "connecting")]
    assert [key for key in keys if key not in catalogue(language)] == []


# Only a broken or hostile client meets these; the UI shows the server's message.
UNTRANSLATED_CODES = {"unknown_command", "payload_too_large"}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_error_code_a_person_can_meet_has_a_message(language):
    # errorText() in dom.js falls back to the server's English message without one.
    codes = set(protocol.ERROR_CODES) - UNTRANSLATED_CODES
    missing = sorted(code for code in codes if f"error_{code}" not in catalogue(language))
    assert missing == []


# -- safe DOM ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(JS.glob("*.js")), ids=lambda path: path.name)
def test_scripts_never_parse_html_from_strings(path):
    source = path.read_text("utf-8")
    assert re.findall(r"\b(innerHTML|outerHTML|insertAdjacentHTML|document\.write)\b", source) == []


def test_every_test_module_has_a_name_of_its_own():
    # pytest imports test modules by their base name (no packages under tests/): two files
    # with one name stop the whole run at collection.
    names = [path.name for path in (ROOT / "tests").rglob("test_*.py")]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_key_is_in_a_catalogue_once(language):
    # A second msgid silently wins over the first: one key, one text.
    source = ROOT / "cocreate" / "translations" / language / "LC_MESSAGES" / "messages.po"
    keys = re.findall(r'^msgid "(.+)"$', source.read_text("utf-8"), re.M)
    assert sorted(key for key in set(keys) if keys.count(key) > 1) == []
