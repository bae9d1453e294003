"""Loading and storing exchanges; the exchange row lock serialises its transitions."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import ColumnElement, Row, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.scheduling.adapters.orm import exchanges
from services.scheduling.adapters.repository import plausible_key
from services.scheduling.domain.errors import ActiveExchangeExists, NotFound
from services.scheduling.exchanges.domain.commands import ExchangeFilter
from services.scheduling.exchanges.domain.model import Exchange
from shared.pagination import PageRequest, keyset


def _conditions(found: ExchangeFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if found.status:
        conditions.append(exchanges.c.status == found.status)
    if found.country:
        country = found.country
        conditions.append(
            or_(exchanges.c.visitor_country == country, exchanges.c.host_country == country)
        )
    if found.start:
        conditions.append(exchanges.c.last_day >= found.start)
    if found.end:
        conditions.append(exchanges.c.first_day <= found.end)
    return conditions


TOKEN_COLUMNS = {"visitor": exchanges.c.visitor_token, "host": exchanges.c.host_token}


class ExchangeRepository:
    """Exchanges with their agenda items."""

    def __init__(self, session: Session):
        self.session = session
        self.seen: set[Exchange] = set()

    def add(self, exchange: Exchange) -> None:
        """Store a new exchange; a concurrent active one of the same visitor is refused."""
        self.session.add(exchange)
        self.seen.add(exchange)
        try:
            with self.session.begin_nested():
                self.session.flush()
        except IntegrityError:
            self.seen.discard(exchange)
            raise ActiveExchangeExists("the visitor already has an active exchange") from None

    def get(self, exchange_id: str, lock: bool = True) -> Exchange:
        """The exchange, locked FOR UPDATE (no-op on SQLite, whose writers are serialised)."""
        query = select(Exchange).where(exchanges.c.id == exchange_id)
        return self._one(query, lock, exchange_id if plausible_key(exchange_id) else None)

    def by_token(self, party: str, token: str | None) -> Exchange | None:
        """The exchange whose visitor or host token this is."""
        if not plausible_key(token):
            return None
        return self.session.scalars(select(Exchange).where(TOKEN_COLUMNS[party] == token)).first()

    def by_certificate_token(self, token: str) -> Exchange | None:
        """The completed exchange whose certificate link this is."""
        if not plausible_key(token):
            return None
        query = select(Exchange).where(exchanges.c.certificate_token == token)
        return self.session.scalars(query).first()

    def by_any_token(self, token: str | None) -> Exchange | None:
        """The exchange of which this is the visitor's or the host's token."""
        return self.by_token("visitor", token) or self.by_token("host", token)

    def search(self, found: ExchangeFilter, limit: int) -> list[Exchange]:
        """Exchanges matching the filter, newest first, at most ``limit`` of them."""
        query = select(Exchange).where(*_conditions(found))
        query = query.order_by(exchanges.c.first_day.desc(), exchanges.c.id).limit(limit)
        return list(self.session.scalars(query))

    def active_of(self, visitor: str) -> int:
        """How many active exchanges the visitor (by key) has."""
        query = select(func.count()).where(exchanges.c.active_visitor == visitor)
        return self.session.scalar(query) or 0

    def page(self, request: PageRequest) -> list[Exchange]:
        """Exchanges oldest first from the cursor on, with one extra row (see ``keyset``)."""
        columns = [exchanges.c.created_at, exchanges.c.id]
        return list(self.session.scalars(keyset(select(Exchange), columns, request)))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(exchanges)) or 0

    def figures(self) -> Iterator[Row]:
        """The columns the KPIs count, streamed in batches (no exchange is loaded whole)."""
        names = ["status", "working_days", "attended_days"]
        names += [f"{side}_{key}" for side in ("visitor", "host") for key in ("country", "sme")]
        query = select(*(exchanges.c[name] for name in [*names, "visitor_sector"]))
        return iter(self.session.execute(query, execution_options={"yield_per": 1000}))

    def all(self) -> list[Exchange]:
        return list(self.session.scalars(select(Exchange).order_by(exchanges.c.created_at)))

    def _one(self, query, lock: bool, key: str | None) -> Exchange:
        if key is None:
            raise NotFound("no such exchange")
        if lock:
            query = query.with_for_update(of=exchanges)
        exchange = self.session.scalars(query).first()
        if exchange is None:
            raise NotFound(f"no exchange {key}")
        self.seen.add(exchange)
        return exchange
