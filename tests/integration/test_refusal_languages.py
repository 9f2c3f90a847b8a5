"""A refused command reaches the person in their interface language: the ack's `text`, chosen
as the page chose its language (the person's cookie, else the workshop's), beside the English
`message`."""

import socketio

from cocreate import protocol as p
from cocreate.catalogues import catalogue
from support import PLATFORM, WAIT_TIMEOUT, Client, Workshop, add_note, ok, refused


class ChosenLanguageClient(Client):
    """A socket from a browser that picked `language` on a page (the `cc_lang` cookie)."""

    def __init__(self, url, workshop_id, token, language):
        self.language = language
        super().__init__(url, workshop_id, token, socketio.Client(reconnection=False))

    def connect(self):
        """Connect with the language cookie and wait for the first snapshot."""
        self.sio.connect(
            self.url,
            auth={"workshop": self.workshop_id, "token": self.token},
            headers={"Cookie": f"cc_lang={self.language}"},
            transports=["websocket"],
            wait_timeout=WAIT_TIMEOUT,
        )
        self.wait_for(lambda: self.snapshots)
        return self


def over_budget(client, note_id):
    """The refusal of a dot past the budget of one."""
    ok(client.call(p.VOTE_CAST, {"note_id": note_id}))
    error = refused(client.call(p.VOTE_CAST, {"note_id": note_id}), "budget_exceeded")
    assert error["message"] == "You have used all your dots."
    return error["text"]


def test_a_vote_past_the_budget_is_refused_in_the_voters_language(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", title="Stemmen", connect_facilitator=True)
    note_id, _ = add_note(room.facilitator, PLATFORM, "Open agenda")
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 1}))
    ann = room.connect("Ann")  # a Dutch workshop, nobody chose otherwise
    bob = ChosenLanguageClient(server.url, room.id, room.token("Bob"), "en").connect()
    try:
        assert over_budget(ann, note_id) == catalogue("nl")["refusal_dots_used"]
        assert over_budget(bob, note_id) == catalogue("en")["refusal_dots_used"]
    finally:
        bob.close()


def test_an_english_workshop_refuses_in_english_unless_the_person_chose_dutch(server, clients):
    room = Workshop(server, clients, "Ann", "Bob", title="Voting", language="en", connect_facilitator=True)
    note_id, _ = add_note(room.facilitator, PLATFORM, "Open agenda")
    ok(room.facilitator.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": 1}))
    ann = room.connect("Ann")
    bob = ChosenLanguageClient(server.url, room.id, room.token("Bob"), "nl").connect()
    try:
        assert over_budget(ann, note_id) == catalogue("en")["refusal_dots_used"]
        assert over_budget(bob, note_id) == catalogue("nl")["refusal_dots_used"]
    finally:
        bob.close()


def test_the_socket_layers_own_refusals_are_translated_too(server, clients):
    room = Workshop(server, clients, "Ann", title="Teamdag")
    ann = room.connect("Ann")
    error = refused(ann.call(p.VOTING_OPEN, {"step": PLATFORM, "budget": "veel"}), "invalid")
    assert error["message"] == "Some fields are not right."
    assert error["text"] == catalogue("nl")["refusal_fields"]
    error = refused(ann.call("note:shout", {}), "unknown_command")
    assert error["text"] == catalogue("nl")["refusal_unknown_command"].format(command="note:shout")
    error = refused(ann.call(p.POINTER, {"x": 0.5, "y": 0.5}), "forbidden")
    assert error["text"] == catalogue("nl")["error_forbidden"]
