"""The code passes the linter people expect (ruff, configured in pyproject.toml)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ruff_finds_nothing_in_the_code_the_tests_or_the_benchmark():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "cocreate", "tests",
                           "bench", "scripts", "loopback_services.py",
                           "setup.py"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
