"""The scheduling unit of work: the programme repository plus the outbox."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.scheduling.adapters.feed_store import FeedStore
from services.scheduling.adapters.orm import inbox, outbox
from services.scheduling.adapters.repository import ProgrammeRepository
from services.scheduling.service_layer.messages import to_message
from shared.unit_of_work import OutboxUnitOfWork


class SchedulingUnitOfWork(OutboxUnitOfWork):
    """Commits programme changes and the messages they raised, atomically.

    The exchanges feature extends it with its own repository (``ExchangeUnitOfWork``).
    """

    programmes: ProgrammeRepository
    feed_store: FeedStore

    def __init__(self, session_factory: sessionmaker[Session], exchange: str):
        super().__init__(session_factory, "scheduling", exchange, outbox, inbox)

    def _start(self, session: Session) -> None:
        self.programmes = ProgrammeRepository(session)
        self.feed_store = FeedStore(session)

    def _collect_messages(self) -> list[tuple[str, dict[str, Any]]]:
        collected = []
        for programme in self.programmes.seen:
            while programme.events:
                collected.append(to_message(programme.events.pop(0)))
        return collected
