"""End to end: messages published on RabbitMQ reach a receiver through the real Worker, whose
``webhooks`` queue is bound to every message of both producers, and the webhook sender loop."""

import threading
import time

import pytest
from kombu import Producer

from services.notifications.bootstrap import bootstrap
from services.notifications.entrypoints.worker import delivery_loop
from services.notifications.service_layer.handlers import consumer_handlers, prepare
from services.notifications.webhooks.bootstrap import bootstrap_webhooks
from services.notifications.webhooks.entrypoints.worker import webhook_loop
from services.notifications.webhooks.service_layer import endpoints
from shared import messages
from shared.broker import connect
from shared.consumer import Worker
from shared.messages import Envelope
from shared.topology import platform_topology
from tests.notifications import factories as f
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def running(postgres_url, amqp_url, namespace, tmp_path):
    """The worker as ``main()`` wires it (both handler tables, both senders), in threads."""
    env = {
        "NOTIFICATIONS_DATABASE_URL": postgres_url,
        "DATA_DIR": str(tmp_path),
        "AMQP_URL": amqp_url,
        "BROKER_NAMESPACE": namespace,
    }
    app = bootstrap(env, migrate=True)
    hooks = bootstrap_webhooks(app, env)
    settings = app.infrastructure.settings.broker
    topology = platform_topology(settings)
    with connect(settings) as connection:
        topology.declare(connection.default_channel)
    handlers = consumer_handlers(app.policy) | {"webhooks": hooks.handlers()}
    consumer = Worker(
        connect(settings), topology, "notifications", hooks.uow, handlers, settings, prepare
    )
    stopping = threading.Event()
    threads = [
        threading.Thread(target=consumer.run),
        threading.Thread(target=delivery_loop(app, poll=0.05), args=(stopping,)),
        threading.Thread(target=webhook_loop(hooks, poll=0.05), args=(stopping,)),
    ]
    for thread in threads:
        thread.start()
    yield hooks, topology
    consumer.should_stop = True
    stopping.set()
    for thread in threads:
        thread.join(timeout=10)
    app.infrastructure.engine.dispose()


def _publish(topology, producer: str, envelope: Envelope) -> None:
    with connect(topology.settings) as connection:
        Producer(connection.default_channel).publish(
            messages.dump(envelope),
            exchange=topology.events_exchange(producer),
            routing_key=envelope.type,
            serializer="json",
            delivery_mode=2,
        )


def test_published_messages_of_both_producers_reach_the_endpoint_once(running, receiver):
    hooks, topology = running
    types = ["registration.confirmed", "visit.scheduled"]
    endpoints.register(hooks.uow(), hooks.clock, receiver.url, types)
    confirmed = Envelope("registration.confirmed", f.registration("confirmed"), "registration")
    scheduled = Envelope("visit.scheduled", {"visit": f.visit()}, "scheduling")

    _publish(topology, "registration", confirmed)
    _publish(topology, "registration", confirmed)  # a duplicate
    _publish(topology, "scheduling", scheduled)

    wait_until(lambda: len(receiver.received) >= 2, timeout=20)
    time.sleep(0.5)  # give a duplicate every chance to show up
    assert len(receiver.received) == 2
    ids = sorted(r.headers["Webhook-Id"] for r in receiver.received)
    assert ids == sorted([confirmed.message_id, scheduled.message_id])
