"""The scheduling rules an operator tunes: the travel buffer and the margin around the event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Policy:
    """How far apart one person's visits must be, and how far visits may stray from the event."""

    travel_buffer: timedelta = timedelta(minutes=30)
    event_margin: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        if self.travel_buffer < timedelta(0) or self.event_margin < timedelta(0):
            raise ValueError("the travel buffer and the event margin must not be negative")

    def window(self, start: datetime, end: datetime, timezone: str) -> tuple[datetime, datetime]:
        """From local midnight of the event's first day to midnight after its last, plus margin."""
        zone = ZoneInfo(timezone)
        first = datetime.combine(start.astimezone(zone).date(), time(), zone)
        last = datetime.combine(end.astimezone(zone).date() + timedelta(days=1), time(), zone)
        return first - self.event_margin, last + self.event_margin
