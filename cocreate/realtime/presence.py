"""Who is online in a workshop, across server processes.

Alone, a process's own sockets are the list; with Redis each process keeps its share
there, and a process whose heartbeat expired loses its shares. (Dis)connections close
together make one presence message (docs/realtime.md).
"""

import json
import logging
import secrets
import threading

from flask import current_app

from .broadcast import online_here, send_presence
from ..extensions import socketio
from .messaging import redis_client

log = logging.getLogger(__name__)

EXTENSION = "cocreate.presence"
PREFIX = "cocreate:presence"
DEFAULT_TTL = 15  # seconds a process counts as alive after its last heartbeat
SHARE_TTL = 24 * 60 * 60  # a workshop's shares vanish a day after its last (dis)connect
LOCK_TIMEOUT = 5
GATHER = 0.05  # seconds (`COCREATE_PRESENCE_GATHER`)

_gathering = set()  # workshops whose presence message is about to go
_gathering_lock = threading.Lock()


def init_app(app):
    """Share presence through Redis when the message queue is Redis."""
    queue = app.config.get("MESSAGE_QUEUE")
    if isinstance(queue, str) and queue.startswith(("redis://", "rediss://", "unix://")):
        shared = SharedPresence(queue, int(app.config.get("PRESENCE_TTL") or DEFAULT_TTL))
        app.extensions[EXTENSION] = shared
        shared.start()


def refresh(workshop_ids):
    """After Redis was away (a restarted Redis has forgotten everything): count this
    process as alive again and tell each workshop's room who is online."""
    shared = current_app.extensions.get(EXTENSION)
    if shared is not None:
        shared.beat()
    for workshop_id in workshop_ids:
        announce(workshop_id)


def announce(workshop_id):
    """Tell the workshop's room who is online, GATHER seconds from now (one message for
    every (dis)connection until then)."""
    with _gathering_lock:
        if workshop_id in _gathering:
            return
        _gathering.add(workshop_id)
    app = current_app._get_current_object()
    socketio.start_background_task(
        _announce_gathered, app, workshop_id, float(app.config.get("PRESENCE_GATHER") or GATHER)
    )


def _announce_gathered(app, workshop_id, seconds):
    socketio.sleep(seconds)
    with _gathering_lock:
        _gathering.discard(workshop_id)  # a (dis)connection from now on announces again
    with app.app_context():
        try:
            announce_now(workshop_id)
        except Exception:
            log.exception("presence: announcing failed")


def announce_now(workshop_id):
    """Tell the workshop's room who is online (here and, with Redis, in other processes)."""
    shared = current_app.extensions.get(EXTENSION)
    if shared is None:
        send_presence(workshop_id, online_here(workshop_id))
    else:
        shared.announce(workshop_id)


class SharedPresence:
    """Per-process shares of each workshop's online list, in Redis."""

    def __init__(self, url, ttl=DEFAULT_TTL):
        import redis  # only needed with the Redis queue

        self.redis = redis_client(url)
        self.errors = redis.RedisError
        self.ttl = max(1, ttl)
        self.server = secrets.token_hex(8)
        self.reachable = True

    def _key(self, *parts):
        return ":".join((PREFIX, *parts))

    def start(self):
        """Beat once now (so this process counts as alive), then in the background."""
        self.beat()  # Redis may come up later; the background beat tries again
        socketio.start_background_task(self._run)

    def beat(self):
        """Count this process as alive for `ttl` seconds more; False when Redis is away."""
        try:
            self._beat()
        except self.errors as error:
            self._lost(error)
            return False
        self.reachable = True
        return True

    def _lost(self, error):
        if self.reachable:  # one line for each time Redis goes away
            self.reachable = False
            log.warning(
                "cocreate: presence: Redis is unreachable (%s); each process lists its own viewers until it is back",
                error,
            )

    def announce(self, workshop_id):
        """Store this process's share and send the union; falls back to the share alone.

        The share is read under the lock: a (dis)connection after that announces again,
        after this, so the last share stored is the latest.
        """
        try:
            with self.redis.lock(self._key("lock", workshop_id), timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT):
                local_online = online_here(workshop_id)
                shares = self._key("workshop", workshop_id)
                with self.redis.pipeline() as pipe:
                    if local_online:
                        pipe.hset(shares, self.server, json.dumps(sorted(local_online)))
                    else:
                        pipe.hdel(shares, self.server)
                    pipe.expire(shares, SHARE_TTL)
                    pipe.sadd(self._key("server", self.server, "workshops"), workshop_id)
                    pipe.expire(self._key("server", self.server, "workshops"), SHARE_TTL)
                    pipe.execute()
                # Sent while holding the lock: the last message carries the latest state.
                send_presence(workshop_id, self._union(workshop_id))
        except self.errors as error:
            self._lost(error)
            send_presence(workshop_id, online_here(workshop_id))

    def _union(self, workshop_id):
        """Everyone online in the shares of live processes; dead processes' shares go."""
        shares_key = self._key("workshop", workshop_id)
        shares = {server.decode(): json.loads(online) for server, online in self.redis.hgetall(shares_key).items()}
        if not shares:
            return []
        servers = list(shares)
        alive = self.redis.mget([self._key("server", server) for server in servers])
        dead = [server for server, beat in zip(servers, alive) if beat is None]
        if dead:
            self.redis.hdel(shares_key, *dead)
        return sorted({person for server, online in shares.items() if server not in dead for person in online})

    def _beat(self):
        with self.redis.pipeline() as pipe:
            pipe.set(self._key("server", self.server), 1, ex=self.ttl)
            pipe.sadd(self._key("servers"), self.server)
            pipe.execute()

    def _sweep(self):
        """Drop the shares of processes whose heartbeat expired, and tell their rooms."""
        for raw in self.redis.smembers(self._key("servers")):
            server = raw.decode()
            if server == self.server or self.redis.exists(self._key("server", server)):
                continue
            workshops_key = self._key("server", server, "workshops")
            for workshop_id in self.redis.smembers(workshops_key):
                workshop_id = workshop_id.decode()
                with self.redis.lock(
                    self._key("lock", workshop_id), timeout=LOCK_TIMEOUT, blocking_timeout=LOCK_TIMEOUT
                ):
                    if self.redis.hdel(self._key("workshop", workshop_id), server):
                        send_presence(workshop_id, self._union(workshop_id))
            self.redis.delete(workshops_key)
            self.redis.srem(self._key("servers"), server)

    def _run(self):
        while True:
            socketio.sleep(self.ttl / 3)
            try:
                if self.beat():
                    self._sweep()
            except self.errors as error:  # keep beating through a Redis hiccup
                self._lost(error)
            except Exception:
                log.exception("presence: heartbeat failed")
