"""A registration message costs the same few statements however large its event already is."""

import pytest
from sqlalchemy import event

from services.scheduling.service_layer import handlers
from tests.scheduling.builders import EVENT_ID, registration_payload, schedule

pytestmark = pytest.mark.integration


def statements_while(app, action) -> list[str]:
    """The SQL statements the scheduling database saw while ``action`` ran."""
    engine = app.extensions["container"].infrastructure.engine
    seen: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_a_new_registration_reads_neither_the_other_registrations_nor_the_bookings(
    app, deliver, published_event
):
    for n in range(40):
        deliver("registration.confirmed", registration_payload(f"p{n}"))

    seen = statements_while(
        app, lambda: deliver("registration.confirmed", registration_payload("newcomer"))
    )

    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in reads if "FROM bookings" in s or "FROM visits" in s], reads
    # the registration itself, by primary key; never the event's whole list
    assert all("registrations.event_id IN" not in s for s in reads), reads
    assert len(seen) <= 8, seen


def test_a_cancellation_through_the_narrow_path_still_takes_the_person_off_their_visits(
    app, deliver, published_event
):
    container = app.extensions["container"]
    visit = handlers.schedule_visit(schedule(), container.uow(), container.clock, container.policy)
    handlers.join_visit(visit.id, "r1", container.uow(), container.clock, container.policy, True)

    deliver("registration.cancelled", registration_payload("r1", status="cancelled"))

    with container.uow() as uow:
        programme = uow.programmes.get(EVENT_ID, lock=False)
        assert programme.visit(visit.id).participants == ()
        assert {r.id: r.status for r in programme.registrations} == {
            "r1": "cancelled",
            "r2": "confirmed",
        }
