"""Fixtures shared by every test: real broker and database, isolated per test session."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from kombu import Connection, Queue

from tests import faults
from tests.infrastructure import DatabasePool, find_amqp, find_postgres, unavailable


@pytest.fixture(scope="session")
def _containers():
    with contextlib.ExitStack() as stack:
        yield stack


@pytest.fixture(scope="session")
def amqp_url(_containers) -> str:
    """URL of a real RabbitMQ."""
    return find_amqp(_containers)


@pytest.fixture(scope="session")
def postgres_server_url(_containers) -> str:
    """URL of a real PostgreSQL server (its maintenance database)."""
    return find_postgres(_containers)


@pytest.fixture(scope="session")
def private_broker():
    """A RabbitMQ node of this test run's own, for tests that cut, stop or kill the broker."""
    if not faults.rabbit_available():
        unavailable("rabbitmq-server (for a private node)")
    node = faults.RabbitNode().start()
    yield node
    node.destroy()


@pytest.fixture(scope="session")
def private_postgres():
    """A PostgreSQL cluster of this test run's own, for tests that crash the database."""
    if not faults.postgres_available():
        unavailable("PostgreSQL binaries (initdb, pg_ctl) for a private cluster")
    cluster = faults.PrivatePostgres().start()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="session")
def _database_pool(postgres_server_url):
    pool = DatabasePool(postgres_server_url)
    yield pool
    pool.close()


@pytest.fixture
def postgres_url(_database_pool):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards (both done ahead
    and behind the test by the pool's thread, so the test waits for neither)."""
    url, name = _database_pool.take()
    yield url
    _database_pool.hand_back(name)


@pytest.fixture
def namespace(amqp_url):
    """A broker namespace of this test's own; its queues and exchanges are deleted afterwards."""
    ns = "cxtest-" + uuid.uuid4().hex[:10]
    yield ns
    _delete_namespace(amqp_url, ns)


def _delete_namespace(amqp_url: str, ns: str) -> None:
    """Delete the namespace's queues and exchanges by name (no rabbitmqctl, no listing)."""
    from shared.config import SERVICES, BrokerSettings
    from shared.topology import platform_topology

    topology = platform_topology(BrokerSettings(url=amqp_url, namespace=ns))
    queues = [e.name for e in topology.all_entities() if isinstance(e, Queue)]
    queues += [f"{ns}.testsvc.{name}" for name in ("effects", "delay", "dead")]
    queues.append(f"{ns}.test.visits")  # tests/scheduling/integration/test_worker.py
    with contextlib.suppress(Exception), Connection(amqp_url) as conn:
        channel = conn.channel()
        for name in queues:
            channel.queue_delete(name)
        for suffix in (*SERVICES, "testsvc"):
            for kind in ("events", "retry", "dlx"):
                channel.exchange_delete(f"{ns}.{suffix}.{kind}")
