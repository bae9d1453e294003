"""Alembic environment of the notifications service."""

from alembic import context

from services.notifications.adapters.orm import metadata
from shared.migrations import run_env

run_env(context, metadata)
