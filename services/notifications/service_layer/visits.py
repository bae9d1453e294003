"""Consumers of scheduling's visit.* messages: bookings, changes and cancellations of visits."""

from __future__ import annotations

from services.notifications.domain.errors import NotYetKnown
from services.notifications.domain.readmodel import EventSnapshot, Recipient, VisitSnapshot
from services.notifications.service_layer import notify, payloads, reminders
from services.notifications.service_layer.notify import Policy
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from shared.messages import Envelope

UOW = NotificationsUnitOfWork


def _save(envelope: Envelope, uow: UOW) -> VisitSnapshot:
    incoming = payloads.visit_snapshot(envelope.payload["visit"])
    return uow.readmodel.save_snapshot(incoming, uow.readmodel.visit(incoming.visit_id))


def _booked(
    uow: UOW, registration_id: str, visit: VisitSnapshot
) -> tuple[Recipient, EventSnapshot] | None:
    """The booked person and their workshop; None if erased; retry later if not seen yet."""
    person = uow.readmodel.recipient(registration_id)
    event = uow.readmodel.event(visit.event_id)
    if person is None or event is None:
        raise NotYetKnown(f"registration {registration_id} of visit {visit.visit_id} not seen yet")
    return None if person.erased_at is not None else (person, event)


def visit_scheduled(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """visit.scheduled: remember the visit."""
    _save(envelope, uow)


def participant_added(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """visit.participant_added: 'you joined', a REQUEST for the visit, and reminders."""
    visit = _save(envelope, uow)
    if (booked := _booked(uow, envelope.payload["registration_id"], visit)) is None:
        return
    person, event = booked
    calendar = notify.invite(uow, person, visit, envelope.occurred_at)
    context = notify.visit_context(visit, event)
    notify.queue(
        uow, envelope.message_id, person, "visit_joined", context, policy.clock(), calendar
    )
    reminders.sync(uow, person.registration_id, "visit", visit.visit_id, visit.start, policy)


def participant_removed(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """visit.participant_removed: no more reminders; 'you left' with a CANCEL (unless erased)."""
    visit = _save(envelope, uow)
    registration_id = envelope.payload["registration_id"]
    uow.reminders.drop(registration_id=registration_id, kind="visit", target_id=visit.visit_id)
    if (booked := _booked(uow, registration_id, visit)) is None:
        return
    person, event = booked
    calendar = notify.withdraw(uow, person, visit, envelope.occurred_at)
    context = notify.visit_context(visit, event)
    notify.queue(uow, envelope.message_id, person, "visit_left", context, policy.clock(), calendar)


def visit_updated(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """visit.updated: move reminders; a new time or place means a REQUEST with a higher SEQUENCE."""
    incoming, now = payloads.visit_snapshot(envelope.payload["visit"]), policy.clock()
    known = uow.readmodel.visit(incoming.visit_id)
    if known is not None and not incoming.newer_than(known):
        return
    change = notify.moved(known, incoming)
    visit = uow.readmodel.save_snapshot(incoming, known)
    for person, event in _participants(envelope, uow, visit):
        reminders.sync(uow, person.registration_id, "visit", visit.visit_id, visit.start, policy)
        if change is not None:
            calendar = notify.invite(uow, person, visit, envelope.occurred_at)
            context = notify.visit_context(visit, event) | change
            notify.queue(
                uow, envelope.message_id, person, "visit_rescheduled", context, now, calendar
            )


def visit_cancelled(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """visit.cancelled: no more reminders; the news with a CANCEL to everyone booked."""
    visit, now = _save(envelope, uow), policy.clock()
    uow.reminders.drop(kind="visit", target_id=visit.visit_id)
    for person, event in _participants(envelope, uow, visit):
        calendar = notify.withdraw(uow, person, visit, envelope.occurred_at)
        context = notify.visit_context(visit, event) | {"reason": envelope.payload["reason"]}
        notify.queue(uow, envelope.message_id, person, "visit_cancelled", context, now, calendar)


def _participants(envelope: Envelope, uow: UOW, visit: VisitSnapshot):
    """The people the message lists as booked, except the erased."""
    for registration_id in envelope.payload["participants"]:
        if (booked := _booked(uow, registration_id, visit)) is not None:
            yield booked


HANDLERS = {
    "visit.scheduled": visit_scheduled,
    "visit.participant_added": participant_added,
    "visit.participant_removed": participant_removed,
    "visit.updated": visit_updated,
    "visit.cancelled": visit_cancelled,
}
