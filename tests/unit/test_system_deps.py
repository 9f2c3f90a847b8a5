"""Every program the tests, `make bench` and `make screenshots` run is installed by the set-up.

A fresh machine has only what `scripts/install-system-deps` installs. These tests read
the programs the test and benchmark code calls (subprocess commands, `shutil.which`, paths such as
`/usr/sbin/nginx`) and fail when the set-up script does not list one of them.
"""

import ast
import fnmatch
import glob
import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP = ROOT / "scripts" / "install-system-deps"
CALLERS = [
    *sorted((ROOT / "tests").rglob("*.py")),
    *sorted((ROOT / "bench").rglob("*.py")),
    ROOT / "loopback_services.py",
    ROOT / "scripts" / "screenshots.py",
    ROOT / "scripts" / "security_scan.py",
]
RUNNERS = {"run", "Popen", "call", "check_call", "check_output"}
SYSTEM_PREFIXES = ("/usr/bin/", "/usr/sbin/", "/usr/lib/", "/bin/", "/sbin/")


def declared_programs(script_text):
    """{program: package} from the PROGRAMS table of the set-up script."""
    table = script_text.split('PROGRAMS="', 1)[1].split('"', 1)[0]
    return dict(line.split() for line in table.splitlines() if line.strip())


def _function_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def called_programs(source):
    """Programs a Python source runs: subprocess commands, `shutil.which`, system paths."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            name, first = _function_name(node), node.args[0]
            if name in RUNNERS and isinstance(first, ast.List) and first.elts:
                head = first.elts[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    found.add(head.value)
            if name == "which" and isinstance(first, ast.Constant):
                found.add(first.value)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith(SYSTEM_PREFIXES)
            and not node.value.endswith("/")
            and " " not in node.value
        ):
            found.add(node.value)
    return found


def missing_from(script_text, programs):
    """The programs that no entry of the set-up script provides."""
    declared = declared_programs(script_text)

    def provided(program):
        return any(
            program == entry or fnmatch.fnmatch(program, entry) or os.path.basename(program) == os.path.basename(entry)
            for entry in declared
        )

    return sorted(program for program in programs if not provided(program))


def programs_the_tests_call():
    """Every program called anywhere in tests/, bench/ and scripts/screenshots.py."""
    found = set()
    for path in CALLERS:
        found |= called_programs(path.read_text("utf-8"))
    return found


def test_every_program_the_tests_call_is_installed_by_the_setup():
    programs = programs_the_tests_call()
    # The scan must see the programs we know the suite runs, or it proves nothing.
    assert {"pdftoppm", "redis-server", "/usr/sbin/nginx", "/usr/bin/chromium"} <= programs
    assert missing_from(SETUP.read_text("utf-8"), programs) == []


def test_a_program_left_out_of_the_setup_is_reported():
    without_poppler = "\n".join(line for line in SETUP.read_text("utf-8").splitlines() if "poppler-utils" not in line)
    missing = missing_from(without_poppler, programs_the_tests_call())
    assert "pdftoppm" in missing and set(missing) <= {"pdftoppm", "pdftotext", "pdfinfo"}


def test_the_scan_finds_commands_which_and_system_paths():
    source = (
        "import subprocess, shutil\n"
        "subprocess.run(['pdftoppm', '-png'])\n"
        "subprocess.Popen(['/usr/sbin/nginx', '-t'])\n"
        "shutil.which('redis-server')\n"
        "CHROMIUM = '/usr/bin/chromium'\n"
        "subprocess.run([binary, '--help'])\n"
    )
    assert called_programs(source) == {"pdftoppm", "/usr/sbin/nginx", "redis-server", "/usr/bin/chromium"}


def test_every_program_the_setup_lists_is_on_this_machine():
    # `make test` ran the set-up before the tests: what it lists must now be here,
    # so a wrong package name cannot hide behind the list.
    for program in declared_programs(SETUP.read_text("utf-8")):
        here = glob.glob(program) if "/" in program else shutil.which(program)
        assert here, f"{program} is listed but not installed"
