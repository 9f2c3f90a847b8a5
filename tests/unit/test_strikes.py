"""Refused messages are counted in a sliding window, not over a connection's lifetime."""

from cocreate.realtime.sockets import Strikes

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
