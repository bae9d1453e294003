"""The site's organiser session stores, Redis and a sessions database, behave alike; Redis
shares one login between services, and a store that is down makes pages answer 503."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import create_engine

from shared.pages.sessions import RedisSessionStore, SessionStoreUnavailable, SqlSessionStore
from tests.faults import free_port
from tests.security.test_page_sessions import carry_login, log_in, log_out, logged_in
from tests.waiting import wait_until

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LIFETIME = timedelta(hours=1)


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A private redis-server on a free port, for this module only (never the machine's)."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    wait_until(lambda: _answers(client), timeout=10)
    yield url
    server.terminate()
    server.wait(timeout=10)


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


@pytest.fixture(params=["sql", "redis"])
def store(request, tmp_path):
    clock = Clock()
    if request.param == "sql":
        engine = create_engine(f"sqlite:///{tmp_path / 'sessions.db'}")
        yield SqlSessionStore(engine, clock, LIFETIME)
        engine.dispose()
    else:
        client = redis.Redis.from_url(request.getfixturevalue("redis_url"))
        yield RedisSessionStore(client, clock, LIFETIME)
        client.close()


def test_an_open_session_names_its_credential_until_it_is_closed(store):
    session_id = store.open("cred-1")
    assert store.holder(session_id) == "cred-1"
    store.close(session_id)
    assert store.holder(session_id) is None


def test_a_session_ends_after_its_lifetime(store):
    session_id = store.open("cred-1")
    store.clock.now = START + LIFETIME - timedelta(seconds=1)
    assert store.holder(session_id) == "cred-1"
    store.clock.now = START + LIFETIME
    assert store.holder(session_id) is None


def test_an_unknown_session_id_names_nobody(store):
    store.open("cred-1")
    assert store.holder("guessed") is None


def test_the_store_keeps_only_a_digest_of_the_session_id(redis_url):
    client = redis.Redis.from_url(redis_url)
    session_id = RedisSessionStore(client, Clock(), LIFETIME).open("cred-1")
    keys = [key.decode() for key in client.keys("cx:organiser-session:*")]
    assert keys and all(session_id not in key for key in keys)
    assert all(client.ttl(key) > 0 for key in keys)  # Redis drops them too


def test_services_share_one_login_through_redis(make_service_app, credentials, redis_url):
    store = {"ORGANISER_SESSION_STORE_URL": redis_url}
    registration_app = make_service_app("registration", **store)
    notifications_app = make_service_app("notifications", **store)
    _, credential = credentials.mint("Ana")
    registration = registration_app.test_client()
    log_in(registration, credential)
    notifications = notifications_app.test_client()
    carry_login(registration, notifications)
    assert logged_in(notifications, "notifications")

    log_out(registration, "registration")

    assert not logged_in(notifications, "notifications")


def test_an_unreachable_redis_makes_the_pages_answer_503_not_500(make_service_app, credentials):
    app = make_service_app(
        "registration", ORGANISER_SESSION_STORE_URL=f"redis://127.0.0.1:{free_port()}/0"
    )
    _, credential = credentials.mint("Ana")
    response = log_in(app.test_client(), credential)
    assert response.status_code == 503
    assert "text/html" in response.content_type


def test_redis_errors_are_reported_as_an_outage():
    client = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_timeout=1)
    with pytest.raises(SessionStoreUnavailable):
        RedisSessionStore(client, Clock(), LIFETIME).holder("any")
