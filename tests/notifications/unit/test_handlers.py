"""Message → queued emails and calendar parts, through the real unit of work on SQLite."""

from datetime import date, timedelta

import pytest

from services.notifications.domain.errors import NotYetKnown
from services.notifications.domain.reminders import Reminder
from tests.notifications import factories as f


def calendar(notification) -> tuple[str, str, int] | None:
    part = notification.calendar
    return None if part is None else (part.method, part.uid, part.sequence)


def of_kind(stored, kind: str) -> list:
    return [n for n in stored() if n.kind == kind]


def test_a_confirmation_queues_one_email_with_a_request_for_the_workshop(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))

    (queued,) = stored()
    assert (queued.kind, queued.status, queued.recipient_email) == (
        "registration_confirmed",
        "queued",
        "anna1@example.eu",
    )
    assert calendar(queued) == ("REQUEST", "event-ev-1", 0)
    assert queued.context["manage_url"] == "https://cx.example.eu/manage/token-1"
    assert queued.context["event_start"].tzinfo.key == "Europe/Brussels"


def test_the_same_message_delivered_twice_queues_one_email(handle, stored):
    message = f.envelope("registration.confirmed", f.registration("confirmed"))

    handle(message, message)

    assert len(stored()) == 1


@pytest.mark.parametrize("status", ["waitlisted", "pending", "rejected"])
def test_no_seat_means_an_email_without_any_calendar_part(handle, stored, status):
    payload = f.registration(status, waitlist_position=3 if status == "waitlisted" else None)

    handle(f.envelope(f"registration.{status}", payload))

    (queued,) = stored()
    assert queued.kind == f"registration_{status}"
    assert queued.calendar is None


def test_the_waiting_list_email_knows_the_position(handle, stored):
    handle(f.envelope("registration.waitlisted", f.registration("waitlisted", waitlist_position=4)))

    assert stored()[0].context["position"] == 4


def test_a_promotion_invites_to_the_workshop(handle, stored):
    handle(f.envelope("registration.waitlisted", f.registration("waitlisted", waitlist_position=1)))
    handle(f.envelope("registration.promoted", f.registration("confirmed")))

    (promoted,) = of_kind(stored, "registration_promoted")
    assert calendar(promoted) == ("REQUEST", "event-ev-1", 0)


def test_cancelling_a_seat_sends_a_cancel_above_the_request(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    handle(f.envelope("registration.cancelled", f.registration("cancelled", reason="participant")))

    (cancelled,) = of_kind(stored, "registration_cancelled")
    assert calendar(cancelled) == ("CANCEL", "event-ev-1", 1)


def test_withdrawing_from_the_waiting_list_sends_no_calendar_part(handle, stored):
    handle(f.envelope("registration.waitlisted", f.registration("waitlisted", waitlist_position=1)))
    handle(f.envelope("registration.cancelled", f.registration("cancelled", reason="participant")))

    (cancelled,) = of_kind(stored, "registration_cancelled")
    assert cancelled.calendar is None


def test_a_cancelled_event_is_one_email_per_person_with_the_reason_and_a_cancel(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    gone = f.event(status="cancelled", sequence=1, updated_at=f.NOW)
    handle(f.envelope("event.cancelled", gone | {"reason": "The venue burnt down."}))
    handle(
        f.envelope(
            "registration.cancelled", f.registration("cancelled", event=gone, reason="event")
        )
    )

    assert sorted(n.kind for n in stored()) == ["event_cancelled", "registration_confirmed"]
    (cancelled,) = of_kind(stored, "event_cancelled")
    assert cancelled.context["reason"] == "The venue burnt down."
    assert calendar(cancelled) == ("CANCEL", "event-ev-1", 1)


def test_a_moved_workshop_sends_a_higher_request_to_confirmed_people_only(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed", number=1)))
    handle(f.envelope("registration.waitlisted", f.registration("waitlisted", number=2)))
    later = f.EVENT_START + timedelta(hours=2)
    moved = f.event(start=later, end=later + timedelta(hours=8), sequence=1, updated_at=f.NOW)

    handle(f.envelope("event.updated", moved | {"changes": ["start", "end"]}))

    (rescheduled,) = of_kind(stored, "event_rescheduled")
    assert rescheduled.registration_id == "reg-1"
    assert calendar(rescheduled) == ("REQUEST", "event-ev-1", 1)
    assert rescheduled.context["old_start"] < rescheduled.context["new_start"]


def test_an_edit_that_moves_nothing_sends_nothing(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    edited = f.event(description="New agenda", updated_at=f.NOW)

    handle(f.envelope("event.updated", edited | {"changes": ["description"]}))

    assert [n.kind for n in stored()] == ["registration_confirmed"]


def test_an_older_snapshot_arriving_late_changes_nothing(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    newer = f.event(sequence=2, updated_at=f.NOW)
    handle(f.envelope("event.updated", newer | {"changes": ["description"]}))
    older = f.event(start=f.EVENT_START + timedelta(days=1), sequence=1, updated_at=f.NOW)

    handle(f.envelope("event.updated", older | {"changes": ["start"]}))

    assert of_kind(stored, "event_rescheduled") == []


def booked(handle, number: int = 1, **visit) -> None:
    handle(f.envelope("registration.confirmed", f.registration("confirmed", number=number)))
    payload = {"visit": f.visit(**visit), "registration_id": f"reg-{number}"}
    handle(f.envelope("visit.participant_added", payload))


def test_joining_a_visit_sends_a_request_for_the_visit(handle, stored):
    booked(handle)

    (joined,) = of_kind(stored, "visit_joined")
    assert calendar(joined) == ("REQUEST", "visit-v-1", 0)
    assert joined.context["visit_location"] == "Havenhuis, Zaha Hadidplein 1, Antwerpen"


def test_a_rescheduled_visit_sends_a_request_with_a_higher_sequence_and_what_changed(
    handle, stored
):
    booked(handle)
    later = f.VISIT_START + timedelta(hours=1)
    moved = f.visit(start=later, end=later + timedelta(hours=3), sequence=1, updated_at=f.NOW)
    change = {"field": "start", "old": "11:00", "new": "12:00"}

    handle(
        f.envelope(
            "visit.updated", {"visit": moved, "changes": [change], "participants": ["reg-1"]}
        )
    )

    (rescheduled,) = of_kind(stored, "visit_rescheduled")
    assert calendar(rescheduled) == ("REQUEST", "visit-v-1", 1)
    assert rescheduled.context["old_start"].hour == 13  # 11:00 UTC in Brussels
    assert rescheduled.context["new_start"].hour == 14


def test_a_cancelled_visit_sends_a_cancel_above_the_last_request(handle, stored):
    booked(handle)
    gone = f.visit(status="cancelled", updated_at=f.NOW)

    handle(
        f.envelope("visit.cancelled", {"visit": gone, "participants": ["reg-1"], "reason": "Fog"})
    )

    (cancelled,) = of_kind(stored, "visit_cancelled")
    assert calendar(cancelled) == ("CANCEL", "visit-v-1", 1)
    assert cancelled.context["reason"] == "Fog"


def test_leaving_a_visit_and_joining_again_keeps_the_sequence_rising(handle, stored):
    booked(handle)
    left = {"visit": f.visit(), "registration_id": "reg-1", "reason": "participant"}
    handle(f.envelope("visit.participant_removed", left))
    handle(f.envelope("visit.participant_added", {"visit": f.visit(), "registration_id": "reg-1"}))

    sequences = [calendar(n) for n in stored() if n.kind.startswith("visit_")]
    assert sorted(sequences, key=lambda c: c[2]) == [
        ("REQUEST", "visit-v-1", 0),
        ("CANCEL", "visit-v-1", 1),
        ("REQUEST", "visit-v-1", 2),
    ]


def test_a_visit_booking_for_a_registration_not_seen_yet_is_retried_later(handle, stored):
    payload = {"visit": f.visit(), "registration_id": "reg-9"}

    with pytest.raises(NotYetKnown):
        handle(f.envelope("visit.participant_added", payload))

    assert stored() == []


def test_erasure_anonymises_sent_emails_and_drops_pending_ones_and_reminders(
    handle, stored, uow_factory, clock
):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    with uow_factory() as uow:
        uow.notifications.get(stored()[0].id).delivered(clock())
        uow.commit()
    handle(f.envelope("registration.promoted", f.registration("confirmed")))

    handle(f.erased())

    (kept,) = stored()
    assert (kept.kind, kept.status) == ("registration_confirmed", "sent")
    assert (kept.recipient_email, kept.recipient_name) == ("erased-reg-1@invalid", "[erased]")
    assert kept.context == {} and kept.erased_at is not None
    assert stored(Reminder) == []


def test_erasure_cuts_the_address_and_name_out_of_a_mail_servers_reply(
    handle, stored, uow_factory, clock
):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    reply = "550 5.1.1 <ANNA1@example.eu> (Anna Müller 1): mailbox unavailable"
    with uow_factory() as uow:
        uow.notifications.get(stored()[0].id).refused_for_good(reply, clock())
        uow.commit()

    handle(f.erased())

    (kept,) = stored()
    assert kept.last_error == "550 5.1.1 <[erased]> ([erased]): mailbox unavailable"


def test_messages_about_an_erased_person_queue_nothing(handle, stored):
    handle(f.erased())

    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    handle(f.envelope("visit.participant_added", {"visit": f.visit(), "registration_id": "reg-1"}))

    assert stored() == []


def test_a_confirmation_email_carries_the_check_in_code(handle, stored):
    qr = "https://cx.example.eu/manage/token-1/check-in.png"
    payload = f.registration("confirmed", checkin_code="ABCDE-FGH23", checkin_qr_url=qr)
    handle(f.envelope("registration.confirmed", payload))

    (queued,) = stored()
    assert (queued.context["checkin_code"], queued.context["checkin_qr_url"]) == ("ABCDE-FGH23", qr)


def certificate(number: int = 1) -> dict:
    return {
        "registration_id": f"reg-{number}",
        "event": f.event(),
        "participant": {"name": "Anna", "email": f"anna{number}@example.eu", "language": "en"},
        "certificate_url": f"https://cx.example.eu/manage/token-{number}/certificate.pdf",
        "days": [date(2025, 5, 14)],
        "issued_at": f.NOW,
    }


def test_a_certificate_queues_one_email_with_its_link(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))
    message = f.envelope("attendance.certificate_issued", certificate())
    handle(message, message)

    (queued,) = of_kind(stored, "attendance_certificate")
    assert queued.recipient_email == "anna1@example.eu"
    assert queued.context["certificate_url"].endswith("/manage/token-1/certificate.pdf")
    assert queued.context["days"] == 1
    assert queued.calendar is None


def test_no_certificate_email_to_an_erased_or_unknown_person(handle, stored):
    handle(f.envelope("registration.confirmed", f.registration("confirmed")), f.erased())
    handle(f.envelope("attendance.certificate_issued", certificate(1)))
    handle(f.envelope("attendance.certificate_issued", certificate(2)))

    assert of_kind(stored, "attendance_certificate") == []
