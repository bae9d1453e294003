"""Concurrent joins on PostgreSQL never overbook a visit: the event row lock serialises them."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from services.scheduling.domain.errors import VisitFull
from services.scheduling.service_layer import handlers
from tests.scheduling.builders import EVENT_ID, registration_payload, schedule

pytestmark = pytest.mark.integration
PEOPLE = [f"r{n}" for n in range(12)]


def test_twelve_people_racing_for_three_seats_get_exactly_three(app, deliver):
    for registration_id in PEOPLE:
        deliver("registration.confirmed", registration_payload(registration_id))
    container = app.extensions["container"]
    visit = handlers.schedule_visit(
        schedule(capacity=3), container.uow(), container.clock, container.policy
    )

    def join(registration_id: str) -> bool:
        try:
            handlers.join_visit(
                visit.id, registration_id, container.uow(), container.clock, container.policy, True
            )
        except VisitFull:
            return False
        return True

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(join, PEOPLE))

    assert outcomes.count(True) == 3
    with container.uow() as uow:
        booked = uow.programmes.get(EVENT_ID, lock=False).visit(visit.id).participants
    assert len(booked) == 3
