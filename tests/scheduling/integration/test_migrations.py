"""The service's migrations build exactly the schema its mappings expect, on PostgreSQL."""

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from services.scheduling.adapters.orm import metadata
from shared.database import normalise_url

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[3]


def test_the_migrate_command_builds_the_schema_the_mappings_expect(postgres_url, tmp_path):
    env = {"SCHEDULING_DATABASE_URL": postgres_url, "DATA_DIR": str(tmp_path), "PATH": ""}
    done = subprocess.run(
        [sys.executable, "-m", "services.scheduling.entrypoints.manage", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout

    engine = create_engine(normalise_url(postgres_url))
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []
