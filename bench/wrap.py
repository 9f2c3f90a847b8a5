"""Experiment: run cocreate or the relay with its garbage collections logged.

    python -m bench.wrap --gc-log cocreate                # like `python -m cocreate serve`
    python -m bench.wrap --gc-log relay --mode gevent     # like `python -m bench.relay ...`

`--gc-log`: prints one line per garbage collection that took more than 2 ms
(when on the monotonic clock the load process also uses, generation,
milliseconds), and a summary at exit, to the server's log; `python -m bench
--server-gc-log` collects those inside each measured window. (It found the
full collections that `cocreate serve` now avoids with `gc.freeze()`; TCP_NODELAY,
once an experiment here too, is now set by `cocreate.cli.listen` for both servers.)
"""

import atexit
import gc
import json
import os
import signal
import sys
import time


def log_collections(threshold=0.002):
    """Time every garbage collection; print the slow ones and running totals."""
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
            print(
                f"gc: at {started_at:.4f} generation {info['generation']} took "
                f"{took * 1000:.1f} ms cpu {cpu * 1000:.1f} ms collected {info['collected']}"
                + (f" tracked {started.pop('objects')} frozen {gc.get_freeze_count()}" if "objects" in started else ""),
                flush=True,
            )

    def summary():
        print(
            "gc-summary: "
            + json.dumps({g: [c, round(t * 1000, 1), round(m * 1000, 1)] for g, (c, t, m) in totals.items()}),
            flush=True,
        )

    gc.callbacks.append(callback)
    return summary


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    gc_log = False
    while argv and argv[0].startswith("--"):
        gc_log |= argv.pop(0) == "--gc-log"
    target = argv.pop(0) if argv else ""
    if gc_log:
        summary = log_collections()
        atexit.register(summary)
        signal.signal(signal.SIGTERM, lambda *_: (summary(), os._exit(0)))
    # Both servers monkey-patch for their async mode themselves, after this point.
    if target == "cocreate":
        from cocreate.cli import main as serve

        return serve(["serve", *argv])
    if target == "relay":
        from bench.relay import main as relay

        return relay(argv)
    sys.exit("usage: python -m bench.wrap [--gc-log] cocreate|relay [args]")


if __name__ == "__main__":
    sys.exit(main())
