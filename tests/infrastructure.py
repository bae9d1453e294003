"""Find the real RabbitMQ and PostgreSQL for tests: env var (which must answer), local, Docker.

Under CI=true a missing broker or database fails the run instead of skipping tests.
"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid
from contextlib import closing
from urllib.parse import urlparse

import pytest

LOCAL_AMQP = "amqp://guest:guest@127.0.0.1:5672//"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _reachable(url: str) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    host, port = parsed.hostname or "127.0.0.1", parsed.port
    try:
        with closing(socket.create_connection((host, port), timeout=1)):
            return True
    except OSError:
        return False


def _docker_available() -> bool:
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def unavailable(what: str) -> None:
    """Skip, or fail under CI=true, when a broker or database the tests need is missing."""
    message = f"{what} is not reachable (env var, local service or Docker)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " and CI=true forbids skipping", pytrace=False)
    pytest.skip(message)


def _configured(name: str) -> str | None:
    """The URL the env var names; one that does not answer fails, never falls back silently."""
    url = os.environ.get(name)
    if url and not _reachable(url):
        unavailable(f"{name} ({urlparse(url).hostname}:{urlparse(url).port})")
    return url


def find_amqp(stack) -> str:
    """An AMQP URL of a running RabbitMQ."""
    url = _configured("TEST_AMQP_URL") or LOCAL_AMQP
    if _reachable(url):
        return url
    if _docker_available():
        from testcontainers.rabbitmq import RabbitMqContainer

        container = stack.enter_context(RabbitMqContainer("rabbitmq:3.13-management"))
        params = container.get_connection_params()
        return f"amqp://guest:guest@{params.host}:{params.port}//"
    unavailable("RabbitMQ")
    raise AssertionError("unreachable")


def find_postgres(stack) -> str:
    """A URL of a PostgreSQL server where the tests may create databases."""
    url = _configured("TEST_POSTGRES_URL") or LOCAL_POSTGRES
    if _reachable(url):
        return url
    if _docker_available():
        from testcontainers.postgres import PostgresContainer

        container = stack.enter_context(PostgresContainer("postgres:16", driver="psycopg"))
        return container.get_connection_url()
    unavailable("PostgreSQL")
    raise AssertionError("unreachable")


def fresh_database(server_url: str) -> tuple[str, callable]:
    """Create an empty database on the server; returns its URL and a function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "cx_test_" + uuid.uuid4().hex[:12]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop
