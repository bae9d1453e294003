"""Scheduling, editing and cancelling visits inside a programme (no I/O)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from services.scheduling.domain import events as ev
from services.scheduling.domain.commands import HostDetails, Location
from services.scheduling.domain.errors import (
    Conflict,
    HostConflict,
    InvalidTransition,
    InvalidVisit,
    OutsideEvent,
    ParticipantOverlap,
)
from services.scheduling.domain.policy import Policy
from tests.scheduling.builders import NOW, brussels, programme, schedule

POLICY = Policy(travel_buffer=timedelta(minutes=30))
LATER = NOW + timedelta(hours=1)


def test_a_scheduled_visit_gets_an_opaque_id_a_host_with_a_feed_token_and_an_event():
    built = programme()

    visit = built.schedule_visit(schedule(), POLICY, NOW)

    assert (visit.status, visit.sequence, visit.host.organisation) == ("scheduled", 0, "ReTex Lab")
    assert len(visit.host.feed_token) >= 43
    assert built.events == [ev.VisitScheduled(visit)]
    assert built.revision == 1


def test_one_host_cannot_receive_two_overlapping_visits_even_with_a_differently_typed_name():
    built = programme()
    built.schedule_visit(schedule(), POLICY, NOW)

    with pytest.raises(HostConflict, match="ReTex Lab already receives"):
        built.schedule_visit(
            schedule(start=brussels(2026, 5, 12, 15), organisation=" retex  LAB "), POLICY, NOW
        )


def test_one_host_may_receive_back_to_back_visits_and_other_hosts_may_overlap():
    built = programme()
    built.schedule_visit(schedule(), POLICY, NOW)

    built.schedule_visit(schedule(start=brussels(2026, 5, 12, 16)), POLICY, NOW)
    built.schedule_visit(schedule(organisation="Port of Antwerp"), POLICY, NOW)

    assert len(built.hosts) == 2


@pytest.mark.parametrize(
    "start",
    [brussels(2026, 5, 11, 23), brussels(2026, 5, 13, 23, 30), brussels(2026, 6, 1, 10)],
)
def test_a_visit_must_lie_within_the_events_days(start):
    with pytest.raises(OutsideEvent, match="within the event's days"):
        programme().schedule_visit(schedule(start=start), POLICY, NOW)


def test_a_configured_margin_allows_visits_just_around_the_event():
    margin = Policy(event_margin=timedelta(hours=12))

    visit = programme().schedule_visit(schedule(start=brussels(2026, 5, 11, 15)), margin, NOW)

    assert visit.start == brussels(2026, 5, 11, 15)


def test_a_visit_must_end_after_it_starts():
    with pytest.raises(InvalidVisit, match="end must be after start"):
        programme().schedule_visit(schedule(hours=0), POLICY, NOW)


def test_no_visit_can_be_added_to_a_cancelled_event():
    built = programme()
    built.status = "cancelled"

    with pytest.raises(InvalidTransition, match="event is cancelled"):
        built.schedule_visit(schedule(), POLICY, NOW)


def test_rescheduling_raises_the_sequence_and_reports_old_and_new_values():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)
    built.events.clear()

    built.edit_visit(visit.id, {"start": brussels(2026, 5, 12, 13)}, POLICY, LATER)

    (updated,) = built.events
    assert updated.participants == ("r1",)
    assert [vars(c) for c in updated.changes] == [
        {"field": "start", "old": "2026-05-12T14:00:00+02:00", "new": "2026-05-12T13:00:00+02:00"}
    ]
    assert (visit.sequence, visit.updated_at) == (1, LATER)


def test_a_new_place_bumps_the_sequence_but_a_new_title_or_capacity_does_not():
    built = programme()
    visit = built.schedule_visit(schedule(), POLICY, NOW)

    built.edit_visit(visit.id, {"title": "Sorting line", "capacity": 20}, POLICY, LATER)
    assert visit.sequence == 0
    built.edit_visit(visit.id, {"location": Location("Depot", "Kaai 2")}, POLICY, LATER)
    assert visit.sequence == 1
    assert built.events[-1].changes[0].new == "Depot, Kaai 2"


def test_an_edit_that_changes_nothing_announces_nothing():
    built = programme()
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.events.clear()

    built.edit_visit(visit.id, {"title": visit.title}, POLICY, LATER)

    assert built.events == []
    assert visit.updated_at == NOW


def test_moving_a_visit_onto_another_of_its_hosts_visits_is_refused():
    built = programme()
    built.schedule_visit(schedule(), POLICY, NOW)
    second = built.schedule_visit(schedule(start=brussels(2026, 5, 13, 10)), POLICY, NOW)

    with pytest.raises(HostConflict):
        built.edit_visit(second.id, {"start": brussels(2026, 5, 12, 15)}, POLICY, LATER)


def test_changing_the_host_moves_the_visit_to_that_hosts_calendar():
    built = programme()
    visit = built.schedule_visit(schedule(), POLICY, NOW)

    new_host = HostDetails("Port of Antwerp", "Jan", "jan@port.example")
    built.edit_visit(visit.id, {"host": new_host}, POLICY, LATER)

    assert visit.host.organisation == "Port of Antwerp"
    assert built.events[-1].changes[0].old == "ReTex Lab"


def test_rescheduling_refuses_to_double_book_a_participant():
    built = programme("r1")
    morning = built.schedule_visit(schedule(start=brussels(2026, 5, 12, 9)), POLICY, NOW)
    afternoon = built.schedule_visit(
        schedule(organisation="Port of Antwerp", address="Kaai 2"), POLICY, NOW
    )
    built.join(morning.id, "r1", POLICY, NOW)
    built.join(afternoon.id, "r1", POLICY, NOW)

    with pytest.raises(ParticipantOverlap, match="r1"):
        built.edit_visit(afternoon.id, {"start": brussels(2026, 5, 12, 10)}, POLICY, LATER)


def test_capacity_cannot_drop_below_the_participants_booked():
    built = programme("r1", "r2")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    for registration_id in ("r1", "r2"):
        built.join(visit.id, registration_id, POLICY, NOW)

    with pytest.raises(Conflict, match="2 participants are booked"):
        built.edit_visit(visit.id, {"capacity": 1}, POLICY, LATER)


def test_cancelling_keeps_the_bookings_raises_the_sequence_and_names_who_was_booked():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)

    built.cancel_visit(visit.id, "host closed", LATER)

    assert (visit.status, visit.sequence, visit.participants) == ("cancelled", 1, ("r1",))
    assert built.events[-1] == ev.VisitCancelled(visit, ("r1",), "host closed")
    with pytest.raises(InvalidTransition, match="already cancelled"):
        built.cancel_visit(visit.id, None, LATER)
    with pytest.raises(InvalidTransition, match="is cancelled"):
        built.edit_visit(visit.id, {"title": "x"}, POLICY, LATER)


def test_a_cancelled_visit_frees_its_host_for_another_visit():
    built = programme()
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.cancel_visit(visit.id, None, LATER)

    replacement = built.schedule_visit(replace(schedule(), title="Replacement"), POLICY, LATER)

    assert replacement.host is visit.host
