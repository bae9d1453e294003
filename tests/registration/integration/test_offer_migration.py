"""Migration 0ffe4a11c0de on a database that already holds events: they get their end plus
RETENTION_DAYS as retention date, and an open offer counts as an active email; it goes back
down cleanly (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import column, create_engine, insert, select, table

from services.registration.bootstrap import MIGRATIONS
from shared.database import UtcDateTime, normalise_url
from shared.migrations import alembic_config

pytestmark = pytest.mark.integration
BEFORE = "3d9b1f0c7a21"
END = datetime(2027, 4, 13, 15, tzinfo=UTC)
AT = UtcDateTime()
EVENTS = table(
    "events",
    *(column(name) for name in ("id", "title", "kind", "description", "timezone", "status")),
    *(column(f"venue_{key}") for key in ("name", "address", "city", "country")),
    *(column(name) for name in ("capacity", "sequence", "next_number")),
    *(column(name) for name in ("confirmed_count", "waitlisted_count")),
    *(column(name) for name in ("waitlist_enabled", "approval_required", "verify_email")),
    *(column(name, AT) for name in ("start", "end", "created_at", "updated_at")),
    column("retention_until", AT),
)
ROW = {
    "id": "e1",
    "title": "T",
    "kind": "other",
    "description": "",
    "timezone": "Europe/Brussels",
    "status": "published",
    "venue_name": "V",
    "venue_address": "A",
    "venue_city": "C",
    "venue_country": "BE",
    "capacity": 5,
    "sequence": 0,
    "next_number": 1,
    "confirmed_count": 0,
    "waitlisted_count": 0,
    "waitlist_enabled": True,
    "approval_required": False,
    "verify_email": True,
    "start": END - timedelta(hours=8),
    "end": END,
    "created_at": END,
    "updated_at": END,
}


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_existing_events_get_a_retention_date_and_the_migration_goes_back_down(
    backend, postgres_url, tmp_path, monkeypatch
):
    url = postgres_url if backend == "postgresql" else f"sqlite:///{tmp_path / 'reg.db'}"
    monkeypatch.setenv("RETENTION_DAYS", "30")
    config = alembic_config(MIGRATIONS, url)
    command.upgrade(config, BEFORE)
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as db:
            db.execute(insert(EVENTS).values(ROW))
        command.upgrade(config, "head")
        with engine.connect() as db:
            kept = db.execute(select(EVENTS.c.retention_until)).scalar_one()
        assert kept == END + timedelta(days=30)
        command.downgrade(config, BEFORE)
        command.upgrade(config, "head")
    finally:
        engine.dispose()
