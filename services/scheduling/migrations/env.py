"""Alembic environment of the scheduling service."""

from alembic import context

from services.scheduling.adapters.orm import metadata
from shared.migrations import run_env

run_env(context, metadata)
