"""Loading and storing notifications, reminders and the read model, in one session."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.notifications.adapters.orm import (
    calendar_entries,
    notifications,
    recipients,
    reminders,
    visits,
)
from services.notifications.domain.notification import Notification
from services.notifications.domain.readmodel import (
    CalendarEntry,
    EventSnapshot,
    Happening,
    Recipient,
    VisitSnapshot,
)
from services.notifications.domain.reminders import Reminder, ReminderKind

H = TypeVar("H", bound=Happening)


class NotificationRepository:
    """Notifications; at most one per (source message, registration, kind)."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, notification: Notification) -> bool:
        """Add unless the same email was already queued; True when added."""
        exists = self.session.scalar(
            select(notifications.c.id).where(
                notifications.c.source_message_id == notification.source_message_id,
                notifications.c.registration_id == notification.registration_id,
                notifications.c.kind == notification.kind,
            )
        )
        if exists is None:
            self.session.add(notification)
        return exists is None

    def get(self, notification_id: str) -> Notification | None:
        return self.session.get(Notification, notification_id)

    def claim_due(self, now: datetime) -> Notification | None:
        """The next queued email due now, locked so no other sender takes it (SKIP LOCKED)."""
        return self.session.scalars(
            select(Notification)
            .where(notifications.c.status == "queued", notifications.c.next_attempt_at <= now)
            .order_by(notifications.c.next_attempt_at, notifications.c.created_at)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()

    def of_registration(self, registration_id: str) -> list[Notification]:
        return list(
            self.session.scalars(
                select(Notification).where(notifications.c.registration_id == registration_id)
            )
        )

    def delete(self, notification: Notification) -> None:
        self.session.delete(notification)


class ReminderRepository:
    """Reminders, found by person, by target or by due time."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, reminder: Reminder) -> None:
        self.session.add(reminder)

    def of(self, registration_id: str, kind: ReminderKind, target_id: str) -> list[Reminder]:
        return list(
            self.session.scalars(
                select(Reminder).where(
                    reminders.c.registration_id == registration_id,
                    reminders.c.kind == kind,
                    reminders.c.target_id == target_id,
                )
            )
        )

    def due(self, now: datetime, limit: int = 100) -> list[Reminder]:
        """Pending reminders whose time has come, locked (SKIP LOCKED) against other workers."""
        return list(
            self.session.scalars(
                select(Reminder)
                .where(reminders.c.status == "pending", reminders.c.due_at <= now)
                .order_by(reminders.c.due_at)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )

    def drop(
        self,
        *,
        registration_id: str | None = None,
        kind: ReminderKind | None = None,
        target_id: str | None = None,
    ) -> None:
        """Delete the reminders matching every given field (at least one)."""
        given = {"registration_id": registration_id, "kind": kind, "target_id": target_id}
        conditions = [reminders.c[key] == value for key, value in given.items() if value]
        if not conditions:
            raise ValueError("refusing to drop every reminder")
        self.session.execute(delete(Reminder).where(*conditions))

    def remove(self, reminder: Reminder) -> None:
        self.session.delete(reminder)


class ReadModel:
    """What the other services told us: recipients, workshops, visits, calendar entries."""

    def __init__(self, session: Session):
        self.session = session
        # calendar entries looked up in this session and not found: recording one then needs
        # no second SELECT (merge would repeat it, as the session keeps no negative answers)
        self._absent: set[tuple[str, str]] = set()
        # the session only holds unchanged rows weakly: pinning the workshops read keeps the
        # next message of the batch about the same workshop from loading it again
        self._pinned: dict[str, EventSnapshot] = {}

    def recipient(self, registration_id: str) -> Recipient | None:
        return self.session.get(Recipient, registration_id)

    def save_recipient(self, recipient: Recipient) -> Recipient:
        """Insert or update; an erased person stays erased."""
        known = self.recipient(recipient.registration_id)
        if known is None:
            self.session.add(recipient)
            return recipient
        if known.erased_at is not None:
            return known
        return self.session.merge(recipient)

    def confirmed(self, event_id: str) -> list[Recipient]:
        """Everyone holding a seat at the workshop."""
        return list(
            self.session.scalars(
                select(Recipient).where(
                    recipients.c.event_id == event_id,
                    recipients.c.status == "confirmed",
                    recipients.c.erased_at.is_(None),
                )
            )
        )

    def event(self, event_id: str) -> EventSnapshot | None:
        event = self.session.get(EventSnapshot, event_id)
        return None if event is None else self._pin(event)

    def visit(self, visit_id: str) -> VisitSnapshot | None:
        return self.session.get(VisitSnapshot, visit_id)

    def save_snapshot(self, snapshot: H, known: H | None) -> H:
        """Keep the newer of the known and the incoming snapshot (messages may overtake)."""
        if known is None:
            self.session.add(snapshot)
            return self._pin(snapshot)
        if not snapshot.newer_than(known):
            return known
        return self._pin(self.session.merge(snapshot))

    def _pin(self, happening: H) -> H:
        if isinstance(happening, EventSnapshot):
            self._pinned[happening.event_id] = happening
        return happening

    def calendar_entry(self, email: str, uid: str) -> CalendarEntry | None:
        key = (email.lower(), uid)
        entry = self.session.get(CalendarEntry, key)
        if entry is None:
            self._absent.add(key)
        return entry

    def record_calendar(self, email: str, uid: str, sequence: int, method: str) -> None:
        entry = CalendarEntry(email=email.lower(), uid=uid, sequence=sequence, method=method)
        key = (entry.email, uid)
        if key in self._absent:
            self._absent.discard(key)
            self.session.add(entry)
        else:
            self.session.merge(entry)

    def happenings_of(self, event_id: str) -> list[Happening]:
        """The workshop and its visits."""
        found = self.session.scalars(select(VisitSnapshot).where(visits.c.event_id == event_id))
        event = self.event(event_id)
        return [*([event] if event else []), *found]

    def forget_calendar(self, email: str, uids: list[str]) -> None:
        """Forget what was sent to an address about these UIDs."""
        self.session.execute(
            delete(CalendarEntry).where(
                calendar_entries.c.email == email.lower(), calendar_entries.c.uid.in_(uids)
            )
        )

    def move_calendar(self, old: str, new: str, uids: list[str]) -> None:
        """What went to an address about these UIDs now counts for its correction: each UID
        keeps the higher SEQUENCE, so the new address's calendar still takes what comes."""
        moving = self.session.scalars(
            select(CalendarEntry).where(
                calendar_entries.c.email == old.lower(), calendar_entries.c.uid.in_(uids)
            )
        )
        for entry in list(moving):
            known = self.calendar_entry(new, entry.uid)
            if known is None or known.sequence < entry.sequence:
                self.record_calendar(new, entry.uid, entry.sequence, entry.method)
            self.session.delete(entry)
