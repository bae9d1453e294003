"""The notifications unit of work with the webhook repositories on the same session."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from services.notifications.webhooks.adapters.repository import (
    DeliveryRepository,
    EndpointRepository,
)


class WebhooksUnitOfWork(NotificationsUnitOfWork):
    """One transaction for emails and webhook deliveries: the worker applies both groups."""

    webhook_endpoints: EndpointRepository
    webhook_deliveries: DeliveryRepository

    def _start(self, session: Session) -> None:
        super()._start(session)
        self.webhook_endpoints = EndpointRepository(session)
        self.webhook_deliveries = DeliveryRepository(session)
