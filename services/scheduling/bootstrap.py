"""Composition root of the scheduling service: nothing connects at import time."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Table

from services.scheduling.adapters.orm import outbox, start_mappers
from services.scheduling.adapters.render_cache import EventRenderCache
from services.scheduling.domain.policy import Policy
from services.scheduling.exchanges.domain.rules import ExchangeRules
from services.scheduling.exchanges.service_layer.unit_of_work import ExchangeUnitOfWork
from services.scheduling.service_layer.feeds import FeedSettings
from shared.config import iso_date, number, optional_date
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
        return ExchangeUnitOfWork(
            self.infrastructure.session_factory,
            exchange.name,
            self.exchange_page,
            self.feeds.public_url,
        )

    def exchange_page(self, token: str) -> str:
        """The page where an exchange's visitor or host acts, reached by their token."""
        return f"{self.infrastructure.settings.public_base_url}/exchange/{token}"


def exchange_rules(env: Mapping[str, str]) -> ExchangeRules:
    """The exchange programme's period, public holidays and country rule."""
    raw_holidays = (env.get("PUBLIC_HOLIDAYS") or "").split(",")
    holidays = frozenset(iso_date("PUBLIC_HOLIDAYS", d) for d in raw_holidays if d.strip())
    different = (env.get("EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES") or "true").strip().lower()
    if different not in ("true", "false", "1", "0", "yes", "no"):
        raise ValueError("EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES must be true or false")
    start, end = optional_date(env, "PROGRAMME_START"), optional_date(env, "PROGRAMME_END")
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
        travel_buffer=timedelta(minutes=number(env, "VISIT_TRAVEL_BUFFER_MINUTES", 30)),
        event_margin=timedelta(hours=number(env, "VISIT_EVENT_MARGIN_HOURS", 0)),
    )
    feeds = FeedSettings(
        public_url=infrastructure.settings.public_base_url,
        retention=timedelta(days=number(env, "FEED_CANCELLED_RETENTION_DAYS", 30)),
        refresh=timedelta(minutes=max(number(env, "FEED_REFRESH_MINUTES", 60), 1)),
    )
    cache_seconds = number(env, "FEED_CACHE_SECONDS", 5)
    return Scheduling(infrastructure, policy, feeds, cache_seconds, exchange_rules(env))
