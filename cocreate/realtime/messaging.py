"""The Socket.IO message queue (Redis) that lets several server processes share workshops.

Every process delivers the events in the one order Redis received them, which is the
workshop's `seq` order; the same messages carry each change to the other processes'
cached copies (docs/realtime.md).
"""

import contextlib
import logging
import threading
import uuid

import redis
import socketio
from redis.backoff import NoBackoff
from redis.retry import Retry

from . import packets

log = logging.getLogger(__name__)

CHANNEL = "flask-socketio"  # Flask-SocketIO's default channel
CHANGED = "cocreate:changed"  # the method of a change told to the other processes
# Publishing runs under a workshop's lock: when Redis is away, fail at once (one quick
# try again, for a connection Redis closed while it restarted) rather than back off.
PUBLISH_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "retry": Retry(NoBackoff(), 1)}
# The listener waits for messages for ever; it notices a closed connection at once.
LISTEN_OPTIONS = {"socket_connect_timeout": 2, "socket_keepalive": True, "retry": Retry(NoBackoff(), 0)}
RETRY_FIRST, RETRY_MAX = 0.5, 5.0  # seconds between the listener's attempts to subscribe


def redis_client(url):
    """A Redis client for quick commands that fails fast while Redis is away."""
    return redis.Redis.from_url(url, **PUBLISH_OPTIONS)


def client_manager(url):
    """The client manager for `COCREATE_MESSAGE_QUEUE`, or None for one process alone.

    Redis gets the ordered manager; any other queue URL gets what Flask-SocketIO
    would choose for it.
    """
    if not url:
        return None
    if url.startswith(("redis://", "rediss://", "unix://")):
        # Its messages are encoded as the clients' packets are (`packets`: orjson).
        return OrderedRedisManager(url, channel=CHANNEL, redis_options=dict(PUBLISH_OPTIONS), json=packets)
    if url.startswith("kafka://"):
        return socketio.KafkaManager(url, channel=CHANNEL)
    if url.startswith("zmq"):
        return socketio.ZmqManager(url, channel=CHANNEL)
    return socketio.KombuManager(url, channel=CHANNEL)


class OrderedRedisManager(socketio.RedisManager):
    """A Redis manager whose own emits reach its own clients through Redis as well.

    python-socketio subscribes to Redis only when the first client connects, and
    the subscription can be lost; until Redis has confirmed it, this process
    delivers its emits the usual way (its own clients at once), so no message is
    lost to a subscription that is not there.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Not `host_id`: the listener skips messages carrying its own host id.
        self.relay_id = uuid.uuid4().hex
        self.subscribed = False
        self.reachable = True
        self.on_rejoin = None  # called when subscribed again after losing Redis
        self.on_change = None  # called with each change another process told
        self._along = threading.local()  # the change this thread's next emit carries

    def _publish(self, data):
        """Publish; the number of processes that heard it, or None when Redis is away."""
        try:
            if not self.connected:
                self._redis_connect()
            return self.redis.publish(self.channel, self.json.dumps(data))
        except redis.RedisError as error:
            self.connected = False
            self._lost(error)
            return None

    def _listen(self):
        """Messages from Redis for ever: after a lost connection, subscribe again."""
        channel = self.channel.encode("utf-8")
        pause = RETRY_FIRST
        while True:
            listener = redis.Redis.from_url(self.redis_url, **LISTEN_OPTIONS).pubsub()
            try:
                listener.subscribe(self.channel)
                for message in listener.listen():
                    if message["type"] == "subscribe":
                        self._joined()
                        pause = RETRY_FIRST
                    elif message["type"] == "message" and message["channel"] == channel:
                        data = self._read(message["data"])
                        if data.get("method") == CHANGED:
                            told = data
                        else:
                            yield data  # python-socketio delivers the events first
                            told = data.get(CHANGED)
                        if isinstance(told, dict) and self.on_change and data.get("host_id") != self.relay_id:
                            self.on_change(told)
            except redis.RedisError as error:
                self._lost(error)
            finally:
                listener.close()
            self.server.sleep(pause)
            pause = min(2 * pause, RETRY_MAX)

    def _read(self, raw):
        try:
            data = self.json.loads(raw)
        except ValueError:
            return {}  # not ours: python-socketio would drop it too
        return data if isinstance(data, dict) else {}

    def tell_peers(self, message):
        """Tell the other processes about a change (`store/mirror.py`); Redis being away
        only means they read the workshop again when they need it."""
        self._publish({**message, "method": CHANGED, "host_id": self.relay_id})

    @contextlib.contextmanager
    def telling(self, message):
        """Inside, the first emit this thread publishes carries `message`, a change told to
        the other processes: one message through Redis rather than two, on every change.
        When no emit carried it (nothing published, or Redis away), it is told on its own."""
        self._along.message = message
        try:
            yield
        finally:
            left, self._along.message = self._along.message, None
        if left is not None:
            self.tell_peers(left)

    def _lost(self, error):
        self.subscribed = False
        if self.reachable:
            self.reachable = False
            log.warning(
                "cocreate: the Redis message queue is unreachable (%s); each process "
                "serves its own viewers until it is back",
                error,
            )

    def _joined(self):
        self.subscribed = True
        if not self.reachable:
            self.reachable = True
            log.warning("cocreate: the Redis message queue is back; viewers get fresh snapshots")
        if self.on_rejoin is not None:
            self.server.start_background_task(self.on_rejoin)

    def emit(self, event, data, namespace=None, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        """Publish the emit; every process delivers it when it comes back from Redis."""
        room = to or room
        if callback is not None or kwargs.get("ignore_queue") or self.write_only or not self.subscribed:
            return super().emit(
                event, data, namespace=namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
        data = list(data) if isinstance(data, tuple) else [data]
        # Never binary: cocreate sends only JSON-able values (`packets.Packet`).
        message = {
            "method": "emit",
            "event": event,
            "data": data,
            "binary": False,
            "namespace": namespace or "/",
            "room": room,
            "skip_sid": skip_sid,
            "callback": None,
            "host_id": self.relay_id,
        }
        told = getattr(self._along, "message", None)
        if told is not None:
            message[CHANGED], self._along.message = told, None
        if not self._publish(message):
            # Redis is away, or nobody (this process included) is subscribed right now:
            # at least this process's clients.
            self._handle_emit(message)
