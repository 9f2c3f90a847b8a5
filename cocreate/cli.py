"""The `cocreate` command: `cocreate serve` runs the server."""

import argparse
import os
import socket
import sys

ASYNC_MODES = ("eventlet", "gevent", "threading")


def patch_for(mode):
    """Monkey-patch for `mode` before anything imports socket, threading or ssl."""
    if mode == "eventlet":
        # psycopg waits for PostgreSQL in C, blocking every green thread of the process,
        # unless told to wait with select() (which eventlet makes green; psycopg only
        # notices gevent's patching by itself). Blocked, a process waiting for a
        # workshop's lock cannot release the one it holds: two processes deadlock.
        os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
        import warnings

        with warnings.catch_warnings():
            # Known and documented: eventlet is in bug-fix mode (see README).
            warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
            import eventlet
        eventlet.monkey_patch()
    elif mode == "gevent":
        from gevent import monkey

        monkey.patch_all()


def serve(args):
    """Run the web and Socket.IO server until interrupted."""
    mode = os.environ.get("COCREATE_ASYNC_MODE", "eventlet")
    if mode not in ASYNC_MODES:
        sys.exit(f"COCREATE_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}, not {mode!r}")
    patch_for(mode)
    from . import create_app
    from .realtime import collector
    from .store import printable_database_url

    host = args.host or os.environ.get("HOST", "127.0.0.1")
    port = int(args.port or os.environ.get("PORT", "5000"))
    app = create_app({"ASYNC_MODE": mode, "LISTEN_HOST": host})
    from .realtime.connections import ServerLimits

    limits = ServerLimits.from_config(app.config)
    app.config["IN_OS_THREAD"] = in_os_thread(mode)
    listener = listen(host, port)
    database = printable_database_url(app.config["DATABASE_URL"])  # no password in logs
    print(f"cocreate: serving on http://{host}:{port} ({mode}, {database})", flush=True)
    print(where_to_join(app, host, port), flush=True)
    # Full collections would pause every room for ~100 ms (see collector.py).
    collector.start()
    run_server(mode, app, listener, limits)


def in_os_thread(mode):
    """`run(function, *args)` → its result, computed in an operating-system thread, one call
    at a time, while `mode`'s event loop goes on (the PDF plan: web/downloads.py); None in
    threading mode, where each request has a thread of its own."""
    if mode == "eventlet":
        from eventlet import patcher, tpool

        lock = patcher.original("_thread").allocate_lock()
        return lambda function, *args: tpool.execute(_one_at_a_time, lock, function, *args)
    if mode == "gevent":
        import gevent
        from gevent import monkey

        lock = monkey.get_original("_thread", "allocate_lock")()
        return lambda function, *args: gevent.get_hub().threadpool.apply(_one_at_a_time, (lock, function, *args))
    return None


def _one_at_a_time(lock, function, *args):
    with lock:
        return function(*args)


def where_to_join(app, host, port):
    """The line that tells the facilitator which address the room uses."""
    from .addresses import configured_room

    local = (
        f"http://localhost:{port}"
        if host in ("", "0.0.0.0", "::")
        else (f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}")
    )
    room = configured_room(app.config, local, listen_host=host)
    if room.reachable:
        return f"cocreate: open {local} here; participants join at {room.base}"
    return (
        f"cocreate: open {local}; only this computer can reach it. "
        "Run with HOST=0.0.0.0 (make run does) to let phones on the room's network in."
    )


def listen(host, port):
    """The listening socket, with TCP_NODELAY.

    Accepted sockets inherit it, so a second small frame (the snapshot after the connect
    answer, an ack after an event) is not held back ~40 ms waiting for the client's
    delayed ACK. None of the three web servers sets it (see bench/results/latest.md).
    Call after `patch_for`, so the socket is the async mode's.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.bind((host, port))
    listener.listen(socket.SOMAXCONN)
    return listener


def run_server(mode, app, listener, limits=None):
    """Serve the WSGI `app` on `listener` with the web server of the async mode.

    The same servers `socketio.run` picks: eventlet.wsgi, gevent's pywsgi (WebSocket
    through simple-websocket) and Werkzeug's threaded server. With `limits`
    (connections.ServerLimits) no read or write waits longer than its socket timeout and
    one address holds no more connections than its cap: without them a thousand
    connections that never finish their headers stop the server answering anyone.
    """
    if mode == "eventlet":
        import eventlet.wsgi

        if limits is None:
            eventlet.wsgi.server(listener, app, log_output=False)
            return
        eventlet.wsgi.server(
            listener, app, log_output=False, socket_timeout=limits.socket_timeout, custom_pool=capped_green_pool(limits)
        )
    elif mode == "gevent":
        from gevent import pywsgi
        from gevent.pool import Pool

        if limits is None:
            pywsgi.WSGIServer(listener, app, log=None).serve_forever()
            return
        capped_gevent_server(pywsgi, limits)(listener, app, log=None, spawn=Pool(limits.connections)).serve_forever()
    else:
        from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler, make_server

        host, port = listener.getsockname()[:2]
        if limits is None:
            make_server(host, port, app, threaded=True, fd=listener.fileno()).serve_forever()
            return
        # No access log, as in the other modes: its lines would carry `?token=` links.
        handler = type(
            "TimedRequestHandler",
            (WSGIRequestHandler,),
            {"timeout": limits.socket_timeout, "log_request": lambda self, *args: None},
        )
        capped_threaded_server(ThreadedWSGIServer, limits)(
            host, port, app, handler, fd=listener.fileno()
        ).serve_forever()


def capped_green_pool(limits):
    """eventlet.wsgi's pool of `limits.connections`, refusing an address past its cap.

    The refusal happens before the pool is asked for room: a full pool stops the server
    accepting anyone.
    """
    import eventlet

    class CappedGreenPool(eventlet.GreenPool):
        def spawn(self, serve, connection):
            address = connection[0]
            if not limits.cap.admit(address):
                # eventlet.wsgi closes the connection when this thread ends.
                return eventlet.spawn(lambda: None)
            thread = super().spawn(serve, connection)
            thread.link(lambda _thread: limits.cap.release(address))
            return thread

    return CappedGreenPool(limits.connections)


def capped_gevent_server(pywsgi, limits):
    """gevent's WSGI server with the socket timeout and the per-address cap of `limits`."""

    class TimedHandler(pywsgi.WSGIHandler):
        def _handle_client_error(self, ex):
            # pywsgi's hook for bad requests; it prints a traceback for anything but a
            # ValueError. A client too slow for the socket timeout is just let go.
            if isinstance(ex, TimeoutError):
                return None
            return super()._handle_client_error(ex)

    class CappedServer(pywsgi.WSGIServer):
        handler_class = TimedHandler

        def handle(self, sock, address):
            if not limits.cap.admit(address):
                sock.close()
                return
            try:
                sock.settimeout(limits.socket_timeout)
                super().handle(sock, address)
            finally:
                limits.cap.release(address)

    return CappedServer


def capped_threaded_server(server_class, limits):
    """Werkzeug's threaded server with the per-address cap of `limits`."""

    class CappedServer(server_class):
        def process_request(self, request, client_address):
            if not limits.cap.admit(client_address):
                self.shutdown_request(request)
                return
            super().process_request(request, client_address)

        def process_request_thread(self, request, client_address):
            try:
                super().process_request_thread(request, client_address)
            finally:
                limits.cap.release(client_address)

    return CappedServer


def purge(args):
    """Delete every workshop whose retention has run out (run it daily from cron)."""
    from . import create_app

    app = create_app({"ASYNC_MODE": "threading"})
    store = app.extensions["cocreate.store"]
    if args.dry_run:
        print(f"cocreate: {len(store.expired())} workshop(s) would be deleted")
        return
    print(f"cocreate: deleted {store.purge()} expired workshop(s)")


def main(argv=None):
    """Entry point of the `cocreate` console script."""
    parser = argparse.ArgumentParser(prog="cocreate", description="cocreate workshop board")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the server")
    serve_parser.add_argument("--host")
    serve_parser.add_argument("--port", type=int)
    serve_parser.set_defaults(run=serve)
    purge_parser = commands.add_parser("purge", help="delete workshops past their retention")
    purge_parser.add_argument("--dry-run", action="store_true", help="only count them")
    purge_parser.set_defaults(run=purge)
    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
