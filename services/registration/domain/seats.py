"""Seat accounting of one event: capacity, partner quotas and the counters that decide seats.

A ``SeatLedger`` is a value: the event builds one from its counters, asks it questions, and
keeps the ledger a move returns. The counters let a decision skip loading every registration.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol, TypeVar

from services.registration.domain.errors import InvalidEvent
from services.registration.domain.status import Status


class Seated(Protocol):
    @property
    def partner(self) -> str | None: ...


S = TypeVar("S", bound=Seated)


@dataclass(frozen=True)
class QuotaSeats:
    """Seats held for one partner cluster until ``release_at``; ``confirmed`` counts its seats."""

    partner: str
    seats: int
    release_at: datetime
    confirmed: int = 0

    def holds(self, now: datetime) -> bool:
        """Whether the quota still keeps one of its seats back for its partner."""
        return now < self.release_at and self.confirmed < self.seats


@dataclass(frozen=True)
class SeatLedger:
    """Confirmed and waitlisted counts against the capacity and the partner quotas."""

    capacity: int
    confirmed: int = 0
    waitlisted: int = 0
    quotas: tuple[QuotaSeats, ...] = ()

    @property
    def full(self) -> bool:
        return self.confirmed >= self.capacity

    def check(self) -> None:
        """Refuse quotas and a capacity that contradict each other or the confirmed seats."""
        if sum(q.seats for q in self.quotas) > self.capacity:
            raise InvalidEvent("partner quotas add up to more seats than the capacity")
        if len({q.partner for q in self.quotas}) != len(self.quotas):
            raise InvalidEvent("each partner may hold only one quota")
        if self.confirmed > self.capacity:
            raise InvalidEvent(
                f"capacity {self.capacity} is below the {self.confirmed} confirmed "
                "registrations; cancel some first"
            )

    def reserved_seats(self, now: datetime) -> int:
        """Seats still held back for partners whose quota is not yet released."""
        return sum(max(q.seats - q.confirmed, 0) for q in self.quotas if now < q.release_at)

    def seats_left(self, now: datetime) -> int:
        """Seats anyone without a held quota could still take."""
        return max(self.capacity - self.confirmed - self.reserved_seats(now), 0)

    def has_seat_for(self, partner: str | None, now: datetime) -> bool:
        if self.full:
            return False
        quota = self._quota_of(partner)
        if quota and quota.holds(now):
            return True
        return self.seats_left(now) > 0

    def moved(self, old: str, new: str, partner: str | None) -> SeatLedger:
        """The ledger after one registration of ``partner`` went from status ``old`` to ``new``."""
        confirmed = (new == Status.CONFIRMED) - (old == Status.CONFIRMED)
        waitlisted = (new == Status.WAITLISTED) - (old == Status.WAITLISTED)
        quota = self._quota_of(partner)
        quotas = tuple(
            replace(q, confirmed=q.confirmed + confirmed) if q is quota else q for q in self.quotas
        )
        return replace(
            self,
            confirmed=self.confirmed + confirmed,
            waitlisted=self.waitlisted + waitlisted,
            quotas=quotas,
        )

    def promotable(self, waiting: Iterable[S], now: datetime) -> list[S]:
        """Who of the waiting (in queue order) the free seats, or their quotas, would take."""
        ledger, chosen = self, []
        for candidate in waiting:
            if ledger.full:
                break
            if ledger.has_seat_for(candidate.partner, now):
                ledger = ledger.moved(Status.WAITLISTED, Status.CONFIRMED, candidate.partner)
                chosen.append(candidate)
        return chosen

    def _quota_of(self, partner: str | None) -> QuotaSeats | None:
        return next((q for q in self.quotas if partner and q.partner == partner), None)
