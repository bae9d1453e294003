"""End to end: a message published on RabbitMQ becomes exactly one email, via the real Worker."""

import threading
import time

import pytest
from kombu import Producer

from services.notifications.entrypoints.worker import delivery_loop
from services.notifications.service_layer.handlers import consumer_handlers, prepare
from shared import messages
from shared.broker import connect
from shared.consumer import Worker
from shared.messages import Envelope
from shared.topology import platform_topology
from tests.notifications import factories as f
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def worker(make_service, amqp_url, namespace):
    """The notifications worker (consumer + delivery loop) running in threads on the broker."""
    app = make_service(AMQP_URL=amqp_url, BROKER_NAMESPACE=namespace)
    settings = app.infrastructure.settings.broker
    topology = platform_topology(settings)
    with connect(settings) as connection:
        topology.declare(connection.default_channel)
    consumer = Worker(
        connect(settings),
        topology,
        "notifications",
        app.uow,
        consumer_handlers(app.policy),
        settings,
        prepare,
    )
    stopping = threading.Event()
    threads = [
        threading.Thread(target=consumer.run),
        threading.Thread(target=delivery_loop(app, poll=0.05), args=(stopping,)),
    ]
    for thread in threads:
        thread.start()
    yield topology
    consumer.should_stop = True
    stopping.set()
    for thread in threads:
        thread.join(timeout=10)


def publish(topology, body: dict, times: int = 1) -> None:
    with connect(topology.settings) as connection:
        producer = Producer(connection.default_channel)
        for _ in range(times):
            producer.publish(
                body,
                exchange=topology.events_exchange("registration"),
                routing_key=body["type"],
                serializer="json",
                delivery_mode=2,
            )


def queue_depth(topology) -> int:
    (queue,) = [q for q in topology.queues_of("notifications") if q.name.endswith("registrations")]
    with connect(topology.settings) as connection:
        return queue(connection.default_channel).queue_declare(passive=True).message_count


def test_a_published_confirmation_arrives_as_exactly_one_email_with_a_request(worker, smtp_server):
    envelope = Envelope(
        type="registration.confirmed", payload=f.registration("confirmed"), producer="registration"
    )

    publish(worker, messages.dump(envelope), times=3)  # redelivered twice

    (email,) = smtp_server.wait_for_messages(1, timeout=20)
    wait_until(lambda: queue_depth(worker) == 0)
    time.sleep(0.5)  # give a duplicate every chance to show up
    assert len(smtp_server.messages) == 1
    assert f.invitation_facts(email) == ("REQUEST", "event-ev-1", 0)
    assert email["To"].addresses[0].addr_spec == "anna1@example.eu"
