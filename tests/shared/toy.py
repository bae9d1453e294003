"""A toy service on the backbone: one table of effects, a handler, an outbox and an inbox."""

from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass, field

from marshmallow import Schema, fields
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, func, insert, select

from shared.broker import connect
from shared.config import BrokerSettings
from shared.consumer import Handler, Worker
from shared.contracts import register
from shared.database import make_engine, make_session_factory
from shared.outbox import OutboxRelay
from shared.persistence import inbox_table, outbox_table
from shared.topology import Subscription, Topology
from shared.unit_of_work import OutboxUnitOfWork

metadata = MetaData()
effects = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(36), nullable=False),
    Column("value", Integer, nullable=False),
)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)


@register("test.ping")
class PingSchema(Schema):
    """A test message; ``poison`` ones fail until the handler is cured."""

    value = fields.Integer(required=True)
    poison = fields.Boolean(load_default=False)


class ToyUnitOfWork(OutboxUnitOfWork):
    """The toy service's unit of work: records effects."""

    def add_effect(self, message_id: str, value: int) -> None:
        self.session.execute(insert(effects).values(message_id=message_id, value=value))


class Cure:
    """Whether poison messages are handled yet (flipped by tests to replay dead letters)."""

    cured = False


def handle_ping(envelope, uow: ToyUnitOfWork) -> None:
    """Record the ping as an effect; poison pings fail until cured."""
    if envelope.payload["poison"] and not Cure.cured:
        raise RuntimeError("poison message")
    uow.add_effect(envelope.message_id, envelope.payload["value"])


@dataclass
class Toy:
    """Everything a backbone test needs, wired like a real service."""

    engine: Engine
    settings: BrokerSettings
    topology: Topology
    connections: list = field(default_factory=list)

    def connect(self):
        connection = connect(self.settings)
        self.connections.append(connection)
        return connection

    def close(self) -> None:
        for connection in self.connections:
            connection.release()
        self.engine.dispose()

    def uow(self) -> ToyUnitOfWork:
        return ToyUnitOfWork(
            make_session_factory(self.engine),
            "testsvc",
            self.topology.events_exchange("registration").name,
            outbox,
            inbox,
        )

    def relay(self, **kwargs) -> OutboxRelay:
        return OutboxRelay(
            self.engine, outbox, self.connect(), self.topology, self.settings, **kwargs
        )

    def worker(self, cls: type[Worker] = Worker, handler: Handler = handle_ping) -> Worker:
        return cls(
            self.connect(),
            self.topology,
            "testsvc",
            self.uow,
            {"effects": {"test.ping": handler}},
            self.settings,
        )

    def publish(self, *values: int, poison: bool = False) -> None:
        with self.uow() as uow:
            for value in values:
                uow.publish("test.ping", {"value": value, "poison": poison})
            uow.commit()

    def effect_values(self) -> list[int]:
        with self.engine.connect() as db:
            return sorted(db.execute(select(effects.c.value)).scalars())

    def count(self, table: Table, *where) -> int:
        with self.engine.connect() as db:
            return db.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def build_toy(database_url: str, amqp_url: str, namespace: str, **overrides) -> Toy:
    """Create the toy's tables and topology in a fresh database and namespace."""
    engine = make_engine(database_url)
    metadata.create_all(engine)
    options = {"max_attempts": 3, "retry_base_delay": 0.05, "prefetch": 10} | overrides
    settings = BrokerSettings(url=amqp_url, namespace=namespace, **options)
    topology = Topology(
        settings,
        (Subscription("testsvc", "effects", {"registration": ("test.#",)}),),
        ("registration",),
    )
    with connect(settings) as connection:
        topology.declare(connection.default_channel)
    return Toy(engine, settings, topology)


@contextlib.contextmanager
def running(*loops):
    """Run relays/workers in background threads for the duration of a block."""
    threads = [threading.Thread(target=loop.run, daemon=True) for loop in loops]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for loop in loops:
            if isinstance(loop, OutboxRelay):
                loop.stop()
            else:
                loop.should_stop = True
        for thread in threads:
            thread.join(timeout=15)


class _DyingRelay(OutboxRelay):
    """A relay whose process dies once the batch is published, before any confirm is read."""

    def _await_confirms(self) -> None:
        os._exit(9)


def relay_and_die(database_url: str, amqp_url: str, namespace: str) -> None:
    """Run in a child process: one relay pass that is killed between publish and confirm."""
    toy = build_toy(database_url, amqp_url, namespace)
    _DyingRelay(toy.engine, outbox, toy.connect(), toy.topology, toy.settings).relay_once()
