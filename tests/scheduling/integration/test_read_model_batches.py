"""The read model applies a batch of registration messages as it applies them one by one.

The batch reads its registrations ahead and locks the programme once; these sequences touch
the same registration twice, create the programme mid-batch, and erase someone, so a
registration remembered out of step with the session would show as a difference.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from services.scheduling.adapters.orm import events, registrations
from services.scheduling.service_layer import read_model
from shared.consumer import Delivery, Worker
from tests.scheduling.builders import NOW, envelope, event_payload, registration_payload

pytestmark = pytest.mark.integration


def messages(event_id: str) -> list:
    """One event's story, its registration ids prefixed by the event id."""
    workshop = event_payload(event_id=event_id)

    def changed(kind: str, number: int, status: str):
        rid = f"{event_id}-r{number}"
        return envelope(
            f"registration.{kind}",
            registration_payload(rid, status, workshop, feed_token=f"{rid}-{'t' * 24}"),
        )

    def erased(number: int):
        payload = {"registration_id": f"{event_id}-r{number}", "event_id": event_id}
        return envelope("participant.erased", payload | {"erased_at": NOW})

    return [
        changed("confirmed", 1, "confirmed"),  # creates the programme
        changed("confirmed", 2, "confirmed"),
        changed("cancelled", 1, "cancelled"),
        changed("waitlisted", 3, "waitlisted"),
        changed("promoted", 3, "confirmed"),
        erased(2),
        erased(4),  # erased before it was known here: a tombstone
        changed("confirmed", 4, "confirmed"),  # stays erased
        changed("confirmed", 5, "confirmed"),
    ]


def state(container, event_id: str) -> dict:
    with container.infrastructure.engine.connect() as db:
        people = db.execute(
            select(
                registrations.c.id,
                registrations.c.status,
                registrations.c.feed_token.is_(None),
            ).where(registrations.c.event_id == event_id)
        )
        workshop = db.execute(
            select(events.c.revision, events.c.status).where(events.c.id == event_id)
        ).one()
    return {
        "registrations": sorted((rid.removeprefix(event_id), *rest) for rid, *rest in people),
        "event": tuple(workshop),
    }


@pytest.fixture
def worker(app):
    container = app.extensions["container"]
    table = {"registrations": read_model.handlers(container.clock)}
    built = Worker(None, None, "scheduling", container.uow, table, None, read_model.prepare)

    def process(envelopes, size: int) -> None:
        deliveries = [
            Delivery("registrations", e, table["registrations"][e.type], None) for e in envelopes
        ]
        for start in range(0, len(deliveries), size):
            built.process(deliveries[start : start + size])

    return container, process


def test_one_batch_leaves_what_one_message_at_a_time_leaves(worker):
    container, process = worker
    process(messages("ev-alone"), 1)
    process(messages("ev-batch"), 100)

    alone, together = state(container, "ev-alone"), state(container, "ev-batch")
    assert together == alone
    assert ("-r4", "erased", True) in alone["registrations"]
    assert len(alone["registrations"]) == 5


def test_a_batch_about_one_event_locks_it_once_and_reads_its_registrations_once(worker):
    container, process = worker
    process(messages("ev-1")[:1], 1)  # the programme exists
    batch = [
        envelope(
            "registration.confirmed",
            registration_payload(
                f"ev-1-n{n}",
                event=event_payload(event_id="ev-1"),
                feed_token=f"ev-1-n{n}-{'t' * 24}",
            ),
            NOW + timedelta(seconds=n),
        )
        for n in range(5)
    ]
    statements: Counter[str] = Counter()

    def count(conn, cursor, statement, *args):
        if found := re.match(r"(SELECT|INSERT INTO|UPDATE)\b.*?\b(?:FROM )?(\w+)", statement, re.S):
            verb = found[1].split()[0]
            table = re.search(r"(?:FROM|INTO|UPDATE) (\w+)", statement)
            statements[f"{verb} {table[1] if table else '?'}"] += 1

    engine = container.infrastructure.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        process(batch, 5)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    assert statements["SELECT events"] == 1
    assert statements["SELECT registrations"] == 1
    assert statements["INSERT registrations"] == 1
    assert state(container, "ev-1")["registrations"][:5] == [
        (f"-n{n}", "confirmed", False) for n in range(5)
    ]
