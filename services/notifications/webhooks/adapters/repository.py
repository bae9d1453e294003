"""Endpoints and deliveries in the notifications database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.notifications.webhooks.domain.model import Endpoint, WebhookDelivery


class EndpointRepository:
    """Registered endpoints."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, endpoint: Endpoint) -> None:
        self.session.add(endpoint)

    def get(self, endpoint_id: str, lock: bool = False) -> Endpoint | None:
        """One endpoint; ``lock`` holds its row until commit (failure counts stay exact)."""
        return self.session.get(Endpoint, endpoint_id, with_for_update=lock or None)

    def list(self) -> list[Endpoint]:
        """Every endpoint, newest first."""
        return list(self.session.scalars(select(Endpoint).order_by(Endpoint.created_at.desc())))

    def subscribed_to(self, message_type: str) -> list[Endpoint]:
        """Active endpoints that want this message type (there are few: filtered here)."""
        active = self.session.scalars(select(Endpoint).where(Endpoint.status == "active"))
        return [endpoint for endpoint in active if endpoint.wants(message_type)]


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
        query = (
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id)
            .limit(limit)
            .offset(offset)
        )
        return list(self.session.scalars(query))

    def claim_due(self, now: datetime) -> WebhookDelivery | None:
        """Lock the oldest due delivery of an active endpoint; other senders skip it."""
        query = (
            select(WebhookDelivery)
            .join(Endpoint, Endpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                Endpoint.status == "active",
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(1)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        return self.session.scalars(query).first()
