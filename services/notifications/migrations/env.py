"""Alembic environment of the notifications service."""

from alembic import context

import services.notifications.webhooks.adapters.orm  # noqa: F401 - its tables join the metadata
from services.notifications.adapters.orm import metadata
from shared.migrations import run_env

run_env(context, metadata)
