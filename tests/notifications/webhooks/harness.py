"""Drive the webhooks in tests: apply messages as the Worker's ``webhooks`` group, send."""

from __future__ import annotations

from services.notifications.webhooks.bootstrap import Webhooks
from services.notifications.webhooks.service_layer.delivery import deliver_due
from shared.consumer import Delivery, Worker
from shared.messages import Envelope


def apply(hooks: Webhooks, *envelopes: Envelope) -> None:
    """Apply messages as the Worker does (inbox check, handler, commit), one batch each."""
    table = {"webhooks": hooks.handlers()}
    worker = Worker(None, None, "notifications", hooks.uow, table, None)
    for envelope in envelopes:
        worker.process([Delivery("webhooks", envelope, table["webhooks"][envelope.type], None)])


def send(hooks: Webhooks) -> int:
    """One sender pass, as the worker's loop runs it; how many were delivered."""
    return deliver_due(hooks.uow, hooks.poster, hooks.clock, hooks.policy)
