"""How this process keeps up with the others (Redis): it runs their changes on its cached
workshops, and sends its viewers fresh snapshots after the message queue was away.
"""

import logging

from engineio.exceptions import SocketIsClosedError

from . import presence
from .. import protocol as p
from ..access import store_of
from .broadcast import connections
from ..domain import DomainError
from ..extensions import socketio

log = logging.getLogger(__name__)


def init_app(app):
    """Catch up whenever the Redis message queue's listener has subscribed again, and
    keep the store's cached workshops current with the other processes' changes."""
    manager = socketio.server.manager
    if hasattr(manager, "on_rejoin"):
        manager.on_rejoin = lambda: catch_up(app)
        workshops = store_of(app)
        workshops.tell = manager.tell_peers
        workshops.telling = manager.telling
        manager.on_change = workshops.hear


def catch_up(app):
    """A fresh snapshot for every viewer of this process, and presence told again."""
    with app.app_context():
        workshops = store_of(app)
        for sid, connection in list(connections.items()):
            try:
                workshops.snapshot(
                    connection.workshop_id,
                    connection.participant_id,
                    deliver=lambda view, sid=sid: _send(sid, view),
                    decorate=connection.links,
                )
            except DomainError:
                continue  # the workshop was deleted meanwhile
            except Exception as error:
                if not workshops.unreachable(error):
                    raise
                return  # the database is away too: viewers resynchronise on their next gap
        presence.refresh({connection.workshop_id for connection in list(connections.values())})


def _send(sid, snapshot):
    try:
        socketio.emit(p.SNAPSHOT, snapshot, to=sid)
    except SocketIsClosedError:
        pass  # that viewer left meanwhile
