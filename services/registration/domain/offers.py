"""Waiting-list offers: a freed seat is held for the next person waiting until the offer expires.

The seat itself is accounted by the ``SeatLedger`` (status ``offered``); this module holds the
rules of the offer as values: when offers may still be made, how long one runs, and what
became of it, so a used, declined or lapsed link can be told apart from an unknown one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class OfferState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # the registration was cancelled or erased while the offer ran


@dataclass(frozen=True)
class OfferWindow:
    """How long offers run and when they stop: once registration closes or the event starts."""

    hours: int
    cut_off: datetime

    def open_at(self, now: datetime) -> bool:
        """Whether an offer may be made now; after the cut-off a freed seat stays free."""
        return self.hours > 0 and now < self.cut_off

    def expiry(self, now: datetime) -> datetime:
        """When an offer made now lapses: after its hours, and never after the cut-off."""
        return min(now + timedelta(hours=self.hours), self.cut_off)
