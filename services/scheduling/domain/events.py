"""Domain events: what happened to visits, recorded by the programme, published via the outbox.

Each event holds values, never the live visit: ``VisitFacts`` is taken when the event is
built, so what is published is the visit as it stood then, whatever happens to it later in the
same unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from services.scheduling.domain.commands import Location

if TYPE_CHECKING:
    from services.scheduling.domain.visits import Change, Visit


@dataclass(frozen=True)
class VisitFacts:
    """What consumers may know of a visit: no host contact, no participants."""

    id: str
    event_id: str
    title: str
    host_organisation: str
    location: Location
    meeting_point: str | None
    requirements: tuple[str, ...]
    start: datetime
    end: datetime
    capacity: int
    status: str
    sequence: int
    updated_at: datetime

    @classmethod
    def of(cls, visit: Visit) -> VisitFacts:
        return cls(
            id=visit.id,
            event_id=visit.event_id,
            title=visit.title,
            host_organisation=visit.host.organisation,
            location=visit.location,
            meeting_point=visit.meeting_point,
            requirements=tuple(visit.requirements),
            start=visit.start,
            end=visit.end,
            capacity=visit.capacity,
            status=visit.status,
            sequence=visit.sequence,
            updated_at=visit.updated_at,
        )


@dataclass(frozen=True)
class VisitEvent:
    """Something that happened to a visit; a ``Visit`` given is recorded as its facts now.

    ``timezone`` is the event's zone that consumers show the times in: presentation, not part
    of what happened, so two records of the same happening compare equal without it.
    """

    visit: VisitFacts
    timezone: str = field(default="UTC", compare=False, kw_only=True)

    def __post_init__(self) -> None:
        if not isinstance(self.visit, VisitFacts):
            object.__setattr__(self, "visit", VisitFacts.of(self.visit))


@dataclass(frozen=True)
class VisitScheduled(VisitEvent):
    """A new visit is on the programme."""


@dataclass(frozen=True)
class VisitUpdated(VisitEvent):
    changes: tuple[Change, ...]
    participants: tuple[str, ...]


@dataclass(frozen=True)
class VisitCancelled(VisitEvent):
    participants: tuple[str, ...]
    reason: str | None


@dataclass(frozen=True)
class ParticipantAdded(VisitEvent):
    registration_id: str


@dataclass(frozen=True)
class ParticipantRemoved(VisitEvent):
    registration_id: str
    reason: str
