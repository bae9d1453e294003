"""An organiser corrects a participant's address: the rules, the message and the history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.registration.domain import events as ev
from services.registration.domain.commands import CorrectEmail
from services.registration.domain.errors import (
    AlreadyRegistered,
    Erased,
    InvalidCorrection,
    InvalidTransition,
    NotFound,
)
from services.registration.domain.model import Hold
from tests.registration.unit.test_event_aggregate import NOW, Ledger, make_event, person

LATER = NOW + timedelta(hours=1)
FIX = CorrectEmail("ana@example.org", reason="typo in the domain", by_id="c1", by_name="Tess")


def corrected(ledger: Ledger, registration, correction=FIX, taken=None):
    event = ledger.event
    active = {r.email.lower() for r in ledger.all.values() if r.active}
    return event.correct_email(registration, correction, LATER, active | (taken or set()), None)


def test_a_correction_replaces_the_address_and_announces_the_registration_as_it_stands():
    ledger = Ledger(make_event())
    registration = ledger.register(1)
    ledger.event.events.clear()

    corrected(ledger, registration)

    assert (registration.email, registration.updated_at) == ("ana@example.org", LATER)
    [announced] = ledger.event.events
    assert isinstance(announced, ev.EmailCorrected) and announced.resend_failed is False
    assert (announced.registration.email, announced.registration.status) == (
        "ana@example.org",
        "confirmed",
    )


def test_the_history_entry_says_who_when_from_what_to_what_and_why():
    ledger = Ledger(make_event())
    registration = ledger.register(1)

    entry = corrected(ledger, registration)

    assert (entry.action, entry.at, entry.by_id, entry.by_name) == (
        "email_corrected",
        LATER,
        "c1",
        "Tess",
    )
    assert (entry.old_value, entry.new_value, entry.reason) == (
        "p1@example.org",
        "ana@example.org",
        "typo in the domain",
    )
    assert entry.addresses() == ("p1@example.org", "ana@example.org")


def test_an_erased_history_entry_keeps_that_it_happened_and_forgets_what_and_why():
    ledger = Ledger(make_event())
    entry = corrected(ledger, ledger.register(1))

    entry.erase()

    assert (entry.old_value, entry.new_value, entry.reason, entry.addresses()) == (
        None,
        None,
        None,
        (),
    )
    assert (entry.action, entry.by_name) == ("email_corrected", "Tess")


def test_the_address_of_another_active_registration_of_the_event_is_refused():
    ledger = Ledger(make_event())
    first, second = ledger.register(1), ledger.register(2)

    with pytest.raises(AlreadyRegistered, match="another registration"):
        corrected(ledger, second, CorrectEmail("P1@example.org"))

    assert second.email == "p2@example.org" and first.email == "p1@example.org"


def test_a_cancelled_registration_may_take_an_address_an_active_one_holds():
    ledger = Ledger(make_event())
    ledger.register(1)
    cancelled = ledger.register(2)
    ledger.event.cancel_registration(cancelled, NOW)

    corrected(ledger, cancelled, CorrectEmail("p1@example.org"))

    assert cancelled.email == "p1@example.org"


def test_changing_only_the_case_of_the_own_address_is_a_correction():
    ledger = Ledger(make_event())
    registration = ledger.register(1)

    corrected(ledger, registration, CorrectEmail("P1@Example.org"))

    assert registration.email == "P1@Example.org"


def test_the_same_address_again_corrects_nothing():
    ledger = Ledger(make_event())
    registration = ledger.register(1)
    ledger.event.events.clear()

    with pytest.raises(InvalidCorrection):
        corrected(ledger, registration, CorrectEmail(" p1@example.org "))

    assert ledger.event.events == []


def test_an_erased_registration_cannot_be_corrected():
    ledger = Ledger(make_event())
    registration = ledger.register(1)
    ledger.event.erase(registration, NOW)

    with pytest.raises(Erased):
        corrected(ledger, registration)


def test_an_unverified_registration_is_not_corrected_but_registered_again():
    event = make_event()
    registration = event.register(
        "r1", person(1), ("m1", "f1"), NOW, False, Hold("v1", NOW + timedelta(minutes=30))
    )

    with pytest.raises(InvalidTransition, match="never verified"):
        event.correct_email(registration, FIX, LATER, set(), None)

    assert registration.email == "p1@example.org"


def test_a_registration_of_another_event_is_refused():
    ledger, other = Ledger(make_event()), Ledger(make_event(id="e2"))
    registration = other.register(1)

    with pytest.raises(NotFound):
        corrected(ledger, registration)
