"""Retention against the fake unit of work, with the test clock: after an event's retention
date every registration is purged as erasure does, with its status kept for the EU report."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.registration.domain.errors import InvalidEvent
from services.registration.domain.model import ERASED
from services.registration.service_layer import handlers
from tests.registration.unit.test_handlers import START, open_event, register

END = START + timedelta(hours=8)


def test_the_retention_date_defaults_to_the_end_plus_the_retention_days(uow, clock):
    event_id = open_event(uow, clock)
    assert uow.events.get(event_id).retention_until == END + handlers.DEFAULT_RETENTION


def test_moving_the_end_moves_the_default_retention_date_along(uow, clock):
    event_id = open_event(uow, clock)
    handlers.update_event(event_id, {"end": END + timedelta(days=1)}, uow, clock)
    assert uow.events.get(event_id).retention_until == END + timedelta(days=366)


def test_an_organiser_may_set_the_date_and_reset_it_to_the_default(uow, clock):
    event_id = open_event(uow, clock)
    handlers.update_event(event_id, {"retention_until": END + timedelta(days=30)}, uow, clock)
    assert uow.events.get(event_id).retention_until == END + timedelta(days=30)
    handlers.update_event(event_id, {"retention_until": None}, uow, clock, timedelta(days=7))
    assert uow.events.get(event_id).retention_until == END + timedelta(days=7)


def test_a_retention_date_before_the_event_ends_is_refused(uow, clock):
    event_id = open_event(uow, clock)
    with pytest.raises(InvalidEvent):
        handlers.update_event(event_id, {"retention_until": START}, uow, clock)


def test_nothing_is_purged_before_the_retention_date(uow, clock):
    event_id = open_event(uow, clock, retention_until=END + timedelta(days=10))
    register(uow, clock, event_id, 1)
    clock.now = END + timedelta(days=10) - timedelta(seconds=1)
    assert handlers.purge_past_events(uow, clock) == 0
    assert not uow.sent("participant.erased")


def test_after_the_date_everyone_is_purged_with_their_status_kept(uow, clock):
    event_id = open_event(uow, clock, capacity=1, retention_until=END + timedelta(days=10))
    first, second = register(uow, clock, event_id, 1), register(uow, clock, event_id, 2)
    statuses = (first.status, second.status)
    clock.now = END + timedelta(days=10)
    assert handlers.purge_past_events(uow, clock) == 1
    for registration in (first, second):
        assert registration.name == ERASED and registration.erased_at == clock()
        assert registration.email.endswith("@invalid")
    assert (first.status, second.status) == statuses
    erased = uow.sent("participant.erased")
    assert {m["registration_id"] for m in erased} == {first.id, second.id}
    [confirmed] = uow.sent("registration.confirmed")
    assert confirmed["participant"]["name"] == ERASED  # kept messages are scrubbed
    assert uow.events.get(event_id).purged_at == clock()


def test_a_purged_event_is_not_purged_again(uow, clock):
    event_id = open_event(uow, clock, retention_until=END + timedelta(days=1))
    register(uow, clock, event_id, 1)
    clock.now = END + timedelta(days=2)
    handlers.purge_past_events(uow, clock)
    assert handlers.purge_past_events(uow, clock) == 0
    assert len(uow.sent("participant.erased")) == 1


def test_someone_already_erased_is_not_announced_twice(uow, clock):
    event_id = open_event(uow, clock, retention_until=END + timedelta(days=1))
    first = register(uow, clock, event_id, 1)
    handlers.erase(first.id, uow, clock)
    clock.now = END + timedelta(days=2)
    handlers.purge_past_events(uow, clock)
    assert len(uow.sent("participant.erased")) == 1
