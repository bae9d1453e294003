"""Keep reminders in step with workshops and visits, and turn due ones into emails."""

from __future__ import annotations

from datetime import datetime

from services.notifications.domain.readmodel import EventSnapshot, Recipient, VisitSnapshot
from services.notifications.domain.reminders import (
    Reminder,
    ReminderKind,
    closest_per_target,
    sync_reminders,
)
from services.notifications.service_layer import notify
from services.notifications.service_layer.notify import Policy
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork


def sync(
    uow: NotificationsUnitOfWork,
    registration_id: str,
    kind: ReminderKind,
    target_id: str,
    start: datetime,
    policy: Policy,
) -> None:
    """Create, move or drop one person's reminders for one workshop or visit."""
    existing = uow.reminders.of(registration_id, kind, target_id)
    new, obsolete = sync_reminders(
        existing, registration_id, kind, target_id, start, policy.reminder_leads, policy.clock()
    )
    for reminder in new:
        uow.reminders.add(reminder)
    for reminder in obsolete:
        uow.reminders.remove(reminder)


def fire_due(uow: NotificationsUnitOfWork, policy: Policy) -> int:
    """Queue an email for every reminder whose time has come; count them."""
    now = policy.clock()
    with uow:
        chosen, superseded = closest_per_target(uow.reminders.due(now))
        for reminder in superseded:
            reminder.skip()
        fired = sum(_fire(uow, reminder, now) for reminder in chosen)
        uow.commit()
    return fired


def _fire(uow: NotificationsUnitOfWork, reminder: Reminder, now: datetime) -> bool:
    person = _attendee(uow.readmodel.recipient(reminder.registration_id), reminder)
    context = _context(uow, reminder, now)
    if person is None or context is None:
        reminder.skip()
        return False
    notify.queue(uow, reminder.occurrence_id, person, f"reminder_{reminder.kind}", context, now)
    reminder.fire(now)
    return True


def _attendee(person: Recipient | None, reminder: Reminder) -> Recipient | None:
    """The person, if they still take part (workshop reminders need a confirmed seat)."""
    if person is None or person.erased_at is not None:
        return None
    return person if reminder.kind == "visit" or person.status == "confirmed" else None


def _context(uow: NotificationsUnitOfWork, reminder: Reminder, now: datetime) -> dict | None:
    """What the reminder says, or None when its workshop or visit is cancelled or under way."""
    target: EventSnapshot | VisitSnapshot | None = (
        uow.readmodel.event(reminder.target_id)
        if reminder.kind == "event"
        else uow.readmodel.visit(reminder.target_id)
    )
    if target is None or target.status == "cancelled" or target.start <= now:
        return None
    if isinstance(target, EventSnapshot):
        return notify.event_context(target)
    event = uow.readmodel.event(target.event_id)
    return None if event is None else notify.visit_context(target, event)
