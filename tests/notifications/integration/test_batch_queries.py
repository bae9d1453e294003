"""A batch of registration messages about one workshop costs a few round trips in all."""

import re
from collections import Counter

import pytest
from sqlalchemy import event

from services.notifications.service_layer.handlers import consumer_handlers, prepare
from services.notifications.webhooks.bootstrap import bootstrap_webhooks
from shared.consumer import Delivery, Worker
from tests.notifications import factories as f
from tests.notifications.harness import notifications

pytestmark = pytest.mark.integration


def test_a_batch_about_one_workshop_reads_and_writes_each_table_once(make_service):
    app = make_service(clock=lambda: f.NOW)  # before the workshop: reminders are due
    hooks = bootstrap_webhooks(app)
    table = consumer_handlers(app.policy) | {"webhooks": hooks.handlers()}
    worker = Worker(None, None, "notifications", hooks.uow, table, None, prepare)
    envelopes = [
        f.envelope("registration.confirmed", f.registration("confirmed", number=number))
        for number in range(1, 6)
    ]
    # as the worker receives them: each message once per group, the groups interleaved
    batch = [
        Delivery(group, envelope, table[group][envelope.type], None)
        for envelope in envelopes
        for group in ("registrations", "webhooks")
    ]
    selects: Counter[str] = Counter()
    inserts: Counter[str] = Counter()

    def count(conn, cursor, statement, *args):
        if statement.startswith("SELECT") and (table := re.search(r"\bFROM (\w+)", statement)):
            selects[table[1]] += 1
        if inserted := re.match(r"INSERT INTO (\w+)", statement):
            inserts[inserted[1]] += 1

    event.listen(app.infrastructure.engine, "before_cursor_execute", count)
    try:
        worker.process(batch)
    finally:
        event.remove(app.infrastructure.engine, "before_cursor_execute", count)

    assert len(notifications(app)) == 5
    assert selects == {
        "events": 1,
        "recipients": 1,
        "calendar_entries": 1,
        "reminders": 1,
        "notifications": 1,
        "webhook_endpoints": 1,
    }
    # the workshop, five people, emails, invitations and reminders: one statement per table
    assert inserts == dict.fromkeys(
        ["inbox", "events", "recipients", "notifications", "calendar_entries", "reminders"], 1
    )
