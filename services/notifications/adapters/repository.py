"""Loading and storing notifications, reminders and the read model, in one session."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import TypeVar

from sqlalchemy import bindparam, delete, inspect, select, update
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
    """Notifications; at most one per (source message, registration, kind).

    ``preload`` reads, for a batch of messages, which emails their ids already queued; ``add``
    then answers from that set, so a batch issues no query per email and its INSERTs wait for
    the commit's flush, one statement for the whole batch.
    """

    def __init__(self, session: Session):
        self.session = session
        self._queued: set[tuple[str, str, str]] = set()  # (source, registration, kind)
        self._sources: set[str] = set()  # sources whose every email is in _queued
        self.added = 0  # emails queued in this unit of work

    def preload(self, source_ids: Collection[str]) -> None:
        """Learn in one query which emails these source messages already queued."""
        missing = set(source_ids) - self._sources
        if not missing:
            return
        rows = self.session.execute(
            select(
                notifications.c.source_message_id,
                notifications.c.registration_id,
                notifications.c.kind,
            ).where(notifications.c.source_message_id.in_(missing))
        )
        self._queued.update((row[0], row[1], row[2]) for row in rows)
        self._sources |= missing

    def add(self, notification: Notification) -> bool:
        """Add unless the same email was already queued; True when added."""
        key = _once(notification)
        if notification.source_message_id in self._sources:
            exists = key in self._queued
        else:
            exists = (
                self.session.scalar(
                    select(notifications.c.id).where(
                        notifications.c.source_message_id == key[0],
                        notifications.c.registration_id == key[1],
                        notifications.c.kind == key[2],
                    )
                )
                is not None
            )
        if not exists:
            self.session.add(notification)
            self._queued.add(key)
            self.added += 1
        return not exists

    def get(self, notification_id: str) -> Notification | None:
        return self.session.get(Notification, notification_id)

    def claim_due(self, now: datetime) -> Notification | None:
        """The next queued email due now, locked so no other sender takes it (SKIP LOCKED).

        It is read with Core, outside the session: a sender changes only an email's delivery
        state, which ``settle`` writes back in one UPDATE. The ORM's load and flush of the
        whole row were about two thirds of a sender's CPU per email.
        """
        row = self.session.execute(_CLAIM, {"now": now}).first()
        return None if row is None else Notification(**row._mapping)

    def settle(self, notification: Notification) -> None:
        """Write back the delivery state of an email ``claim_due`` returned."""
        state = {f"new_{name}": getattr(notification, name) for name in _DELIVERY_STATE}
        self.session.execute(_SETTLE, {"claimed": notification.id, **state})

    def of_registration(self, registration_id: str) -> list[Notification]:
        return list(
            self.session.scalars(
                select(Notification).where(notifications.c.registration_id == registration_id)
            )
        )

    def delete(self, notification: Notification) -> None:
        self.session.delete(notification)
        self._queued.discard(_once(notification))


_CLAIM = (
    select(notifications)
    .where(notifications.c.status == "queued", notifications.c.next_attempt_at <= bindparam("now"))
    .order_by(notifications.c.next_attempt_at, notifications.c.created_at)
    .limit(1)
    .with_for_update(skip_locked=True)
)
# What an attempt changes (Notification.delivered, refused_for_now, refused_for_good).
_DELIVERY_STATE = ("status", "attempts", "last_error", "next_attempt_at", "sent_at", "updated_at")
_SETTLE = (
    update(notifications)
    .where(notifications.c.id == bindparam("claimed"))
    .values({name: bindparam(f"new_{name}") for name in _DELIVERY_STATE})
)


def _once(notification: Notification) -> tuple[str, str, str]:
    """What may be queued only once: its source message, registration and kind."""
    return notification.source_message_id, notification.registration_id, notification.kind


class ReminderRepository:
    """Reminders, found by person, by target or by due time.

    ``preload`` reads every reminder of a batch's people at once; ``of`` then answers for them
    from memory (kept in step with ``add``, ``remove`` and ``drop``), with no query per message.
    """

    def __init__(self, session: Session):
        self.session = session
        self._of: dict[str, list[Reminder]] = {}  # registration id -> all its reminders

    def preload(self, registration_ids: Collection[str]) -> None:
        """Load every reminder of these people in one query."""
        missing = set(registration_ids) - self._of.keys()
        if not missing:
            return
        for registration_id in missing:
            self._of[registration_id] = []
        found = self.session.scalars(
            select(Reminder).where(reminders.c.registration_id.in_(missing))
        )
        for reminder in found:
            self._of[reminder.registration_id].append(reminder)

    def add(self, reminder: Reminder) -> None:
        self.session.add(reminder)
        if reminder.registration_id in self._of:
            self._of[reminder.registration_id].append(reminder)

    def of(self, registration_id: str, kind: ReminderKind, target_id: str) -> list[Reminder]:
        if registration_id in self._of:
            return [
                reminder
                for reminder in self._of[registration_id]
                if reminder.kind == kind and reminder.target_id == target_id
            ]
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
        wanted = {key: value for key, value in given.items() if value}
        for registration_id, known in self._of.items():
            self._of[registration_id] = [
                reminder
                for reminder in known
                if not all(getattr(reminder, key) == value for key, value in wanted.items())
            ]

    def remove(self, reminder: Reminder) -> None:
        """Delete a stored reminder; one added in this unit of work is simply not inserted."""
        if inspect(reminder).pending:
            self.session.expunge(reminder)
        else:
            self.session.delete(reminder)
        if (known := self._of.get(reminder.registration_id)) is not None:
            self._of[reminder.registration_id] = [other for other in known if other is not reminder]


class ReadModel:
    """What the other services told us: recipients, workshops, visits, calendar entries.

    Recipients and calendar entries once looked up (or preloaded for a batch) are remembered
    for the session, found or not, and kept in step with what this session writes: the next
    message of a batch about the same person asks the database nothing, and no lookup
    autoflushes the batch's earlier INSERTs one message at a time.
    """

    def __init__(self, session: Session):
        self.session = session
        self._recipients: dict[str, Recipient | None] = {}
        self._entries: dict[tuple[str, str], CalendarEntry | None] = {}
        self._entries_of: set[str] = set()  # addresses whose every entry is in _entries
        # the session only holds unchanged rows weakly: pinning the workshops read keeps the
        # next message of the batch about the same workshop from loading it again
        self._pinned: dict[str, EventSnapshot] = {}

    def preload(self, registration_ids: Collection[str], emails: Collection[str]) -> None:
        """Read these people and every calendar entry of these addresses, one query each."""
        people = set(registration_ids) - self._recipients.keys()
        if people:
            self._recipients.update(dict.fromkeys(people))
            found = self.session.scalars(
                select(Recipient).where(recipients.c.registration_id.in_(people))
            )
            self._recipients.update((person.registration_id, person) for person in found)
        addresses = {email.lower() for email in emails} - self._entries_of
        if addresses:
            found_entries = self.session.scalars(
                select(CalendarEntry).where(calendar_entries.c.email.in_(addresses))
            )
            for entry in found_entries:
                self._entries.setdefault((entry.email, entry.uid), entry)
            self._entries_of |= addresses

    def recipient(self, registration_id: str) -> Recipient | None:
        if registration_id not in self._recipients:
            self._recipients[registration_id] = self.session.get(Recipient, registration_id)
        return self._recipients[registration_id]

    def save_recipient(self, recipient: Recipient) -> Recipient:
        """Insert or update; an erased person stays erased."""
        known = self.recipient(recipient.registration_id)
        if known is None:
            self.session.add(recipient)
        elif known.erased_at is not None:
            return known
        else:
            recipient = self.session.merge(recipient)
        self._recipients[recipient.registration_id] = recipient
        return recipient

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
        if event_id in self._pinned:  # also one added in this session and not yet flushed
            return self._pinned[event_id]
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
        if key not in self._entries:
            self._entries[key] = (
                None if key[0] in self._entries_of else self.session.get(CalendarEntry, key)
            )
        return self._entries[key]

    def record_calendar(self, email: str, uid: str, sequence: int, method: str) -> None:
        key = (email.lower(), uid)
        known = self.calendar_entry(*key)
        if known is None:
            entry = CalendarEntry(email=key[0], uid=uid, sequence=sequence, method=method)
            self.session.add(entry)
            self._entries[key] = entry
        else:
            known.sequence, known.method = sequence, method

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
        self._entries.update(((email.lower(), uid), None) for uid in uids)

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
            self._entries[(entry.email, entry.uid)] = None
