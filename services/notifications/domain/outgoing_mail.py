"""What the notifications service sends: emails and the calendar invitations they carry."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

Method = Literal["REQUEST", "CANCEL"]
Status = Literal["CONFIRMED", "CANCELLED"]
METHODS: frozenset[str] = frozenset({"REQUEST", "CANCEL"})
STATUSES: frozenset[str] = frozenset({"CONFIRMED", "CANCELLED"})


@dataclass(frozen=True)
class Invitation:
    """One iTIP message about one calendar event, addressed to one attendee."""

    uid: str
    sequence: int
    method: Method
    summary: str
    description: str | None
    location: str | None
    start: datetime
    end: datetime
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    last_modified: datetime
    status: Status = "CONFIRMED"

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")
        if self.sequence < 0:
            raise ValueError("sequence must not be negative")
        if not all(isinstance(moment.tzinfo, ZoneInfo) for moment in (self.start, self.end)):
            raise ValueError("start and end need a zoneinfo.ZoneInfo tzinfo")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if self.last_modified.utcoffset() is None:
            raise ValueError("last_modified must be timezone-aware")

    def rescheduled(
        self, *, start: datetime, end: datetime, location: str | None, at: datetime
    ) -> Invitation:
        """The next REQUEST for the same event at a new time or place."""
        return replace(
            self,
            sequence=self.sequence + 1,
            start=start,
            end=end,
            location=location,
            last_modified=at,
            method="REQUEST",
            status="CONFIRMED",
        )

    def cancelled(self, *, at: datetime) -> Invitation:
        """The CANCEL that withdraws this event from the attendee's calendar."""
        return replace(
            self, sequence=self.sequence + 1, last_modified=at, method="CANCEL", status="CANCELLED"
        )


@dataclass(frozen=True, kw_only=True)
class OutgoingEmail:
    """A rendered email for one recipient; message_id_key makes re-sends share a Message-ID."""

    to_address: str
    to_name: str
    subject: str
    text_body: str
    html_body: str
    message_id_key: str
    invitation: Invitation | None = None


@dataclass(frozen=True)
class WireEmail:
    """An email ready for the relay: its envelope, its Message-ID and its bytes (CRLF lines)."""

    sender: str
    recipient: str
    message_id: str
    data: bytes
