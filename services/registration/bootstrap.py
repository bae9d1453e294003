"""Composition root of the registration service: nothing connects at import time."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Table

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
    desk: RegistrationDesk = field(init=False)

    def __post_init__(self) -> None:
        self.desk = RegistrationDesk(self.uow, self.clock)

    @property
    def outbox(self) -> Table:
        """The table the worker's relay publishes from."""
        return outbox

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.infrastructure.clock

    def uow(self) -> RegistrationUnitOfWork:
        exchange = platform_topology(self.infrastructure.settings.broker).events_exchange(
            "registration"
        )
        return RegistrationUnitOfWork(self.infrastructure.session_factory, exchange.name, self.urls)


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
    return Registration(infrastructure, urls)
