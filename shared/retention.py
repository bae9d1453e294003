"""Delete sent outbox rows and old inbox marks, a small batch per transaction.

Only rows the relay marked sent are deleted; pending and parked rows stay. An inbox mark has to
outlive every copy of its message that can still arrive. Copies come from the relay sending a
row again after a crash between publish and commit (on its next pass, seconds later), from the
broker redelivering an unacknowledged message (at once, when a consumer's connection drops) and
from the retry tier (at most ``MESSAGE_MAX_ATTEMPTS`` delays of at most five minutes each);
copies waiting in one queue are delivered one right after the other. That horizon is minutes.
The one copy that can come back much later is a dead letter replayed by an operator while its
twin succeeded: the default of 168 hours gives a week for that; replay sooner, or raise it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, Table, delete, select, tuple_

from shared.config import BrokerSettings

log = logging.getLogger(__name__)

PASS_SECONDS = 300.0
BATCH = 500


def purge_outbox(engine: Engine, outbox: Table, before: datetime, batch: int = BATCH) -> int:
    """Delete outbox rows sent before the cut-off; returns how many."""
    column = outbox.c.sent_at
    old = select(outbox.c.id).where(column < before).order_by(outbox.c.id).limit(batch)
    return _in_batches(engine, lambda: delete(outbox).where(outbox.c.id.in_(old)))


def purge_inbox(engine: Engine, inbox: Table, before: datetime, batch: int = BATCH) -> int:
    """Delete inbox marks recorded before the cut-off; returns how many."""
    key = tuple_(inbox.c.message_id, inbox.c.handler)
    old = select(inbox.c.message_id, inbox.c.handler)
    old = old.where(inbox.c.processed_at < before).order_by(inbox.c.processed_at).limit(batch)
    return _in_batches(engine, lambda: delete(inbox).where(key.in_(old)))


def _in_batches(engine: Engine, statement: Callable) -> int:
    total = 0
    while True:
        with engine.begin() as db:
            deleted = db.execute(statement()).rowcount
        total += deleted
        if deleted == 0:
            return total


def purge(
    engine: Engine, outbox: Table, inbox: Table, settings: BrokerSettings, now: datetime
) -> tuple[int, int]:
    """One retention pass over both tables; (outbox rows, inbox marks) deleted."""
    sent = purge_outbox(engine, outbox, now - timedelta(hours=settings.outbox_retention_hours))
    marks = purge_inbox(engine, inbox, now - timedelta(hours=settings.inbox_retention_hours))
    return sent, marks


def retention_loop(
    engine: Engine, outbox: Table, inbox: Table, settings: BrokerSettings
) -> Callable[[threading.Event], None]:
    """A worker loop: a retention pass at start and every five minutes until stopped."""

    def run(stopping: threading.Event) -> None:
        while True:
            try:
                sent, marks = purge(engine, outbox, inbox, settings, datetime.now(UTC))
            except Exception:  # noqa: BLE001 - logged, the next pass retries
                log.exception("retention pass failed")
            else:
                if sent or marks:
                    log.info("retention", extra={"outbox_deleted": sent, "inbox_deleted": marks})
            if stopping.wait(PASS_SECONDS):
                return

    return run
