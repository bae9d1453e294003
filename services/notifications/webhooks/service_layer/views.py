"""Read side of the webhooks: endpoints (never their secret) and delivery logs."""

from __future__ import annotations

from typing import Any

from services.notifications.webhooks.domain.errors import WebhookNotFound
from services.notifications.webhooks.domain.model import Endpoint, WebhookDelivery
from services.notifications.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork


def endpoint_view(endpoint: Endpoint) -> dict[str, Any]:
    """An endpoint as organisers see it: everything but the secret."""
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "message_types": list(endpoint.message_types),
        "description": endpoint.description,
        "status": endpoint.status,
        "disabled_reason": endpoint.disabled_reason,
        "consecutive_failures": endpoint.consecutive_failures,
        "created_at": endpoint.created_at,
    }


def delivery_view(delivery: WebhookDelivery) -> dict[str, Any]:
    """One delivery attempt record of the log."""
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "next_attempt_at": delivery.next_attempt_at,
        "delivered_at": delivery.delivered_at,
        "body": delivery.body.decode(),
    }


def list_endpoints(uow: WebhooksUnitOfWork) -> list[dict[str, Any]]:
    """Every endpoint, newest first."""
    with uow:
        return [endpoint_view(e) for e in uow.webhook_endpoints.all()]


def get_endpoint(uow: WebhooksUnitOfWork, endpoint_id: str) -> dict[str, Any]:
    """One endpoint, or WebhookNotFound."""
    with uow:
        endpoint = uow.webhook_endpoints.get(endpoint_id)
        if endpoint is None:
            raise WebhookNotFound(f"no webhook endpoint {endpoint_id}")
        return endpoint_view(endpoint)


def deliveries(
    uow: WebhooksUnitOfWork, endpoint_id: str, limit: int = 100, offset: int = 0
) -> list[dict[str, Any]]:
    """An endpoint's delivery log, newest first; WebhookNotFound for an unknown endpoint."""
    with uow:
        if uow.webhook_endpoints.get(endpoint_id) is None:
            raise WebhookNotFound(f"no webhook endpoint {endpoint_id}")
        rows = uow.webhook_deliveries.of_endpoint(endpoint_id, limit, offset)
        return [delivery_view(d) for d in rows]
