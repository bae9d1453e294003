"""The ``webhooks`` handler group: every platform message becomes deliveries to its endpoints.

Runs inside the Worker's unit of work, committed with the inbox mark; it never sends.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial

from services.notifications.webhooks.domain.model import WebhookDelivery, WebhookPolicy
from services.notifications.webhooks.domain.resources import resource_url
from services.notifications.webhooks.domain.signing import thin_event
from services.notifications.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork
from shared import contracts
from shared.consumer import Handler
from shared.messages import Envelope


def fan_out(
    envelope: Envelope,
    uow: WebhooksUnitOfWork,
    urls: Mapping[str, str],
    policy: WebhookPolicy,
    clock: Callable[[], datetime],
) -> None:
    """Queue one thin event per active endpoint that wants this message type."""
    endpoints = uow.webhook_endpoints.subscribed_to(envelope.type)
    if not endpoints:
        return
    resource = resource_url(envelope.type, envelope.payload, urls)
    body = thin_event(envelope.message_id, envelope.type, resource, envelope.occurred_at)
    for endpoint in endpoints:
        delivery = WebhookDelivery.queue(
            str(uuid.uuid4()),
            endpoint.id,
            envelope.message_id,
            envelope.type,
            body,
            clock(),
            policy,
        )
        uow.webhook_deliveries.add(delivery)


def message_types() -> list[str]:
    """Every message type an endpoint may subscribe to: the contract catalogue's."""
    return sorted({message_type for message_type, _version in contracts.catalogue()})


def webhook_handlers(
    urls: Mapping[str, str], policy: WebhookPolicy, clock: Callable[[], datetime]
) -> dict[str, Handler]:
    """Message type → handler, for the Worker's ``webhooks`` group."""
    handler = partial(fan_out, urls=urls, policy=policy, clock=clock)
    return {message_type: handler for message_type in message_types()}
