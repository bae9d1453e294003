"""The service's unit of work with exchanges in it: their repository, and their messages too."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from services.scheduling.exchanges.adapters.repository import ExchangeRepository
from services.scheduling.exchanges.service_layer.messages import PageUrl, exchange_message
from services.scheduling.service_layer.unit_of_work import SchedulingUnitOfWork


class ExchangeUnitOfWork(SchedulingUnitOfWork):
    """Commits exchange changes (and programme ones) and the messages they raised, atomically."""

    exchanges: ExchangeRepository

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        exchange: str,
        page_url: PageUrl,
        public_url: str = "",
    ):
        super().__init__(session_factory, exchange)
        self.page_url = page_url
        self.public_url = public_url  # the service's public address, for certificate links

    def _start(self, session: Session) -> None:
        super()._start(session)
        self.exchanges = ExchangeRepository(session)

    def _collect_messages(self) -> list[tuple[str, dict[str, Any]]]:
        collected = super()._collect_messages()
        for exchange in self.exchanges.seen:
            while exchange.events:
                tokens = {"visitor": exchange.visitor_token, "host": exchange.host_token}
                event = exchange.events.pop(0)
                collected.append(exchange_message(event, tokens, self.page_url, self.public_url))
        return collected
