"""Webhook fixtures: the notifications service with its webhooks on PostgreSQL or SQLite, a
settable clock, an organiser credential and a real HTTP receiver on loopback."""

from __future__ import annotations

import pytest

from services.notifications.bootstrap import bootstrap
from services.notifications.entrypoints.flask_app import create_app
from services.notifications.webhooks.bootstrap import bootstrap_webhooks
from shared.credentials import CredentialStore
from tests.notifications import factories as f
from tests.notifications.webhooks.receiver import Receiver
from tests.support.clock import Clock


@pytest.fixture
def receiver():
    started = Receiver().start()
    yield started
    started.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock(f.NOW)


@pytest.fixture(params=["postgresql", "sqlite"])
def env(request, tmp_path) -> dict[str, str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'notifications.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    return {
        "NOTIFICATIONS_DATABASE_URL": url,
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "org.json"),
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": "webhook-tests",
        "PUBLIC_WRITE_RATE_LIMIT": "off",
        "REGISTRATION_PUBLIC_URL": "https://reg.example.test",
        "SCHEDULING_PUBLIC_URL": "https://sched.example.test",
        "WEBHOOK_DISABLE_AFTER_FAILURES": "4",
        "WEBHOOK_TIMEOUT_SECONDS": "2",
    }


@pytest.fixture
def hooks(env, clock):
    """The worker's side: the webhooks feature on a migrated database."""
    service = bootstrap(env, clock, migrate=True)
    yield bootstrap_webhooks(service, env)
    service.infrastructure.engine.dispose()


@pytest.fixture
def app(env, clock, hooks):
    built = create_app(env, clock)
    yield built
    built.extensions["container"].infrastructure.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(env) -> dict[str, str]:
    _, token = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    return {"Authorization": f"Bearer {token}"}
