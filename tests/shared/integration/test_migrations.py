"""Every service's migrations build the outbox and inbox (and all else) its metadata describes."""

from __future__ import annotations

import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from shared.database import normalise_url
from shared.migrations import upgrade

SERVICES = ("registration", "scheduling", "notifications")


@pytest.mark.parametrize("service", SERVICES)
def test_the_migrations_build_the_schema_of_the_mappings_with_the_partial_outbox_index(
    service, postgres_url
):
    bootstrap = importlib.import_module(f"services.{service}.bootstrap")
    metadata = importlib.import_module(f"services.{service}.adapters.orm").metadata
    upgrade(bootstrap.MIGRATIONS, postgres_url)

    engine = create_engine(normalise_url(postgres_url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        indexes = {index["name"]: index for index in inspect(connection).get_indexes("outbox")}
    engine.dispose()
    assert differences == []
    pending = indexes["ix_outbox_pending"]
    assert pending["column_names"] == ["id"]
    where = pending["dialect_options"]["postgresql_where"]
    assert "sent_at IS NULL" in where and "failed_at IS NULL" in where
