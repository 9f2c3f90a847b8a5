"""`pip install .` gives a working board: a built wheel in a fresh virtualenv, served from
outside the source tree, with the Socket.IO browser client inside the package."""

import os
import shutil
import subprocess
import sys
import time
import uuid
import venv
import zipfile
from pathlib import Path

import pytest
import requests
import socketio

from support import free_port

ROOT = Path(__file__).resolve().parents[2]
CLIENT = "cocreate/static/vendor/socket.io.esm.min.js"
SKIPPED = shutil.ignore_patterns(
    ".git",
    ".venv",
    "node_modules",
    "instance",
    "build",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    "vendor",
    "test-artifacts",
    "results",
)


def _run(command, **options):
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert done.returncode == 0, f"{command[:3]} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel built from a copy of the source tree that has no vendored client in it."""
    source = tmp_path_factory.mktemp("source") / "cocreate-src"
    shutil.copytree(ROOT, source, ignore=SKIPPED)
    (source / "node_modules").symlink_to(ROOT / "node_modules")  # `make test` ran `npm ci`
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(source)])
    return next(out.glob("cocreate-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtualenv with the wheel (and its dependencies) installed."""
    home = tmp_path_factory.mktemp("venv") / "env"
    venv.create(home, with_pip=True)
    _run([str(home / "bin" / "pip"), "install", "--quiet", str(wheel)])
    return home


def test_the_wheel_carries_the_browser_client_and_the_package_files(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert CLIENT in names
    for needed in (
        "cocreate/formats/cocreation.json",
        "cocreate/templates/board.html",
        "cocreate/static/js/app.js",
        "cocreate/migrations/env.py",
        "cocreate/translations/nl/LC_MESSAGES/messages.po",
    ):
        assert needed in names, needed


def test_cocreate_serve_from_the_installed_wheel_runs_a_workshop(installed, tmp_path):
    python = installed / "bin" / "python"
    where = _run([str(python), "-c", "import cocreate; print(cocreate.__file__)"], cwd=tmp_path).stdout
    assert str(installed) in where  # the installed copy, not the source tree

    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("COCREATE_")}
    env.update(PORT=str(port), HOST="127.0.0.1", COCREATE_INSTANCE_PATH=str(tmp_path / "i"))
    env.pop("PYTHONPATH", None)
    log = tmp_path / "server.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [str(installed / "bin" / "cocreate"), "serve"], cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            try:
                if requests.get(url + "/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.1)  # polling for the port to open
        created = requests.post(url + "/api/workshops", json={"title": "Uit het pakket"}, timeout=10).json()
        board = requests.get(
            created["urls"]["facilitate"], timeout=10, cookies={f"cc_{created['id']}": created["facilitator_token"]}
        )
        assert board.status_code == 200 and "Uit het pakket" in board.text
        client = requests.get(url + "/static/vendor/socket.io.esm.min.js", timeout=10)
        assert client.status_code == 200 and "export" in client.text

        snapshots = []
        sio = socketio.Client(reconnection=False)
        sio.on("snapshot", snapshots.append)
        sio.connect(
            url,
            auth={"workshop": created["id"], "token": created["facilitator_token"]},
            transports=["websocket"],
            wait_timeout=10,
        )
        try:
            ack = sio.call("note:add", {"id": str(uuid.uuid4()), "step": 0, "text": "Werkt"}, timeout=10)
            assert ack["ok"] is True, ack
            assert snapshots and snapshots[0]["workshop"]["title"] == "Uit het pakket"
        finally:
            sio.disconnect()
    finally:
        server.terminate()
        server.wait(10)
