"""Domain events: what happened, as values taken when it happened; published through the outbox.

An event never holds a live aggregate: its fields are copied inside the aggregate method that
raised it, so a message says what was true at that moment, not whatever is true at commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.registration.domain.commands import Venue


@dataclass(frozen=True)
class EventDetails:
    """An event as people and the other services know it, at one moment."""

    event_id: str
    title: str
    kind: str
    description: str
    venue: Venue
    timezone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    updated_at: datetime


@dataclass(frozen=True)
class EventPublished:
    event: EventDetails


@dataclass(frozen=True)
class EventUpdated:
    event: EventDetails
    changes: tuple[str, ...]


@dataclass(frozen=True)
class EventCancelled:
    event: EventDetails
    reason: str | None


@dataclass(frozen=True)
class RegistrationChanged:
    """A registration reached a status; ``kind`` is confirmed, waitlisted, pending, promoted,
    cancelled, rejected, offered, offer_declined or offer_expired (or email_corrected, inside
    an ``EmailCorrected``); ``position`` is the waiting-list place of a waitlisted one; an open
    offer carries its token and expiry."""

    kind: str
    registration_id: str
    event: EventDetails
    status: str
    name: str
    email: str
    language: str
    manage_token: str
    feed_token: str
    reason: str | None = None
    position: int | None = None
    offer_token: str | None = None
    offer_expires_at: datetime | None = None
    checkin_code: str | None = None


@dataclass(frozen=True)
class EmailCorrected:
    """An organiser corrected the address: ``registration`` as it now stands (new address)."""

    registration: RegistrationChanged
    resend_failed: bool


@dataclass(frozen=True)
class ParticipantErased:
    registration_id: str
    event_id: str
    erased_at: datetime


@dataclass(frozen=True)
class VerificationRequested:
    """An unverified registration holds a place; its owner must follow ``verify_token``."""

    registration_id: str
    event: EventDetails
    name: str
    email: str
    language: str
    verify_token: str
    expires_at: datetime


@dataclass(frozen=True)
class AlreadyRegistered:
    """Someone registered an address that already holds a verified registration."""

    registration_id: str
    event: EventDetails
    name: str
    email: str
    language: str
    manage_token: str


@dataclass(frozen=True)
class RegistrationExpired:
    """An unverified registration outlived its hold: released and its personal data purged."""

    registration_id: str
    event_id: str
    expired_at: datetime
