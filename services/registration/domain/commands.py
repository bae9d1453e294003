"""Commands: what organisers and participants ask the registration service to do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Venue:
    """Where an event takes place."""

    name: str
    address: str
    city: str
    country: str
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Quota:
    """Seats a partner cluster holds until ``release_at``; unused ones then go to everyone."""

    partner: str
    seats: int
    release_at: datetime


@dataclass(frozen=True)
class CreateEvent:
    title: str
    kind: str
    description: str
    venue: Venue
    timezone: str
    start: datetime
    end: datetime
    capacity: int
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    waitlist_enabled: bool = True
    approval_required: bool = False
    quotas: tuple[Quota, ...] = ()
    verify_email: bool = True
    waitlist_offer_hours: int = 0  # 0: a freed seat goes to the next person at once
    retention_until: datetime | None = None  # None: the event's end plus RETENTION_DAYS


@dataclass(frozen=True)
class Participant:
    """The person behind a registration (personal data; erased on request)."""

    name: str
    email: str
    organisation: str
    organisation_type: str
    country: str
    role: str
    partner: str | None = None
    dietary_needs: str | None = None
    accessibility_needs: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class Register:
    event_id: str
    participant: Participant
    consent: bool = field(default=False)
    by_organiser: bool = False  # an organiser vouches for the address: no verification
    partner_code: str | None = None  # the secret that claims a seat of a partner's quota


@dataclass(frozen=True)
class CorrectEmail:
    """An organiser corrects a participant's address, say after an email to it bounced."""

    email: str
    reason: str | None = None
    resend_failed: bool = False  # send the emails that failed to the old address again
    by_id: str | None = None  # the organiser credential's id
    by_name: str | None = None  # and the name it was minted for
