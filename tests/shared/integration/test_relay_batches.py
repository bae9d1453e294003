"""The relay's batches against real PostgreSQL and RabbitMQ: confirms, nacks, returns, crashes."""

from __future__ import annotations

import multiprocessing
import threading
import time

from kombu import Queue
from sqlalchemy import select, text, update

from shared.outbox import OutboxRelay
from tests.shared.toy import effects, inbox, outbox, relay_and_die, running
from tests.waiting import wait_until


def publish_as(toy, message_type: str, value: int) -> str:
    """Queue a ping, then give its outbox row another routing key."""
    with toy.uow() as uow:
        envelope = uow.publish("test.ping", {"value": value})
        uow.session.execute(
            update(outbox)
            .where(outbox.c.message_id == envelope.message_id)
            .values(message_type=message_type)
        )
        uow.commit()
    return envelope.message_id


def full_queue(toy) -> None:
    """A queue for ``overflow.full`` alone; it holds nothing and refuses publishes: a nack."""
    queue = Queue(
        f"{toy.settings.namespace}.full",
        toy.topology.events_exchange("registration"),
        routing_key="overflow.full",
        durable=True,
        queue_arguments={"x-max-length": 0, "x-overflow": "reject-publish"},
    )
    with toy.connect() as connection:
        queue(connection.default_channel).declare()


def rows(toy):
    with toy.engine.connect() as db:
        return {row.message_id: row for row in db.execute(select(outbox))}


def test_in_a_batch_a_returned_and_a_nacked_message_fail_alone_and_the_others_are_sent(toy):
    full_queue(toy)
    toy.publish(1, 2)
    returned = publish_as(toy, "nobody.listens", 3)
    nacked = publish_as(toy, "overflow.full", 4)
    toy.publish(5, 6)

    assert toy.relay().relay_once() == 4

    found = rows(toy)
    assert found[returned].failed_at is not None  # parked: no queue is bound for it
    assert found[returned].last_error.startswith("Unroutable")
    assert found[nacked].failed_at is None and found[nacked].sent_at is None  # retried later
    assert (found[nacked].attempts, found[nacked].last_error.split(":")[0]) == (1, "Nacked")
    others = [row for key, row in found.items() if key not in (returned, nacked)]
    assert all(row.sent_at is not None and row.attempts == 1 for row in others)
    with running(toy.worker()):
        wait_until(lambda: toy.effect_values() == [1, 2, 5, 6])


def test_a_nacked_message_is_parked_after_the_last_attempt(toy):
    full_queue(toy)
    nacked = publish_as(toy, "overflow.full", 1)
    relay = toy.relay(max_attempts=2)

    assert relay.relay_once() == 0
    assert relay.relay_once() == 0

    assert rows(toy)[nacked].failed_at is not None
    assert relay.relay_once() == 0  # nothing left to claim


def test_a_relay_killed_between_publish_and_confirm_resends_and_each_effect_happens_once(
    toy, postgres_url, amqp_url
):
    toy.publish(*range(50))
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=relay_and_die, args=(postgres_url, amqp_url, toy.settings.namespace)
    )
    child.start()
    child.join(60)
    assert child.exitcode == 9  # it published the whole batch, then died
    assert toy.count(outbox, outbox.c.sent_at.is_(None)) == 50  # nothing was marked

    assert toy.relay().relay_once() == 50
    with running(toy.worker()):
        wait_until(lambda: toy.count(inbox) == 50)
        wait_until(lambda: _queue_depth(toy) == 0)  # the second copies were drained too
    assert toy.effect_values() == list(range(50))
    assert toy.count(effects) == 50


def test_a_commit_wakes_the_relay_without_waiting_for_its_poll(toy):
    relay = toy.relay()
    thread = threading.Thread(target=relay.run, kwargs={"idle_sleep": 10.0}, daemon=True)
    with running(toy.worker()):
        thread.start()
        try:
            time.sleep(1.0)  # the relay has found nothing and is waiting
            started = time.monotonic()
            toy.publish(42)
            wait_until(lambda: toy.effect_values() == [42], timeout=5)
            assert time.monotonic() - started < 1.0
        finally:
            relay.stop()
            thread.join(timeout=15)


def test_the_claim_of_pending_rows_reads_the_partial_index_in_its_order(toy):
    toy.publish(*range(2000))
    with toy.engine.begin() as db:
        db.execute(update(outbox).where(outbox.c.id <= 1990).values(sent_at=text("now()")))
        db.execute(text("ANALYZE outbox"))
        claim = (
            select(outbox)
            .where(outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None))
            .order_by(outbox.c.id)
            .limit(200)
            .with_for_update(skip_locked=True)
        )
        compiled = claim.compile(db, compile_kwargs={"literal_binds": True})
        plan = "\n".join(db.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "Index Scan using ix_outbox_pending" in plan, plan
    assert "Sort" not in plan and "Seq Scan" not in plan, plan


def test_two_relays_with_batches_never_send_the_same_row(toy):
    toy.publish(*range(600))
    relays: list[OutboxRelay] = [toy.relay(batch_size=50), toy.relay(batch_size=50)]
    sent = [0, 0]

    def drain(index: int) -> None:
        while (count := relays[index].relay_once()) > 0:
            sent[index] += count

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(sent) == 600
    assert _queue_depth(toy) == 600


def _queue_depth(toy) -> int:
    queue = toy.topology.queues_of("testsvc")[0]
    _, count, _ = queue(toy.connect().channel()).queue_declare(passive=True)
    return count


def test_a_batch_is_published_without_a_read_before_each_message(toy, monkeypatch):
    """py-amqp's basic_publish reads the socket before every publish on a connection that
    negotiated connection.blocked; the relay reads only to await the batch's confirms."""
    toy.publish(*range(50))
    relay = toy.relay()
    relay._get_producer()
    amqp_connection = relay.connection.connection
    reads = []
    drain = amqp_connection.drain_events
    monkeypatch.setattr(
        amqp_connection, "drain_events", lambda *a, **k: reads.append(k) or drain(*a, **k)
    )

    assert relay.relay_once() == 50

    assert len(reads) < 10, reads  # the confirms, a read or a few; not one per message
    with running(toy.worker()):
        wait_until(lambda: toy.effect_values() == list(range(50)))
