"""What goes into a published calendar feed: one item per visit or session, plus feed metadata."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

FeedStatus = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
STATUSES: frozenset[str] = frozenset(get_args(FeedStatus))


@dataclass(frozen=True)
class FeedItem:
    """One calendar entry; timed (zoned datetimes) or all-day (dates, exclusive end)."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date
    status: FeedStatus
    sequence: int
    last_modified: datetime
    created: datetime
    description: str | None = None
    location: str | None = None
    geo: tuple[float, float] | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_span(self.start, self.end)
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        for stamp in (self.last_modified, self.created):
            if stamp.utcoffset() is None:
                raise ValueError("last_modified and created must be timezone-aware")
        object.__setattr__(self, "_hash", hash(self._values()))

    def __hash__(self) -> int:
        """The hash of every field, computed once: items key the cache of rendered VEVENTs,
        which hashed all thirteen fields several times per item and render."""
        return self._hash  # type: ignore[attr-defined, no-any-return]

    def __getstate__(self) -> dict:
        """Pickled without the hash, which differs between processes (str hashes do)."""
        return dict(zip(_FIELDS, self._values(), strict=True))

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        object.__setattr__(self, "_hash", hash(self._values()))

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in _FIELDS)


_FIELDS = tuple(field.name for field in fields(FeedItem))


@dataclass(frozen=True)
class FeedMeta:
    """Calendar-level facts about a feed: its name, own URL and polling hint."""

    name: str
    description: str
    source_url: str
    refresh: timedelta = timedelta(hours=1)
    timezone: str | None = None

    def __post_init__(self) -> None:
        if self.refresh <= timedelta(0):
            raise ValueError("refresh must be a positive duration")


def _check_span(start: datetime | date, end: datetime | date) -> None:
    if isinstance(start, datetime) and isinstance(end, datetime):
        _check_zoned_span(start, end)
    elif isinstance(start, datetime) or isinstance(end, datetime):
        raise ValueError("start and end must both be datetimes or both be dates")
    elif end <= start:
        raise ValueError("an all-day end is exclusive, so it must be after the start")


def _check_zoned_span(start: datetime, end: datetime) -> None:
    if not (isinstance(start.tzinfo, ZoneInfo) and isinstance(end.tzinfo, ZoneInfo)):
        raise ValueError("timed items need a zoneinfo.ZoneInfo tzinfo on start and end")
    # Compare in UTC: within one zone Python ignores fold, so DST-repeated hours would tie.
    if end.astimezone(UTC) <= start.astimezone(UTC):
        raise ValueError("end must be after start")
