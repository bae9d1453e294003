"""Idempotent consumers, retries, dead letters and broker faults, on real RabbitMQ/PostgreSQL."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
import time
import uuid

from kombu import Producer
from sqlalchemy.exc import OperationalError

from shared import messages
from shared.consumer import Worker
from shared.deadletters import list_dead_letters, replay_dead_letters
from shared.messages import Envelope
from tests.shared.toy import Cure, build_toy, effects, inbox, outbox, running
from tests.waiting import wait_until


def _raw_publish(toy, body: dict, routing_key: str = "test.ping") -> None:
    producer = Producer(toy.connect().channel())
    producer.publish(
        body,
        exchange=toy.topology.events_exchange("registration"),
        routing_key=routing_key,
        serializer="json",
        delivery_mode=2,
    )


def _ping(value: int, **extra) -> dict:
    return messages.dump(
        Envelope(type="test.ping", payload={"value": value, **extra}, producer="testsvc")
    )


def _depth(toy, queue) -> int:
    _, count, _ = queue(toy.connect().channel()).queue_declare(passive=True)
    return count


def _handler_queue(toy):
    return toy.topology.queues_of("testsvc")[0]


def test_the_same_message_published_five_times_has_one_effect(toy):
    body = _ping(42)
    for _ in range(5):
        _raw_publish(toy, body)
    with running(toy.worker()):
        wait_until(lambda: _depth(toy, _handler_queue(toy)) == 0)
        wait_until(lambda: toy.effect_values() == [42])
    assert toy.effect_values() == [42]


def _run_in_child(toy, worker_cls) -> int:
    """Run a worker in a forked process until it dies; return its exit signal."""

    def child() -> None:
        toy.engine.dispose(close=False)
        toy.connections.clear()
        toy.worker(worker_cls).run()

    process = multiprocessing.get_context("fork").Process(target=child)
    process.start()
    process.join(timeout=30)
    assert not process.is_alive(), "the worker should have killed itself"
    return -process.exitcode


class DiesAfterCommit(Worker):
    """Commits the effect, then dies before it can ack."""

    def process(self, batch):
        super().process(batch)
        os.kill(os.getpid(), signal.SIGKILL)


class DiesBeforeCommit(Worker):
    """Applies the effect in its transaction, then dies before commit."""

    def process(self, batch):
        with self.uow_factory() as uow:
            for delivery in batch:
                delivery.handler(delivery.envelope, uow)
            uow.session.flush()
            os.kill(os.getpid(), signal.SIGKILL)


def test_a_consumer_killed_after_commit_but_before_ack_has_no_second_effect(toy):
    _raw_publish(toy, _ping(5))
    assert _run_in_child(toy, DiesAfterCommit) == signal.SIGKILL
    assert toy.effect_values() == [5]  # the effect committed
    assert _depth(toy, _handler_queue(toy)) == 1  # but the message came back
    with running(toy.worker()):
        wait_until(lambda: _depth(toy, _handler_queue(toy)) == 0)
    assert toy.effect_values() == [5]


def test_a_consumer_killed_before_commit_leaves_exactly_one_effect(toy):
    _raw_publish(toy, _ping(6))
    assert _run_in_child(toy, DiesBeforeCommit) == signal.SIGKILL
    assert toy.effect_values() == []
    with running(toy.worker()):
        wait_until(lambda: toy.effect_values() == [6])
        wait_until(lambda: _depth(toy, _handler_queue(toy)) == 0)
    assert toy.effect_values() == [6]


def test_a_poison_message_is_dead_lettered_after_its_attempts_and_can_be_replayed(toy):
    _raw_publish(toy, _ping(9, poison=True))
    _raw_publish(toy, _ping(10))
    dead_queue = toy.topology.dead_letter_queue("testsvc")
    with running(toy.worker()):
        wait_until(lambda: _depth(toy, dead_queue) == 1)
        assert toy.effect_values() == [10]  # the healthy message was not held up
    letters = list_dead_letters(toy.connect(), toy.topology, "testsvc")
    assert len(letters) == 1
    assert letters[0].attempts == toy.settings.max_attempts
    assert "poison message" in letters[0].reason
    assert letters[0].message_type == "test.ping"
    assert _depth(toy, dead_queue) == 1  # listing does not remove

    Cure.cured = True
    assert replay_dead_letters(toy.connect(), toy.topology, "testsvc") == 1
    with running(toy.worker()):
        wait_until(lambda: toy.effect_values() == [9, 10])
    assert _depth(toy, dead_queue) == 0


def test_an_unknown_version_goes_to_dead_letters_without_retries(toy):
    body = _ping(1)
    body["version"] = 99
    _raw_publish(toy, body)
    _raw_publish(toy, {"not": "an envelope"})
    dead_queue = toy.topology.dead_letter_queue("testsvc")
    with running(toy.worker()):
        wait_until(lambda: _depth(toy, dead_queue) == 2)
    reasons = sorted(
        letter.reason for letter in list_dead_letters(toy.connect(), toy.topology, "testsvc")
    )
    assert "no contract for test.ping v99" in reasons[1]
    assert "bad envelope" in reasons[0]
    assert all(
        letter.attempts == 0 for letter in list_dead_letters(toy.connect(), toy.topology, "testsvc")
    )


def test_every_message_arrives_when_the_broker_cuts_all_connections_mid_stream(
    postgres_url, private_broker, namespace
):
    """On a private node: cutting connections on the shared broker would hurt other tests."""
    toy = build_toy(postgres_url, private_broker.url, namespace)
    try:
        _cut_twice_and_count(toy, private_broker)
    finally:
        toy.close()


class HeldWorker(Worker):
    """A worker that holds its batch (unacked) while the test is cutting the connections.

    rabbitmqctl boots an Erlang VM first (2 s idle, a minute on a busy machine): without the
    hold, the stream could be over before the cut lands, proving nothing.
    """

    held = threading.Event()

    def process(self, batch):
        while HeldWorker.held.is_set():
            time.sleep(0.01)
        super().process(batch)


def _cut_twice_and_count(toy, node) -> None:
    total = 1000
    toy.publish(*range(total))
    relay, worker = toy.relay(batch_size=20), toy.worker(HeldWorker)
    with running(relay, worker):
        for threshold in (50, 300):  # cut twice while messages are still flowing
            wait_until(lambda t=threshold: len(toy.effect_values()) >= t)
            HeldWorker.held.set()
            try:
                node.close_all_connections("chaos test")
            finally:
                HeldWorker.held.clear()
            assert len(toy.effect_values()) < total, "the cut came too late to prove anything"
        wait_until(lambda: len(toy.effect_values()) == total, timeout=60)
        wait_until(lambda: toy.count(outbox, outbox.c.sent_at.is_(None)) == 0)
    assert toy.effect_values() == list(range(total))  # each exactly once
    assert toy.count(outbox, outbox.c.failed_at.is_not(None)) == 0


def test_correlation_id_travels_from_the_unit_of_work_into_the_message(toy):
    from shared.correlation import correlation_scope

    with correlation_scope("req-" + uuid.uuid4().hex) as cid, toy.uow() as uow:
        uow.publish("test.ping", {"value": 1})
        uow.commit()
    with toy.engine.connect() as db:
        body = json.loads(db.execute(outbox.select()).one().body)
    assert body["correlation_id"] == cid


class DatabaseDownAtFirst(Worker):
    """Fails like a crashed PostgreSQL for more attempts than a message has, then recovers."""

    outages = 0

    def process(self, batch):
        if DatabaseDownAtFirst.outages < 5:
            DatabaseDownAtFirst.outages += 1
            raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
        super().process(batch)


def test_a_database_outage_does_not_use_up_a_messages_attempts(toy):
    _raw_publish(toy, _ping(7))
    assert toy.settings.max_attempts < 5
    with running(toy.worker(DatabaseDownAtFirst)):
        wait_until(lambda: toy.effect_values() == [7], timeout=30)
    assert _depth(toy, toy.topology.dead_letter_queue("testsvc")) == 0


def _deferring_worker(toy) -> Worker:
    """The toy's worker with a handler whose effect is queued to be inserted at commit."""

    def handle(envelope, uow) -> None:
        value = None if envelope.payload["poison"] else envelope.payload["value"]
        uow.insert_at_commit(effects, {"message_id": envelope.message_id, "value": value})

    return toy.worker(handler=handle)


def test_effects_inserted_at_commit_are_deduplicated_and_a_failing_row_fails_alone(toy):
    for value in (1, 2, 3):
        _raw_publish(toy, _ping(value))
    _raw_publish(toy, _ping(4, poison=True))  # its NULL value breaks the batch's INSERT
    duplicate = _ping(5)
    for _ in range(3):
        _raw_publish(toy, duplicate)
    dead_queue = toy.topology.dead_letter_queue("testsvc")
    with running(_deferring_worker(toy)):
        wait_until(lambda: _depth(toy, dead_queue) == 1)
        wait_until(lambda: _depth(toy, _handler_queue(toy)) == 0)
    assert toy.effect_values() == [1, 2, 3, 5]  # the duplicate once, the poison never
    assert toy.count(inbox) == 4
    (letter,) = list_dead_letters(toy.connect(), toy.topology, "testsvc")
    assert letter.attempts == toy.settings.max_attempts
    assert "IntegrityError" in letter.reason


def test_a_message_that_is_not_json_goes_to_dead_letters(toy):
    producer = Producer(toy.connect().channel())
    for body, content_type in (("value=1", "text/plain"), ("{not json", "application/json")):
        producer.publish(
            body,
            exchange=toy.topology.events_exchange("registration"),
            routing_key="test.ping",
            content_type=content_type,
            content_encoding="utf-8",
            delivery_mode=2,
        )
    _raw_publish(toy, _ping(8))
    dead_queue = toy.topology.dead_letter_queue("testsvc")
    with running(toy.worker()):
        wait_until(lambda: _depth(toy, dead_queue) == 2)
        wait_until(lambda: toy.effect_values() == [8])
    reasons = sorted(
        letter.reason for letter in list_dead_letters(toy.connect(), toy.topology, "testsvc")
    )
    assert "body is not JSON" in reasons[0]
    assert "'text/plain' is not JSON" in reasons[1]
