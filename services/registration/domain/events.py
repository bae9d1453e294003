"""Domain events: what happened, recorded by the aggregate, published through the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.registration.domain.model import Event, Registration


@dataclass(frozen=True)
class EventPublished:
    event: Event


@dataclass(frozen=True)
class EventUpdated:
    event: Event
    changes: tuple[str, ...]


@dataclass(frozen=True)
class EventCancelled:
    event: Event
    reason: str | None


@dataclass(frozen=True)
class RegistrationChanged:
    """A registration reached a status; ``kind`` is confirmed, waitlisted, pending, promoted,
    cancelled or rejected; ``position`` is the waiting-list place of a waitlisted one."""

    kind: str
    registration: Registration
    reason: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class ParticipantErased:
    registration_id: str
    event_id: str
    erased_at: datetime
