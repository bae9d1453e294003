"""Queue emails inside the caller's unit of work: words, calendar part and recipient; never send."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.notifications.domain.notification import CalendarPart, Notification
from services.notifications.domain.readmodel import (
    EventSnapshot,
    Happening,
    Recipient,
    VisitSnapshot,
    next_sequence,
)
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class Policy:
    """What handlers need besides the message: the clock and the reminder lead times."""

    clock: Clock
    reminder_leads: tuple[timedelta, ...] = (timedelta(hours=24),)


def queue(
    uow: NotificationsUnitOfWork,
    source_id: str,
    person: Recipient,
    kind: str,
    context: dict[str, Any],
    now: datetime,
    calendar: CalendarPart | None = None,
) -> None:
    """Queue one email unless this source already queued it for this person."""
    notification = Notification(
        id=str(uuid.uuid4()),
        source_message_id=source_id,
        registration_id=person.registration_id,
        kind=kind,
        event_id=person.event_id,
        recipient_email=person.email,
        recipient_name=person.name,
        language=person.language,
        context={"manage_url": person.manage_url, "feed_url": person.feed_url, **context},
        calendar=calendar,
        created_at=now,
        next_attempt_at=now,
        updated_at=now,
    )
    if uow.notifications.add(notification) and calendar is not None:
        uow.readmodel.record_calendar(
            person.email, calendar.uid, calendar.sequence, calendar.method
        )


def invite(
    uow: NotificationsUnitOfWork, person: Recipient, happening: Happening, stamp: datetime
) -> CalendarPart:
    """A REQUEST whose SEQUENCE is above anything this address saw for the UID."""
    last = uow.readmodel.calendar_entry(person.email, happening.uid)
    return happening.calendar_part("REQUEST", next_sequence(last, happening.sequence), stamp)


def withdraw(
    uow: NotificationsUnitOfWork,
    person: Recipient,
    happening: Happening,
    stamp: datetime,
    only_if_invited: bool = False,
) -> CalendarPart | None:
    """A CANCEL above the last SEQUENCE sent; None when nothing was ever invited and it must be."""
    last = uow.readmodel.calendar_entry(person.email, happening.uid)
    if only_if_invited and (last is None or not last.invited):
        return None
    return happening.calendar_part("CANCEL", next_sequence(last, happening.sequence), stamp)


def event_context(event: EventSnapshot) -> dict[str, Any]:
    return {
        "event_title": event.title,
        "event_start": event.zoned(event.start),
        "event_location": event.location,
    }


def visit_context(visit: VisitSnapshot, event: EventSnapshot) -> dict[str, Any]:
    return {
        "event_title": event.title,
        "visit_title": visit.title,
        "visit_start": visit.zoned(visit.start),
        "visit_location": visit.location,
    }


def moved(before: Happening | None, after: Happening) -> dict[str, Any] | None:
    """Old and new time and place if either changed (for the emails that say so), else None."""
    if before is None or not after.moved_from(before):
        return None
    return {
        "old_start": before.zoned(before.start),
        "new_start": after.zoned(after.start),
        "old_location": before.location,
        "new_location": after.location,
    }
