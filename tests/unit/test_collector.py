"""Full collections stay short: survivors are frozen, and everything is looked at again
once enough connections have closed (cocreate/realtime/collector.py).

Each test runs in a fresh interpreter: freezing is for the whole process.
"""

import subprocess
import sys
import textwrap


def run(script):
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_survivors_of_a_full_collection_are_frozen():
    out = run("""
        import gc
        from cocreate.realtime import collector
        collector.start()
        frozen = gc.get_freeze_count()
        kept = [[index] for index in range(5000)]  # a room's long-lived objects
        gc.collect()
        print(gc.get_freeze_count() - frozen >= 5000, len(gc.get_objects(2)) < 100)
    """)
    assert out == ["True", "True"]


def test_a_cycle_among_frozen_objects_is_freed_once_enough_connections_have_closed():
    out = run("""
        import gc, weakref
        from cocreate.realtime import collector

        class Connection:
            pass

        collector.start()
        connection = Connection()
        connection.me = connection  # a cycle, as a socket and its handlers make
        alive = weakref.ref(connection)
        gc.collect()  # it survives, so it is frozen
        del connection
        gc.collect()
        kept_while_frozen = alive() is not None
        for _ in range(collector.THAW_AFTER):
            collector.connection_closed()
        gc.collect()  # thaws
        gc.collect()  # looks at everything: the cycle is garbage
        print(kept_while_frozen, alive() is None)
    """)
    assert out == ["True", "True"]


def test_without_enough_closed_connections_nothing_is_thawed():
    out = run("""
        import gc
        from cocreate.realtime import collector
        collector.start()
        for _ in range(collector.THAW_AFTER - 1):
            collector.connection_closed()
        gc.collect()
        gc.collect()
        print(len(gc.get_objects(2)) < 100)
    """)
    assert out == ["True"]
