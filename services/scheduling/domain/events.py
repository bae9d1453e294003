"""Domain events: what happened to visits, recorded by the programme, published via the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.scheduling.domain.visits import Change, Visit


@dataclass(frozen=True)
class VisitScheduled:
    visit: Visit


@dataclass(frozen=True)
class VisitUpdated:
    visit: Visit
    changes: tuple[Change, ...]
    participants: tuple[str, ...]


@dataclass(frozen=True)
class VisitCancelled:
    visit: Visit
    participants: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class ParticipantAdded:
    visit: Visit
    registration_id: str


@dataclass(frozen=True)
class ParticipantRemoved:
    visit: Visit
    registration_id: str
    reason: str
