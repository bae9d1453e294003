"""registration.email_corrected: queued emails switch to the new address, a failed one keeps
the address it failed at and its resend goes to the new one; calendars follow; redelivery
changes nothing more; and erasure afterwards leaves neither address."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from services.notifications.domain.errors import PermanentDeliveryError, TemporaryDeliveryError
from services.notifications.service_layer.delivery import resend
from tests.notifications import factories as f
from tests.notifications.unit.test_delivery import FakeMailer, deliver, mailer  # noqa: F401

OLD, NEW = "anna1@example.eu", "anna@example.eu"
BOUNCE = PermanentDeliveryError(f"550 5.1.1 <{OLD}>: no such user", 550)


def corrected(resend_failed: bool = False, **participant) -> f.Envelope:
    person = {"name": "Anna Müller 1", "email": NEW, "language": "en"} | participant
    payload = f.registration("confirmed", participant=person, resend_failed=resend_failed)
    return f.envelope("registration.email_corrected", payload)


def confirmed(handle, number: int = 1) -> None:
    handle(f.envelope("registration.confirmed", f.registration("confirmed", number=number)))


def test_a_queued_email_switches_to_the_new_address(handle, stored):
    confirmed(handle)

    handle(corrected())

    (queued,) = stored()
    assert (queued.status, queued.recipient_email) == ("queued", NEW)


def test_the_correction_itself_sends_nothing(handle, stored):
    confirmed(handle)

    handle(corrected())

    assert [n.kind for n in stored()] == ["registration_confirmed"]


def test_a_failed_email_keeps_its_address_and_its_resend_goes_to_the_new_one(
    handle,
    stored,
    deliver,  # noqa: F811
    mailer,  # noqa: F811
    uow_factory,
    clock,
):
    confirmed(handle)
    mailer.refuse = {OLD: BOUNCE}
    deliver()

    handle(corrected())
    (failed,) = stored()
    assert (failed.status, failed.recipient_email) == ("failed", OLD)
    copy = resend(failed.id, uow_factory(), clock)
    deliver()

    assert copy.recipient_email == NEW
    [sent] = mailer.sent
    assert sent.recipient == NEW


def test_with_resend_failed_the_failed_emails_go_again_to_the_new_address_once(
    handle,
    stored,
    deliver,  # noqa: F811
    mailer,  # noqa: F811
):
    confirmed(handle)
    mailer.refuse = {OLD: BOUNCE}
    deliver()
    message = corrected(resend_failed=True)

    handle(message, message)  # redelivered: the inbox applies it once
    deliver()

    assert [m.recipient for m in mailer.sent] == [NEW]
    copy, failed = sorted(stored(), key=lambda n: n.resend_of is None)
    assert (failed.status, copy.status, copy.resend_of) == ("failed", "sent", failed.id)


def test_resend_failed_skips_what_was_sent_and_what_was_resent_already(
    handle,
    stored,
    deliver,  # noqa: F811
    mailer,  # noqa: F811
    uow_factory,
    clock,
):
    confirmed(handle)
    deliver()  # sent
    handle(f.envelope("registration.cancelled", f.registration("cancelled", reason="participant")))
    mailer.refuse = {OLD: BOUNCE}
    deliver()  # failed
    resend(next(n.id for n in stored() if n.status == "failed"), uow_factory(), clock)
    deliver()  # the copy failed too

    handle(corrected(resend_failed=True))

    queued = [n for n in stored() if n.status == "queued"]
    assert [(n.kind, n.recipient_email) for n in queued] == [("registration_cancelled", NEW)]


def test_applying_the_same_correction_twice_resends_each_failed_email_once(
    handle,
    stored,
    deliver,  # noqa: F811
    mailer,  # noqa: F811
    uow_factory,
    policy,
):
    """Even past the inbox (a replayed dead letter, a second handler run), copies have ids
    of their own source, so the second run finds them there."""
    from services.notifications.service_layer.handlers import email_corrected

    confirmed(handle)
    mailer.refuse = {OLD: BOUNCE}
    deliver()
    message = corrected(resend_failed=True)
    for _ in range(2):
        with uow_factory() as uow:
            email_corrected(message, uow, policy)
            uow.commit()

    assert len([n for n in stored() if n.status == "queued"]) == 1


def test_a_deferral_naming_the_old_address_stops_naming_it(
    handle,
    stored,
    deliver,  # noqa: F811
    mailer,  # noqa: F811
):
    confirmed(handle)
    mailer.refuse = {OLD: TemporaryDeliveryError(f"451 <{OLD}> greylisted", 451)}
    deliver()

    handle(corrected())

    (queued,) = stored()
    assert queued.recipient_email == NEW and OLD not in queued.last_error


def test_the_calendar_follows_so_a_cancellation_reaches_the_new_address_above_the_request(
    handle, stored
):
    confirmed(handle)
    handle(corrected())

    person = {"name": "Anna Müller 1", "email": NEW, "language": "en"}
    payload = f.registration("cancelled", reason="participant", participant=person)
    handle(f.envelope("registration.cancelled", payload))

    cancelled = next(n for n in stored() if n.kind == "registration_cancelled")
    assert cancelled.recipient_email == NEW
    assert (cancelled.calendar.method, cancelled.calendar.sequence) == ("CANCEL", 1)


def test_a_correction_arriving_first_makes_the_person_known(handle, stored, uow_factory):
    handle(corrected())

    with uow_factory() as uow:
        assert uow.readmodel.recipient("reg-1").email == NEW
    assert stored() == []


def test_an_erased_person_stays_erased(handle, uow_factory):
    confirmed(handle)
    handle(f.erased(1))

    handle(corrected())

    with uow_factory() as uow:
        assert uow.readmodel.recipient("reg-1").email == "erased-reg-1@invalid"


@pytest.mark.parametrize("resend_failed", [False, True])
def test_after_erasure_neither_address_is_anywhere(
    handle,
    deliver,  # noqa: F811
    mailer,  # noqa: F811
    uow_factory,
    resend_failed,
):
    confirmed(handle)
    mailer.refuse = {OLD: BOUNCE, NEW: TemporaryDeliveryError(f"451 <{NEW}> later", 451)}
    deliver()
    handle(corrected(resend_failed=resend_failed))
    deliver()

    handle(f.erased(1))

    with uow_factory() as uow:
        dump = json.dumps(
            [
                [list(map(str, row)) for row in uow.session.execute(text(f"SELECT * FROM {t}"))]
                for t in ("notifications", "recipients", "calendar_entries", "reminders", "outbox")
            ]
        ).lower()
    assert OLD not in dump and NEW not in dump
