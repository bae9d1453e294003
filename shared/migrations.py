"""Run a service's Alembic migrations programmatically (start-up, tests, CLI)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, engine_from_config, pool

from shared.database import normalise_url


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    """An Alembic config pointing at a service's migrations folder and database."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", normalise_url(database_url).replace("%", "%%"))
    return config


def upgrade(migrations_dir: Path, database_url: str) -> None:
    """Bring a service's database to the newest schema."""
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


def run_env(context, metadata: MetaData) -> None:
    """Body of every service's migrations/env.py: online migrations against the target URL."""
    config = context.config
    connectable = context.config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(
            config.get_section(config.config_ini_section, {}),
            prefix="sqlalchemy.",
            poolclass=pool.NullPool,
        )
        with connectable.connect() as connection:
            _migrate(context, connection, metadata)
    else:
        _migrate(context, connectable, metadata)


def _migrate(context, connection, metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def autogenerate(migrations_dir: Path, database_url: str, message: str) -> None:
    """Write a new revision from the difference between the models and an up-to-date database."""
    config = alembic_config(migrations_dir, database_url)
    command.upgrade(config, "head")
    command.revision(config, message=message, autogenerate=True)
