"""Exchange domain events: values taken when the change happens, published via the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.scheduling.exchanges.domain.agenda import AgendaItem
from services.scheduling.exchanges.domain.commands import Party


@dataclass(frozen=True)
class ItemFacts:
    """An agenda item as values."""

    item_id: str
    title: str
    kind: str
    place: str
    notes: str
    start: datetime | None
    end: datetime | None
    first_day: date | None
    last_day: date | None
    sequence: int
    cancelled: bool

    @classmethod
    def of(cls, item: AgendaItem) -> ItemFacts:
        return cls(
            item_id=item.id,
            title=item.title,
            kind=item.kind,
            place=item.place,
            notes=item.notes,
            start=item.start,
            end=item.end,
            first_day=item.first_day,
            last_day=item.last_day,
            sequence=item.sequence,
            cancelled=item.cancelled,
        )


@dataclass(frozen=True)
class ExchangeFacts:
    """An exchange as values: its parties, days, status and every agenda item."""

    exchange_id: str
    status: str
    visitor: Party
    host: Party
    goals: str
    first_day: date
    last_day: date
    timezone: str
    working_days: int
    attended_days: int | None
    sequence: int
    updated_at: datetime
    agenda: tuple[ItemFacts, ...]
    certificate_token: str | None = None


@dataclass(frozen=True)
class ExchangeChanged:
    """One transition or itinerary change, to be published as ``exchange.<what>``."""

    what: str
    actor: str
    exchange: ExchangeFacts
    reason: str | None = None
