"""Endpoints organisers register and the deliveries queued for them, with their retry rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from services.notifications.webhooks.domain.errors import InvalidEndpoint

ENDPOINT_STATUSES = ("active", "disabled")
DELIVERY_STATUSES = ("pending", "delivered", "failed")
MIN_SECRET_LENGTH = 24  # a supplied secret of at least 24 characters: >= 128 bits in base64


@dataclass(frozen=True)
class WebhookPolicy:
    """Exponential backoff (base, doubling, capped) for ``retry_for``; then the delivery fails.

    An endpoint is disabled on 410 Gone, or after ``disable_after`` failed attempts in a row.
    """

    base_seconds: float = 30.0
    cap_seconds: float = 6 * 3600.0
    retry_for: timedelta = timedelta(days=3)
    disable_after: int = 20

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next attempt after ``attempts`` failed ones."""
        return timedelta(
            seconds=min(self.base_seconds * 2 ** max(attempts - 1, 0), self.cap_seconds)
        )


def check_url(url: str) -> str:
    """An http(s) URL with a host; InvalidEndpoint otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpoint("the URL must be an absolute http:// or https:// URL")
    if parts.username or parts.password:
        raise InvalidEndpoint("the URL must not carry credentials; the signature authenticates")
    return url


@dataclass
class Endpoint:
    """Where an organiser wants the events of some message types POSTed."""

    id: str
    url: str
    message_types: list[str]
    secret: str
    description: str
    created_at: datetime
    status: str = "active"
    disabled_reason: str | None = None
    consecutive_failures: int = 0
    updated_at: datetime | None = None

    @classmethod
    def register(
        cls,
        endpoint_id: str,
        url: str,
        message_types: list[str],
        secret: str,
        description: str,
        now: datetime,
    ) -> Endpoint:
        """A new, active endpoint; its URL and secret are checked here."""
        if len(secret) < MIN_SECRET_LENGTH:
            raise InvalidEndpoint(f"a secret must have at least {MIN_SECRET_LENGTH} characters")
        if not message_types:
            raise InvalidEndpoint("choose at least one message type")
        return cls(
            endpoint_id, check_url(url), sorted(set(message_types)), secret, description, now
        )

    def wants(self, message_type: str) -> bool:
        """Is this endpoint active and subscribed to the type?"""
        return self.status == "active" and message_type in self.message_types

    def disable(self, reason: str, now: datetime) -> None:
        """Stop delivering (pending deliveries wait until it is enabled again)."""
        self.status, self.disabled_reason, self.updated_at = "disabled", reason, now

    def enable(self, now: datetime) -> None:
        """Deliver again, starting from a clean failure count."""
        self.status, self.disabled_reason, self.updated_at = "active", None, now
        self.consecutive_failures = 0

    def answered(self) -> None:
        """A 2xx: the failure streak ends."""
        self.consecutive_failures = 0

    def missed(self, now: datetime, policy: WebhookPolicy) -> None:
        """A failed attempt; too many in a row disable the endpoint."""
        self.consecutive_failures += 1
        if self.consecutive_failures >= policy.disable_after:
            self.disable(f"{self.consecutive_failures} failed attempts in a row", now)


@dataclass
class WebhookDelivery:
    """One thin event on its way to one endpoint (the outbox of deliveries)."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    body: bytes
    created_at: datetime
    retry_until: datetime
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: datetime | None = None
    updated_at: datetime | None = None

    @classmethod
    def queue(
        cls,
        delivery_id: str,
        endpoint_id: str,
        event_id: str,
        event_type: str,
        body: bytes,
        now: datetime,
        policy: WebhookPolicy,
    ) -> WebhookDelivery:
        """A delivery due now, retried until ``policy.retry_for`` from now."""
        return cls(
            delivery_id,
            endpoint_id,
            event_id,
            event_type,
            body,
            now,
            now + policy.retry_for,
            next_attempt_at=now,
        )

    def record(
        self,
        status: int | None,
        error: str | None,
        endpoint: Endpoint,
        now: datetime,
        policy: WebhookPolicy,
    ) -> str:
        """Take the outcome of an attempt (HTTP status, or None and why): the new status."""
        self.attempts, self.last_status, self.updated_at = self.attempts + 1, status, now
        if status is not None and 200 <= status < 300:
            self.status, self.delivered_at, self.last_error = "delivered", now, None
            self.next_attempt_at = None
            endpoint.answered()
        elif status == 410:
            self._fail("410 Gone: the endpoint was removed")
            endpoint.disable("the endpoint answered 410 Gone", now)
        else:
            self.last_error = error or f"HTTP {status}"
            endpoint.missed(now, policy)
            retry_at = now + policy.delay(self.attempts)
            if retry_at > self.retry_until:
                self._fail(f"{self.last_error}; gave up after {self.attempts} attempts")
            else:
                self.next_attempt_at = retry_at
        return self.status

    def _fail(self, error: str) -> None:
        self.status, self.last_error, self.next_attempt_at = "failed", error, None

    def resend(self, now: datetime, policy: WebhookPolicy) -> None:
        """Send again now, with a fresh retry window."""
        self.status, self.next_attempt_at = "pending", now
        self.retry_until, self.updated_at = now + policy.retry_for, now
