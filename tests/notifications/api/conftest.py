"""API fixtures: the app from create_app(env) on fresh PostgreSQL, and an organiser token."""

from __future__ import annotations

import pytest

from services.notifications.bootstrap import bootstrap
from services.notifications.entrypoints.flask_app import create_app
from services.notifications.entrypoints.manage import migrate
from shared.credentials import CredentialStore

# The API never talks to the broker, so no queues are declared to clean up in this namespace.
NAMESPACE = "cxtest-notifications-api"


@pytest.fixture
def env(postgres_url, amqp_url, smtp_server, tmp_path) -> dict[str, str]:
    return {
        "NOTIFICATIONS_DATABASE_URL": postgres_url,
        "SECRET_KEY": "notifications-tests",
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "org.json"),
        "DATA_DIR": str(tmp_path),
        "BROKER_NAMESPACE": NAMESPACE,
        "AMQP_URL": amqp_url,
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_SECURITY": "none",
    }


@pytest.fixture
def service(env):
    """The worker's side of the service, to feed messages and deliver."""
    migrate(env)
    app = bootstrap(env)
    yield app
    app.infrastructure.engine.dispose()


@pytest.fixture
def client(env, service):
    app = create_app(env)
    yield app.test_client()
    app.extensions["container"].infrastructure.engine.dispose()


@pytest.fixture
def auth(env) -> dict[str, str]:
    _, token = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    return {"Authorization": f"Bearer {token}"}
