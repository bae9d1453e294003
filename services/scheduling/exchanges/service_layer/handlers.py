"""Exchange use cases: ``with uow`` → load one exchange (locked) → one method → commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from services.scheduling.exchanges.domain.agenda import AgendaItem, ItemDetails
from services.scheduling.exchanges.domain.model import Exchange, RequestExchange, visitor_key
from services.scheduling.exchanges.domain.rules import ExchangeRules
from services.scheduling.service_layer.unit_of_work import SchedulingUnitOfWork

Clock = Callable[[], datetime]
UOW = SchedulingUnitOfWork


def request_exchange(
    cmd: RequestExchange, uow: UOW, clock: Clock, rules: ExchangeRules
) -> Exchange:
    with uow:
        active = uow.exchanges.active_of(visitor_key(cmd.visitor.email))
        exchange = Exchange.request(cmd, rules, active, clock())
        uow.exchanges.add(exchange)
        uow.commit()
    return exchange


def accept(exchange_id: str, actor: str, uow: UOW, clock: Clock) -> None:
    with uow:
        uow.exchanges.get(exchange_id).accept(actor, clock())
        uow.commit()


def reject(exchange_id: str, actor: str, reason: str | None, uow: UOW, clock: Clock) -> None:
    with uow:
        uow.exchanges.get(exchange_id).reject(actor, reason, clock())
        uow.commit()


def cancel(exchange_id: str, actor: str, reason: str | None, uow: UOW, clock: Clock) -> None:
    with uow:
        uow.exchanges.get(exchange_id).cancel(actor, reason, clock())
        uow.commit()


def confirm(exchange_id: str, actor: str, uow: UOW, clock: Clock) -> None:
    with uow:
        uow.exchanges.get(exchange_id).confirm(actor, clock())
        uow.commit()


def complete(
    exchange_id: str, actor: str, attended_days: int, note: str | None, uow: UOW, clock: Clock
) -> None:
    with uow:
        uow.exchanges.get(exchange_id).complete(actor, attended_days, note, clock())
        uow.commit()


def add_item(
    exchange_id: str, actor: str, details: ItemDetails, uow: UOW, clock: Clock
) -> AgendaItem:
    with uow:
        item = uow.exchanges.get(exchange_id).add_item(actor, details, clock())
        uow.commit()
    return item


def edit_item(
    exchange_id: str, item_id: str, actor: str, details: ItemDetails, uow: UOW, clock: Clock
) -> None:
    with uow:
        uow.exchanges.get(exchange_id).edit_item(actor, item_id, details, clock())
        uow.commit()


def remove_item(exchange_id: str, item_id: str, actor: str, uow: UOW, clock: Clock) -> None:
    with uow:
        uow.exchanges.get(exchange_id).remove_item(actor, item_id, clock())
        uow.commit()
