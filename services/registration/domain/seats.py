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
from services.registration.domain.status import SEATED, Status


class Seated(Protocol):
    @property
    def partner(self) -> str | None: ...


S = TypeVar("S", bound=Seated)


@dataclass(frozen=True)
class QuotaSeats:
    """Seats held for one partner cluster until ``release_at``; ``confirmed`` counts the seats
    its partner's people take (confirmed, or held for them by an offer)."""

    partner: str
    seats: int
    release_at: datetime
    confirmed: int = 0

    def holds(self, now: datetime) -> bool:
        """Whether the quota still keeps one of its seats back for its partner."""
        return now < self.release_at and self.confirmed < self.seats


@dataclass(frozen=True)
class SeatLedger:
    """Confirmed, offered and waitlisted counts against the capacity and the partner quotas.

    A seat held by an open waiting-list offer is taken exactly like a confirmed one, so it is
    never given to anyone else while the offer runs.
    """

    capacity: int
    confirmed: int = 0
    waitlisted: int = 0
    quotas: tuple[QuotaSeats, ...] = ()
    offered: int = 0

    @property
    def taken(self) -> int:
        """Seats confirmed or held by an open offer."""
        return self.confirmed + self.offered

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity

    def check(self) -> None:
        """Refuse quotas and a capacity that contradict each other or the confirmed seats."""
        if sum(q.seats for q in self.quotas) > self.capacity:
            raise InvalidEvent("partner quotas add up to more seats than the capacity")
        if len({q.partner for q in self.quotas}) != len(self.quotas):
            raise InvalidEvent("each partner may hold only one quota")
        if self.taken > self.capacity:
            raise InvalidEvent(
                f"capacity {self.capacity} is below the {self.taken} confirmed or offered "
                "seats; cancel some first"
            )

    def reserved_seats(self, now: datetime) -> int:
        """Seats still held back for partners whose quota is not yet released."""
        return sum(max(q.seats - q.confirmed, 0) for q in self.quotas if now < q.release_at)

    def seats_left(self, now: datetime) -> int:
        """Seats anyone without a held quota could still take."""
        return max(self.capacity - self.taken - self.reserved_seats(now), 0)

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
        offered = (new == Status.OFFERED) - (old == Status.OFFERED)
        waitlisted = (new == Status.WAITLISTED) - (old == Status.WAITLISTED)
        seated = (new in SEATED) - (old in SEATED)
        quota = self._quota_of(partner)
        quotas = tuple(
            replace(q, confirmed=q.confirmed + seated) if q is quota else q for q in self.quotas
        )
        return replace(
            self,
            confirmed=self.confirmed + confirmed,
            offered=self.offered + offered,
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
