"""The cocreate benchmark: see bench/run.py. Never imported by the app or the tests."""
