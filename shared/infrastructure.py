"""What every service's composition root builds the same way: settings, engine, credentials."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from shared.config import ServiceSettings, service_settings
from shared.credentials import CredentialStore
from shared.database import make_engine, make_session_factory
from shared.migrations import upgrade


def utc_now() -> datetime:
    """The real clock; tests inject their own."""
    return datetime.now(UTC)


@dataclass
class Infrastructure:
    """Connections and settings of one service; nothing connects until first used."""

    settings: ServiceSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    credentials: CredentialStore
    clock: Callable[[], datetime] = field(default=utc_now)

    def migrate(self, migrations_dir: Path) -> None:
        """Bring the database schema up to date."""
        upgrade(migrations_dir, self.settings.database_url)


def build_infrastructure(
    service: str,
    env: Mapping[str, str] | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Infrastructure:
    """Read the environment (or the given mapping) and build the service's infrastructure."""
    settings = service_settings(service, dict(os.environ if env is None else env))
    engine = make_engine(settings.database_url)
    return Infrastructure(
        settings=settings,
        engine=engine,
        session_factory=make_session_factory(engine),
        credentials=CredentialStore(settings.organiser_credentials_file),
        clock=clock,
    )
