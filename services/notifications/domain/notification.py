"""A notification: one email to one recipient about one thing, and the story of its delivery."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from services.notifications.domain.errors import NotResendable
from services.notifications.domain.outgoing_mail import Invitation, Method

DeliveryStatus = Literal["queued", "sent", "failed"]
DELIVERY_STATUSES = ("queued", "sent", "failed")
ERASED = "[erased]"
PREVIOUS = "[previous address]"


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a temporarily refused email is tried again."""

    max_attempts: int = 8
    base_seconds: float = 30.0
    cap_seconds: float = 3600.0

    def delay(self, attempts: int) -> timedelta:
        """Exponential backoff after the given number of failed attempts: base, 2×base …"""
        return timedelta(
            seconds=min(self.base_seconds * 2 ** max(attempts - 1, 0), self.cap_seconds)
        )


@dataclass(frozen=True)
class CalendarPart:
    """The iTIP content of a notification, without the people (added when it is sent)."""

    uid: str
    sequence: int
    method: Method
    summary: str
    description: str | None
    location: str | None
    start: datetime
    end: datetime
    stamp: datetime

    def invitation(self, organizer: tuple[str, str], attendee: tuple[str, str]) -> Invitation:
        """The invitation from organizer (email, name) to attendee (email, name)."""
        return Invitation(
            uid=self.uid,
            sequence=self.sequence,
            method=self.method,
            summary=self.summary,
            description=self.description,
            location=self.location,
            start=self.start,
            end=self.end,
            organizer_email=organizer[0],
            organizer_name=organizer[1],
            attendee_email=attendee[0],
            attendee_name=attendee[1],
            last_modified=self.stamp,
            status="CANCELLED" if self.method == "CANCEL" else "CONFIRMED",
        )


@dataclass(kw_only=True, eq=False)
class Notification:
    """An email of one kind for one registration, caused by one source message (or reminder)."""

    id: str
    source_message_id: str
    registration_id: str
    kind: str
    event_id: str | None
    recipient_email: str
    recipient_name: str
    language: str
    context: dict[str, Any]
    calendar: CalendarPart | None
    created_at: datetime
    next_attempt_at: datetime | None
    status: DeliveryStatus = "queued"
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None
    resend_of: str | None = None
    erased_at: datetime | None = None
    updated_at: datetime | None = field(default=None)

    def delivered(self, now: datetime) -> None:
        """The relay accepted the email."""
        self.attempts += 1
        self.status, self.sent_at, self.next_attempt_at, self.updated_at = "sent", now, None, now

    def refused_for_now(self, reply: str, now: datetime, policy: RetryPolicy) -> None:
        """A temporary failure: try again after a backoff, or give up after the last attempt."""
        self.attempts += 1
        self.last_error, self.updated_at = reply, now
        if self.attempts >= policy.max_attempts:
            self.last_error = f"gave up after {self.attempts} attempts: {reply}"
            self.status, self.next_attempt_at = "failed", None
        else:
            self.next_attempt_at = now + policy.delay(self.attempts)

    def refused_for_good(self, reply: str, now: datetime) -> None:
        """A permanent failure: retrying cannot help; the reply stays visible."""
        self.attempts += 1
        self.status, self.last_error, self.next_attempt_at, self.updated_at = (
            "failed",
            reply,
            None,
            now,
        )

    def resend(self, new_id: str, now: datetime, to: tuple[str, str] | None = None) -> Notification:
        """A queued email is made due now; a sent or failed one is copied under a new id.

        ``to`` (email, name) is where the recipient is reached now, if their address was
        corrected since: the resend goes there, while this email keeps the address it went to.
        """
        if self.erased_at is not None:
            raise NotResendable("the recipient's personal data was erased")
        if self.status == "queued":
            if to is not None:
                self.readdress(*to, now)
            self.next_attempt_at = self.updated_at = now
            return self
        email, name = to or (self.recipient_email, self.recipient_name)
        return replace(
            self,
            id=new_id,
            recipient_email=email,
            recipient_name=name,
            source_message_id=new_id,
            status="queued",
            attempts=0,
            last_error=None,
            sent_at=None,
            created_at=now,
            next_attempt_at=now,
            updated_at=now,
            resend_of=self.id,
        )

    def readdress(self, email: str, name: str, now: datetime) -> None:
        """A queued email goes to the recipient's corrected address; a server's reply about
        the old one (a deferral) stops naming it."""
        if self.status != "queued" or email == self.recipient_email:
            return
        self.last_error = _without(self.last_error, (self.recipient_email,), PREVIOUS)
        self.recipient_email, self.recipient_name, self.updated_at = email, name, now

    def erase(self, now: datetime) -> None:
        """Forget who this was for and what it said; keep the delivery facts."""
        # a mail server's reply may quote the address or the name
        traces = (self.recipient_email, self.recipient_name)
        self.last_error = _without(self.last_error, traces, ERASED)
        self.recipient_email = f"erased-{self.registration_id}@invalid"
        self.recipient_name, self.context, self.erased_at, self.updated_at = ERASED, {}, now, now


def _without(text: str | None, traces: tuple[str, ...], replacement: str) -> str | None:
    """text with every trace (in any case) replaced."""
    for trace in traces:
        if text and trace:
            text = re.sub(re.escape(trace), replacement, text, flags=re.I)
    return text
