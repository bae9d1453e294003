"""Correcting an address through the use case and the fake unit of work: the message sent,
the history kept, refusals that change nothing, and erasure leaving no address behind."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from services.registration.domain.commands import CorrectEmail
from services.registration.domain.errors import AlreadyRegistered, NotFound
from services.registration.service_layer import handlers
from tests.registration.unit.test_handlers import NOW, START, open_event, register
from tests.support.registration import FakeUnitOfWork

FIX = CorrectEmail("ana@example.org", reason="bounced: typo", by_id="c1", by_name="Tess")


def test_a_correction_is_announced_with_the_new_address_and_the_personal_links(uow, clock):
    event_id = open_event(uow, clock)
    registration = register(uow, clock, event_id, 1, email="ana@exmaple.org")

    handlers.correct_email(registration.id, FIX, uow, clock)

    [message] = uow.sent("registration.email_corrected")
    assert message["participant"]["email"] == "ana@example.org"
    assert (message["status"], message["resend_failed"]) == ("confirmed", False)
    assert message["manage_url"].endswith(registration.manage_token)
    assert "bounced" not in json.dumps(message, default=str)  # the reason stays here


def test_a_waitlisted_registration_is_announced_with_its_position(uow, clock):
    event_id = open_event(uow, clock, capacity=1)
    register(uow, clock, event_id, 1)
    waiting = register(uow, clock, event_id, 2)

    handlers.correct_email(
        waiting.id, CorrectEmail("ben@example.org", resend_failed=True), uow, clock
    )

    [message] = uow.sent("registration.email_corrected")
    assert (message["waitlist_position"], message["resend_failed"]) == (1, True)


def test_the_history_of_the_registration_records_the_correction(uow, clock):
    event_id = open_event(uow, clock)
    registration = register(uow, clock, event_id, 1, email="ana@exmaple.org")
    clock.now = NOW + timedelta(hours=2)

    handlers.correct_email(registration.id, FIX, uow, clock)

    [entry] = uow.events.history(registration.id)
    assert (entry.at, entry.by_name, entry.old_value, entry.new_value) == (
        NOW + timedelta(hours=2),
        "Tess",
        "ana@exmaple.org",
        "ana@example.org",
    )


def test_a_refused_correction_changes_nothing_and_sends_nothing(uow, clock):
    event_id = open_event(uow, clock)
    register(uow, clock, event_id, 1, email="ana@example.org")
    other = register(uow, clock, event_id, 2)

    with pytest.raises(AlreadyRegistered):
        handlers.correct_email(other.id, FIX, uow, clock)

    assert other.email == "p2@example.org"
    assert uow.events.history(other.id) == []
    assert uow.sent("registration.email_corrected") == []


def test_an_unknown_registration_is_not_found(uow, clock):
    with pytest.raises(NotFound):
        handlers.correct_email("nobody", FIX, uow, clock)


def _everything(uow: FakeUnitOfWork, registration_id: str) -> str:
    """Every kept message and every history entry of the registration, as one text."""
    entries = [vars(entry) for entry in uow.events.history(registration_id)]
    return json.dumps([uow.messages, entries], default=str).lower()


def test_erasure_leaves_neither_the_old_nor_the_new_address_anywhere(uow, clock):
    event_id = open_event(uow, clock)
    registration = register(uow, clock, event_id, 1, email="ana@exmaple.org")
    handlers.correct_email(registration.id, FIX, uow, clock)
    assert "ana@exmaple.org" in _everything(uow, registration.id)

    handlers.erase(registration.id, uow, clock)

    text = _everything(uow, registration.id)
    assert "ana@exmaple.org" not in text and "ana@example.org" not in text
    assert "bounced" not in text
    [entry] = uow.events.history(registration.id)
    assert (entry.action, entry.by_name, entry.old_value) == ("email_corrected", "Tess", None)


def test_the_retention_purge_forgets_corrected_addresses_too(uow, clock):
    event_id = open_event(uow, clock, retention_until=START + timedelta(days=1))
    registration = register(uow, clock, event_id, 1, email="ana@exmaple.org")
    handlers.correct_email(registration.id, FIX, uow, clock)
    clock.now = START + timedelta(days=2)

    assert handlers.purge_past_events(uow, clock) == 1

    text = _everything(uow, registration.id)
    assert "ana@exmaple.org" not in text and "ana@example.org" not in text
