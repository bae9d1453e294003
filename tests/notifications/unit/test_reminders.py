"""Reminders are kept in step with messages and fire once, at their time (injected clock)."""

from datetime import timedelta

from services.notifications.domain.reminders import Reminder
from services.notifications.service_layer.reminders import fire_due
from tests.notifications import factories as f


def reminder_emails(stored) -> list:
    return [n for n in stored() if n.kind.startswith("reminder_")]


def confirm(handle) -> None:
    handle(f.envelope("registration.confirmed", f.registration("confirmed")))


def test_a_reminder_fires_once_when_its_time_has_come(handle, stored, uow_factory, policy, clock):
    confirm(handle)
    clock.now = f.EVENT_START - timedelta(hours=24, seconds=1)
    assert fire_due(uow_factory(), policy) == 0

    clock.advance(seconds=1)
    assert fire_due(uow_factory(), policy) == 1
    assert fire_due(uow_factory(), policy) == 0

    (reminder,) = reminder_emails(stored)
    assert (reminder.kind, reminder.calendar) == ("reminder_event", None)
    assert reminder.context["event_location"] == "Square, Mont des Arts, Brussels"


def test_each_lead_time_fires_its_own_reminder(handle, stored, uow_factory, policy, clock):
    confirm(handle)

    for lead in (24, 2):
        clock.now = f.EVENT_START - timedelta(hours=lead)
        fire_due(uow_factory(), policy)

    assert len(reminder_emails(stored)) == 2


def test_after_downtime_only_the_closest_of_several_due_reminders_is_sent(
    handle, stored, uow_factory, policy, clock
):
    confirm(handle)

    clock.now = f.EVENT_START - timedelta(hours=1)
    assert fire_due(uow_factory(), policy) == 1

    assert len(reminder_emails(stored)) == 1
    assert sorted(r.status for r in stored(Reminder)) == ["fired", "skipped"]


def test_a_moved_workshop_moves_its_reminders(handle, stored, uow_factory, policy, clock):
    confirm(handle)
    later = f.EVENT_START + timedelta(days=1)
    moved = f.event(start=later, end=later + timedelta(hours=8), sequence=1, updated_at=f.NOW)
    handle(f.envelope("event.updated", moved | {"changes": ["start", "end"]}))

    clock.now = f.EVENT_START - timedelta(hours=2)
    assert fire_due(uow_factory(), policy) == 0
    clock.now = later - timedelta(hours=24)
    assert fire_due(uow_factory(), policy) == 1


def test_a_cancelled_registration_gets_no_reminder(handle, stored, uow_factory, policy, clock):
    confirm(handle)
    handle(f.envelope("registration.cancelled", f.registration("cancelled", reason="participant")))

    clock.now = f.EVENT_START - timedelta(hours=1)
    fire_due(uow_factory(), policy)

    assert reminder_emails(stored) == [] and stored(Reminder) == []


def test_a_reminder_found_late_after_the_start_is_skipped(
    handle, stored, uow_factory, policy, clock
):
    confirm(handle)

    clock.now = f.EVENT_START + timedelta(minutes=5)
    fire_due(uow_factory(), policy)

    assert reminder_emails(stored) == []
    assert {r.status for r in stored(Reminder)} == {"skipped"}


def test_a_booked_visit_is_reminded_of_and_a_cancelled_one_is_not(
    handle, stored, uow_factory, policy, clock
):
    confirm(handle)
    for visit_id in ("v-1", "v-2"):
        added = {"visit": f.visit(visit_id=visit_id), "registration_id": "reg-1"}
        handle(f.envelope("visit.participant_added", added))
    gone = f.visit(visit_id="v-2", status="cancelled", updated_at=f.NOW)
    handle(f.envelope("visit.cancelled", {"visit": gone, "participants": ["reg-1"]}))

    clock.now = f.VISIT_START - timedelta(hours=2)
    fire_due(uow_factory(), policy)

    (reminder,) = [n for n in reminder_emails(stored) if n.kind == "reminder_visit"]
    assert reminder.context["visit_title"] == "Port of Antwerp-Bruges"
