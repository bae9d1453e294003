"""Backbone throughput on the local broker: raw kombu vs outbox → relay → idempotent consumer.

Both sides publish persistent messages with publisher confirms and consume with acks, on the
same RabbitMQ in the same run; the backbone side also commits an outbox row per message, and
the consumer commits an inbox row and an effect per message in PostgreSQL.
Usage: python bench/backbone_throughput.py [--messages N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib

from kombu import Connection, Exchange, Producer, Queue  # noqa: E402
from marshmallow import Schema, fields  # noqa: E402
from sqlalchemy import (  # noqa: E402  # noqa: E402
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    insert,
    select,
    text,
)

from shared.broker import connect  # noqa: E402
from shared.config import BrokerSettings  # noqa: E402
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


def raw_kombu(n: int, ns: str) -> float:
    """msgs/s for publish (confirmed, persistent) → consume (ack) with plain kombu."""
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
    pass


def backbone(n: int, ns: str, db_url: str) -> float:
    """msgs/s from committed outbox rows to committed, deduplicated effects."""
    engine = make_engine(db_url, pool_size=10)
    metadata.create_all(engine)
    settings = BrokerSettings(url=AMQP, namespace=ns, prefetch=16)
    topology = Topology(
        settings, (Subscription("bench", "effects", {"bench": ("bench.#",)}),), ("bench",)
    )
    sessions = make_session_factory(engine)

    def uow():
        return BenchUoW(sessions, "bench", topology.events_exchange("bench").name, outbox, inbox)

    def handle(envelope, unit) -> None:
        unit.session.execute(
            insert(effects).values(message_id=envelope.message_id, value=envelope.payload["value"])
        )

    with uow() as unit:
        for i in range(n):
            unit.publish("bench.tick", {"value": i})
        unit.commit()
    with connect(settings) as conn:
        topology.declare(conn.default_channel)
    engine.dispose()

    def relay_process() -> None:  # the producing service's worker: a process of its own
        relay = OutboxRelay(engine, outbox, connect(settings), topology, settings, batch_size=200)
        signal.signal(signal.SIGTERM, lambda *_: relay.stop())
        relay.run(idle_sleep=0.01)

    worker = Worker(
        connect(settings), topology, "bench", uow, {"effects": {"bench.tick": handle}}, settings
    )
    start = time.perf_counter()
    relay = multiprocessing.get_context("fork").Process(target=relay_process)
    relay.start()
    consumer = threading.Thread(target=worker.run)
    consumer.start()
    with engine.connect() as db:
        while db.execute(select(func.count()).select_from(effects)).scalar_one() < n:
            time.sleep(0.01)
            db.rollback()
    elapsed = time.perf_counter() - start
    relay.terminate()
    relay.join()
    worker.should_stop = True
    consumer.join()
    with connect(settings) as conn:
        for entity in topology.all_entities():
            entity(conn.channel()).delete()
    engine.dispose()
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=3000)
    args = parser.parse_args()
    ns = "cxbench-" + uuid.uuid4().hex[:8]
    name = "cx_bench_" + uuid.uuid4().hex[:8]
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        db_url = POSTGRES.rsplit("/", 1)[0] + "/" + name
        raw = raw_kombu(args.messages, ns)
        ours = backbone(args.messages, ns, db_url)
    finally:
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    print(f"cores: {os.cpu_count()}  messages: {args.messages}")
    print(f"raw kombu publish->consume:     {raw:8.0f} msg/s")
    print(f"outbox->relay->consumer (PG):   {ours:8.0f} msg/s")
    print(f"ratio backbone/raw:             {ours / raw:8.2f}x  (target >= 0.5x)")


if __name__ == "__main__":
    main()
