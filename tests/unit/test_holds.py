"""A note dragged by one person is held for them, briefly, and only for them."""

from cocreate.realtime.holds import LocalHolds

from support import Clock


def test_a_held_note_is_refused_to_someone_else_and_names_the_holder():
    holds = LocalHolds(seconds=3, clock=Clock())
    assert holds.take("w", "n", "anouk") is None
    assert holds.take("w", "n", "bram") == "anouk"
    assert holds.holder("w", "n") == "anouk"


def test_frames_renew_the_hold_and_it_expires_after_the_last_one():
    clock = Clock()
    holds = LocalHolds(seconds=3, clock=clock)
    for _frame in range(10):
        assert holds.take("w", "n", "anouk") is None
        clock.now += 1  # a slow drag: each frame renews the hold
    assert holds.take("w", "n", "bram") == "anouk"
    clock.now += 3
    assert holds.holder("w", "n") is None
    assert holds.take("w", "n", "bram") is None


def test_only_the_holder_releases_and_holds_are_per_note_and_workshop():
    holds = LocalHolds(seconds=3, clock=Clock())
    holds.take("w", "n", "anouk")
    holds.release("w", "n", "bram")
    assert holds.holder("w", "n") == "anouk"
    assert holds.take("w", "other", "bram") is None
    assert holds.take("w2", "n", "bram") is None
    holds.release("w", "n", "anouk")
    assert holds.take("w", "n", "bram") is None


def test_expired_holds_are_forgotten_when_many_pile_up():
    clock = Clock()
    holds = LocalHolds(seconds=1, clock=clock)
    for number in range(1000):
        holds.take("w", f"n{number}", "anouk")
    clock.now += 2
    for number in range(100):
        holds.take("w", f"m{number}", "bram")
    assert len(holds._held) <= 1024
