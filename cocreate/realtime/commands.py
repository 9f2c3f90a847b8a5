"""Every command from its one declaration, run by one path: rate bucket → schema → runner → ack.

The domain's nouns declare most commands (`domain.DECLARED`); the ones only the socket
layer answers are declared beside their runners: the drag and the pointer in `dragging`,
`sync` and `action:link` here.
"""

import logging

from marshmallow import ValidationError
from werkzeug.wrappers import Request

from .. import protocol as p
from .. import schemas
from ..domain import DECLARED as DOMAIN_COMMANDS
from ..domain import DomainError
from ..extensions import socketio
from ..i18n import choose_language
from ..protocol import Command
from ..store import RETRY_AFTER, UNAVAILABLE
from . import dragging
from .broadcast import connections, publish
from .sockets import Sender

log = logging.getLogger(__name__)


def language_of(sid):
    """The interface language of socket `sid`'s viewer: chosen when it connected, else as
    its handshake (the page's cookie) says."""
    connection = connections.get(sid)
    if connection is not None:
        return connection.language
    return choose_language(asking=Request(socketio.server.get_environ(sid) or {}))


def failure(sid, code, message, *, key, values=None, **extra):
    """A refusing ack of the socket layer itself, its `text` in the viewer's language."""
    return DomainError(code, message, key=key, values=values, **extra).ack(language_of(sid))


def execute(sender, command, payload):
    """A command answered with the domain's events: stored, then sent to the room in `seq`
    order; the ack carries the new `seq`."""
    connection = sender.connection
    _events, seq = sender.workshops.execute(
        connection.workshop_id, connection.participant_id, command.name, payload, publish
    )
    return {"ok": True, "seq": seq}


def sync(sender, _command, _payload):
    """`sync`: a fresh snapshot, in the ack, for a client that saw a gap in `seq`."""
    connection = sender.connection
    snap = sender.workshops.snapshot(connection.workshop_id, connection.participant_id, decorate=connection.links)
    return {"ok": True, "seq": snap["seq"], "snapshot": snap}


def update_link(sender, _command, payload):
    """`action:link`: the action's update link for the facilitator or its owner, in the ack
    alone, so that it appears as the action is handed over and reaches nobody else."""
    connection, action_id = sender.connection, payload["id"]
    workshop = sender.workshops.workshop(connection.workshop_id)
    action = workshop.actions.get(action_id)
    if action is None or action.removed:
        raise DomainError("not_found", "Action not found.", key="refusal_action_gone")
    view = connection.links(
        {"actions": [{"id": action_id}]}, workshop, workshop.participants[connection.participant_id]
    )
    link = view["actions"][0].get("update_url")
    if link is None:
        raise DomainError(
            "forbidden", "Only the facilitator and the action's owner get its link.", key="refusal_update_link_owner"
        )
    return {"ok": True, "id": action_id, "update_url": link}


COMMANDS = (
    Command(p.SYNC, "Empty", sync, delivery=p.LIVE, answer=p.ACK),
    Command(p.ACTION_LINK, "ById", update_link, delivery=p.LIVE, answer=p.ACK),
)

ALL = (*DOMAIN_COMMANDS, *dragging.COMMANDS, *COMMANDS)
DECLARED = {command.name: command for command in ALL}
SCHEMAS = {command.name: getattr(schemas, command.schema)() for command in ALL}
# The domain's commands run through the store; the socket layer's run themselves.
RUNNERS = {command.name: {p.EVENTS: execute, p.DROP: dragging.drop}.get(command.answer, command.run) for command in ALL}


def answer(workshops, holds, sid, name, args):
    """The ack for command `name` with `args` from socket `sid`."""
    connection = connections.get(sid)
    if connection is None:
        raise DomainError("unauthorized", "Not connected to a workshop.", key="error_unauthorized")
    command = DECLARED[name]
    if not connection.admits(command.bucket):
        if connection.strike(command.bucket):
            socketio.server.disconnect(sid)
        raise DomainError("rate_limited", "Too many messages; slow down a little.", key="error_rate_limited")
    try:
        payload = SCHEMAS[name].load(args[0] if len(args) == 1 else ({} if not args else args))
    except ValidationError as err:
        raise DomainError("invalid", "Some fields are not right.", err.messages, key="refusal_fields") from None
    return RUNNERS[name](Sender(workshops, holds, connection, sid), command, payload)


def handler(workshops, holds, name):
    """The Socket.IO handler of command `name`: its ack, whatever happens."""

    def handle(sid, *args):
        try:
            return answer(workshops, holds, sid, name, args)
        except DomainError as refused:
            return refused.ack(language_of(sid))
        except Exception as error:
            if workshops.unreachable(error):
                # Nothing was stored: the same command may follow.
                return failure(sid, "unavailable", UNAVAILABLE, key="error_unavailable", retry_after=RETRY_AFTER)
            log.exception("command %s failed", name)
            return failure(sid, "internal", "Something went wrong on the server.", key="error_internal")

    handle.__name__ = "on_" + name.replace(":", "_")
    return handle
