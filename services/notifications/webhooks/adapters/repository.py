"""Endpoints and deliveries in the notifications database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.webhooks.adapters.orm import webhook_deliveries, webhook_endpoints
from services.notifications.webhooks.domain.model import Endpoint, WebhookDelivery


class EndpointRepository:
    """Registered endpoints."""

    def __init__(self, session: Session):
        self.session = session
        self._active: list[Endpoint] | None = None

    def add(self, endpoint: Endpoint) -> None:
        self.session.add(endpoint)
        self._active = None

    def get(self, endpoint_id: str, lock: bool = False) -> Endpoint | None:
        """One endpoint; ``lock`` holds its row until commit (failure counts stay exact)."""
        return self.session.get(Endpoint, endpoint_id, with_for_update=lock or None)

    def all(self) -> list[Endpoint]:
        """Every endpoint, newest first."""
        newest_first = webhook_endpoints.c.created_at.desc()
        return list(self.session.scalars(select(Endpoint).order_by(newest_first)))

    def subscribed_to(self, message_type: str) -> list[Endpoint]:
        """Active endpoints that want this message type (there are few: filtered here).

        Read once per unit of work: a consumer batch fans out every message against the same
        endpoints, and the read does not flush the batch's pending rows one message at a time
        (endpoints are written by the API, never in a consumer's unit of work).
        """
        if self._active is None:
            with self.session.no_autoflush:
                query = select(Endpoint).where(webhook_endpoints.c.status == "active")
                self._active = list(self.session.scalars(query))
        return [endpoint for endpoint in self._active if endpoint.wants(message_type)]


class DeliveryRepository:
    """The outbox of deliveries."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, delivery: WebhookDelivery) -> None:
        self.session.add(delivery)

    def get(self, delivery_id: str) -> WebhookDelivery | None:
        return self.session.get(WebhookDelivery, delivery_id)

    def of_endpoint(self, endpoint_id: str, limit: int, offset: int) -> list[WebhookDelivery]:
        """An endpoint's delivery log, newest first."""
        deliveries = webhook_deliveries.c
        query = (
            select(WebhookDelivery)
            .where(deliveries.endpoint_id == endpoint_id)
            .order_by(deliveries.created_at.desc(), deliveries.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(query))

    def claim_due(self, now: datetime) -> WebhookDelivery | None:
        """Lock the oldest due delivery of an active endpoint; other senders skip it."""
        deliveries, endpoints = webhook_deliveries.c, webhook_endpoints.c
        query = (
            select(WebhookDelivery)
            .join(webhook_endpoints, endpoints.id == deliveries.endpoint_id)
            .where(
                deliveries.status == "pending",
                deliveries.next_attempt_at <= now,
                endpoints.status == "active",
            )
            .order_by(deliveries.next_attempt_at, deliveries.id)
            .limit(1)
            .with_for_update(of=webhook_deliveries, skip_locked=True)
        )
        return self.session.scalars(query).first()
