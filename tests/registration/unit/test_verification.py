"""Held registrations in the handlers, with the fake unit of work and a hand-moved clock."""

from datetime import UTC, datetime

from services.registration.domain.commands import Register
from services.registration.service_layer import handlers
from tests.registration.unit.test_handlers import open_event, person
from tests.support.clock import Clock
from tests.support.registration import FakeUnitOfWork


def _held(uow, clock, event_id, n) -> None:
    assert handlers.register(Register(event_id, person(n), True), uow, clock)[1] is None


def _token(uow, n) -> str:
    asked = [p for t, p in uow.messages if t == "registration.verification_requested"]
    url = [p["verify_url"] for p in asked if p["participant"]["email"] == f"p{n}@example.org"]
    return url[-1].rsplit("/", 1)[1]


def _types(uow) -> list[str]:
    return [t for t, _p in uow.messages if t.startswith("registration.")]


def test_an_unverified_person_promoted_meanwhile_is_announced_only_once_verified():
    uow, clock = FakeUnitOfWork(), Clock(datetime(2027, 3, 1, 9, tzinfo=UTC))
    event_id = open_event(uow, clock, capacity=1, verify_email=True)
    _held(uow, clock, event_id, 1)
    _held(uow, clock, event_id, 2)  # waiting list, unverified
    first, _ = handlers.verify(_token(uow, 1), uow, clock)
    handlers.cancel_by_token(first.manage_token, uow, clock)  # Ben moves up, silently

    assert _types(uow)[-2:] == ["registration.confirmed", "registration.cancelled"]
    second, _ = handlers.verify(_token(uow, 2), uow, clock)
    assert second.status == "confirmed"
    assert _types(uow)[-1] == "registration.confirmed"
    assert "registration.promoted" not in _types(uow)


def test_the_expiry_pass_ignores_holds_that_have_not_lapsed_and_verified_ones():
    uow, clock = FakeUnitOfWork(), Clock(datetime(2027, 3, 1, 9, tzinfo=UTC))
    event_id = open_event(uow, clock, capacity=3, verify_email=True)
    _held(uow, clock, event_id, 1)
    handlers.verify(_token(uow, 1), uow, clock)
    clock.advance(minutes=20)
    _held(uow, clock, event_id, 2)
    clock.advance(minutes=10)  # the first hold lapsed (but was verified); the second has not

    assert handlers.expire_holds(uow, clock) == 0
    clock.advance(minutes=20)
    assert handlers.expire_holds(uow, clock) == 1
    assert _types(uow)[-1] == "registration.expired"
