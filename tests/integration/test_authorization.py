"""Who may do what: every command and every HTTP endpoint × every kind of caller.

Callers: the facilitator, a participant, a participant of another workshop, no token,
and a forged token. Nobody reaches a facilitator action or another workshop.
"""

import pytest
import requests
import socketio

from cocreate import protocol as p
from cocreate.catalogues import catalogue

from support import Workshop, new_id

FACILITATOR_ONLY = {
    p.STEP_GO,
    p.STEP_EDIT,
    p.NOTES_REVEAL,
    p.TIMER_START,
    p.TIMER_STOP,
    p.NOTE_GROUP,
    p.NOTE_UNGROUP,
    p.VOTING_OPEN,
    p.VOTING_CLOSE,
    p.WORKSHOP_EDIT,
    p.WORKSHOP_LOCK,
    p.ACTION_RELINK,
    p.ACTION_REVIEW,
    p.CALENDAR_RELINK,
    p.SET_TABLES,
    p.TABLE_ASSIGN,
    p.TABLES_CLEAR,
    p.PROJECTOR_FOCUS,
    p.SET_SPOTLIGHT,
    p.PITCH_START,
    p.PITCH_NEXT,
    p.PITCH_STOP,
    p.ROOM_PAUSE,
    p.POINTER,
    p.SET_AGENDA,
    p.ACTION_LINK,
}  # and the action's owner: the scene's action has none
FORGED = "x" * 43


class Scene(Workshop):
    """A workshop with something to act on: notes of both people, a cluster, an action,
    voting open on step 3 and a running timer."""

    def __init__(self, server, clients):
        super().__init__(server, clients, "Sanne", title="Rechten", connect_facilitator=True)
        self.participant = self.connect("Sanne")
        self.fac_note, self.own_note, self.vote_note, self.other_vote_note = (new_id() for _ in range(4))
        self.cluster, self.action = new_id(), new_id()
        ok = [
            self.facilitator.call(p.NOTE_ADD, {"id": self.fac_note, "step": 0, "text": "F"}),
            self.participant.call(p.NOTE_ADD, {"id": self.own_note, "step": 0, "text": "S"}),
            self.participant.call(p.NOTE_ADD, {"id": self.vote_note, "step": 3, "text": "V"}),
            self.facilitator.call(p.NOTE_ADD, {"id": self.other_vote_note, "step": 3, "text": "W"}),
            self.facilitator.call(p.NOTE_GROUP, {"id": self.cluster, "title": "G", "ids": [self.fac_note]}),
            self.facilitator.call(p.ACTION_ADD, {"id": self.action, "title": "A"}),
            self.facilitator.call(p.VOTING_OPEN, {"step": 3, "budget": 3}),
            self.facilitator.call(p.TIMER_START, {"seconds": 600}),
            self.facilitator.call(p.SET_TABLES, {"count": 2, "mode": "choose"}),
        ]
        assert all(ack["ok"] for ack in ok), ok

    def payload(self, command):
        """A payload that a caller allowed to run `command` would succeed with."""
        return {
            p.NOTE_ADD: {"id": new_id(), "step": 0, "text": "Nieuw"},
            p.NOTE_EDIT: {"id": self.fac_note, "text": "Anders"},
            p.NOTE_MOVE: {"id": self.fac_note, "x": 0.5, "y": 0.5},
            p.NOTE_DRAG: {"id": self.fac_note, "x": 0.4, "y": 0.4},
            p.NOTE_REMOVE: {"id": self.fac_note},
            p.NOTE_GROUP: {"ids": [self.fac_note], "title": "Nieuwe groep"},
            p.NOTE_UNGROUP: {"id": self.cluster},
            p.VOTE_CAST: {"note_id": self.vote_note},
            p.VOTE_RETRACT: {"note_id": self.vote_note},
            p.VOTING_OPEN: {"step": 3, "budget": 4},
            p.VOTING_CLOSE: {},
            p.ACTION_ADD: {"id": new_id(), "title": "Actie"},
            p.ACTION_EDIT: {"id": self.action, "status": "done"},
            p.ACTION_REMOVE: {"id": self.action},
            p.ACTION_RELINK: {"id": self.action},
            p.ACTION_LINK: {"id": self.action},
            p.ACTION_REVIEW: {"id": self.action, "decision": "keep"},
            p.CALENDAR_RELINK: {},
            p.SET_TABLES: {"count": 2, "mode": "choose"},
            p.TABLE_CHOOSE: {"table": "t1"},
            p.TABLE_ASSIGN: {"participant": self.people["Sanne"]["participant_id"], "table": None},
            p.TABLES_CLEAR: {},
            p.PROJECTOR_FOCUS: {"table": None},
            p.SET_AGENDA: {"days": [{"start": "2026-03-10T09:00", "items": [{"step": 0, "minutes": 30}]}]},
            p.STEP_GO: {"index": 1},
            p.STEP_EDIT: {"index": 0, "title": "Nieuw"},
            p.NOTES_REVEAL: {"step": 2},
            p.TIMER_START: {"seconds": 60},
            p.TIMER_STOP: {},
            p.WORKSHOP_EDIT: {"title": "Nieuw"},
            p.WORKSHOP_LOCK: {"locked": True},
            p.PARTICIPANT_READY: {"ready": True},
            p.SET_SPOTLIGHT: {"kind": "note", "id": self.fac_note},
            p.PITCH_START: {"step": 1, "of": "participants", "order": "joined", "minutes": 2},
            p.PITCH_NEXT: {},
            p.PITCH_STOP: {},
            p.ROOM_PAUSE: {"on": True},
            p.POINTER: {"x": 0.5, "y": 0.5},
            p.SYNC: {},
        }[command]


def seq_of(client):
    return client.call(p.SYNC, {})["seq"]


@pytest.mark.parametrize("command", p.COMMANDS)
def test_the_facilitator_may_run_every_command(server, clients, command):
    scene = Scene(server, clients)
    if command == p.VOTE_RETRACT:
        assert scene.facilitator.call(p.VOTE_CAST, {"note_id": scene.vote_note})["ok"]
    facilitator = scene.facilitator
    if command == p.ACTION_REVIEW:  # reviewed where it was carried: at the next session
        facilitator = scene.follow_up().connect()
    if command == p.PITCH_NEXT:  # moves a running round on
        assert facilitator.call(p.PITCH_START, scene.payload(p.PITCH_START))["ok"]
    ack = facilitator.call(command, scene.payload(command))
    assert ack["ok"], ack


@pytest.mark.parametrize("command", p.COMMANDS)
def test_a_participant_is_refused_facilitator_commands_and_nothing_changes(server, clients, command):
    scene = Scene(server, clients)
    before = seq_of(scene.facilitator)
    payload = scene.payload(command)
    if command in (p.NOTE_EDIT, p.NOTE_MOVE, p.NOTE_REMOVE):
        payload = {**payload, "id": scene.own_note}
    if command == p.ACTION_REMOVE:
        # Not the creator and not the facilitator: refused like a facilitator command.
        ack = scene.participant.call(command, payload)
        assert ack["error"]["code"] == "forbidden"
        assert seq_of(scene.facilitator) == before
        return
    if command == p.VOTE_RETRACT:
        assert scene.participant.call(p.VOTE_CAST, {"note_id": scene.vote_note})["ok"]
        before += 1
    ack = scene.participant.call(command, payload)
    if command in FACILITATOR_ONLY:
        assert ack == {
            "ok": False,
            "error": {"code": "forbidden", "message": ack["error"]["message"], "text": ack["error"]["text"]},
        }
        assert ack["error"]["text"] in catalogue("nl").values()  # the Dutch workshop's words
        assert seq_of(scene.facilitator) == before
    else:
        assert ack["ok"], ack


@pytest.mark.parametrize("command", [p.NOTE_EDIT, p.NOTE_MOVE, p.NOTE_REMOVE])
def test_a_participant_cannot_change_someone_elses_note_except_moving_it(server, clients, command):
    scene = Scene(server, clients)
    ack = scene.participant.call(command, scene.payload(command))
    if command == p.NOTE_MOVE:
        assert ack["ok"]  # the contract lets anyone arrange the board
    else:
        assert ack["error"]["code"] == "forbidden"


@pytest.mark.parametrize("command", [c for c in p.COMMANDS if c != p.SYNC])
def test_a_participant_of_another_workshop_cannot_touch_this_one(server, clients, command):
    scene = Scene(server, clients)
    elsewhere = server.create_workshop("Elders")
    stranger = clients(server.url, elsewhere["id"], server.join(elsewhere["id"], "Vreemde")["token"])
    before = seq_of(scene.facilitator)
    stranger.call(command, scene.payload(command))
    assert seq_of(scene.facilitator) == before
    assert scene.participant.events[-1]["seq"] <= before


@pytest.mark.parametrize("token", [None, "", FORGED, "wrong-workshop"])
def test_sockets_without_a_valid_token_for_this_workshop_are_refused(server, token):
    created = server.create_workshop("Dicht")
    if token == "wrong-workshop":
        token = server.create_workshop("Ander")["facilitator_token"]
    refused = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", lambda data: refused.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            server.url, auth={"workshop": created["id"], "token": token}, transports=["websocket"], wait_timeout=5
        )
    assert refused and refused[0]["data"] == {"code": "unauthorized"}


HTTP = [
    # (method, path, expected for facilitator, participant, stranger, none, forged)
    ("GET", "/w/{id}", (200, 200, 302, 302, 302)),
    ("GET", "/w/{id}/facilitate", (200, 403, 403, 403, 403)),
    ("GET", "/w/{id}/present", (200, 200, 302, 302, 302)),
    ("GET", "/w/{id}/plan", (200, 200, 302, 302, 302)),
    ("GET", "/w/{id}/plan.md", (200, 200, 401, 401, 401)),
    ("GET", "/w/{id}/plan.csv", (200, 200, 401, 401, 401)),
    ("GET", "/w/{id}/plan.pdf", (200, 200, 401, 401, 401)),
    ("GET", "/w/{id}/plan.ics", (200, 200, 401, 401, 401)),
    ("GET", "/w/{id}/export.json", (200, 200, 401, 401, 401)),
    ("GET", "/w/{id}/draaiboek.md", (200, 403, 401, 401, 401)),
    ("GET", "/w/{id}/draaiboek.pdf", (200, 403, 401, 401, 401)),
    ("POST", "/api/workshops/{id}/facilitators", (201, 403, 401, 401, 401)),
    ("DELETE", "/api/workshops/{id}", (204, 403, 401, 401, 401)),
    # A token for this workshop, or a browser that has none yet (to the join page).
    ("GET", "/w/{id}/series", (200, 200, 401, 302, 401)),
    # The facilitator's form, sent empty: the plan page again with what is missing.
    ("POST", "/w/{id}/follow-up", (400, 403, 403, 403, 403)),
]
CALLERS = ("facilitator", "participant", "stranger", "none", "forged")


@pytest.mark.parametrize("method,path,expected", HTTP)
def test_http_endpoints_answer_each_kind_of_caller_as_expected(server, method, path, expected):
    answers = {}
    for caller in CALLERS:
        created = server.create_workshop("HTTP")
        person = server.join(created["id"], "Sanne")
        elsewhere = server.create_workshop("Elders")
        token = {
            "facilitator": created["facilitator_token"],
            "participant": person["token"],
            "stranger": server.join(elsewhere["id"], "Vreemde")["token"],
            "none": None,
            "forged": FORGED,
        }[caller]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        answer = requests.request(
            method,
            server.url + path.format(id=created["id"]),
            headers=headers,
            json={} if method == "POST" else None,
            allow_redirects=False,
            timeout=30,
        )
        answers[caller] = answer.status_code
        assert "Traceback" not in answer.text
    assert answers == dict(zip(CALLERS, expected))
