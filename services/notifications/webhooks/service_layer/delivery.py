"""Send due deliveries: one locked row, one signed POST and one transaction each.

The delivery is claimed with ``FOR UPDATE SKIP LOCKED`` and its endpoint row locked, so two
senders never post the same delivery and failure counts stay exact. If the process dies after
the endpoint answered but before the commit, the delivery is sent again with the same
``Webhook-Id``: receivers deduplicate on it (at-least-once).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from services.notifications.webhooks.domain.errors import Unreachable
from services.notifications.webhooks.domain.model import WebhookPolicy
from services.notifications.webhooks.domain.ports import Poster
from services.notifications.webhooks.domain.signing import signed_headers
from services.notifications.webhooks.service_layer.unit_of_work import WebhooksUnitOfWork

log = logging.getLogger(__name__)


def deliver_due(
    uow_factory: Callable[[], WebhooksUnitOfWork],
    poster: Poster,
    clock: Callable[[], datetime],
    policy: WebhookPolicy,
    limit: int = 200,
) -> int:
    """Attempt due deliveries until none is due (or ``limit``); count the delivered ones."""
    delivered = 0
    for _ in range(limit):
        outcome = deliver_next(uow_factory(), poster, clock, policy)
        if outcome is None:
            break
        delivered += outcome == "delivered"
    return delivered


def deliver_next(
    uow: WebhooksUnitOfWork, poster: Poster, clock: Callable[[], datetime], policy: WebhookPolicy
) -> str | None:
    """POST the next due delivery; its new status, or None when nothing is due."""
    with uow:
        delivery = uow.webhook_deliveries.claim_due(clock())
        if delivery is None:
            return None
        endpoint = uow.webhook_endpoints.get(delivery.endpoint_id, lock=True)
        assert endpoint is not None  # claim_due joins the endpoint
        now = clock()
        headers = signed_headers(
            endpoint.secret, delivery.event_id, int(now.timestamp()), delivery.body
        )
        status, error = None, None
        try:
            status = poster.post(endpoint.url, delivery.body, headers)
        except Unreachable as exc:
            error = str(exc)
        outcome = delivery.record(status, error, endpoint, clock(), policy)
        uow.commit()
    log.info(
        "webhook attempt",
        extra={"delivery_id": delivery.id, "http_status": status, "outcome": outcome},
    )
    return outcome
