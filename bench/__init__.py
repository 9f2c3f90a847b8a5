"""The cocreate benchmark, a tool beside the product: `make bench` (bench/run.py) measures
cocreate against a bare python-socketio relay and writes docs/performance.md.

The app never imports it. The tests import it only to test the benchmark itself
(tests/unit/test_bench_*.py); what the tests and the benchmark both start, a throwaway
redis-server and PostgreSQL, is loopback_services.py at the repository's root.
"""
