"""The notifications migrations build exactly the tables its mappings (webhooks too) expect."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import services.notifications.webhooks.adapters.orm  # noqa: F401 - its tables join the metadata
from services.notifications.adapters.orm import metadata


@pytest.mark.integration
def test_the_migrations_build_the_schema_the_mappings_expect(hooks):
    engine = hooks.notifications.infrastructure.engine
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
