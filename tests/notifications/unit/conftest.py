"""Unit fixtures: the real unit of work on a throwaway SQLite file, a standing clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.notifications.adapters.orm import metadata, start_mappers
from services.notifications.domain.notification import Notification
from services.notifications.domain.reminders import Reminder
from services.notifications.service_layer.handlers import consumer_handlers, prepare
from services.notifications.service_layer.notify import Policy
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from shared.consumer import Delivery, Worker
from shared.database import make_engine, make_session_factory
from tests.notifications.factories import NOW
from tests.scheduling.conftest import (  # noqa: F401 - fixtures shared with scheduling
    fresh_vobject_tzids,
    ical_js,
)
from tests.support.clock import Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def policy(clock) -> Policy:
    return Policy(clock, (timedelta(hours=24), timedelta(hours=2)))


@pytest.fixture
def uow_factory(tmp_path):
    start_mappers()
    engine = make_engine(f"sqlite:///{tmp_path / 'notifications.db'}")
    metadata.create_all(engine)
    session_factory = make_session_factory(engine)
    yield lambda: NotificationsUnitOfWork(session_factory, "test.notifications.events")
    engine.dispose()


@pytest.fixture
def handle(uow_factory, policy):
    """Apply a message as the Worker does: inbox check, handler, inbox mark, one commit."""
    table = consumer_handlers(policy)
    worker = Worker(None, None, "notifications", uow_factory, table, None, prepare)

    def apply(*envelopes) -> None:
        """Each envelope in its own batch (so a redelivery meets a committed inbox mark)."""
        for envelope in envelopes:
            group = (
                "visits" if envelope.type.startswith(("visit.", "exchange.")) else "registrations"
            )
            worker.process([Delivery(group, envelope, table[group][envelope.type], None)])

    return apply


@pytest.fixture
def stored(uow_factory):
    """Every notification (oldest first), or every reminder."""

    def load(cls=Notification) -> list:
        order = Notification.created_at if cls is Notification else Reminder.due_at
        with uow_factory() as uow:
            found = list(uow.session.scalars(select(cls).order_by(order, cls.id)))
            uow.session.expunge_all()  # keep them readable after the unit of work ends
            return found

    return load
