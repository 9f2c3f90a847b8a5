"""Experiments: run cocreate or the relay with something changed from outside.

    python -m bench.wrap --nodelay cocreate            # like `python -m cocreate serve`
    python -m bench.wrap --nodelay relay --mode gevent # like `python -m bench.relay ...`
    python -m bench.wrap --gc-log cocreate             # log every garbage collection
    python -m bench.wrap --gc-freeze --gc-log cocreate # gc.freeze() before serving

`--nodelay`: TCP_NODELAY on the listening socket.
eventlet.wsgi, gevent's pywsgi and Werkzeug leave Nagle's algorithm on, so a
second small write to a socket waits for the ACK of the first, which Linux
delays up to 40 ms. Accepted sockets inherit TCP_NODELAY from the listener on
Linux, so setting it there is enough. This only wraps the three servers'
listener factories from outside; cocreate itself is not changed. `python -m
bench --server-nodelay` measures the difference (see bench/results/latest.md).

`--gc-freeze` (cocreate only): `gc.collect(); gc.freeze()` right before
`socketio.run`, so everything loaded at start-up (Flask, SQLAlchemy, fpdf2,
marshmallow, …) leaves the generations the collector scans.

`--gc-log`: prints one line per garbage collection that took more than 2 ms
(when on the monotonic clock the load process also uses, generation,
milliseconds), and a summary at exit, to the server's log; `python -m bench
--server-gc-log` collects those inside each measured window.
"""

import os
import socket
import sys

from cocreate.cli import patch_for


def _nodelay(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _install(mode):
    """Wrap the listener factory of the server used in `mode`."""
    patch_for(mode)
    if mode == "eventlet":
        import eventlet
        listen = eventlet.listen
        eventlet.listen = lambda *a, **k: _nodelay(listen(*a, **k))
    elif mode == "gevent":
        import gevent.server
        listener = gevent.server._tcp_listener
        gevent.server._tcp_listener = lambda *a, **k: _nodelay(listener(*a, **k))
    else:
        from werkzeug import serving
        bind = serving.BaseWSGIServer.server_bind

        def server_bind(self):
            _nodelay(self.socket)
            return bind(self)

        serving.BaseWSGIServer.server_bind = server_bind


def log_collections(threshold=0.002):
    """Time every garbage collection; print the slow ones and running totals."""
    import gc
    import time
    started = {}
    totals = {0: [0, 0.0, 0.0], 1: [0, 0.0, 0.0], 2: [0, 0.0, 0.0]}  # count, total s, max s

    def callback(phase, info):
        if phase == "start":
            if info["generation"] == 2:  # counted before the clock starts
                started["objects"] = sum(len(gc.get_objects(g)) for g in range(3))
            started["t"] = time.perf_counter()
            started["cpu"] = time.thread_time()
            return
        started_at = started.pop("t", time.perf_counter())
        took = time.perf_counter() - started_at
        cpu = time.thread_time() - started.pop("cpu", time.thread_time())
        total = totals[info["generation"]]
        total[0] += 1
        total[1] += took
        total[2] = max(total[2], took)
        if took >= threshold:
            print(f"gc: at {started_at:.4f} generation {info['generation']} took "
                  f"{took * 1000:.1f} ms cpu {cpu * 1000:.1f} ms collected {info['collected']}"
                  + (f" tracked {started.pop('objects')} frozen {gc.get_freeze_count()}"
                     if "objects" in started else ""), flush=True)

    def summary():
        print("gc-summary: " + json.dumps({g: [c, round(t * 1000, 1), round(m * 1000, 1)]
                                           for g, (c, t, m) in totals.items()}), flush=True)

    import json
    gc.callbacks.append(callback)
    return summary


def _freeze_before_serving():
    import gc

    from flask_socketio import SocketIO
    run = SocketIO.run

    def frozen_run(self, app, *args, **kwargs):
        gc.collect()
        gc.freeze()
        print(f"gc: froze {gc.get_freeze_count()} objects before serving", flush=True)
        return run(self, app, *args, **kwargs)

    SocketIO.run = frozen_run


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    nodelay = gc_log = gc_freeze = False
    while argv and argv[0].startswith("--"):
        flag = argv.pop(0)
        nodelay |= flag == "--nodelay"
        gc_log |= flag == "--gc-log"
        gc_freeze |= flag == "--gc-freeze"
    target = argv.pop(0) if argv else ""
    if gc_log:
        summary = log_collections()
        import atexit
        import signal
        atexit.register(summary)
        signal.signal(signal.SIGTERM, lambda *_: (summary(), os._exit(0)))
    if not nodelay:
        install = patch_for
    else:
        install = _install
    if target == "cocreate":
        install(os.environ.get("COCREATE_ASYNC_MODE", "eventlet"))
        if gc_freeze:
            _freeze_before_serving()
        from cocreate.cli import main as serve
        return serve(["serve", *argv])
    if target == "relay":
        mode = argv[argv.index("--mode") + 1] if "--mode" in argv else "eventlet"
        install(mode)
        from bench.relay import main as relay
        return relay(argv)
    sys.exit("usage: python -m bench.wrap [--nodelay] [--gc-log] cocreate|relay [args]")


if __name__ == "__main__":
    sys.exit(main())
