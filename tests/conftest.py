"""Shared fixtures: the Flask app in this process (`app`, `client`, `runner`), a real
cocreate server in a subprocess, and recording socket clients (see support.py)."""

import os
import subprocess
import sys

import pytest

from cocreate import create_app
from support import ROOT, AppClient, Client, LiveServer, Viewer

# Real Redis, PostgreSQL, nginx and clusters of cocreate processes (tests/cluster.py).
pytest_plugins = ["cluster"]


# -- the app in this process, for tests of plain HTTP -------------------------------------


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """`make_app(**config)`: the Flask app with these settings and a database of this
    test's own."""
    monkeypatch.setenv("COCREATE_INSTANCE_PATH", str(tmp_path))  # translations go here too
    made = []

    def make(**config):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'cocreate.sqlite3'}", **config})
        app.test_client_class = AppClient
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["cocreate.store"].close()


@pytest.fixture
def app(make_app):
    """The Flask app with the default settings and a database of this test's own."""
    return make_app()


@pytest.fixture
def client(app):
    """Flask's test client of `app`, with `create_workshop` and `join`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """`runner(*args)`: `cocreate <args>` in a subprocess on `app`'s database, as cron
    would run it; returns what it printed."""

    def run(*args):
        env = {**os.environ, "COCREATE_INSTANCE_PATH": app.instance_path, "DATABASE_URL": app.config["DATABASE_URL"]}
        done = subprocess.run(
            [sys.executable, "-m", "cocreate", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    return run


# -- live servers ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One live server shared by tests that each create their own workshop."""
    # Hundreds of tests share this server from one address; limits get their own test.
    live = LiveServer(
        tmp_path_factory.mktemp("server"),
        env={
            "COCREATE_JOIN_GUESS_LIMIT": "100000 per minute",
            "COCREATE_CREATE_LIMIT": "100000 per hour",
            "COCREATE_JOIN_LIMIT": "100000 per minute",
            "COCREATE_WORKSHOP_JOIN_LIMIT": "100000 per minute",
            "COCREATE_UPDATE_LIMIT": "100000 per minute",
            "COCREATE_LINK_LIMIT": "100000 per minute",
        },
    ).start()
    yield live
    live.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A live server of this test's own, for tests that kill or restart it."""
    live = LiveServer(tmp_path / "instance").start()
    yield live
    live.stop()


@pytest.fixture
def start_server(tmp_path):
    """`start_server(**env)`: a live server of this test's own with these settings."""
    started = []

    def start(**env):
        started.append(LiveServer(tmp_path / f"server-{len(started)}", env=env).start())
        return started[-1]

    yield start
    for live in started:
        live.stop()


# -- socket clients ----------------------------------------------------------------------


def _client_factory(kind=Client):
    """A `connect(url, workshop_id, token)` function and the clients it made."""
    made = []

    def connect(url, workshop_id, token):
        client = kind(url, workshop_id, token).connect()
        made.append(client)
        return client

    return connect, made


@pytest.fixture
def clients():
    """A factory of connected clients, all closed after the test."""
    connect, made = _client_factory()
    yield connect
    for client in made:
        client.close()


@pytest.fixture
def viewers():
    """A factory of connected Viewers (clients that reconnect and resync as the board page
    does), all closed after the test."""
    connect, made = _client_factory(Viewer)
    yield connect
    for client in made:
        client.close()


@pytest.fixture(scope="module")
def module_clients():
    """Like `clients`, but the clients stay connected until the end of the test module."""
    connect, made = _client_factory()
    yield connect
    for client in made:
        client.close()
