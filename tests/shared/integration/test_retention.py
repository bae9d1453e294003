"""Retention deletes only sent outbox rows and old inbox marks, and never breaks deduplication."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update

from shared.consumer import Delivery
from shared.messages import Envelope
from shared.retention import purge
from tests.shared.toy import effects, handle_ping, inbox, outbox

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def ping(value: int) -> Envelope:
    return Envelope(type="test.ping", payload={"value": value, "poison": False}, producer="t")


def test_retention_deletes_old_sent_rows_and_keeps_pending_parked_and_recent_ones(toy):
    toy.publish(*range(1, 1202))  # more than two deletion batches
    old = NOW - timedelta(hours=200)
    with toy.engine.begin() as db:
        db.execute(update(outbox).where(outbox.c.id <= 1198).values(sent_at=old))
        db.execute(update(outbox).where(outbox.c.id == 1199).values(sent_at=NOW))
        db.execute(update(outbox).where(outbox.c.id == 1200).values(failed_at=old))
        # 1201 stays pending although it was written long ago
        db.execute(update(outbox).values(created_at=old))

    sent, _ = purge(toy.engine, outbox, inbox, toy.settings, NOW)

    assert sent == 1198
    assert toy.count(outbox) == 3
    assert toy.count(outbox, outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None)) == 1
    assert toy.count(outbox, outbox.c.failed_at.is_not(None)) == 1


def test_a_message_redelivered_within_the_inbox_window_is_still_deduplicated(toy):
    recent, expired = ping(1), ping(2)
    worker = toy.worker()
    for envelope in (recent, expired):
        worker.process([Delivery("effects", envelope, handle_ping, None)])
    with toy.engine.begin() as db:
        db.execute(
            update(inbox)
            .where(inbox.c.message_id == recent.message_id)
            .values(processed_at=NOW - timedelta(hours=167))
        )
        db.execute(
            update(inbox)
            .where(inbox.c.message_id == expired.message_id)
            .values(processed_at=NOW - timedelta(hours=169))
        )

    _, marks = purge(toy.engine, outbox, inbox, toy.settings, NOW)
    worker.process([Delivery("effects", recent, handle_ping, None)])  # the broker redelivers

    assert marks == 1
    assert toy.count(inbox) == 1
    assert toy.effect_values() == [1, 2]  # the redelivered copy had no second effect


def test_retention_on_an_empty_database_deletes_nothing(toy):
    with toy.engine.begin() as db:
        db.execute(insert(effects).values(message_id="local", value=1))
    assert purge(toy.engine, outbox, inbox, toy.settings, NOW) == (0, 0)
