"""The event aggregate: capacity, quotas, waiting list and the life of each registration.

Every seat decision happens inside one ``Event`` while the service layer holds that event's
row lock, which is what keeps concurrent registrations from overbooking.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from services.registration.domain import events as ev
from services.registration.domain.commands import Participant
from services.registration.domain.errors import (
    AlreadyRegistered,
    EventFull,
    EventNotOpen,
    InvalidEvent,
    InvalidTransition,
    NotFound,
)


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Status(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    CANCELLED = "cancelled"
    REJECTED = "rejected"


ACTIVE = {Status.CONFIRMED, Status.WAITLISTED, Status.PENDING}
# Changing these makes calendar copies stale: they bump the event's SEQUENCE.
SCHEDULE_FIELDS = {
    "start",
    "end",
    "timezone",
    "venue_name",
    "venue_address",
    "venue_city",
    "venue_country",
    "venue_lat",
    "venue_lon",
    "status",
}
ERASED = "[erased]"


@dataclass(eq=False)
class PartnerQuota:
    """Seats held for one partner cluster until release_at."""

    partner: str
    seats: int
    release_at: datetime


@dataclass(eq=False)
class Registration:
    """One person's place (or wish for a place) at one event."""

    id: str
    event_id: str
    name: str
    email: str
    organisation: str
    organisation_type: str
    country: str
    role: str
    partner: str | None
    dietary_needs: str | None
    accessibility_needs: str | None
    language: str
    status: str
    queue_number: int
    manage_token: str
    feed_token: str
    consent_at: datetime
    created_at: datetime
    updated_at: datetime
    erased_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def _set(self, status: Status, now: datetime) -> None:
        self.status = status
        self.updated_at = now


@dataclass(eq=False)
class Event:
    """A workshop (or other event) people register for."""

    id: str
    title: str
    kind: str
    description: str
    venue_name: str
    venue_address: str
    venue_city: str
    venue_country: str
    venue_lat: float | None
    venue_lon: float | None
    timezone: str
    start: datetime
    end: datetime
    capacity: int
    registration_opens: datetime | None
    registration_closes: datetime | None
    waitlist_enabled: bool
    approval_required: bool
    created_at: datetime
    updated_at: datetime
    status: str = EventStatus.DRAFT
    sequence: int = 0
    next_number: int = 1
    quotas: list[PartnerQuota] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)

    # --- organiser actions -------------------------------------------------------------

    def validate(self) -> None:
        """Refuse contradictory fields with a message an organiser can act on."""
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidEvent(f"unknown timezone {self.timezone!r}") from exc
        if self.end <= self.start:
            raise InvalidEvent("end must be after start")
        if self.capacity < 1:
            raise InvalidEvent("capacity must be at least 1")
        opens, closes = self.registration_opens, self.registration_closes
        if opens and closes and closes <= opens:
            raise InvalidEvent("registration must close after it opens")
        if closes and closes > self.end:
            raise InvalidEvent("registration must close before the event ends")
        if sum(q.seats for q in self.quotas) > self.capacity:
            raise InvalidEvent("partner quotas add up to more seats than the capacity")
        if len({q.partner for q in self.quotas}) != len(self.quotas):
            raise InvalidEvent("each partner may hold only one quota")
        if self.confirmed_count() > self.capacity:
            raise InvalidEvent(
                f"capacity {self.capacity} is below the {self.confirmed_count()} confirmed "
                "registrations; cancel some first"
            )

    def publish(self, now: datetime) -> None:
        if self.status != EventStatus.DRAFT:
            raise InvalidTransition(f"only a draft can be published (event is {self.status})")
        self.status = EventStatus.PUBLISHED
        self._touched(now, bump=False)
        self.events.append(ev.EventPublished(self))

    def update(self, changes: dict[str, Any], now: datetime) -> None:
        """Apply an organiser's edit; seats freed by a larger capacity go to the waiting list."""
        if self.status == EventStatus.CANCELLED:
            raise InvalidTransition("a cancelled event cannot be edited")
        changed = tuple(k for k, v in changes.items() if getattr(self, k) != v)
        for key in changed:
            setattr(self, key, changes[key])
        self.validate()
        if not changed:
            return
        self._touched(now, bump=bool(SCHEDULE_FIELDS & set(changed)))
        if self.status == EventStatus.PUBLISHED:
            self.events.append(ev.EventUpdated(self, changed))
            self.fill_free_seats(now)

    def replace_quotas(self, quotas: list[PartnerQuota], now: datetime) -> None:
        self.quotas[:] = quotas
        self.validate()
        self._touched(now, bump=False)
        if self.status == EventStatus.PUBLISHED:
            self.events.append(ev.EventUpdated(self, ("quotas",)))
            self.fill_free_seats(now)

    def cancel(self, now: datetime, reason: str | None = None) -> None:
        """Cancel the event and every active registration, one message per person."""
        if self.status == EventStatus.CANCELLED:
            raise InvalidTransition("the event is already cancelled")
        was_published = self.status == EventStatus.PUBLISHED
        self.status = EventStatus.CANCELLED
        self._touched(now, bump=True)
        if was_published:
            self.events.append(ev.EventCancelled(self, reason))
        for registration in self.registrations:
            if registration.active:
                registration._set(Status.CANCELLED, now)
                self.events.append(ev.RegistrationChanged("cancelled", registration, "event"))

    def _touched(self, now: datetime, bump: bool) -> None:
        self.updated_at = now
        if bump:
            self.sequence += 1

    # --- participants ------------------------------------------------------------------

    def register(
        self,
        registration_id: str,
        participant: Participant,
        tokens: tuple[str, str],
        now: datetime,
    ) -> Registration:
        """Take a seat, a place on the waiting list, or a place in the approval queue."""
        self._require_open(now)
        email_key = participant.email.strip().lower()
        if any(r.active and r.email.lower() == email_key for r in self.registrations):
            raise AlreadyRegistered("this email is already registered for the event")
        if self.approval_required:
            status = Status.PENDING
        elif self.has_seat_for(participant.partner, now):
            status = Status.CONFIRMED
        elif self.waitlist_enabled:
            status = Status.WAITLISTED
        else:
            raise EventFull("the event is full and keeps no waiting list")
        registration = Registration(
            id=registration_id,
            event_id=self.id,
            name=participant.name.strip(),
            email=participant.email.strip(),
            organisation=participant.organisation,
            organisation_type=participant.organisation_type,
            country=participant.country.upper(),
            role=participant.role,
            partner=participant.partner,
            dietary_needs=participant.dietary_needs,
            accessibility_needs=participant.accessibility_needs,
            language=participant.language,
            status=status,
            queue_number=self.next_number,
            manage_token=tokens[0],
            feed_token=tokens[1],
            consent_at=now,
            created_at=now,
            updated_at=now,
        )
        self.next_number += 1
        self.registrations.append(registration)
        self.events.append(ev.RegistrationChanged(str(status), registration))
        return registration

    def _require_open(self, now: datetime) -> None:
        if self.status != EventStatus.PUBLISHED:
            raise EventNotOpen(f"the event is {self.status}, not open for registration")
        if self.registration_opens and now < self.registration_opens:
            raise EventNotOpen("registration has not opened yet")
        closes = self.registration_closes or self.start
        if now >= closes:
            raise EventNotOpen("registration has closed")

    def registration(self, registration_id: str) -> Registration:
        for registration in self.registrations:
            if registration.id == registration_id:
                return registration
        raise NotFound("no such registration")

    def cancel_registration(self, registration_id: str, now: datetime) -> Registration:
        """Withdraw a registration; a freed seat goes to the waiting list at once."""
        registration = self.registration(registration_id)
        if not registration.active:
            raise InvalidTransition(f"the registration is already {registration.status}")
        registration._set(Status.CANCELLED, now)
        self.events.append(ev.RegistrationChanged("cancelled", registration, "participant"))
        self.fill_free_seats(now)
        return registration

    def update_needs(self, registration_id: str, needs: dict[str, str | None], now: datetime):
        registration = self.registration(registration_id)
        if registration.erased_at:
            raise InvalidTransition("the registration was erased")
        for key in ("dietary_needs", "accessibility_needs"):
            if key in needs:
                setattr(registration, key, needs[key])
        registration.updated_at = now
        return registration

    def approve(self, registration_id: str, now: datetime) -> Registration:
        """Approve a pending registration: a seat if one is free, else the waiting list."""
        registration = self._pending(registration_id)
        if self.has_seat_for(registration.partner, now):
            registration._set(Status.CONFIRMED, now)
        elif self.waitlist_enabled:
            registration._set(Status.WAITLISTED, now)
        else:
            raise EventFull("no seat is free and the event keeps no waiting list")
        self.events.append(ev.RegistrationChanged(str(registration.status), registration))
        return registration

    def reject(self, registration_id: str, now: datetime, reason: str | None) -> Registration:
        registration = self._pending(registration_id)
        registration._set(Status.REJECTED, now)
        self.events.append(ev.RegistrationChanged("rejected", registration, reason))
        return registration

    def _pending(self, registration_id: str) -> Registration:
        registration = self.registration(registration_id)
        if registration.status != Status.PENDING:
            raise InvalidTransition(f"the registration is {registration.status}, not pending")
        return registration

    def promote(self, registration_id: str, now: datetime) -> Registration:
        """Move one waitlisted person to a free seat by hand, ahead of the queue."""
        registration = self.registration(registration_id)
        if registration.status != Status.WAITLISTED:
            raise InvalidTransition(f"the registration is {registration.status}, not waitlisted")
        if self.confirmed_count() >= self.capacity:
            raise EventFull("no seat is free; raise the capacity first")
        self._confirm_from_waitlist(registration, now)
        return registration

    def fill_free_seats(self, now: datetime) -> list[Registration]:
        """Promote waitlisted people in queue order while seats (or their quota) allow."""
        promoted = []
        for registration in self.waitlist():
            if self.confirmed_count() >= self.capacity:
                break
            if self.has_seat_for(registration.partner, now):
                self._confirm_from_waitlist(registration, now)
                promoted.append(registration)
        return promoted

    def _confirm_from_waitlist(self, registration: Registration, now: datetime) -> None:
        registration._set(Status.CONFIRMED, now)
        self.events.append(ev.RegistrationChanged("promoted", registration))

    def erase(self, registration_id: str, now: datetime) -> Registration:
        """Forget the person: anonymise the row, free the seat, tell the other services."""
        registration = self.registration(registration_id)
        if registration.erased_at:
            return registration
        was_active = registration.active
        for key in ("name", "organisation"):
            setattr(registration, key, ERASED)
        registration.email = f"erased-{registration.id}@invalid"
        registration.dietary_needs = registration.accessibility_needs = None
        registration.partner = None
        registration.erased_at = now
        if was_active:
            registration._set(Status.CANCELLED, now)
        self.events.append(ev.ParticipantErased(registration.id, self.id, now))
        if was_active:
            self.fill_free_seats(now)
        return registration

    # --- seat accounting ---------------------------------------------------------------

    def confirmed_count(self, partner: str | None = None) -> int:
        return sum(
            1
            for r in self.registrations
            if r.status == Status.CONFIRMED and (partner is None or r.partner == partner)
        )

    def _held_quota(self, partner: str | None, now: datetime) -> PartnerQuota | None:
        for quota in self.quotas:
            if quota.partner == partner and now < quota.release_at:
                return quota
        return None

    def reserved_seats(self, now: datetime) -> int:
        """Seats still held back for partners whose quota is not yet released."""
        return sum(
            max(q.seats - self.confirmed_count(q.partner), 0)
            for q in self.quotas
            if now < q.release_at
        )

    def has_seat_for(self, partner: str | None, now: datetime) -> bool:
        if self.confirmed_count() >= self.capacity:
            return False
        quota = self._held_quota(partner, now)
        if quota and self.confirmed_count(partner) < quota.seats:
            return True
        return self.capacity - self.confirmed_count() - self.reserved_seats(now) > 0

    def seats_left(self, now: datetime) -> int:
        """Seats anyone without a quota could still take."""
        return max(self.capacity - self.confirmed_count() - self.reserved_seats(now), 0)

    def waitlist(self) -> list[Registration]:
        return sorted(
            (r for r in self.registrations if r.status == Status.WAITLISTED),
            key=lambda r: r.queue_number,
        )

    def waitlist_position(self, registration: Registration) -> int | None:
        if registration.status != Status.WAITLISTED:
            return None
        return self.waitlist().index(registration) + 1
