"""Random and hostile payloads (hypothesis) for every command and JSON endpoint.

None produces a 500, an unhandled exception or a stored change: each gets an error code.
"""

import pytest
import requests
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from cocreate import protocol as p
from cocreate.realtime.commands import SCHEMAS as COMMAND_SCHEMAS

from support import LiveServer

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
    | st.sampled_from(["", "0", "-1", "NaN", "<script>", "a" * 10_000, "\x00", "ü"])
)
JSON = st.recursive(
    LEAVES,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=15,
)


def hostile(command):
    """Dicts using the command's own field names (and some junk) with random values."""
    names = sorted(COMMAND_SCHEMAS[command].fields) + ["zz", "__proto__", "constructor"]
    return st.dictionaries(st.sampled_from(names), JSON, max_size=len(names)) | JSON


@pytest.fixture(scope="module")
def roomy_server(tmp_path_factory):
    """A server whose per-socket limits let thousands of fuzzed commands through quickly."""
    live = LiveServer(
        tmp_path_factory.mktemp("fuzz"),
        env={
            "COCREATE_COMMAND_BURST": "100000",
            "COCREATE_COMMAND_RATE": "100000",
            "COCREATE_MOVE_BURST": "100000",
            "COCREATE_MOVE_RATE": "100000",
            "COCREATE_JOIN_GUESS_LIMIT": "100000 per minute",
            "COCREATE_CREATE_LIMIT": "100000 per hour",
        },
    ).start()
    yield live
    live.stop()
    assert "Traceback" not in live.log()


@pytest.fixture(scope="module")
def fuzzer(roomy_server):
    """A participant socket in a workshop with a note, so fuzzed ids sometimes hit."""
    created = roomy_server.create_workshop("Fuzz")
    person = roomy_server.join(created["id"], "Fuzzer")
    client = socketio.Client(reconnection=False)
    client.connect(
        roomy_server.url,
        auth={"workshop": created["id"], "token": person["token"]},
        transports=["websocket"],
        wait_timeout=10,
    )
    yield client
    client.disconnect()


def valid(command, payload):
    try:
        COMMAND_SCHEMAS[command].load(payload)
        return True
    except ValidationError:
        return False


@pytest.mark.parametrize("command", [c for c in p.COMMANDS if c != p.SYNC])
def test_fuzzed_commands_get_an_error_code_and_store_nothing(fuzzer, command):
    @SETTINGS
    @given(payload=hostile(command))
    def run(payload):
        before = fuzzer.call(p.SYNC, {}, timeout=10)["seq"]
        ack = fuzzer.call(command, payload, timeout=10)
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool)
        if ack["ok"]:
            assert valid(command, payload)
        else:
            assert ack["error"]["code"] in p.ERROR_CODES
            assert ack["error"]["code"] != "internal"
            assert fuzzer.call(p.SYNC, {}, timeout=10)["seq"] == before

    run()


@pytest.mark.parametrize(
    "path",
    ["/api/workshops", "/api/workshops/import", "/api/workshops/{id}/participants", "/api/workshops/{id}/facilitators"],
)
def test_fuzzed_json_bodies_never_cause_a_server_error(roomy_server, path):
    created = roomy_server.create_workshop("Fuzz HTTP")
    url = roomy_server.url + path.format(id=created["id"])
    headers = {"Authorization": f"Bearer {created['facilitator_token']}"}

    @SETTINGS
    @given(body=JSON)
    def run(body):
        answer = requests.post(url, json=body, headers=headers, timeout=30)
        assert answer.status_code < 500, answer.text
        if answer.status_code >= 400:
            assert answer.json()["error"]["code"] in p.ERROR_CODES + ("method_not_allowed",)

    run()


@pytest.mark.parametrize(
    "raw", [b"", b"{", b"[1,2", b"\xff\xfe", b"null", b"1e999", b'{"title": NaN}', b'"' + b"a" * 100 + b'"']
)
def test_broken_json_bodies_get_a_clear_error(roomy_server, raw):
    answer = requests.post(
        roomy_server.url + "/api/workshops", data=raw, headers={"Content-Type": "application/json"}, timeout=10
    )
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "invalid"
