"""Refused messages are counted in a sliding window, not over a connection's lifetime; each rate
bucket a command declares is a limit of its own."""

from cocreate import protocol as p
from cocreate.realtime.sockets import DRAG_STRIKE_FACTOR, Connection, Strikes

from support import Clock


def test_more_than_the_limit_within_the_window_cuts_off():
    strikes = Strikes(limit=3, window=10, clock=Clock())
    assert [strikes.add() for _ in range(4)] == [False, False, False, True]


def test_strikes_older_than_the_window_are_forgotten():
    clock = Clock()
    strikes = Strikes(limit=3, window=10, clock=clock)
    for hour in range(24):
        clock.now = hour * 3600.0
        assert [strikes.add() for _ in range(3)] == [False, False, False]


CONFIG = {
    "COMMAND_BURST": 2,
    "COMMAND_RATE": 0.0,
    "MOVE_BURST": 3,
    "MOVE_RATE": 0.0,
    "DRAG_BURST": 4,
    "DRAG_RATE": 0.0,
    "STRIKE_LIMIT": 1,
    "STRIKE_WINDOW": 60.0,
}


def test_each_bucket_a_command_declares_is_its_own_limit():
    connection = Connection.open("w", "p", CONFIG)
    allowed = {
        bucket: sum(connection.admits(bucket) for _ in range(10))
        for bucket in (p.COMMAND_BUCKET, p.MOVE_BUCKET, p.DRAG_BUCKET)
    }
    assert allowed == {p.COMMAND_BUCKET: 2, p.MOVE_BUCKET: 3, p.DRAG_BUCKET: 4}


def test_refused_drag_frames_weigh_less_than_other_refusals():
    connection = Connection.open("w", "p", CONFIG)
    assert [connection.strike(p.COMMAND_BUCKET) for _ in range(2)] == [False, True]
    assert not any(connection.strike(p.DRAG_BUCKET) for _ in range(DRAG_STRIKE_FACTOR))
    assert connection.strike(p.DRAG_BUCKET)
