"""No module of the app or of the benchmark imports, however indirectly, one that imports it
(scripts/import_cycles.py reads the imports from the source)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts" / "import_cycles.py")
import_cycles = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_cycles)


def test_the_app_and_the_benchmark_have_no_import_cycle():
    graph = import_cycles.import_graph(ROOT, ["cocreate", "bench"])

    assert "cocreate.protocol" in graph and "bench.run" in graph
    assert import_cycles.cycles(graph) == []


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "room"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tables.py").write_text("from .report import title\n")
    (package / "report.py").write_text("def title():\n    from . import tables\n    return tables\n")
    (package / "notes.py").write_text("import room.tables\n")

    graph = import_cycles.import_graph(tmp_path, ["room"])

    assert graph["room.notes"] == {"room.tables"}
    assert import_cycles.cycles(graph) == [["room.report", "room.tables"]]
