"""Backbone throughput on the local broker: the broker's limit, raw kombu, and the project.

Three figures from the same RabbitMQ, in interleaved rounds (median and spread printed):
- the broker limit: py-amqp publishing persistent messages with pipelined publisher confirms
  (window 1000) to a consumer with prefetch 1000;
- raw kombu waiting for one confirm per message (the usual naive producer), consumer prefetch 16;
- the project: committed outbox rows -> relay (its own process) -> idempotent consumer that
  commits an inbox mark and an effect row per message in PostgreSQL, with the default settings.
  The handler queues its effect row with ``insert_at_commit`` (as a service's handler may for
  writes nothing reads back before the commit): the rows of a consumer batch go in one
  INSERT, in the transaction of the batch's inbox marks, before the one ack; a duplicate has
  no row. Until 2026-12-02 it ran one INSERT per message inside the handler.
Target: project >= 0.6x the broker limit (median of the per-round ratios).
Usage: python bench/backbone_throughput.py [--messages N] [--rounds R]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import signal
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import amqp  # noqa: E402
from kombu import Connection, Exchange, Producer, Queue  # noqa: E402
from marshmallow import Schema, fields  # noqa: E402
from sqlalchemy import (  # noqa: E402
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    select,
    text,
)

from bench.common import spread, verdict  # noqa: E402
from shared.amqp_io import publish_unread, read_ahead, writes_held  # noqa: E402
from shared.broker import connect  # noqa: E402
from shared.config import broker_settings  # noqa: E402
from shared.consumer import Worker  # noqa: E402
from shared.contracts import register  # noqa: E402
from shared.database import make_engine, make_session_factory  # noqa: E402
from shared.outbox import OutboxRelay  # noqa: E402
from shared.persistence import inbox_table, outbox_table  # noqa: E402
from shared.topology import Subscription, Topology  # noqa: E402
from shared.unit_of_work import OutboxUnitOfWork  # noqa: E402

AMQP = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")
POSTGRES = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

metadata = MetaData()
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("message_id", String(36)),
    Column("value", Integer),
)
outbox, inbox = outbox_table(metadata), inbox_table(metadata)


@register("bench.tick")
class Tick(Schema):
    value = fields.Integer(required=True)


WINDOW = 1000  # unconfirmed publishes in flight, and the consumer's prefetch, for the limit
ACK_EVERY = 100  # the limit's consumer settles this many deliveries with one multiple ack
WRITE_EVERY = 200  # the limit's publisher sends this many publishes' frames in one write


def broker_limit(n: int, ns: str) -> float:
    """msgs/s for persistent publishes with pipelined confirms -> consume (ack), raw py-amqp.

    As strong as the project's own I/O: the publisher writes a batch's frames at once, without
    a read before each publish, both sides read ahead (``shared.amqp_io``, the relay's and the
    consumer's tricks), and the consumer acks ``ACK_EVERY`` deliveries with one multiple ack
    (the Worker acks a batch so).
    """
    url = Connection(AMQP)
    options = {
        "host": f"{url.hostname}:{url.port or 5672}",
        "userid": url.userid,
        "password": url.password,
        "virtual_host": url.virtual_host or "/",
    }
    exchange, queue = f"{ns}.limit", f"{ns}.limit.q"
    received, unconfirmed = 0, 0
    done = threading.Event()

    def on_message(message) -> None:
        nonlocal received
        received += 1
        if received % ACK_EVERY == 0 or received == n:
            message.channel.basic_ack(message.delivery_tag, multiple=True)
        if received == n:
            done.set()

    def consume() -> None:
        with amqp.Connection(**options) as conn:
            read_ahead(SimpleNamespace(connection=conn))
            channel = conn.channel()
            channel.basic_qos(0, WINDOW, False)
            channel.basic_consume(queue, callback=on_message)
            while not done.is_set():
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=1)

    def on_confirm(delivery_tag: int, multiple: bool) -> None:
        nonlocal unconfirmed
        unconfirmed = max(0, unconfirmed - (delivery_tag - confirmed_upto[0] if multiple else 1))
        confirmed_upto[0] = max(confirmed_upto[0], delivery_tag)

    confirmed_upto = [0]
    with amqp.Connection(**options) as conn:
        channel = conn.channel()
        channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
        channel.queue_declare(queue, durable=True, auto_delete=False)
        channel.queue_bind(queue, exchange, "#")
        channel.confirm_select()
        channel.events["basic_ack"].add(on_confirm)
        thread = threading.Thread(target=consume)
        thread.start()
        wrapped = SimpleNamespace(connection=conn)
        read_ahead(wrapped)
        start = time.perf_counter()
        for first in range(0, n, WRITE_EVERY):
            with writes_held(wrapped):
                for i in range(first, min(n, first + WRITE_EVERY)):
                    body = f'{{"value":{i}}}'
                    message = amqp.Message(body, delivery_mode=2, content_type="application/json")
                    publish_unread(channel, message, exchange, "bench.tick", mandatory=True)
                    unconfirmed += 1
            while unconfirmed >= WINDOW:
                conn.drain_events(timeout=10)
        while unconfirmed:
            conn.drain_events(timeout=10)
        done.wait(300)
        elapsed = time.perf_counter() - start
        thread.join()
        channel.queue_delete(queue)
        channel.exchange_delete(exchange)
    return n / elapsed


def raw_kombu(n: int, ns: str) -> float:
    """msgs/s for publish (persistent, one confirm waited for per message) -> consume (ack)."""
    exchange = Exchange(f"{ns}.raw", type="topic", durable=True)
    queue = Queue(f"{ns}.raw.q", exchange, routing_key="#", durable=True)
    received = 0
    done = threading.Event()

    def consume() -> None:
        nonlocal received
        with (
            Connection(AMQP) as conn,
            conn.Consumer(queue, accept=["json"], prefetch_count=16, callbacks=[on_message]),
        ):
            while not done.is_set():
                with contextlib.suppress(TimeoutError):
                    conn.drain_events(timeout=1)

    def on_message(body, message) -> None:
        nonlocal received
        message.ack()
        received += 1
        if received == n:
            done.set()

    with Connection(AMQP, transport_options={"confirm_publish": True}) as conn:
        queue(conn.channel()).declare()
        producer = Producer(conn.channel())
        thread = threading.Thread(target=consume)
        thread.start()
        start = time.perf_counter()
        for i in range(n):
            producer.publish(
                {"value": i},
                exchange=exchange,
                routing_key="bench.tick",
                serializer="json",
                delivery_mode=2,
                mandatory=True,
            )
        done.wait(300)
        elapsed = time.perf_counter() - start
        thread.join()
        queue(conn.channel()).delete()
        exchange(conn.channel()).delete()
    return n / elapsed


class BenchUoW(OutboxUnitOfWork):
    """Reports each committed batch's effect rows, so the bench needs no polling query.

    A query counting the effects every few milliseconds would compete with the project for
    the database and the consumer's process; the broker limit, too, counts in its consumer.
    """

    def committed(self, count: int) -> None:
        """Told the number of effect rows each successful commit wrote."""

    def commit(self) -> None:
        count = len(self._rows_at_commit.get(effects, ()))
        super().commit()
        self.committed(count)


def backbone(n: int, ns: str, db_url: str) -> float:
    """msgs/s from committed outbox rows to committed, deduplicated effects."""
    engine = make_engine(db_url, pool_size=10)
    metadata.create_all(engine)
    settings = broker_settings({**os.environ, "AMQP_URL": AMQP, "BROKER_NAMESPACE": ns})
    topology = Topology(
        settings, (Subscription("bench", "effects", {"bench": ("bench.#",)}),), ("bench",)
    )
    sessions = make_session_factory(engine)
    done, effected = threading.Event(), [0]

    def counted(count: int) -> None:  # only the consumer's thread commits effect rows
        effected[0] += count
        if effected[0] >= n:
            done.set()

    def uow():
        unit = BenchUoW(sessions, "bench", topology.events_exchange("bench").name, outbox, inbox)
        unit.committed = counted
        return unit

    def handle(envelope, unit) -> None:  # one effect row per message, inserted at commit
        unit.insert_at_commit(
            effects, {"message_id": envelope.message_id, "value": envelope.payload["value"]}
        )

    with uow() as unit:
        for i in range(n):
            unit.publish("bench.tick", {"value": i})
        unit.commit()
    with connect(settings) as conn:
        topology.declare(conn.default_channel)
    engine.dispose()

    def relay_process() -> None:  # the producing service's worker: a process of its own
        relay = OutboxRelay(engine, outbox, connect(settings), topology, settings)
        signal.signal(signal.SIGTERM, lambda *_: relay.stop())
        relay.run()

    worker = Worker(
        connect(settings), topology, "bench", uow, {"effects": {"bench.tick": handle}}, settings
    )
    start = time.perf_counter()
    relay = multiprocessing.get_context("fork").Process(target=relay_process)
    relay.start()
    consumer = threading.Thread(target=worker.run)
    consumer.start()
    done.wait()
    elapsed = time.perf_counter() - start
    relay.terminate()
    relay.join()
    worker.should_stop = True
    consumer.join()
    with engine.connect() as db:
        stored = db.execute(select(func.count()).select_from(effects)).scalar_one()
    if stored != n:
        raise RuntimeError(f"{stored} effect rows for {n} messages: lost or applied twice")
    with connect(settings) as conn:
        for entity in topology.all_entities():
            entity(conn.channel()).delete()
    engine.dispose()
    return n / elapsed


def one_round(n: int) -> tuple[float, float, float]:
    """(limit, raw kombu, project) msgs/s, each on fresh queues and a fresh database."""
    ns = "cxbench-" + uuid.uuid4().hex[:8]
    name = "cx_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        limit = broker_limit(n, ns)
        raw = raw_kombu(n, ns)
        ours = backbone(n, ns, POSTGRES.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return limit, raw, ours


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rounds = [one_round(args.messages) for _ in range(args.rounds)]
    limit, raw, ours = ([r[k] for r in rounds] for k in range(3))
    to_limit = statistics.median(o / li for o, li in zip(ours, limit, strict=True))
    to_raw = statistics.median(o / r for o, r in zip(ours, raw, strict=True))
    print(f"cores: {os.cpu_count()}  messages: {args.messages}  rounds: {args.rounds}")
    print(f"broker limit (py-amqp, pipelined confirms): {spread(limit, ' msg/s')}")
    print(f"raw kombu, one confirm per message:         {spread(raw, ' msg/s')}")
    print(f"project, outbox->relay->consumer (PG):      {spread(ours, ' msg/s')}")
    print(f"ratio project/broker limit:   {to_limit:8.2f}x  ({verdict(to_limit, 0.6)})")
    print(f"ratio project/raw kombu:      {to_raw:8.2f}x  (information)")
    print(
        "per round (limit, raw, project): "
        + ", ".join(f"{a:.0f}/{b:.0f}/{c:.0f}" for a, b, c in rounds)
    )


if __name__ == "__main__":
    main()
