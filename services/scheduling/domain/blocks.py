"""Time blocks: parallel visits that participants rank, allocated fairly when a block closes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from services.scheduling.domain.errors import InvalidTransition, InvalidVisit

OPEN = "open"
CLOSED = "closed"


@dataclass(eq=False)
class Preference:
    """One participant's ranking of a block's visits (best first) and what they were given."""

    registration_id: str
    ranking: list[str]
    submitted_at: datetime
    allocated_visit_id: str | None = None

    @property
    def allocated_rank(self) -> int | None:
        """1 for the first choice …; None when not placed by the allocation."""
        if self.allocated_visit_id not in self.ranking:
            return None
        return self.ranking.index(self.allocated_visit_id) + 1


@dataclass(eq=False)
class Block:
    """A time block of an event; open for rankings until the organiser closes it."""

    id: str
    event_id: str
    title: str
    created_at: datetime
    status: str = OPEN
    seed: int | None = None
    closed_at: datetime | None = None
    preferences: list[Preference] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.status == OPEN

    def rank(
        self, registration_id: str, ranking: list[str], visit_ids: Collection[str], now: datetime
    ) -> Preference:
        """Record (or replace) a participant's ranking of this block's open visits."""
        self.require_open()
        if len(set(ranking)) != len(ranking):
            raise InvalidVisit("a ranking lists each visit once")
        unknown = [visit_id for visit_id in ranking if visit_id not in visit_ids]
        if not ranking or unknown:
            raise InvalidVisit(f"not a scheduled visit of this block: {', '.join(unknown)}")
        self.withdraw(registration_id)
        preference = Preference(registration_id, list(ranking), now)
        self.preferences.append(preference)
        return preference

    def withdraw(self, registration_id: str) -> None:
        """Forget a participant's ranking (they re-ranked, left the event or were erased)."""
        self.preferences[:] = [p for p in self.preferences if p.registration_id != registration_id]

    def close(self, seed: int, assignments: Mapping[str, str], now: datetime) -> None:
        """Record the allocation and the seed that broke its ties."""
        self.require_open()
        for preference in self.preferences:
            preference.allocated_visit_id = assignments.get(preference.registration_id)
        self.status, self.seed, self.closed_at = CLOSED, seed, now

    def require_open(self) -> None:
        if not self.open:
            raise InvalidTransition(f"the block {self.title!r} is closed")
