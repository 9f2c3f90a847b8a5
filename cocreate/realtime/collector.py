"""Python's garbage collector and a room's latency.

A full collection (CPython's generation 2) walks every object the process holds; with
hundreds of connections that takes 50 to 100 ms, during which no room hears anything
(bench/: scale-out). So `cocreate serve` keeps it short:

- what is loaded at start lives as long as the process: it is frozen (`gc.freeze`) and
  never walked;
- after each full collection its survivors are frozen as well: they are what lives long
  (connections, cached workshops), and the next full collection walks only what came
  since, a few milliseconds' work.

Frozen objects are still freed as soon as nothing refers to them; only a *cycle* among
them would be kept. Closed connections are where such cycles come from, so once
`THAW_AFTER` connections have closed since the last look, the next full collection
walks everything again: one long pause per that many disconnections.
"""

import gc

THAW_AFTER = 1000  # connections closed between two full walks of everything

_closed = 0


def start():
    """Freeze what the process has loaded and keep full collections short from now on."""
    gc.collect()
    gc.freeze()
    if _after_collection not in gc.callbacks:
        gc.callbacks.append(_after_collection)


def connection_closed():
    """Count a closed connection (its objects may be a cycle among frozen ones)."""
    global _closed
    _closed += 1


def _after_collection(phase, info):
    global _closed
    if phase != "stop" or info["generation"] != 2:
        return
    if _closed >= THAW_AFTER:
        _closed = 0
        gc.unfreeze()  # the next full collection looks at everything once more
    else:
        gc.freeze()
