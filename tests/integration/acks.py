"""Assertions on command acks that the integration tests share."""


def ok(ack):
    """The ack of a command that must succeed."""
    assert ack["ok"] is True, ack
    return ack


def refused(ack, code):
    """The error of a command that must be refused with `code`."""
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    return ack["error"]
