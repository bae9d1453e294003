"""The notifications unit of work: notifications, reminders and the read model, one transaction."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from services.notifications.adapters.orm import inbox, outbox
from services.notifications.adapters.repository import (
    NotificationRepository,
    ReadModel,
    ReminderRepository,
)
from shared.unit_of_work import OutboxUnitOfWork


class NotificationsUnitOfWork(OutboxUnitOfWork):
    """Commits queued emails with the message that caused them; then nudges the sender."""

    notifications: NotificationRepository
    reminders: ReminderRepository
    readmodel: ReadModel

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        exchange: str,
        on_commit: Callable[[int], None] = lambda _emails: None,
    ):
        super().__init__(session_factory, "notifications", exchange, outbox, inbox)
        self._on_commit = on_commit

    def _start(self, session: Session) -> None:
        self.notifications = NotificationRepository(session)
        self.reminders = ReminderRepository(session)
        self.readmodel = ReadModel(session)

    def commit(self) -> None:
        """Commit, then wake a sender of this process per email queued (others poll)."""
        super().commit()
        self._on_commit(self.notifications.added)
