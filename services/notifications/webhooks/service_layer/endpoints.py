"""Organisers' use cases: register, disable and enable endpoints; resend a delivery."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from services.notifications.webhooks.domain.errors import InvalidEndpoint, WebhookNotFound
from services.notifications.webhooks.domain.model import Endpoint, WebhookDelivery, WebhookPolicy
from services.notifications.webhooks.domain.signing import new_secret
from services.notifications.webhooks.service_layer.handlers import message_types
from services.notifications.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

Clock = Callable[[], datetime]


def register(
    uow: WebhooksUnitOfWork,
    clock: Clock,
    url: str,
    types: list[str],
    description: str = "",
    secret: str | None = None,
) -> Endpoint:
    """A new endpoint; the secret is generated unless supplied, and returned only here."""
    unknown = sorted(set(types) - set(message_types()))
    if unknown:
        raise InvalidEndpoint(f"unknown message types: {', '.join(unknown)}")
    endpoint = Endpoint.register(
        str(uuid.uuid4()), url, types, secret or new_secret(), description, clock()
    )
    with uow:
        uow.webhook_endpoints.add(endpoint)
        uow.commit()
    return endpoint


def set_active(uow: WebhooksUnitOfWork, clock: Clock, endpoint_id: str, active: bool) -> Endpoint:
    """Enable or disable an endpoint by hand."""
    with uow:
        endpoint = _endpoint(uow, endpoint_id)
        if active:
            endpoint.enable(clock())
        else:
            endpoint.disable("disabled by an organiser", clock())
        uow.commit()
    return endpoint


def resend(
    uow: WebhooksUnitOfWork, clock: Clock, policy: WebhookPolicy, endpoint_id: str, delivery_id: str
) -> WebhookDelivery:
    """Send a delivery again now, with a fresh retry window."""
    with uow:
        delivery = uow.webhook_deliveries.get(delivery_id)
        if delivery is None or delivery.endpoint_id != endpoint_id:
            raise WebhookNotFound(f"no delivery {delivery_id} of endpoint {endpoint_id}")
        delivery.resend(clock(), policy)
        uow.commit()
    return delivery


def _endpoint(uow: WebhooksUnitOfWork, endpoint_id: str) -> Endpoint:
    endpoint = uow.webhook_endpoints.get(endpoint_id)
    if endpoint is None:
        raise WebhookNotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint
