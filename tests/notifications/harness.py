"""Drive a bootstrapped notifications service in tests: apply messages, read its rows."""

from __future__ import annotations

from sqlalchemy import select

from services.notifications.bootstrap import Notifications
from services.notifications.domain.notification import Notification
from services.notifications.service_layer.delivery import deliver_due
from services.notifications.service_layer.handlers import consumer_handlers, prepare
from shared.consumer import Delivery, Worker
from shared.messages import Envelope


def apply(app: Notifications, *envelopes: Envelope) -> None:
    """Apply messages as the Worker does, one batch each (inbox check, handler, commit)."""
    table = consumer_handlers(app.policy)
    worker = Worker(None, None, "notifications", app.uow, table, None, prepare)
    for envelope in envelopes:
        group = "visits" if envelope.type.startswith("visit.") else "registrations"
        worker.process([Delivery(group, envelope, table[group][envelope.type], None)])


def deliver(app: Notifications) -> int:
    """One delivery pass, as the worker's loop runs it."""
    return deliver_due(app.uow, app.postman, app.clock, app.retry)


def notifications(app: Notifications) -> list[Notification]:
    """Every notification, oldest first, readable after the session closed."""
    with app.infrastructure.session_factory() as session:
        found = list(session.scalars(select(Notification).order_by(Notification.created_at)))
        session.expunge_all()
        return found
