"""Composition root of the registration service: nothing connects at import time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client.registry import Collector
from sqlalchemy import Table

from services.registration.adapters.metrics import WithheldVerificationsCollector
from services.registration.adapters.orm import outbox, start_mappers
from services.registration.service_layer.desk import RegistrationDesk
from services.registration.service_layer.messages import PublicUrls
from services.registration.service_layer.unit_of_work import RegistrationUnitOfWork
from shared.config import public_url_for
from shared.infrastructure import Infrastructure, build_infrastructure, utc_now
from shared.topology import platform_topology

MIGRATIONS = Path(__file__).parent / "migrations"


@dataclass
class Registration:
    """Everything the entrypoints need, wired once."""

    infrastructure: Infrastructure
    urls: PublicUrls
    hold: timedelta = timedelta(minutes=30)
    retention: timedelta = timedelta(days=365)
    desk: RegistrationDesk = field(init=False)
    exchange: str = field(init=False)

    def __post_init__(self) -> None:
        topology = platform_topology(self.infrastructure.settings.broker)
        self.exchange = topology.events_exchange("registration").name  # once, not per request
        self.desk = RegistrationDesk(self.uow, self.clock, hold=self.hold)

    @property
    def outbox(self) -> Table:
        """The table the worker's relay publishes from."""
        return outbox

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.infrastructure.clock

    def collectors(self) -> list[Collector]:
        """The service's own scrape-time metrics."""
        return [WithheldVerificationsCollector(self.infrastructure.engine)]

    def uow(self) -> RegistrationUnitOfWork:
        return RegistrationUnitOfWork(self.infrastructure.session_factory, self.exchange, self.urls)


def bootstrap(
    env: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] = utc_now,
    migrate: bool = False,
) -> Registration:
    """Build the service from the environment (or the given mapping)."""
    import os

    env = dict(os.environ if env is None else env)
    start_mappers()
    infrastructure = build_infrastructure("registration", env, clock)
    if migrate:
        infrastructure.migrate(MIGRATIONS)
    urls = PublicUrls(
        registration=infrastructure.settings.public_base_url,
        scheduling=public_url_for("scheduling", env),
    )
    hold = timedelta(minutes=int(env.get("VERIFY_HOLD_MINUTES", "30")))
    retention = timedelta(days=int(env.get("RETENTION_DAYS", "365")))
    return Registration(infrastructure, urls, hold, retention)
