"""Alembic environment of the registration service."""

from alembic import context

from services.registration.adapters.orm import metadata
from shared.migrations import run_env

run_env(context, metadata)
