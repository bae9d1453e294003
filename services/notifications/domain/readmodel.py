"""What this service remembers of other services' messages: people, workshops, visits, calendars."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from services.notifications.domain.notification import ERASED, CalendarPart
from services.notifications.domain.outgoing_mail import Method


@dataclass(kw_only=True, eq=False)
class Recipient:
    """A registration as far as emails go: who, in which language, and their personal links."""

    registration_id: str
    event_id: str
    name: str
    email: str
    language: str
    manage_url: str
    feed_url: str
    status: str
    erased_at: datetime | None = None

    @classmethod
    def forgotten(cls, registration_id: str, event_id: str, now: datetime) -> Recipient:
        """A person erased before any other message about them arrived."""
        recipient = cls(
            registration_id=registration_id, event_id=event_id, name="", email="", language="en",
            manage_url="", feed_url="", status="erased",
        )  # fmt: skip
        recipient.erase(now)
        return recipient

    def erase(self, now: datetime) -> None:
        """Forget the person; the row stays so later messages about them are recognised."""
        self.name, self.manage_url, self.feed_url = ERASED, "", ""
        self.email = f"erased-{self.registration_id}@invalid"
        self.erased_at = now


class Happening(abc.ABC):
    """Something with a time and a place that lands in a calendar (a workshop or a visit)."""

    description: str | None
    location: str
    timezone: str
    start: datetime
    end: datetime
    sequence: int
    updated_at: datetime

    @property
    @abc.abstractmethod
    def uid(self) -> str:
        """The calendar UID, shared with the scheduling feed so calendars merge the two."""

    @property
    @abc.abstractmethod
    def summary(self) -> str:
        """The calendar title."""

    def zoned(self, moment: datetime) -> datetime:
        """The moment in the happening's own time zone."""
        return moment.astimezone(ZoneInfo(self.timezone))

    def moved_from(self, before: Happening) -> bool:
        """Did the time or the place change since ``before``?"""
        return (self.start, self.end, self.timezone, self.location) != (
            before.start,
            before.end,
            before.timezone,
            before.location,
        )

    def newer_than(self, other: Happening) -> bool:
        """Is this snapshot more recent than other (messages may arrive out of order)?"""
        return (self.sequence, self.updated_at) > (other.sequence, other.updated_at)

    def calendar_part(self, method: Method, sequence: int, stamp: datetime) -> CalendarPart:
        """The iTIP content for this happening."""
        return CalendarPart(
            uid=self.uid,
            sequence=sequence,
            method=method,
            summary=self.summary,
            description=self.description,
            location=self.location,
            start=self.zoned(self.start),
            end=self.zoned(self.end),
            stamp=stamp,
        )


@dataclass(kw_only=True, eq=False)
class EventSnapshot(Happening):
    """A workshop as its last message described it."""

    event_id: str
    title: str
    description: str | None
    location: str
    timezone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    updated_at: datetime
    cancel_reason: str | None = None

    @property
    def uid(self) -> str:
        return f"event-{self.event_id}"

    @property
    def summary(self) -> str:
        return self.title


@dataclass(kw_only=True, eq=False)
class VisitSnapshot(Happening):
    """A study visit as its last message described it."""

    visit_id: str
    event_id: str
    title: str
    description: str | None
    location: str
    timezone: str
    start: datetime
    end: datetime
    status: str
    sequence: int
    updated_at: datetime

    @property
    def uid(self) -> str:
        return f"visit-{self.visit_id}"

    @property
    def summary(self) -> str:
        return f"Study visit: {self.title}"


@dataclass(kw_only=True, eq=False)
class CalendarEntry:
    """The last iTIP message we sent one address about one UID; we are its ORGANIZER."""

    email: str
    uid: str
    sequence: int
    method: str

    @property
    def invited(self) -> bool:
        """Does the recipient's calendar hold the event (last message was a REQUEST)?"""
        return self.method == "REQUEST"


def next_sequence(last: CalendarEntry | None, current: int) -> int:
    """A SEQUENCE above every one this address has seen for the UID, never below the source's."""
    return current if last is None else max(current, last.sequence + 1)
