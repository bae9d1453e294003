"""Fixtures for the scheduling tests: a controllable clock, the app on real PostgreSQL."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
import vobject
from sqlalchemy import select

from services.scheduling.adapters.orm import outbox
from services.scheduling.entrypoints.flask_app import create_app
from services.scheduling.entrypoints.manage import main as manage
from services.scheduling.service_layer import read_model
from shared.credentials import CredentialStore
from tests.scheduling.builders import (
    EVENT_ID,
    NOW,
    envelope,
    event_payload,
    registration_payload,
    visit_body,
)
from tests.support.clock import Clock

JS_DIR = Path(__file__).resolve().parent / "js"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def env(postgres_url, amqp_url, tmp_path) -> dict[str, str]:
    """The service's environment; the HTTP side never talks to the broker."""
    return {
        "SCHEDULING_DATABASE_URL": postgres_url,
        "SECRET_KEY": "scheduling-tests",
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "org.json"),
        "DATA_DIR": str(tmp_path),
        "BROKER_NAMESPACE": "cxtest-scheduling-api",
        "AMQP_URL": amqp_url,
        "SCHEDULING_PUBLIC_URL": "https://calendar.example.eu/scheduling",
        "FEED_CACHE_SECONDS": "0",
    }


@pytest.fixture
def make_app(env, clock):
    """Build apps on a database migrated by the service's own command; disposed afterwards."""
    manage(["migrate"], env)
    built = []

    def make(**overrides: str):
        app = create_app(env | overrides, clock)
        built.append(app)
        return app

    yield make
    for app in built:
        app.extensions["container"].infrastructure.engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def organiser(env) -> dict[str, str]:
    """Headers carrying a fresh organiser credential."""
    _, token = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def deliver(app):
    """Hand a registration message to the worker's handler, as the Worker would."""
    container = app.extensions["container"]
    handlers = read_model.handlers(container.clock)

    def send(message_type: str, payload: dict, occurred_at: datetime | None = None) -> None:
        message = envelope(message_type, payload, occurred_at)
        with container.uow() as uow:
            handlers[message_type](message, uow)
            uow.commit()

    return send


@pytest.fixture
def outbox_messages(app):
    """(type, payload) of every message written to the outbox so far, oldest first."""
    engine = app.extensions["container"].infrastructure.engine

    def read() -> list[tuple[str, dict]]:
        with engine.connect() as db:
            rows = db.execute(select(outbox.c.message_type, outbox.c.body).order_by(outbox.c.id))
            return [(kind, json.loads(body)["payload"]) for kind, body in rows]

    return read


@pytest.fixture
def published_event(deliver):
    """The workshop as registration published it, with two confirmed participants."""
    deliver("event.published", event_payload())
    for registration_id in ("r1", "r2"):
        deliver("registration.confirmed", registration_payload(registration_id))


@pytest.fixture
def visit_id(client, organiser, published_event) -> str:
    """A scheduled visit of the published workshop."""
    response = client.post(
        f"/api/v1/events/{EVENT_ID}/visits", json=visit_body(), headers=organiser
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.fixture(scope="session")
def ical_js():
    """Run Mozilla ical.js on a feed and return what it parsed."""
    if shutil.which("node") is None:
        reason = "node is not installed; the ical.js cross-check needs Node.js 20+"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    if not (JS_DIR / "node_modules" / "ical.js" / "package.json").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True)

    def parse(feed: bytes) -> dict:
        done = subprocess.run(
            ["node", "parse_ics.mjs"], cwd=JS_DIR, input=feed, capture_output=True, check=True
        )
        return json.loads(done.stdout)

    return parse


@pytest.fixture
def fresh_vobject_tzids(monkeypatch):
    """Empty vobject's process-wide TZID registry, which keeps the first VTIMEZONE it ever saw."""
    monkeypatch.setattr(vobject.icalendar, "__tzidMap", {"UTC": vobject.icalendar.utc})
