"""Composition root of the scheduling service: nothing connects at import time."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Table

from services.scheduling.adapters.orm import outbox, start_mappers
from services.scheduling.adapters.render_cache import EventRenderCache
from services.scheduling.domain.policy import Policy
from services.scheduling.exchanges.domain.rules import ExchangeRules
from services.scheduling.exchanges.service_layer.unit_of_work import ExchangeUnitOfWork
from services.scheduling.service_layer.feeds import FeedSettings
from shared.infrastructure import Infrastructure, build_infrastructure, utc_now
from shared.topology import platform_topology

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Scheduling:
    """Everything the entrypoints need, wired once."""

    infrastructure: Infrastructure
    policy: Policy
    feeds: FeedSettings
    feed_cache_seconds: float
    exchange_rules: ExchangeRules = field(default_factory=ExchangeRules)
    renders: EventRenderCache = field(default_factory=EventRenderCache)

    @property
    def outbox(self) -> Table:
        """The table the worker's relay publishes from."""
        return outbox

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.infrastructure.clock

    def uow(self) -> ExchangeUnitOfWork:
        """A unit of work over the whole service: programmes and exchanges."""
        exchange = platform_topology(self.infrastructure.settings.broker).events_exchange(
            "scheduling"
        )
        return ExchangeUnitOfWork(self.infrastructure.session_factory, exchange.name)


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    """A non-negative number from the environment, refused loudly when malformed."""
    raw = env.get(name) or str(default)
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {raw!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative")
    return value


def _iso_date(name: str, raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), not {raw!r}") from None


def _date(env: Mapping[str, str], name: str) -> date | None:
    """An ISO date from the environment, or None when unset."""
    raw = (env.get(name) or "").strip()
    return _iso_date(name, raw) if raw else None


def exchange_rules(env: Mapping[str, str]) -> ExchangeRules:
    """The exchange programme's period, public holidays and country rule."""
    raw_holidays = (env.get("PUBLIC_HOLIDAYS") or "").split(",")
    holidays = frozenset(_iso_date("PUBLIC_HOLIDAYS", d) for d in raw_holidays if d.strip())
    different = (env.get("EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES") or "true").strip().lower()
    if different not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError("EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES must be true or false")
    start, end = _date(env, "PROGRAMME_START"), _date(env, "PROGRAMME_END")
    if start and end and end < start:
        raise ValueError("PROGRAMME_END must not be before PROGRAMME_START")
    return ExchangeRules(start, end, holidays, different in ("true", "1", "yes"))


def bootstrap(
    env: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] = utc_now,
    migrate: bool = False,
) -> Scheduling:
    """Build the service from the environment (or the given mapping)."""
    env = dict(os.environ if env is None else env)
    start_mappers()
    infrastructure = build_infrastructure("scheduling", env, clock)
    if migrate:
        infrastructure.migrate(MIGRATIONS)
    policy = Policy(
        travel_buffer=timedelta(minutes=_number(env, "VISIT_TRAVEL_BUFFER_MINUTES", 30)),
        event_margin=timedelta(hours=_number(env, "VISIT_EVENT_MARGIN_HOURS", 0)),
    )
    feeds = FeedSettings(
        public_url=infrastructure.settings.public_base_url,
        retention=timedelta(days=_number(env, "FEED_CANCELLED_RETENTION_DAYS", 30)),
        refresh=timedelta(minutes=max(_number(env, "FEED_REFRESH_MINUTES", 60), 1)),
    )
    cache_seconds = _number(env, "FEED_CACHE_SECONDS", 5)
    return Scheduling(infrastructure, policy, feeds, cache_seconds, exchange_rules(env))
