"""The transactional outbox and its relay, against real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import insert

from shared.outbox import OutboxRelay
from tests.shared.toy import effects, outbox, running
from tests.waiting import wait_until


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it."""


def test_state_change_and_outbox_row_commit_together(toy):
    with toy.uow() as uow:
        uow.session.execute(insert(effects).values(message_id="local", value=1))
        uow.publish("test.ping", {"value": 1})
        uow.commit()
    assert toy.count(effects) == 1
    assert toy.count(outbox) == 1


def test_a_rolled_back_unit_of_work_publishes_nothing(toy):
    with toy.uow() as uow:
        uow.session.execute(insert(effects).values(message_id="local", value=1))
        uow.publish("test.ping", {"value": 1})
        uow.rollback()
    with toy.uow() as uow:
        uow.publish("test.ping", {"value": 2})
        # leaving the block without commit is a rollback too
    assert toy.count(effects) == 0
    assert toy.count(outbox) == 0
    relay = toy.relay()
    assert relay.relay_once() == 0


def test_an_invalid_payload_is_refused_before_it_reaches_the_outbox(toy):
    from shared.messages import InvalidMessage

    with toy.uow() as uow, pytest.raises(InvalidMessage):
        uow.publish("test.ping", {"value": "not a number"})
    assert toy.count(outbox) == 0


def test_the_relay_marks_rows_sent_only_after_the_broker_confirmed(toy):
    toy.publish(1, 2, 3)
    with running(toy.worker()):
        assert toy.relay().relay_once() == 3
        wait_until(lambda: toy.effect_values() == [1, 2, 3])
    assert toy.count(outbox, outbox.c.sent_at.is_(None)) == 0


def test_the_relay_resends_rows_orphaned_by_a_crash_between_publish_and_commit(toy):
    toy.publish(7)

    class CrashingRelay(OutboxRelay):
        def _publish(self, row):
            super()._publish(row)
            raise Crash  # dies after the broker has the message, before the row is marked

    with pytest.raises(Crash):
        CrashingRelay(toy.engine, outbox, toy.connect(), toy.topology, toy.settings).relay_once()
    assert toy.count(outbox, outbox.c.sent_at.is_(None)) == 1  # still pending
    assert toy.relay().relay_once() == 1  # a fresh relay sends it again
    with running(toy.worker()):
        wait_until(lambda: toy.count(effects) == 1)
        # both copies reached the queue; the inbox made the second one a no-op
        wait_until(lambda: _queue_depth(toy) == 0)
    assert toy.effect_values() == [7]


def test_two_relays_never_send_the_same_row(toy):
    toy.publish(*range(300))
    relays = [toy.relay(batch_size=10), toy.relay(batch_size=10)]
    sent = [0, 0]

    def drain(index: int) -> None:
        while (count := relays[index].relay_once()) > 0:
            sent[index] += count

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 300
    assert _queue_depth(toy) == 300


def test_an_unroutable_message_is_parked_without_blocking_the_rest(toy):
    with toy.uow() as uow:
        uow.exchange = toy.topology.events_exchange("registration").name
        uow.publish("test.ping", {"value": 1})
        uow.session.execute(outbox.update().values(message_type="nobody.listens"))
        uow.commit()
    toy.publish(2)
    assert toy.relay().relay_once() == 1
    parked = toy.count(outbox, outbox.c.failed_at.is_not(None))
    assert parked == 1


def _queue_depth(toy) -> int:
    queue = toy.topology.queues_of("testsvc")[0]
    _, count, _ = queue(toy.connect().channel()).queue_declare(passive=True)
    return count
