"""Python's garbage collector kept from pausing the rooms: what lives long is frozen, and a
full collection walks only what came since (docs/realtime.md).
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
