"""A batch of registration messages about one workshop costs few round trips per message."""

import re
from collections import Counter

import pytest
from sqlalchemy import event

from services.notifications.service_layer.handlers import consumer_handlers
from shared.consumer import Delivery, Worker
from tests.notifications import factories as f
from tests.notifications.harness import notifications

pytestmark = pytest.mark.integration


def test_a_batch_about_one_workshop_loads_it_once_and_reads_each_person_once(make_service):
    app = make_service()
    table = consumer_handlers(app.policy)["registrations"]
    worker = Worker(None, None, "notifications", app.uow, {"registrations": table}, None)
    batch = [
        Delivery("registrations", envelope, table[envelope.type], None)
        for envelope in (
            f.envelope("registration.confirmed", f.registration("confirmed", number=number))
            for number in range(1, 6)
        )
    ]
    selects: Counter[str] = Counter()

    def count(conn, cursor, statement, *args):
        if statement.startswith("SELECT") and (table := re.search(r"\bFROM (\w+)", statement)):
            selects[table[1]] += 1

    event.listen(app.infrastructure.engine, "before_cursor_execute", count)
    try:
        worker.process(batch)
    finally:
        event.remove(app.infrastructure.engine, "before_cursor_execute", count)

    assert len(notifications(app)) == 5
    assert selects["events"] == 1
    assert selects["recipients"] == 5
    assert selects["calendar_entries"] == 5
