"""No module of the benchmark imports, however indirectly, one that imports it (the app's
own modules are held to the same in test_architecture.py, whose import graph this uses)."""

from pathlib import Path

from test_architecture import import_cycles, import_graph

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_no_module_of_the_benchmark_imports_itself_round_a_cycle():
    graph = import_graph(BENCH)

    assert "bench.report" in graph["bench.run"] and "bench.tables" in graph["bench.report"]
    assert import_cycles(graph) == []
