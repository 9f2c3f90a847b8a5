"""The Socket.IO message queue that lets several server processes share workshops.

python-socketio hands an emit to the emitting process's own clients at once and
to the other processes through the queue, so the events of two processes can
reach the clients of one process in a different order than they reach another's.
With Redis, `OrderedRedisManager` sends this process's emits through Redis too,
and every process, this one included, delivers them in the one order Redis
received them. The store publishes a workshop's events under a lock shared by
all processes (see `store/locking.py`), so that order is the workshop's `seq` order.
"""

import base64
import uuid

import socketio
from socketio.packet import Packet

CHANNEL = "flask-socketio"  # Flask-SocketIO's default channel


def client_manager(url):
    """The client manager for `COCREATE_MESSAGE_QUEUE`, or None for one process alone.

    Redis gets the ordered manager; any other queue URL gets what Flask-SocketIO
    would choose for it.
    """
    if not url:
        return None
    if url.startswith(("redis://", "rediss://", "unix://")):
        return OrderedRedisManager(url, channel=CHANNEL)
    if url.startswith("kafka://"):
        return socketio.KafkaManager(url, channel=CHANNEL)
    if url.startswith("zmq"):
        return socketio.ZmqManager(url, channel=CHANNEL)
    return socketio.KombuManager(url, channel=CHANNEL)


class OrderedRedisManager(socketio.RedisManager):
    """A Redis manager whose own emits reach its own clients through Redis as well.

    python-socketio subscribes to Redis only when the first client connects; until
    this process has heard back its own probe message, it delivers its emits the
    usual way (its own clients at once), so no message is lost to a subscription
    that is not there yet.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not `host_id`: the listener skips messages carrying its own host id.
        self.relay_id = uuid.uuid4().hex
        self.probe_room = f"cocreate:probe:{self.relay_id}"
        self.subscribed = False

    def initialize(self):
        super().initialize()
        if not self.write_only:
            self.server.start_background_task(self._probe)

    def _probe(self):
        pause = 0.02
        while not self.subscribed:
            self._publish({"method": "emit", "event": "probe", "data": [None],
                           "binary": False, "namespace": "/", "room": self.probe_room,
                           "skip_sid": None, "callback": None, "host_id": self.relay_id})
            self.server.sleep(pause)
            pause = min(pause * 2, 2.0)

    def _handle_emit(self, message):
        if message.get("room") == self.probe_room:
            self.subscribed = True
            return
        super()._handle_emit(message)

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None,
             to=None, **kwargs):
        """Publish the emit; every process delivers it when it comes back from Redis."""
        room = to or room
        if (callback is not None or kwargs.get("ignore_queue") or self.write_only
                or not self.subscribed):
            return super().emit(event, data, namespace=namespace, room=room,
                                skip_sid=skip_sid, callback=callback, **kwargs)
        data = list(data) if isinstance(data, tuple) else [data]
        binary = Packet.data_is_binary(data)
        if binary:
            data, attachments = Packet.deconstruct_binary(data)
            data = [data, *[base64.b64encode(a).decode() for a in attachments]]
        message = {"method": "emit", "event": event, "data": data, "binary": binary,
                   "namespace": namespace or "/", "room": room, "skip_sid": skip_sid,
                   "callback": None, "host_id": self.relay_id}
        if self._publish(message) is None:
            # Redis is unreachable (already logged): at least this process's clients.
            self._handle_emit(message)
