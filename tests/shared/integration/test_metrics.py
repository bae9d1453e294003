"""/metrics against real PostgreSQL and RabbitMQ: outbox backlog, dead letters, email counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from kombu import Producer
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from services.notifications.adapters.orm import notifications
from services.notifications.bootstrap import bootstrap
from services.notifications.entrypoints.flask_app import create_app
from shared.broker import connect
from shared.config import broker_settings
from shared.metrics import OutboxCollector
from shared.topology import platform_topology
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


def scrape(client) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def test_outbox_pending_and_lag_follow_the_relay_on_postgresql(toy):
    collector = OutboxCollector("testsvc", toy.engine)
    assert collector.measure() == (0, 0, 0)

    toy.publish(1, 2, 3)
    pending, lag, failed = collector.measure()
    assert (pending, failed) == (3, 0)
    assert 0 <= lag < 60

    assert toy.relay().relay_once() == 3
    assert collector.measure() == (0, 0, 0)


@pytest.fixture
def env(postgres_url, amqp_url, namespace, tmp_path) -> dict[str, str]:
    return {
        "NOTIFICATIONS_DATABASE_URL": postgres_url,
        "SECRET_KEY": "metrics-tests",
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "org.json"),
        "DATA_DIR": str(tmp_path),
        "BROKER_NAMESPACE": namespace,
        "AMQP_URL": amqp_url,
    }


@pytest.fixture
def client(env):
    bootstrap(env, migrate=True).infrastructure.engine.dispose()
    app = create_app(env)
    yield app.test_client()
    app.extensions["container"].infrastructure.engine.dispose()


def add_notification(client, status: str) -> None:
    now = datetime.now(UTC)
    engine = client.application.extensions["container"].infrastructure.engine
    with engine.begin() as db:
        db.execute(
            insert(notifications).values(
                id=str(uuid.uuid4()),
                source_message_id=str(uuid.uuid4()),
                registration_id="reg-1",
                kind="registration_confirmed",
                recipient_email="anna@example.eu",
                recipient_name="Anna",
                language="en",
                context={},
                status=status,
                attempts=0,
                created_at=now,
            )
        )


def test_email_counts_by_status_come_from_the_delivery_log(client):
    for status in ("sent", "sent", "failed", "queued", "sent"):
        add_notification(client, status)

    found = scrape(client)

    def emails(status: str) -> float:
        labels = {"service": "notifications", "status": status}
        return found[("cx_notifications_emails", frozenset(labels.items()))]

    assert (emails("sent"), emails("failed"), emails("queued")) == (3, 1, 1)
    assert "anna" not in client.get("/metrics").get_data(as_text=True)


def test_the_dead_letter_gauge_counts_the_services_dead_letter_queue(client, env):
    settings = broker_settings(env)
    queue = platform_topology(settings).dead_letter_queue("notifications")
    labels = frozenset({"service": "notifications", "queue": queue.name}.items())
    assert scrape(client)[("cx_dead_letter_messages", labels)] == 0  # not even declared yet

    with connect(settings) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        try:
            Producer(connection.channel()).publish(
                {"type": "test.ping"}, exchange=queue.exchange, routing_key="", serializer="json"
            )
            wait_until(lambda: scrape(client)[("cx_dead_letter_messages", labels)] == 1)
        finally:
            bound.delete()
