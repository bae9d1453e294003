"""The scheduling worker on real RabbitMQ and PostgreSQL: registration in, visits out."""

from __future__ import annotations

import pytest
from kombu import Producer, Queue
from sqlalchemy import func, select

from services.scheduling.adapters.orm import inbox, outbox, registrations
from services.scheduling.bootstrap import bootstrap
from services.scheduling.entrypoints.manage import main as manage
from services.scheduling.exchanges.service_layer import handlers as exchanges
from services.scheduling.service_layer import handlers, read_model
from shared import messages
from shared.broker import connect
from shared.consumer import Worker
from shared.messages import Envelope
from shared.outbox import OutboxRelay
from shared.topology import platform_topology
from tests.scheduling.builders import envelope, event_payload, registration_payload, schedule
from tests.scheduling.exchange_builders import RULES, meeting, request
from tests.shared.toy import running
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def service(postgres_url, amqp_url, namespace, tmp_path):
    """The scheduling service's container on a migrated database and a private namespace."""
    env = {
        "SCHEDULING_DATABASE_URL": postgres_url,
        "AMQP_URL": amqp_url,
        "BROKER_NAMESPACE": namespace,
        "DATA_DIR": str(tmp_path),
        "MESSAGE_RETRY_BASE_DELAY": "0.05",
    }
    manage(["migrate"], env)
    container = bootstrap(env)
    settings = container.infrastructure.settings.broker
    with connect(settings) as connection:
        platform_topology(settings).declare(connection.default_channel)
    yield container
    container.infrastructure.engine.dispose()


def count(container, table, *where) -> int:
    with container.infrastructure.engine.connect() as db:
        return db.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def publish_as_registration(container, *bodies: dict) -> None:
    settings = container.infrastructure.settings.broker
    exchange = platform_topology(settings).events_exchange("registration")
    with connect(settings) as connection:
        producer = Producer(connection.channel())
        for body in bodies:
            producer.publish(body, exchange=exchange, routing_key=body["type"], serializer="json")


def worker(container) -> Worker:
    settings = container.infrastructure.settings.broker
    return Worker(
        connect(settings),
        platform_topology(settings),
        "scheduling",
        container.uow,
        {"registrations": read_model.handlers(container.clock)},
        settings,
        read_model.prepare,
    )


def test_a_registration_published_on_rabbitmq_reaches_the_read_model_once(service):
    body = messages.dump(
        Envelope(
            type="registration.confirmed",
            payload=registration_payload("r1"),
            producer="registration",
        )
    )

    publish_as_registration(service, body, body)
    with running(worker(service)):
        wait_until(lambda: count(service, inbox) == 1)

    confirmed = registrations.c.status == "confirmed"
    assert count(service, registrations, registrations.c.id == "r1", confirmed) == 1
    assert count(service, inbox) == 1


def test_the_relay_publishes_visit_messages_to_the_scheduling_exchange(service):
    settings = service.infrastructure.settings.broker
    topology = platform_topology(settings)
    with service.uow() as uow:
        read_model.on_event_changed(
            envelope("event.published", event_payload()), uow, service.clock
        )
        uow.commit()
    visit = handlers.schedule_visit(schedule(), service.uow(), service.clock, service.policy)
    connection = connect(settings)
    listener = Queue(
        f"{settings.namespace}.test.visits",
        exchange=topology.events_exchange("scheduling"),
        routing_key="visit.*",
    )(connection.channel())
    listener.declare()

    with running(
        OutboxRelay(service.infrastructure.engine, outbox, connect(settings), topology, settings)
    ):
        received = wait_until(lambda: listener.get(no_ack=True))

    message = messages.load(received.payload)
    assert (message.type, message.payload["visit"]["visit_id"]) == ("visit.scheduled", visit.id)
    listener.delete()
    connection.release()


def test_every_exchange_message_is_routable_so_the_relay_parks_none(service):
    """The platform topology binds exchange.* to notifications; none comes back unroutable."""
    settings = service.infrastructure.settings.broker
    exchange = exchanges.request_exchange(request(), service.uow(), service.clock, RULES)
    exchanges.accept(exchange.id, "host", service.uow(), service.clock)
    exchanges.add_item(exchange.id, "host", meeting(), service.uow(), service.clock)
    exchanges.confirm(exchange.id, "visitor", service.uow(), service.clock)
    exchanges.confirm(exchange.id, "host", service.uow(), service.clock)
    exchanges.cancel(exchange.id, "visitor", None, service.uow(), service.clock)
    relay = OutboxRelay(
        service.infrastructure.engine,
        outbox,
        connect(settings),
        platform_topology(settings),
        settings,
    )
    with running(relay):
        wait_until(lambda: count(service, outbox, outbox.c.sent_at.is_(None)) == 0)

    assert count(service, outbox, outbox.c.failed_at.is_not(None)) == 0
    assert count(service, outbox, outbox.c.message_type.like("exchange.%")) == 5
