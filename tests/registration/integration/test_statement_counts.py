"""The registration path's round trips to PostgreSQL, pinned: a regression guard for #14.

Counted with SQLAlchemy's ``before_cursor_execute`` (an executemany counts once) and the
engine's commit and rollback events; the connection pool's pre-ping is not counted.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event, select

from services.registration.adapters.orm import outbox
from services.registration.domain.commands import Participant, Register
from services.registration.service_layer import handlers
from tests.registration.conftest import event_body, person


@dataclass
class Counted:
    statements: list[str] = field(default_factory=list)
    transactions: int = 0


@contextmanager
def counting(app):
    """What the app's engine runs inside the block."""
    engine = app.extensions["container"].infrastructure.engine
    counted = Counted()

    def statement(_conn, _cursor, sql, *_args) -> None:
        counted.statements.append(sql)

    def ended(_conn) -> None:
        counted.transactions += 1

    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", ended)
    event.listen(engine, "rollback", ended)
    try:
        yield counted
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", ended)
        event.remove(engine, "rollback", ended)


@pytest.fixture
def held_event(client, organiser):
    """A published event that verifies addresses, its one seat already held."""
    body = event_body(capacity=1)
    del body["verify_email"]  # the default: verified public registration
    event_id = client.post("/api/v1/events", json=body, headers=organiser).json["id"]
    client.post(f"/api/v1/events/{event_id}/publish", headers=organiser)
    assert client.post(f"/api/v1/events/{event_id}/registrations", json=person(0)).status_code
    return event_id


def _verify_token(app, email: str) -> str:
    """The token of the verification email sent to ``email``."""
    with app.extensions["container"].infrastructure.engine.connect() as db:
        bodies = db.execute(
            select(outbox.c.body).where(
                outbox.c.message_type == "registration.verification_requested"
            )
        ).scalars()
        payloads = [json.loads(body)["payload"] for body in bodies]
    (url,) = [p["verify_url"] for p in payloads if p["participant"]["email"] == email]
    return url.rsplit("/", 1)[1]


def test_a_public_registration_post_runs_at_most_six_statements_in_one_transaction(
    client, app, held_event
):
    with counting(app) as counted:
        answer = client.post(f"/api/v1/events/{held_event}/registrations", json=person(1))

    assert answer.status_code == 202
    assert len(counted.statements) <= 6, counted.statements
    assert counted.transactions == 1


def test_a_verification_runs_at_most_five_statements_in_one_transaction(client, app, held_event):
    client.post(f"/api/v1/events/{held_event}/registrations", json=person(1))
    token = _verify_token(app, "p1@example.org")

    with counting(app) as counted:
        answer = client.post(f"/api/v1/verify/{token}")

    assert answer.status_code == 200
    assert answer.json["waitlist_position"] == 1
    assert len(counted.statements) <= 5, counted.statements
    assert counted.transactions == 1


def test_eight_registrations_decided_together_run_the_statements_of_one(app, held_event):
    container = app.extensions["container"]
    people = [
        Participant(f"P {n}", f"b{n}@example.org", "Org", "sme", "BE", "sme") for n in range(8)
    ]
    commands = [Register(held_event, someone, consent=True) for someone in people]

    with counting(app) as counted:
        outcomes = handlers.register_batch(held_event, commands, container.uow(), container.clock)

    assert all(not isinstance(outcome, Exception) for outcome in outcomes)
    # the emails, the locked event, the notices of the verification emails, the counters,
    # the registrations (one executemany) and the outbox: once each, however many people
    assert len(counted.statements) <= 6, counted.statements
    assert counted.transactions == 1
