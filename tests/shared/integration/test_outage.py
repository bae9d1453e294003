"""A database outage answers 503 problem+json with Retry-After, logs one WARNING, recovers.

The database is a PostgreSQL cluster this test run started itself (``tests/faults.py``),
crashed with ``pg_ctl stop -m immediate``: the shared server is never touched.
"""

from __future__ import annotations

import logging

import pytest

from shared.credentials import CredentialStore
from shared.problems import OUTAGE_RETRY_AFTER
from tests.infrastructure import fresh_database
from tests.registration.conftest import event_body, person

pytestmark = pytest.mark.integration
# one read per service that needs its database
READS = {
    "registration": "/api/v1/events",
    "scheduling": "/api/v1/events/no-such-event/visits",
    "notifications": "/api/v1/notifications",
}


def _app(service: str, database_url: str, tmp_path, amqp_url: str):
    module = __import__(f"services.{service}.bootstrap", fromlist=["bootstrap"])
    web = __import__(f"services.{service}.entrypoints.flask_app", fromlist=["create_app"])
    env = {
        f"{service.upper()}_DATABASE_URL": database_url,
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "DATA_DIR": str(tmp_path),
        "AMQP_URL": amqp_url,
        "SECRET_KEY": "outage-test",  # production settings refuse to start without one
        "LOG_LEVEL": "WARNING",
    }
    module.bootstrap(env, migrate=True).infrastructure.engine.dispose()
    return web.create_app(env)


def _listen(caplog) -> None:
    """The app's JSON logging replaced the root handlers: let caplog hear again."""
    logging.getLogger().addHandler(caplog.handler)


@pytest.fixture
def crashable(private_postgres):
    """A fresh database on the private cluster; the cluster is running again afterwards."""
    url, drop = fresh_database(private_postgres.url)
    yield url
    if not _accepting(private_postgres):
        private_postgres.pg_ctl("start")
    drop()


def _accepting(cluster) -> bool:
    from sqlalchemy import create_engine, text

    engine = create_engine(cluster.url)
    try:
        with engine.connect() as db:
            db.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - down
        return False
    finally:
        engine.dispose()


def _assert_outage(response, caplog) -> None:
    assert response.status_code == 503, response.data
    assert response.mimetype == "application/problem+json"
    assert response.headers["Retry-After"] == str(OUTAGE_RETRY_AFTER)
    assert response.json["status"] == 503
    assert "Traceback" not in response.get_data(as_text=True)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    warnings = [r for r in caplog.records if r.name == "shared.problems"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is None


def test_a_crashed_database_gives_503_then_registrations_work_again_unaided(
    crashable, private_postgres, amqp_url, tmp_path, caplog
):
    app = _app("registration", crashable, tmp_path, amqp_url)
    client = app.test_client()
    _, token = CredentialStore(tmp_path / "organisers.json").mint("Tess")
    organiser = {"Authorization": f"Bearer {token}"}
    event = client.post("/api/v1/events", json=event_body(), headers=organiser).json
    client.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    path = f"/api/v1/events/{event['id']}/registrations"
    assert client.post(path, json=person(1)).status_code == 201

    private_postgres.crash()
    _listen(caplog)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        _assert_outage(client.post(path, json=person(2)), caplog)
    assert "p2@example.org" not in caplog.text  # no personal data from the statement

    private_postgres.pg_ctl("start")
    assert client.post(path, json=person(3)).status_code == 201
    roster = client.get(f"/api/v1/events/{event['id']}/registrations", headers=organiser).json
    # nothing committed was lost
    assert sorted(r["email"] for r in roster["items"]) == ["p1@example.org", "p3@example.org"]
    app.extensions["container"].infrastructure.engine.dispose()


@pytest.mark.parametrize("service", sorted(READS))
def test_every_service_answers_503_while_its_database_is_down(
    service, crashable, private_postgres, amqp_url, tmp_path, caplog
):
    app = _app(service, crashable, tmp_path, amqp_url)
    client = app.test_client()
    _, token = CredentialStore(tmp_path / "organisers.json").mint("Tess")
    organiser = {"Authorization": f"Bearer {token}"}
    healthy = client.get(READS[service], headers=organiser).status_code
    private_postgres.crash()
    _listen(caplog)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        _assert_outage(client.get(READS[service], headers=organiser), caplog)
    private_postgres.pg_ctl("start")
    assert client.get(READS[service], headers=organiser).status_code == healthy
    app.extensions["container"].infrastructure.engine.dispose()


def test_a_refused_broker_connection_during_a_request_is_a_503_too(caplog):
    from flask import Flask
    from kombu.exceptions import OperationalError

    from shared.problems import register_problem_handlers

    app = Flask("outage")
    register_problem_handlers(app, {})

    @app.get("/publish")
    def publish():
        raise OperationalError("[Errno 111] Connection refused")

    with caplog.at_level(logging.INFO):
        _assert_outage(app.test_client().get("/publish"), caplog)
