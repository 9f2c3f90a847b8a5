"""cocreate: a real-time board for co-creation workshops.

Nothing is imported at package level, so `cocreate serve` can monkey-patch for
eventlet or gevent before Flask, sockets or threads are touched.
"""

import os

SOCKET_BUFFER = 64 * 1024


def create_app(test_config=None):
    """The Flask app with its store and Socket.IO bound; settings from `COCREATE_*` env vars."""
    from flask import Flask, request

    from .links import redacted

    class Cocreate(Flask):
        def log_exception(self, exc_info):
            """Flask's log line of a failed request, without the secret in its address."""
            self.logger.error(f"Exception on {redacted(request.path)} [{request.method}]", exc_info=exc_info)

    from werkzeug.middleware.proxy_fix import ProxyFix

    from .extensions import limiter, socketio
    from .realtime import messaging
    from .store import Store

    app = Cocreate(
        __name__, instance_relative_config=True, instance_path=os.environ.get("COCREATE_INSTANCE_PATH") or None
    )
    app.config.from_mapping(
        DATABASE_URL=os.environ.get("DATABASE_URL"),
        ASYNC_MODE="threading",
        MESSAGE_QUEUE=None,
        ALLOWED_ORIGINS=None,
        SECURE_COOKIES=False,
        MAX_CONTENT_LENGTH=1024 * 1024,
        # Failed join-code look-ups per client address; right codes are never limited.
        JOIN_GUESS_LIMIT="60 per minute",
        # Per socket: a burst of commands, then so many a second; note moves apart.
        COMMAND_BURST=20,
        COMMAND_RATE=5.0,
        MOVE_BURST=40,
        MOVE_RATE=20.0,
        # Drag frames come ~30 a second while someone drags a note.
        DRAG_BURST=60,
        DRAG_RATE=45.0,
        # Seconds a dragged note stays held after the dragger's last frame.
        DRAG_HOLD=3.0,
        # More refused messages than this within the window (seconds) disconnect a socket.
        STRIKE_LIMIT=50,
        STRIKE_WINDOW=60.0,
        CREATE_LIMIT="60 per hour",
        # Joins per address and per workshop: a room behind one address gets in at once,
        # a script making hundreds of participants a second does not.
        JOIN_LIMIT="100 per minute",
        WORKSHOP_JOIN_LIMIT="300 per minute",
        # An owner's update link: updates per link, and requests for links per address.
        UPDATE_LIMIT="20 per minute",
        LINK_LIMIT="120 per minute",
        # Reverse proxies in front (nginx: 1) whose X-Forwarded-For/-Proto/-Host to trust.
        PROXIES=0,
        # The address participants use, when this server knows it (a hosted installation).
        PUBLIC_URL=None,
        # Names besides it, loopback and this machine's own that requests may be for
        # (comma-separated; ".example.org" takes its subdomains too).
        ALLOWED_HOSTS="",
        # Where `cocreate serve` listens: join links pick the room's address from it.
        LISTEN_HOST=os.environ.get("HOST", "127.0.0.1"),
        # What `cocreate serve` bounds for one device on the room's network (docs/deploy.md):
        # connections served at once, those one address may hold (not this machine's own:
        # a reverse proxy or the benchmark), seconds one read or write may wait.
        CONNECTIONS=1024,
        CONNECTIONS_PER_ADDRESS=64,
        UNCAPPED_ADDRESSES="127.0.0.1,::1",
        SOCKET_TIMEOUT=60,
    )
    app.config.from_prefixed_env("COCREATE")
    if test_config:
        app.config.update(test_config)
    # JSON in pages (a board page's strings) without spaces: every board page carries it.
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False}
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "cocreate.sqlite3")
    app.extensions["cocreate.store"] = Store(app.config["DATABASE_URL"])
    from .links import secret_key

    app.extensions["cocreate.secret"] = secret_key(app.config, app.instance_path)

    from . import realtime, web

    app.register_blueprint(web.bp)
    queue = app.config["MESSAGE_QUEUE"]
    if isinstance(queue, str) and queue.startswith("redis"):
        app.config.setdefault("RATELIMIT_STORAGE_URI", queue)
        # While Redis is away each process counts in its own memory, failing fast.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", dict(messaging.PUBLISH_OPTIONS))
    else:
        app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    origins = app.config["ALLOWED_ORIGINS"]
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["MESSAGE_QUEUE"],
        # With Redis, every process delivers events in the one order Redis got them.
        client_manager=messaging.client_manager(app.config["MESSAGE_QUEUE"]),
        cors_allowed_origins=origins.split(",") if isinstance(origins, str) else origins,
        max_http_buffer_size=SOCKET_BUFFER,
        manage_session=False,
    )
    realtime.init_app(app)
    from .hosts import AllowedHosts, only_allowed_hosts
    from .web.errors import with_security_headers

    app.wsgi_app = only_allowed_hosts(app.wsgi_app, AllowedHosts(app.config))
    app.wsgi_app = with_security_headers(app.wsgi_app, app.config["SECURE_COOKIES"])
    if app.config["PROXIES"]:
        # Outermost, so pages, rate limits and the socket handshake all see the client's
        # address, scheme (https join links) and host.
        proxies = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app
