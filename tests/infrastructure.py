"""Find the real RabbitMQ and PostgreSQL for tests: env var (which must answer), local, Docker.

Under CI=true a missing broker or database fails the run instead of skipping tests.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import threading
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
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    name = create_database(admin)
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        drop_database(admin, name)
        admin.dispose()

    return url, drop


def create_database(admin) -> str:
    """A new empty database (``admin``: an AUTOCOMMIT engine on the server); its name."""
    from sqlalchemy import text

    name = "cx_test_" + uuid.uuid4().hex[:12]
    with admin.connect() as db:
        db.execute(text(f'CREATE DATABASE "{name}"'))
    return name


def drop_database(admin, name: str) -> None:
    from sqlalchemy import text

    with admin.connect() as db:
        db.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class DatabasePool:
    """Empty databases made ahead of the tests that need one, and dropped behind them.

    Creating a database and dropping it cost the server about 0.3 s together, and most of that
    time the test process only waits. So a background thread keeps ``ahead`` empty databases
    ready and drops those handed back, while the tests run: each test still gets a database of
    its own, created empty and dropped afterwards, without waiting for either.
    """

    def __init__(self, server_url: str, ahead: int = 2) -> None:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self._server = make_url(server_url)
        self._admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
        self._ready: queue.Queue[str] = queue.Queue()
        self._handed_back: queue.Queue[str] = queue.Queue()
        self._ahead = ahead
        self._wake = threading.Event()
        self._closing = False
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="database-pool", daemon=True)
        self._thread.start()

    def take(self) -> tuple[str, str]:
        """(URL, name) of a fresh empty database; it is the caller's until ``hand_back``."""
        self._wake.set()
        while True:
            if self._failure is not None:
                raise RuntimeError("the database pool could not create a database") from (
                    self._failure
                )
            try:
                name = self._ready.get(timeout=0.5)
            except queue.Empty:
                continue
            self._wake.set()
            url = self._server.set(database=name).render_as_string(hide_password=False)
            return url, name

    def hand_back(self, name: str) -> None:
        """The test is done with the database: it is dropped in the background."""
        self._handed_back.put(name)
        self._wake.set()

    def close(self) -> None:
        """Stop the thread and drop every database still made or handed back."""
        self._closing = True
        self._wake.set()
        self._thread.join(timeout=60)
        for waiting in (self._handed_back, self._ready):
            while not waiting.empty():
                drop_database(self._admin, waiting.get_nowait())
        self._admin.dispose()

    def _work(self) -> None:
        try:
            while not self._closing:
                if not self._handed_back.empty():
                    drop_database(self._admin, self._handed_back.get_nowait())
                elif self._ready.qsize() < self._ahead:
                    self._ready.put(create_database(self._admin))
                else:
                    self._wake.wait(timeout=1)
                    self._wake.clear()
        except BaseException as failure:  # noqa: BLE001 - handed to the next take()
            self._failure = failure
