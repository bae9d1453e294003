"""An exchange's timed agenda item as a calendar happening (UID shared with scheduling's feeds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.notifications.domain.readmodel import Happening

LABELS = {"site_visit": "Site visit", "meeting": "Meeting"}


@dataclass(kw_only=True, eq=False)
class AgendaItemSnapshot(Happening):
    """A site visit or meeting of an exchange, as the last exchange.* message described it."""

    item_id: str
    title: str
    kind: str
    description: str | None
    location: str
    timezone: str
    start: datetime
    end: datetime
    sequence: int
    updated_at: datetime
    planned: bool

    @property
    def uid(self) -> str:
        return f"exchange-item-{self.item_id}"

    @property
    def summary(self) -> str:
        return f"{LABELS.get(self.kind, 'Exchange')}: {self.title}"
