"""Accepting an offer while the expiry pass lapses it, on real PostgreSQL with threads: each
race has exactly one outcome (a confirmed seat or a seat passed on), never both, never none."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.registration.adapters.orm import outbox
from services.registration.bootstrap import bootstrap
from services.registration.domain.commands import CreateEvent, Participant, Register, Venue
from services.registration.domain.errors import LinkExpired
from services.registration.service_layer import handlers
from tests.support.clock import Clock

pytestmark = pytest.mark.integration
NOW = datetime(2030, 4, 1, tzinfo=UTC)
START = datetime(2030, 5, 1, 9, tzinfo=UTC)
RACES = 8


def _offered(app, clock) -> tuple[str, str, str]:
    """An event of one seat whose holder cancelled: (event id, offer token, registration id)."""
    command = CreateEvent(
        title="Contended workshop",
        kind="joint_learning_workshop",
        description="",
        venue=Venue("Hall", "Street 1", "Ghent", "BE"),
        timezone="Europe/Brussels",
        start=START,
        end=START + timedelta(hours=8),
        capacity=1,
        verify_email=False,
        waitlist_offer_hours=2,
    )
    event, _codes = handlers.create_event(command, app.uow(), clock)
    handlers.publish_event(event.id, app.uow(), clock)
    people = [
        handlers.register(
            Register(
                event.id, Participant(f"P{n}", f"p{n}@x.org", "Org", "sme", "BE", "sme"), True
            ),
            app.uow(),
            clock,
        )[1]
        for n in range(3)
    ]
    handlers.cancel_registration(people[0].id, app.uow(), clock)
    with app.uow() as uow:
        offered = uow.events.registration(people[1].id)
        return event.id, offered.offer_token, offered.id


def _race(app, token: str, expires: datetime) -> tuple[object, object]:
    """Accept (a second before the end) and the expiry pass (a second after) at once."""
    before, after = Clock(expires - timedelta(seconds=1)), Clock(expires + timedelta(seconds=1))
    barrier, outcome = threading.Barrier(2), {}

    def accept():
        barrier.wait()
        try:
            outcome["accept"] = handlers.accept_offer(token, app.uow(), before).status
        except LinkExpired as exc:
            outcome["accept"] = exc

    def expire():
        barrier.wait()
        outcome["expire"] = handlers.expire_offers(app.uow(), after)

    threads = [threading.Thread(target=accept), threading.Thread(target=expire)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome["accept"], outcome["expire"]


def test_concurrent_accept_and_expiry_give_exactly_one_outcome(postgres_url, tmp_path):
    clock = Clock(NOW)
    app = bootstrap(
        {"REGISTRATION_DATABASE_URL": postgres_url, "DATA_DIR": str(tmp_path)},
        clock=clock,
        migrate=True,
    )
    outcomes = []
    try:
        for _ in range(RACES):
            event_id, token, registration_id = _offered(app, clock)
            accepted, expired = _race(app, token, NOW + timedelta(hours=2))
            with app.uow() as uow:
                event = uow.events.get(event_id, lock=False)
                status = uow.events.registration(registration_id).status
                seats = (event.confirmed_count, event.offered_count)
            if accepted == "confirmed":
                assert expired == 0 and status == "confirmed" and seats == (1, 0)
            else:
                assert isinstance(accepted, LinkExpired)
                assert expired == 1 and status == "cancelled" and seats == (0, 1)
            outcomes.append(accepted == "confirmed")
        with app.infrastructure.engine.connect() as db:
            counts = dict(
                db.execute(
                    select(outbox.c.message_type, func.count()).group_by(outbox.c.message_type)
                ).all()
            )
        wins = sum(outcomes)
        assert counts.get("registration.promoted", 0) == wins
        assert counts.get("registration.offer_expired", 0) == RACES - wins
        # each lapsed offer moved on to the third person: one more offer per expiry
        assert counts["registration.offered"] == RACES + (RACES - wins)
    finally:
        app.infrastructure.engine.dispose()
