"""Fixtures for the registration service: its app on a fresh PostgreSQL database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.credentials import CredentialStore
from tests.support.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def env(postgres_url, tmp_path, namespace, amqp_url) -> dict[str, str]:
    return {
        "REGISTRATION_DATABASE_URL": postgres_url,
        "SECRET_KEY": "registration-tests",
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
        "DATA_DIR": str(tmp_path),
        "BROKER_NAMESPACE": namespace,
        "AMQP_URL": amqp_url,
        "REGISTRATION_PUBLIC_URL": "https://reg.example.test",
        "SCHEDULING_PUBLIC_URL": "https://sched.example.test",
    }


@pytest.fixture
def app(env, clock):
    from services.registration.bootstrap import bootstrap
    from services.registration.entrypoints.flask_app import create_app

    bootstrap(env, clock, migrate=True).infrastructure.engine.dispose()
    flask_app = create_app(env, clock)
    yield flask_app
    flask_app.extensions["container"].infrastructure.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def organiser(env) -> dict[str, str]:
    """Authorization header of a freshly minted organiser credential."""
    _, token = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess Organiser")
    return {"Authorization": f"Bearer {token}"}


def event_body(**overrides) -> dict:
    body = {
        "title": "Joint learning workshop: smart energy grids",
        "kind": "joint_learning_workshop",
        "description": "Two days of peer learning with study visits.",
        "venue": {
            "name": "Energy Campus",
            "address": "Rue de la Loi 1",
            "city": "Brussels",
            "country": "BE",
            "lat": 50.84,
            "lon": 4.37,
        },
        "timezone": "Europe/Brussels",
        "start": "2027-04-12T09:00:00+02:00",
        "end": "2027-04-13T17:00:00+02:00",
        "capacity": 3,
    }
    body.update(overrides)
    return body


def person(n: int, **overrides) -> dict:
    body = {
        "name": f"Participant {n}",
        "email": f"p{n}@example.org",
        "organisation": f"Org {n}",
        "organisation_type": "sme",
        "country": "DE",
        "role": "sme",
        "consent": True,
    }
    body.update(overrides)
    return body


@pytest.fixture
def published_event(client, organiser):
    """Create and publish an event; returns a function taking overrides."""

    def make(**overrides) -> dict:
        created = client.post("/api/v1/events", json=event_body(**overrides), headers=organiser)
        assert created.status_code == 201, created.get_json()
        published = client.post(f"/api/v1/events/{created.json['id']}/publish", headers=organiser)
        assert published.status_code == 200, published.get_json()
        return published.json

    return make
