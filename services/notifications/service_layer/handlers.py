"""Consumers of registration's messages: remember what changed and queue the emails it calls for.

Handlers run inside the Worker's unit of work (committed with the inbox mark); they never send.
"""

from __future__ import annotations

from functools import partial

from services.notifications.domain.readmodel import EventSnapshot, Recipient
from services.notifications.service_layer import (
    delivery,
    exchanges,
    notify,
    payloads,
    reminders,
    visits,
)
from services.notifications.service_layer.notify import Policy
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from shared.consumer import Handler
from shared.erasure import Traces
from shared.messages import Envelope

UOW = NotificationsUnitOfWork


def _remember(envelope: Envelope, uow: UOW) -> tuple[Recipient, EventSnapshot] | None:
    """Store the person and the workshop of a registration.* message; None if they were erased."""
    data = envelope.payload["event"]
    event = uow.readmodel.save_snapshot(
        payloads.event_snapshot(data), uow.readmodel.event(data["event_id"])
    )
    person = uow.readmodel.save_recipient(payloads.recipient(envelope.payload))
    return None if person.erased_at is not None else (person, event)


def seat_taken(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.confirmed / promoted: the news, a REQUEST for the workshop, reminders."""
    if (remembered := _remember(envelope, uow)) is None:
        return
    person, event = remembered
    calendar = notify.invite(uow, person, event, envelope.occurred_at)
    kind, context = envelope.type.replace(".", "_"), notify.event_context(event)
    context |= {key: envelope.payload.get(key) for key in ("checkin_code", "checkin_qr_url")}
    notify.queue(uow, envelope.message_id, person, kind, context, policy.clock(), calendar)
    reminders.sync(uow, person.registration_id, "event", event.event_id, event.start, policy)


def no_seat(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.waitlisted / pending / rejected: the news, and no calendar part at all."""
    if (remembered := _remember(envelope, uow)) is None:
        return
    person, event = remembered
    context = notify.event_context(event) | {
        "position": envelope.payload["waitlist_position"],
        "reason": envelope.payload["reason"],
    }
    kind = envelope.type.replace(".", "_")
    notify.queue(uow, envelope.message_id, person, kind, context, policy.clock())


def offer_changed(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.offered / offer_expired / offer_declined: the offer with its links, or
    what became of it; no calendar part (the seat is not theirs until accepted)."""
    if (remembered := _remember(envelope, uow)) is None:
        return
    person, event = remembered
    payload = envelope.payload
    context = notify.event_context(event) | {"position": payload["waitlist_position"]}
    if envelope.type == "registration.offered":
        context |= {
            "accept_url": payload["accept_url"],
            "decline_url": payload["decline_url"],
            "offer_expires_at": event.zoned(payload["offer_expires_at"]),
        }
    kind = envelope.type.replace(".", "_")
    notify.queue(uow, envelope.message_id, person, kind, context, policy.clock())


def registration_cancelled(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.cancelled: the news (the event's, if cancelled) and a CANCEL if invited."""
    if (remembered := _remember(envelope, uow)) is None:
        return
    person, event = remembered
    by_event = envelope.payload["reason"] == "event"
    kind = "event_cancelled" if by_event else "registration_cancelled"
    context = notify.event_context(event) | {"reason": event.cancel_reason if by_event else None}
    calendar = notify.withdraw(uow, person, event, envelope.occurred_at, only_if_invited=True)
    notify.queue(uow, envelope.message_id, person, kind, context, policy.clock(), calendar)
    uow.reminders.drop(registration_id=person.registration_id)


def email_corrected(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.email_corrected: the person is written to at the new address from now
    on: their record, their queued emails and what their calendar was sent move there. With
    ``resend_failed`` the emails that failed go again, to the new address; else nothing is
    sent (an organiser resends from the delivery log)."""
    known = uow.readmodel.recipient(envelope.payload["registration_id"])
    old = None if known is None else known.email  # read before the record takes the new one
    if (remembered := _remember(envelope, uow)) is None:
        return
    person, now = remembered[0], policy.clock()
    if old is not None and old.lower() != person.email.lower():
        uids = [happening.uid for happening in uow.readmodel.happenings_of(person.event_id)]
        uow.readmodel.move_calendar(old, person.email, uids)
    for notification in uow.notifications.of_registration(person.registration_id):
        notification.readdress(person.email, person.name, now)
    if envelope.payload["resend_failed"]:
        delivery.resend_failed(uow, person.registration_id, envelope.message_id, now)


def _unregistered(envelope: Envelope, manage_url: str = "") -> Recipient:
    """The addressee of a message about someone who is not (or not yet) a known registrant;
    kept only on the email itself, never in the read model."""
    participant = envelope.payload["participant"]
    return Recipient(
        registration_id=envelope.payload["registration_id"],
        event_id=envelope.payload["event"]["event_id"],
        name=participant["name"],
        email=participant["email"],
        language=participant["language"],
        manage_url=manage_url,
        feed_url="",
        status="unverified",
    )


def verification_requested(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.verification_requested: the single-use link that verifies the address."""
    event = payloads.event_snapshot(envelope.payload["event"])
    context = notify.event_context(event) | {
        "verify_url": envelope.payload["verify_url"],
        "expires_at": event.zoned(envelope.payload["expires_at"]),
    }
    person = _unregistered(envelope)
    notify.queue(uow, envelope.message_id, person, "registration_verify", context, policy.clock())


def already_registered(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.already_registered: remind a registrant of their manage link."""
    event = payloads.event_snapshot(envelope.payload["event"])
    person = _unregistered(envelope, envelope.payload["manage_url"])
    context = notify.event_context(event)
    notify.queue(uow, envelope.message_id, person, "registration_already", context, policy.clock())


def registration_expired(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """registration.expired: forget the verification emails of a person who never verified."""
    now = policy.clock()
    for notification in uow.notifications.of_registration(envelope.payload["registration_id"]):
        if notification.status == "queued":
            uow.notifications.delete(notification)
        else:
            notification.erase(now)


def certificate_issued(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """attendance.certificate_issued: the link to the certificate of someone who attended."""
    person = uow.readmodel.recipient(envelope.payload["registration_id"])
    if person is None or person.erased_at is not None:
        return  # never heard of, or erased since: nobody to write to
    event = payloads.event_snapshot(envelope.payload["event"])
    context = notify.event_context(event) | {
        "certificate_url": envelope.payload["certificate_url"],
        "days": len(envelope.payload["days"]),
    }
    kind = "attendance_certificate"
    notify.queue(uow, envelope.message_id, person, kind, context, policy.clock())


def event_published(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """event.published: remember the workshop."""
    snapshot = payloads.event_snapshot(envelope.payload)
    uow.readmodel.save_snapshot(snapshot, uow.readmodel.event(snapshot.event_id))


def event_updated(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """event.updated: move reminders; a new time or place means a new REQUEST for every seat."""
    incoming, now = payloads.event_snapshot(envelope.payload), policy.clock()
    known = uow.readmodel.event(incoming.event_id)
    if known is not None and not incoming.newer_than(known):
        return
    change = notify.moved(known, incoming)
    event = uow.readmodel.save_snapshot(incoming, known)
    for person in uow.readmodel.confirmed(event.event_id):
        reminders.sync(uow, person.registration_id, "event", event.event_id, event.start, policy)
        if change is not None:
            calendar = notify.invite(uow, person, event, envelope.occurred_at)
            context = notify.event_context(event) | change
            notify.queue(
                uow, envelope.message_id, person, "event_rescheduled", context, now, calendar
            )


def event_cancelled(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """event.cancelled: remember why, stop reminders; each registration.cancelled tells people."""
    snapshot = payloads.event_snapshot(envelope.payload, envelope.payload["reason"])
    event = uow.readmodel.save_snapshot(snapshot, uow.readmodel.event(snapshot.event_id))
    event.cancel_reason = envelope.payload["reason"]
    uow.reminders.drop(kind="event", target_id=event.event_id)


def participant_erased(envelope: Envelope, uow: UOW, policy: Policy) -> None:
    """participant.erased: anonymise what we hold, drop pending emails and reminders."""
    registration_id, now = envelope.payload["registration_id"], policy.clock()
    person = uow.readmodel.recipient(registration_id)
    if person is None:  # erased before we heard of them: remember only that they are gone
        event_id = envelope.payload["event_id"]
        uow.readmodel.save_recipient(Recipient.forgotten(registration_id, event_id, now))
    else:
        uids = [happening.uid for happening in uow.readmodel.happenings_of(person.event_id)]
        uow.readmodel.forget_calendar(person.email, uids)
        email, name, links = person.email, person.name, (person.manage_url, person.feed_url)
        person.erase(now)
        uow.forget(Traces(registration_id, {email: person.email, name: person.name}, links))
    for notification in uow.notifications.of_registration(registration_id):
        if notification.status == "queued":
            uow.notifications.delete(notification)
        else:
            notification.erase(now)
    uow.reminders.drop(registration_id=registration_id)


_SEATED = frozenset({"registration.confirmed", "registration.promoted"})
_WITHDRAWN = frozenset({"registration.cancelled"})
_INVITED = _SEATED | _WITHDRAWN  # their handlers look up the person's calendar entries
_REMEMBERED = _INVITED | {
    "registration.waitlisted",
    "registration.pending",
    "registration.rejected",
    "registration.offered",
    "registration.offer_expired",
    "registration.offer_declined",
    "registration.email_corrected",
}
_MAILED = (_REMEMBERED - {"registration.email_corrected"}) | {
    "registration.verification_requested",
    "registration.already_registered",
    "attendance.certificate_issued",
}


def prepare(envelopes: list[Envelope], uow: UOW) -> None:
    """Before a batch's handlers run: read in one query each what they would look up per
    message (the people, their calendar entries and reminders, the emails already queued), so
    a batch of many registrations costs a handful of queries and one INSERT per table."""
    remembered = [e.payload for e in envelopes if e.type in _REMEMBERED]
    if remembered:
        invited = [e.payload for e in envelopes if e.type in _INVITED]
        uow.readmodel.preload(
            {payload["registration_id"] for payload in remembered},
            {payload["participant"]["email"] for payload in invited},
        )
    seated = {e.payload["registration_id"] for e in envelopes if e.type in _SEATED}
    if seated:
        uow.reminders.preload(seated)
    mailed = [e.message_id for e in envelopes if e.type in _MAILED]
    if mailed:
        uow.notifications.preload(mailed)


def consumer_handlers(policy: Policy) -> dict[str, dict[str, Handler]]:
    """The Worker's table: handler group → message type → handler(envelope, uow)."""
    registrations = {
        "registration.confirmed": seat_taken,
        "registration.promoted": seat_taken,
        "registration.waitlisted": no_seat,
        "registration.pending": no_seat,
        "registration.rejected": no_seat,
        "registration.cancelled": registration_cancelled,
        "registration.offered": offer_changed,
        "registration.offer_expired": offer_changed,
        "registration.offer_declined": offer_changed,
        "registration.email_corrected": email_corrected,
        "registration.verification_requested": verification_requested,
        "registration.already_registered": already_registered,
        "registration.expired": registration_expired,
        "event.published": event_published,
        "event.updated": event_updated,
        "event.cancelled": event_cancelled,
        "participant.erased": participant_erased,
        "attendance.certificate_issued": certificate_issued,
    }
    return {
        "registrations": {key: partial(fn, policy=policy) for key, fn in registrations.items()},
        "visits": {
            key: partial(fn, policy=policy)
            for key, fn in (visits.HANDLERS | exchanges.HANDLERS).items()
        },
    }
