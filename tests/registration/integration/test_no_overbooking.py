"""200 people register at once for 40 seats: exactly 40 seats, 160 on the list, in order."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.registration.adapters.orm import outbox
from services.registration.bootstrap import bootstrap
from services.registration.domain.commands import CreateEvent, Participant, Register, Venue
from services.registration.domain.model import Registration
from services.registration.service_layer import handlers

SEATS, PEOPLE = 40, 200


def _event(app):
    start = datetime(2030, 5, 1, 9, tzinfo=UTC)
    command = CreateEvent(
        title="Contended workshop",
        kind="joint_learning_workshop",
        description="",
        venue=Venue("Hall", "Street 1", "Ghent", "BE"),
        timezone="Europe/Brussels",
        start=start,
        end=start + timedelta(hours=8),
        capacity=SEATS,
        verify_email=False,  # the race is about seats, decided at registration
    )
    event, _codes = handlers.create_event(command, app.uow(), app.clock)
    handlers.publish_event(event.id, app.uow(), app.clock)
    return event.id


def _register_all(app, event_id) -> list:
    def one(n: int):
        participant = Participant(f"P{n}", f"p{n}@example.org", "Org", "sme", "BE", "sme")
        return handlers.register(
            Register(event_id, participant, consent=True), app.uow(), app.clock
        )[1]

    with ThreadPoolExecutor(max_workers=32) as pool:
        return list(pool.map(one, range(PEOPLE)))


def _assert_no_overbooking(app, event_id) -> None:
    with app.uow() as uow:
        event = uow.events.get(event_id, lock=False)
        everyone = uow.session.scalars(select(Registration)).all()
        confirmed = [r for r in everyone if r.status == "confirmed"]
        waitlist = uow.events.waitlist(event_id)
        assert len(confirmed) == SEATS == event.confirmed_count
        assert len(waitlist) == PEOPLE - SEATS
        positions = [uow.events.waitlist_position(r) for r in waitlist]
        assert positions == list(range(1, PEOPLE - SEATS + 1))
        # the queue order is the order in which seats were decided: every confirmed
        # registration came before every waitlisted one
        assert max(r.queue_number for r in confirmed) < min(r.queue_number for r in waitlist)
        numbers = sorted(r.queue_number for r in everyone)
        assert numbers == list(range(1, PEOPLE + 1))
    with app.infrastructure.engine.connect() as db:
        counts = dict(
            db.execute(
                select(outbox.c.message_type, func.count()).group_by(outbox.c.message_type)
            ).all()
        )
    assert counts["registration.confirmed"] == SEATS
    assert counts["registration.waitlisted"] == PEOPLE - SEATS


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_concurrent_registrations_never_overbook(backend, postgres_url, tmp_path):
    url = postgres_url if backend == "postgresql" else f"sqlite:///{tmp_path / 'reg.db'}"
    app = bootstrap(
        {"REGISTRATION_DATABASE_URL": url, "DATA_DIR": str(tmp_path)},
        clock=lambda: datetime(2030, 4, 1, tzinfo=UTC),
        migrate=True,
    )
    try:
        event_id = _event(app)
        results = _register_all(app, event_id)
        assert sum(r.status == "confirmed" for r in results) == SEATS
        _assert_no_overbooking(app, event_id)
    finally:
        app.infrastructure.engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_the_same_email_racing_itself_gets_one_registration(backend, postgres_url, tmp_path):
    from services.registration.domain.errors import AlreadyRegistered

    url = postgres_url if backend == "postgresql" else f"sqlite:///{tmp_path / 'reg.db'}"
    app = bootstrap(
        {"REGISTRATION_DATABASE_URL": url, "DATA_DIR": str(tmp_path)},
        clock=lambda: datetime(2030, 4, 1, tzinfo=UTC),
        migrate=True,
    )
    try:
        event_id = _event(app)
        participant = Participant("Twin", "Twin@Example.org", "Org", "sme", "BE", "sme")

        def attempt(_n: int) -> str:
            try:
                handlers.register(Register(event_id, participant, True), app.uow(), app.clock)
            except AlreadyRegistered:
                return "conflict"
            return "registered"

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(attempt, range(16)))
        assert outcomes.count("registered") == 1
        assert outcomes.count("conflict") == 15
    finally:
        app.infrastructure.engine.dispose()


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_the_desk_batches_concurrent_registrations_without_overbooking(
    backend, postgres_url, tmp_path
):
    from services.registration.domain.errors import AlreadyRegistered

    url = postgres_url if backend == "postgresql" else f"sqlite:///{tmp_path / 'reg.db'}"
    app = bootstrap(
        {"REGISTRATION_DATABASE_URL": url, "DATA_DIR": str(tmp_path)},
        clock=lambda: datetime(2030, 4, 1, tzinfo=UTC),
        migrate=True,
    )
    batches = []
    original = handlers.register_batch

    def spy(event_id, commands, uow, clock, hold):
        batches.append(len(commands))
        return original(event_id, commands, uow, clock, hold)

    handlers.register_batch = spy
    try:
        event_id = _event(app)

        def one(n: int):
            email = f"p{n % PEOPLE}@example.org"  # the last 20 repeat earlier emails
            participant = Participant(f"P{n}", email, "Org", "sme", "BE", "sme")
            try:
                return app.desk.register(Register(event_id, participant, consent=True))[1]
            except AlreadyRegistered:
                return "duplicate"

        with ThreadPoolExecutor(max_workers=32) as pool:
            results = list(pool.map(one, range(PEOPLE + 20)))
        assert results.count("duplicate") == 20
        _assert_no_overbooking(app, event_id)
        assert max(batches) > 1  # requests really were decided together
    finally:
        handlers.register_batch = original
        app.infrastructure.engine.dispose()


def test_a_refused_registration_does_not_sink_its_batch(postgres_url, tmp_path):
    from services.registration.domain.errors import InvalidEvent

    app = bootstrap(
        {"REGISTRATION_DATABASE_URL": postgres_url, "DATA_DIR": str(tmp_path)},
        clock=lambda: datetime(2030, 4, 1, tzinfo=UTC),
        migrate=True,
    )
    try:
        event_id = _event(app)
        people = [
            Participant(f"P{n}", f"p{n}@example.org", "O", "sme", "BE", "sme") for n in range(3)
        ]
        commands = [
            Register(event_id, people[0], True),
            Register(event_id, people[1], False),
            Register(event_id, people[0], True),
            Register(event_id, people[2], True),
        ]
        outcomes = handlers.register_batch(event_id, commands, app.uow(), app.clock)
        assert isinstance(outcomes[1], InvalidEvent)
        assert type(outcomes[2]).__name__ == "AlreadyRegistered"
        assert [o[1].status for o in (outcomes[0], outcomes[3])] == ["confirmed", "confirmed"]
        with app.uow() as uow:
            assert uow.events.get(event_id, lock=False).confirmed_count == 2
    finally:
        app.infrastructure.engine.dispose()
