"""The code passes the linter people expect and is formatted as its formatter writes it
(ruff, configured in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CODE = ["cocreate", "tests", "bench", "scripts", "setup.py", "loopback_services.py"]


def ruff(*args):
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", *CODE], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_finds_nothing_in_the_code_the_tests_or_the_benchmark():
    done = ruff("check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_is_formatted_as_ruff_format_writes_it():
    done = ruff("format", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
