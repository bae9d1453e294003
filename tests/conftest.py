"""Fixtures shared by every test: real broker and database, isolated per test session."""

from __future__ import annotations

import contextlib
import uuid

import pytest
from kombu import Connection

from tests.infrastructure import find_amqp, find_postgres, fresh_database


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


@pytest.fixture
def postgres_url(postgres_server_url):
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    url, drop = fresh_database(postgres_server_url)
    yield url
    drop()


@pytest.fixture
def namespace(amqp_url):
    """A broker namespace of this test's own; its queues and exchanges are deleted afterwards."""
    ns = "cxtest-" + uuid.uuid4().hex[:10]
    yield ns
    _delete_namespace(amqp_url, ns)


def _delete_namespace(amqp_url: str, ns: str) -> None:
    """Delete the namespace's queues (listed by rabbitmqctl when it is local) and exchanges."""
    import shutil
    import subprocess

    names: list[str] = []
    if shutil.which("rabbitmqctl"):
        listing = subprocess.run(
            ["rabbitmqctl", "list_queues", "-q", "--no-table-headers", "name"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        names = [n.strip() for n in listing.stdout.splitlines() if n.strip().startswith(ns)]
    with contextlib.suppress(Exception), Connection(amqp_url) as conn:
        channel = conn.channel()
        for name in names:
            channel.queue_delete(name)
        for suffix in ("registration", "scheduling", "notifications", "testsvc"):
            for kind in ("events", "retry", "dlx"):
                channel.exchange_delete(f"{ns}.{suffix}.{kind}")
