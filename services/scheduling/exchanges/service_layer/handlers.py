"""Exchange use cases: ``with uow`` → load one exchange (locked) → who acts → one method → commit.

The caller's party is resolved from its credential inside the same unit of work, and the
exchange is handed back with it, so a request reads the exchange once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

from services.scheduling.exchanges.domain.agenda import ItemDetails
from services.scheduling.exchanges.domain.model import (
    Caller,
    Exchange,
    RequestExchange,
    visitor_key,
)
from services.scheduling.exchanges.domain.rules import ExchangeRules
from services.scheduling.exchanges.service_layer.unit_of_work import ExchangeUnitOfWork

Clock = Callable[[], datetime]
UOW = ExchangeUnitOfWork
Action = Callable[[Exchange, str, datetime], object]


class Acted(NamedTuple):
    """The exchange after the change, and the party who made it."""

    exchange: Exchange
    party: str


def request_exchange(
    cmd: RequestExchange, uow: UOW, clock: Clock, rules: ExchangeRules
) -> Exchange:
    with uow:
        active = uow.exchanges.active_of(visitor_key(cmd.visitor.email))
        exchange = Exchange.request(cmd, rules, active, clock())
        uow.exchanges.add(exchange)
        uow.commit()
    return exchange


def act(exchange_id: str, caller: Caller, action: Action, uow: UOW, clock: Clock) -> Acted:
    """Lock the exchange, find who the caller is, let ``action`` change it, commit."""
    with uow:
        exchange = uow.exchanges.get(exchange_id)
        party = exchange.party(caller)
        action(exchange, party, clock())
        uow.commit()
    return Acted(exchange, party)


def accept(exchange_id: str, caller: Caller, uow: UOW, clock: Clock) -> Acted:
    return act(exchange_id, caller, lambda e, who, now: e.accept(who, now), uow, clock)


def reject(exchange_id: str, caller: Caller, reason: str | None, uow: UOW, clock: Clock) -> Acted:
    return act(exchange_id, caller, lambda e, who, now: e.reject(who, reason, now), uow, clock)


def cancel(exchange_id: str, caller: Caller, reason: str | None, uow: UOW, clock: Clock) -> Acted:
    return act(exchange_id, caller, lambda e, who, now: e.cancel(who, reason, now), uow, clock)


def confirm(exchange_id: str, caller: Caller, uow: UOW, clock: Clock) -> Acted:
    return act(exchange_id, caller, lambda e, who, now: e.confirm(who, now), uow, clock)


def complete(
    exchange_id: str, caller: Caller, attended_days: int, note: str | None, uow: UOW, clock: Clock
) -> Acted:
    def record(exchange: Exchange, who: str, now: datetime) -> None:
        exchange.complete(who, attended_days, note, now)

    return act(exchange_id, caller, record, uow, clock)


def record_attendance(
    exchange_id: str, caller: Caller, days: list[date], note: str | None, uow: UOW, clock: Clock
) -> Acted:
    """Complete the exchange from the dates the visitor was present (none before its start)."""

    def record(exchange: Exchange, who: str, now: datetime) -> None:
        exchange.complete(who, exchange.attendance(days), note, now)

    return act(exchange_id, caller, record, uow, clock)


def add_item(
    exchange_id: str, caller: Caller, details: ItemDetails, uow: UOW, clock: Clock
) -> Acted:
    return act(exchange_id, caller, lambda e, who, now: e.add_item(who, details, now), uow, clock)


def edit_item(
    exchange_id: str, item_id: str, caller: Caller, details: ItemDetails, uow: UOW, clock: Clock
) -> Acted:
    def edit(exchange: Exchange, who: str, now: datetime) -> None:
        exchange.edit_item(who, item_id, details, now)

    return act(exchange_id, caller, edit, uow, clock)


def remove_item(exchange_id: str, item_id: str, caller: Caller, uow: UOW, clock: Clock) -> Acted:
    return act(
        exchange_id, caller, lambda e, who, now: e.remove_item(who, item_id, now), uow, clock
    )
