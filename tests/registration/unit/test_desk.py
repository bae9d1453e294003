"""The registration desk: concurrent registrations for one event share one transaction."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest

from services.registration.domain.commands import CreateEvent, Participant, Register, Venue
from services.registration.domain.errors import AlreadyRegistered, EventNotOpen
from services.registration.service_layer import handlers
from services.registration.service_layer.desk import RegistrationDesk
from tests.support.registration import FakeUnitOfWork
from tests.waiting import wait_until

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class GatedUnitOfWork(FakeUnitOfWork):
    """Holds its first commit until the test opens the gate, so others queue up meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.waiting = threading.Event()
        self.batches: list[int] = []

    def commit(self) -> None:
        added = len(self.events.added_since(self._committed))
        if added:
            self.waiting.set()
            assert self.gate.wait(10), "the gate was never opened"
            self.batches.append(added)
        super().commit()


def open_event(uow, clock, capacity=3) -> str:
    start = NOW + timedelta(days=30)
    command = CreateEvent(
        "Workshop",
        "joint_learning_workshop",
        "",
        Venue("Hall", "Street 1", "Ghent", "BE"),
        "Europe/Brussels",
        start,
        start + timedelta(hours=8),
        capacity,
        verify_email=False,  # seats are decided at once (verification: test_verification.py)
    )
    event, _codes = handlers.create_event(command, uow, clock)
    handlers.publish_event(event.id, uow, clock)
    return event.id


def command(event_id: str, n: int) -> Register:
    participant = Participant(f"P{n}", f"p{n}@example.org", "Org", "sme", "BE", "sme")
    return Register(event_id, participant, consent=True)


def outcome_of(desk, cmd):
    """What the desk returned, or the error it raised, for one caller."""
    try:
        return desk.register(cmd)
    except Exception as exc:  # noqa: BLE001 - the error is the outcome under test
        return exc


def test_one_registration_through_the_desk_is_an_ordinary_registration(clock):
    uow = FakeUnitOfWork()
    event_id = open_event(uow, clock)
    event, registration, position = RegistrationDesk(lambda: uow, clock).register(
        command(event_id, 1)
    )
    assert (event.id, registration.status, position) == (event_id, "confirmed", None)
    assert len(uow.sent("registration.confirmed")) == 1


def test_registrations_arriving_during_a_decision_are_decided_together_in_one_commit(clock):
    uow = GatedUnitOfWork()
    event_id = open_event(uow, clock, capacity=3)
    desk = RegistrationDesk(lambda: uow, clock)
    with ThreadPoolExecutor(max_workers=6) as pool:
        first = pool.submit(desk.register, command(event_id, 0))
        assert uow.waiting.wait(10)  # the first batch is being decided
        rest = [pool.submit(outcome_of, desk, command(event_id, n)) for n in range(1, 6)]
        wait_until(lambda: len(desk._queues[event_id]) == 5)
        uow.gate.set()
        outcomes = [first.result(10)] + [f.result(10) for f in rest]
    assert uow.batches == [1, 5]  # the first alone, then everyone who queued meanwhile
    statuses = sorted(registration.status for _, registration, _ in outcomes)
    assert statuses == ["confirmed"] * 3 + ["waitlisted"] * 3
    positions = sorted(p for _, r, p in outcomes if r.status == "waitlisted")
    assert positions == [1, 2, 3]


def test_each_caller_gets_its_own_outcome_even_a_refusal(clock):
    uow = GatedUnitOfWork()
    event_id = open_event(uow, clock, capacity=5)
    desk = RegistrationDesk(lambda: uow, clock)
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(outcome_of, desk, command(event_id, 0))
        assert uow.waiting.wait(10)  # the first batch is being decided
        again = pool.submit(outcome_of, desk, command(event_id, 0))  # the same email
        other = pool.submit(outcome_of, desk, command(event_id, 1))
        wait_until(lambda: len(desk._queues[event_id]) == 2)
        uow.gate.set()
        results = first.result(10), again.result(10), other.result(10)
    assert results[0][1].email == "p0@example.org"
    assert isinstance(results[1], AlreadyRegistered)
    assert results[2][1].email == "p1@example.org"
    assert uow.batches == [1, 1]  # the refusal changed nothing; its batch-mate still commits


def test_a_batch_that_fails_at_commit_is_retried_one_by_one_so_only_the_culprit_fails(clock):
    uow = GatedUnitOfWork()
    uow.taken_elsewhere = {"p2@example.org"}  # another process got there first
    event_id = open_event(uow, clock, capacity=5)
    desk = RegistrationDesk(lambda: uow, clock)
    with ThreadPoolExecutor(max_workers=4) as pool:
        first = pool.submit(outcome_of, desk, command(event_id, 0))
        assert uow.waiting.wait(10)  # the first batch is being decided
        queued = [pool.submit(outcome_of, desk, command(event_id, n)) for n in (1, 2, 3)]
        wait_until(lambda: len(desk._queues[event_id]) == 3)
        uow.gate.set()
        first.result(10)
        results = [f.result(10) for f in queued]
    assert [r[1].email for r in (results[0], results[2])] == ["p1@example.org", "p3@example.org"]
    assert isinstance(results[1], AlreadyRegistered)
    confirmed = uow.sent("registration.confirmed")
    assert sorted(m["participant"]["email"] for m in confirmed) == [
        "p0@example.org",
        "p1@example.org",
        "p3@example.org",
    ]
    assert uow.events.get(event_id).confirmed_count == 3  # the failed batch left no trace


def test_a_refusal_is_raised_to_its_caller_and_the_desk_serves_the_next_event(clock):
    uow = FakeUnitOfWork()
    desk = RegistrationDesk(lambda: uow, clock)
    event_id = open_event(uow, clock)
    handlers.cancel_event(event_id, None, uow, clock)
    with pytest.raises(EventNotOpen):
        desk.register(command(event_id, 1))
    other = open_event(uow, clock)
    assert desk.register(command(other, 1))[1].status == "confirmed"
    assert not desk._busy and not desk._queues
