"""A batch of messages leaves exactly what the same messages leave one batch at a time.

The consumer reads a batch's people, calendar entries, reminders and queued emails ahead
(``prepare``) and its lookups then answer from memory, with the INSERTs flushed at commit;
these sequences make every remembered answer go stale once (the same person twice, a seat
then its cancellation, an erasure, a corrected address) so a cache out of step would show.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.notifications.adapters.orm import metadata
from services.notifications.domain.notification import Notification
from services.notifications.domain.readmodel import CalendarEntry, Recipient
from services.notifications.domain.reminders import Reminder
from services.notifications.service_layer.handlers import consumer_handlers, prepare
from services.notifications.service_layer.unit_of_work import NotificationsUnitOfWork
from shared.consumer import Delivery, Worker
from shared.database import make_engine, make_session_factory
from tests.notifications import factories as f


def corrected(number: int, email: str) -> object:
    payload = f.registration("confirmed", number)
    payload["participant"] = payload["participant"] | {"email": email}
    return f.envelope("registration.email_corrected", payload)


SEQUENCES = {
    "five people": [
        f.envelope("registration.confirmed", f.registration("confirmed", n)) for n in range(1, 6)
    ],
    "waitlisted then promoted": [
        f.envelope("registration.waitlisted", f.registration("waitlisted", 1, waitlist_position=1)),
        f.envelope("registration.confirmed", f.registration("confirmed", 2)),
        f.envelope("registration.promoted", f.registration("confirmed", 1)),
    ],
    "seated then cancelled then seated again": [
        f.envelope("registration.confirmed", f.registration("confirmed", 1)),
        f.envelope("registration.cancelled", f.registration("cancelled", 1, reason="participant")),
        f.envelope("registration.promoted", f.registration("confirmed", 1)),
    ],
    "seated then erased then a late message": [
        f.envelope("registration.confirmed", f.registration("confirmed", 1)),
        f.envelope("registration.confirmed", f.registration("confirmed", 2)),
        f.erased(1),
        f.envelope("registration.cancelled", f.registration("cancelled", 1, reason="participant")),
    ],
    "erased then the same address registers again": [
        f.envelope("registration.confirmed", f.registration("confirmed", 1)),
        f.erased(1),
        f.envelope(
            "registration.confirmed",
            f.registration("confirmed", 9)
            | {"participant": f.registration("confirmed", 1)["participant"]},
        ),
    ],
    "seated then corrected then seated under the new address": [
        f.envelope("registration.confirmed", f.registration("confirmed", 1)),
        corrected(1, "anna.new@example.eu"),
        f.envelope(
            "registration.promoted",
            f.registration("confirmed", 1)
            | {
                "participant": f.registration("confirmed", 1)["participant"]
                | {"email": "anna.new@example.eu"}
            },
        ),
    ],
}


def state(session_factory) -> dict[str, list[tuple]]:
    """What the messages left, without ids or times that differ between two runs."""
    with session_factory() as session:
        return {
            "recipients": sorted(
                (r.registration_id, r.email, r.status, r.erased_at is not None)
                for r in session.scalars(select(Recipient))
            ),
            "emails": sorted(
                (
                    n.source_message_id,
                    n.registration_id,
                    n.kind,
                    n.recipient_email,
                    n.status,
                    n.calendar.method if n.calendar else None,
                    n.calendar.sequence if n.calendar else None,
                )
                for n in session.scalars(select(Notification))
            ),
            "calendar": sorted(
                (e.email, e.uid, e.sequence, e.method)
                for e in session.scalars(select(CalendarEntry))
            ),
            "reminders": sorted(
                (r.id, r.status, r.due_at) for r in session.scalars(select(Reminder))
            ),
        }


@pytest.fixture
def run(tmp_path, policy):
    """Apply envelopes to a fresh database, in batches of ``size``; what they left."""
    table = consumer_handlers(policy)

    def apply(envelopes, size: int, name: str) -> dict[str, list[tuple]]:
        engine = make_engine(f"sqlite:///{tmp_path / name}.db")
        metadata.create_all(engine)
        sessions = make_session_factory(engine)
        worker = Worker(
            None,
            None,
            "notifications",
            lambda: NotificationsUnitOfWork(sessions, "test.notifications.events"),
            table,
            None,
            prepare,
        )
        deliveries = [
            Delivery("registrations", e, table["registrations"][e.type], None) for e in envelopes
        ]
        for start in range(0, len(deliveries), size):
            worker.process(deliveries[start : start + size])
        found = state(sessions)
        engine.dispose()
        return found

    return apply


@pytest.mark.parametrize("name", SEQUENCES)
def test_one_batch_leaves_what_one_message_at_a_time_leaves(run, uow_factory, name):
    envelopes = SEQUENCES[name]
    alone = run(envelopes, 1, "alone")
    together = run(envelopes, len(envelopes), "together")
    assert together == alone
    assert alone["emails"]  # the sequence did something worth comparing


def test_a_redelivered_batch_queues_nothing_twice(run):
    envelopes = SEQUENCES["five people"]
    once = run(envelopes, 5, "once")
    twice = run(envelopes + envelopes, 5, "twice")
    assert twice == once
    assert len(once["emails"]) == 5


def test_reminders_of_a_seat_moved_in_the_same_batch_follow_it(run):
    """A seat, then the workshop moved a day later in the same batch: the reminders are due
    before the new start, as they are when the two messages come apart."""
    later = f.event(start=f.EVENT_START + timedelta(days=1), sequence=1, updated_at=f.NOW)
    envelopes = [
        f.envelope("registration.confirmed", f.registration("confirmed", 1)),
        f.envelope("event.updated", later | {"changes": ["start", "end"]}),
        f.envelope("registration.confirmed", f.registration("confirmed", 2, event=later)),
    ]
    alone, together = run(envelopes, 1, "alone"), run(envelopes, 3, "together")
    assert together == alone
    assert {due for _, _, due in alone["reminders"]} == {
        later["start"] - timedelta(hours=24),
        later["start"] - timedelta(hours=2),
    }


def queued(number: int, source: str = "m-1") -> Notification:
    return Notification(
        id=f"n-{number}",
        source_message_id=source,
        registration_id="reg-1",
        kind="registration_confirmed",
        event_id="ev-1",
        recipient_email="anna@example.eu",
        recipient_name="Anna",
        language="en",
        context={},
        calendar=None,
        created_at=f.NOW,
        next_attempt_at=f.NOW,
    )


@pytest.mark.parametrize("preloaded", [True, False])
def test_the_same_email_queued_twice_in_one_unit_of_work_is_added_once(uow_factory, preloaded):
    with uow_factory() as uow:
        if preloaded:
            uow.notifications.preload(["m-1"])
        assert uow.notifications.add(queued(1)) is True
        assert uow.notifications.add(queued(2)) is False
        uow.commit()
    with uow_factory() as uow:
        uow.notifications.preload(["m-1"])
        assert uow.notifications.add(queued(3)) is False
        assert len(list(uow.session.scalars(select(Notification)))) == 1
