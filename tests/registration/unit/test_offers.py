"""Waiting-list offers against the fake unit of work, with the test clock: a freed seat is held
for the next person waiting until they accept, decline or let the offer lapse."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.registration.domain.errors import (
    EventFull,
    InvalidEvent,
    InvalidTransition,
    LinkExpired,
    LinkUsed,
    NotFound,
)
from services.registration.domain.model import Status
from services.registration.service_layer import handlers
from tests.registration.unit.test_handlers import START, open_event, register

HOURS = 24


@pytest.fixture
def full_event(uow, clock) -> str:
    """One seat, taken by person 1; persons 2, 3 and 4 wait in that order; offers run 24 h."""
    event_id = open_event(uow, clock, capacity=1, waitlist_offer_hours=HOURS)
    for n in (1, 2, 3, 4):
        register(uow, clock, event_id, n)
    return event_id


def _event(uow, event_id):
    return uow.events.get(event_id)


def _offer_token(uow, registration_id) -> str:
    token = uow.events.registration(registration_id).offer_token
    assert token
    return token


def _status(uow, registration_id) -> str:
    return uow.events.registration(registration_id).status


def _cancel_first(uow, clock, event_id) -> list:
    """Person 1 cancels; returns the waiting list as it was (2, 3, 4)."""
    waiting = uow.events.waitlist(event_id)
    first = [r for r in uow.events.active(event_id) if r.status == Status.CONFIRMED][0]
    handlers.cancel_registration(first.id, uow, clock)
    return waiting


def test_a_freed_seat_is_offered_to_the_next_person_and_held_for_them(uow, clock, full_event):
    second, third, _fourth = _cancel_first(uow, clock, full_event)
    assert _status(uow, second.id) == Status.OFFERED
    assert _status(uow, third.id) == Status.WAITLISTED
    event = _event(uow, full_event)
    assert event.seats.full and event.offered_count == 1 and event.confirmed_count == 0
    [offered] = uow.sent("registration.offered")
    assert offered["registration_id"] == second.id
    assert offered["status"] == "offered"
    assert offered["offer_expires_at"] == clock() + timedelta(hours=HOURS)
    token = _offer_token(uow, second.id)
    assert offered["accept_url"] == f"https://reg.example.test/offers/{token}/accept"
    assert offered["decline_url"] == f"https://reg.example.test/offers/{token}/decline"
    assert not uow.sent("registration.promoted")


def test_a_seat_held_by_an_offer_is_never_given_to_a_newcomer(uow, clock, full_event):
    _cancel_first(uow, clock, full_event)
    newcomer = register(uow, clock, full_event, 5)
    assert newcomer.status == Status.WAITLISTED


def test_accepting_confirms_the_seat_and_is_announced_as_a_promotion(uow, clock, full_event):
    second, *_ = _cancel_first(uow, clock, full_event)
    clock.advance(hours=3)
    handlers.accept_offer(_offer_token(uow, second.id), uow, clock)
    assert _status(uow, second.id) == Status.CONFIRMED
    event = _event(uow, full_event)
    assert (event.confirmed_count, event.offered_count) == (1, 0)
    [promoted] = uow.sent("registration.promoted")
    assert promoted["registration_id"] == second.id
    assert "accept_url" not in promoted


def test_accepting_twice_is_refused_as_a_used_link(uow, clock, full_event):
    second, *_ = _cancel_first(uow, clock, full_event)
    token = _offer_token(uow, second.id)
    handlers.accept_offer(token, uow, clock)
    with pytest.raises(LinkUsed):
        handlers.accept_offer(token, uow, clock)
    with pytest.raises(LinkUsed):
        handlers.decline_offer(token, False, uow, clock)
    assert len(uow.sent("registration.promoted")) == 1


def test_an_unknown_offer_link_is_not_found(uow, clock, full_event):
    with pytest.raises(NotFound):
        handlers.accept_offer("no-such-token", uow, clock)


def test_a_lapsed_offer_cannot_be_accepted_even_before_the_pass_runs(uow, clock, full_event):
    second, *_ = _cancel_first(uow, clock, full_event)
    clock.advance(hours=HOURS)
    with pytest.raises(LinkExpired):
        handlers.accept_offer(_offer_token(uow, second.id), uow, clock)
    assert _status(uow, second.id) == Status.OFFERED  # the pass moves it on


def test_declining_passes_the_offer_to_the_next_person_and_leaves_the_list(uow, clock, full_event):
    second, third, _fourth = _cancel_first(uow, clock, full_event)
    handlers.decline_offer(_offer_token(uow, second.id), False, uow, clock)
    assert _status(uow, second.id) == Status.CANCELLED
    assert _status(uow, third.id) == Status.OFFERED
    [declined] = uow.sent("registration.offer_declined")
    assert declined["status"] == "cancelled" and declined["waitlist_position"] is None
    assert [o["registration_id"] for o in uow.sent("registration.offered")] == [
        second.id,
        third.id,
    ]


def test_who_declines_may_stay_on_the_list_at_its_end(uow, clock, full_event):
    second, third, fourth = _cancel_first(uow, clock, full_event)
    handlers.decline_offer(_offer_token(uow, second.id), True, uow, clock)
    assert [r.id for r in uow.events.waitlist(full_event)] == [fourth.id, second.id]
    assert _status(uow, third.id) == Status.OFFERED
    [declined] = uow.sent("registration.offer_declined")
    assert declined["status"] == "waitlisted" and declined["waitlist_position"] == 2


def test_who_declines_and_stays_is_not_offered_the_same_seat_again(uow, clock):
    event_id = open_event(uow, clock, capacity=1, waitlist_offer_hours=HOURS)
    first, second = register(uow, clock, event_id, 1), register(uow, clock, event_id, 2)
    handlers.cancel_registration(first.id, uow, clock)
    handlers.decline_offer(_offer_token(uow, second.id), True, uow, clock)
    assert _status(uow, second.id) == Status.WAITLISTED
    assert _event(uow, event_id).seats.seats_left(clock()) == 1


def test_the_expiry_pass_moves_a_lapsed_offer_to_the_next_person(uow, clock, full_event):
    second, third, _fourth = _cancel_first(uow, clock, full_event)
    clock.advance(hours=HOURS - 1)
    assert handlers.expire_offers(uow, clock) == 0
    assert _status(uow, second.id) == Status.OFFERED
    clock.advance(hours=1)
    assert handlers.expire_offers(uow, clock) == 1
    assert _status(uow, second.id) == Status.CANCELLED
    assert _status(uow, third.id) == Status.OFFERED
    [expired] = uow.sent("registration.offer_expired")
    assert expired["registration_id"] == second.id and expired["status"] == "cancelled"
    with pytest.raises(LinkExpired):
        handlers.accept_offer(_offer_token(uow, second.id), uow, clock)


def test_a_cancelled_offer_does_not_block_the_next_person(uow, clock, full_event):
    second, third, _fourth = _cancel_first(uow, clock, full_event)
    handlers.cancel_registration(second.id, uow, clock)
    assert _status(uow, third.id) == Status.OFFERED
    event = _event(uow, full_event)
    assert (event.offered_count, event.confirmed_count) == (1, 0)
    with pytest.raises(InvalidTransition):
        handlers.accept_offer(_offer_token(uow, second.id), uow, clock)


def test_an_erased_offer_does_not_block_the_next_person(uow, clock, full_event):
    second, third, _fourth = _cancel_first(uow, clock, full_event)
    handlers.erase(second.id, uow, clock)
    assert _status(uow, third.id) == Status.OFFERED
    [offer] = [o for o in uow.sent("registration.offered") if o["registration_id"] == second.id]
    assert "[erased]" in offer["accept_url"]  # the kept message lost the link too


def test_offers_are_never_issued_after_registration_closes(uow, clock):
    closes = START - timedelta(days=2)
    event_id = open_event(
        uow, clock, capacity=1, waitlist_offer_hours=HOURS, registration_closes=closes
    )
    first, second = register(uow, clock, event_id, 1), register(uow, clock, event_id, 2)
    clock.now = closes
    handlers.cancel_registration(first.id, uow, clock)
    assert _status(uow, second.id) == Status.WAITLISTED
    assert not uow.sent("registration.offered")
    assert _event(uow, event_id).seats.seats_left(clock()) == 1  # the seat simply stays free


def test_offers_are_never_issued_once_the_event_has_started(uow, clock, full_event):
    clock.now = START + timedelta(minutes=1)
    _cancel_first(uow, clock, full_event)
    assert not uow.sent("registration.offered")


def test_an_offer_runs_out_at_the_cut_off_at_the_latest(uow, clock):
    closes = START - timedelta(days=2)
    event_id = open_event(
        uow, clock, capacity=1, waitlist_offer_hours=HOURS, registration_closes=closes
    )
    first, second = register(uow, clock, event_id, 1), register(uow, clock, event_id, 2)
    clock.now = closes - timedelta(hours=2)
    handlers.cancel_registration(first.id, uow, clock)
    assert uow.events.registration(second.id).offer_expires_at == closes


def test_an_offer_lapsing_after_the_cut_off_leaves_the_seat_free(uow, clock, full_event):
    second, third, _ = _cancel_first(uow, clock, full_event)
    clock.now = START + timedelta(hours=1)
    assert handlers.expire_offers(uow, clock) == 1
    assert _status(uow, third.id) == Status.WAITLISTED
    assert len(uow.sent("registration.offered")) == 1


def test_raising_the_capacity_makes_one_offer_per_new_seat(uow, clock, full_event):
    second, third, fourth = uow.events.waitlist(full_event)
    handlers.update_event(full_event, {"capacity": 3}, uow, clock)
    assert [_status(uow, r.id) for r in (second, third, fourth)] == [
        "offered",
        "offered",
        "waitlisted",
    ]


def test_lowering_the_capacity_below_the_held_seats_is_refused(uow, clock, full_event):
    handlers.update_event(full_event, {"capacity": 2}, uow, clock)
    _cancel_first(uow, clock, full_event)
    with pytest.raises(InvalidEvent):
        handlers.update_event(full_event, {"capacity": 1}, uow, clock)


def test_an_organiser_cannot_promote_into_a_seat_held_by_an_offer(uow, clock, full_event):
    _second, third, _ = _cancel_first(uow, clock, full_event)
    with pytest.raises(EventFull):
        handlers.promote(third.id, uow, clock)


def test_without_offer_hours_the_next_person_is_promoted_at_once(uow, clock):
    event_id = open_event(uow, clock, capacity=1)
    first, second = register(uow, clock, event_id, 1), register(uow, clock, event_id, 2)
    handlers.cancel_registration(first.id, uow, clock)
    assert _status(uow, second.id) == Status.CONFIRMED
    assert not uow.sent("registration.offered")


def test_offer_hours_outside_their_range_are_refused(uow, clock):
    with pytest.raises(InvalidEvent):
        open_event(uow, clock, waitlist_offer_hours=-1)
