"""The senders' doorbell: one sender per queued email, no ring lost, nobody woken for nothing."""

from __future__ import annotations

import threading
import time

from services.notifications.bootstrap import Doorbell


def waiting_senders(bell: Doorbell, count: int, timeout: float = 2.0):
    """``count`` threads waiting on the bell; the list of whether each was rung (when done)."""
    rung: list[bool] = []
    threads = [
        threading.Thread(target=lambda: rung.append(bell.wait(timeout))) for _ in range(count)
    ]
    for _ in range(count):
        bell.subscribe()
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 2
    while len(bell._waiting) < count and time.monotonic() < deadline:
        time.sleep(0.001)
    return threads, rung


def test_one_email_wakes_one_of_four_waiting_senders():
    bell = Doorbell()
    threads, rung = waiting_senders(bell, 4, timeout=0.5)
    bell.ring(1)
    for thread in threads:
        thread.join()
    assert sorted(rung) == [False, False, False, True]


def test_a_ring_without_a_count_wakes_every_sender():
    bell = Doorbell()
    threads, rung = waiting_senders(bell, 3)
    bell.ring()
    for thread in threads:
        thread.join()
    assert rung == [True, True, True]


def test_a_commit_that_queued_nothing_wakes_nobody():
    bell = Doorbell()
    threads, rung = waiting_senders(bell, 2, timeout=0.2)
    bell.ring(0)
    for thread in threads:
        thread.join()
    assert rung == [False, False]


def test_a_ring_while_every_sender_is_busy_is_kept_for_the_next_that_waits():
    bell = Doorbell()
    bell.subscribe()
    bell.subscribe()
    bell.ring(5)  # both senders are mid-pass: the ring is kept, for at most two of them
    started = time.monotonic()
    assert bell.wait(5) is True
    assert bell.wait(5) is True
    assert time.monotonic() - started < 1
    assert bell.wait(0.05) is False  # no more than one kept ring per sender
