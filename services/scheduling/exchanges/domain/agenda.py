"""The agenda of an exchange: site visits and meetings, timed or all-day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

ITEM_KINDS = ("site_visit", "meeting", "other")
# Changing these makes calendar copies stale: they bump the item's SEQUENCE.
ITEM_SCHEDULE_FIELDS = ("title", "place", "start", "end", "first_day", "last_day")


@dataclass(frozen=True)
class ItemDetails:
    """An agenda item as asked for: timed (aware datetimes) or all-day (inclusive dates)."""

    title: str
    kind: str
    place: str
    start: datetime | None = None
    end: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None
    notes: str = ""


@dataclass(eq=False)
class AgendaItem:
    """A site visit or meeting of an exchange; removed items stay, cancelled, for calendars."""

    id: str
    exchange_id: str
    title: str
    kind: str
    place: str
    notes: str
    start: datetime | None
    end: datetime | None
    first_day: date | None
    last_day: date | None
    created_at: datetime
    updated_at: datetime
    sequence: int = 0
    cancelled: bool = False

    def span(self, zone: ZoneInfo) -> tuple[datetime | date, datetime | date]:
        """Start and exclusive end: zoned times, or dates ending the day after the last day."""
        if self.start is not None and self.end is not None:
            return self.start.astimezone(zone), self.end.astimezone(zone)
        if self.first_day is None or self.last_day is None:
            raise ValueError("an agenda item has either times or days")
        return self.first_day, self.last_day + timedelta(days=1)

    def edit(self, details: ItemDetails, now: datetime) -> bool:
        """Take new details; True (and a higher SEQUENCE) when anything shown changed."""
        changed = any(
            getattr(self, name) != getattr(details, name)
            for name in (*ITEM_SCHEDULE_FIELDS, "kind", "notes")
        )
        for name in (*ITEM_SCHEDULE_FIELDS, "kind", "notes"):
            setattr(self, name, getattr(details, name))
        if changed:
            self.sequence, self.updated_at = self.sequence + 1, now
        return changed
