"""Joining and leaving visits: confirmed participants only, seats, travel buffers (no I/O)."""

from datetime import timedelta

import pytest

from services.scheduling.domain import events as ev
from services.scheduling.domain.errors import (
    InvalidTransition,
    NotConfirmed,
    NotFound,
    ParticipantOverlap,
    VisitFull,
)
from services.scheduling.domain.policy import Policy
from tests.scheduling.builders import NOW, brussels, programme, registered, schedule

POLICY = Policy(travel_buffer=timedelta(minutes=30))


def test_a_confirmed_participant_joins_and_the_seat_is_taken():
    built = programme("r1")
    visit = built.schedule_visit(schedule(capacity=2), POLICY, NOW)

    built.join(visit.id, "r1", POLICY, NOW)

    assert visit.participants == ("r1",)
    assert visit.seats_left() == 1
    assert built.events[-1] == ev.ParticipantAdded(visit, "r1")


@pytest.mark.parametrize("status", ["waitlisted", "pending", "cancelled"])
def test_only_confirmed_registrations_of_the_event_may_join(status):
    built = programme()
    built.record_registration(registered("r1", status), NOW)
    visit = built.schedule_visit(schedule(), POLICY, NOW)

    with pytest.raises(NotConfirmed, match="not a confirmed registration"):
        built.join(visit.id, "r1", POLICY, NOW)
    with pytest.raises(NotConfirmed):
        built.join(visit.id, "someone-else", POLICY, NOW)


def test_a_full_visit_refuses_one_more():
    built = programme("r1", "r2")
    visit = built.schedule_visit(schedule(capacity=1), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)

    with pytest.raises(VisitFull, match="full"):
        built.join(visit.id, "r2", POLICY, NOW)


def test_joining_twice_is_refused():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)

    with pytest.raises(InvalidTransition, match="already booked"):
        built.join(visit.id, "r1", POLICY, NOW)


def twenty_minutes_apart(built, address: str = "Kaai 2"):
    """r1 on a visit ending 16:00, and another visit at ``address`` starting 16:20."""
    first = built.schedule_visit(schedule(), POLICY, NOW)
    later = schedule(start=brussels(2026, 5, 12, 16, 20), organisation="Port", address=address)
    second = built.schedule_visit(later, POLICY, NOW)
    built.join(first.id, "r1", POLICY, NOW)
    return second


def test_visits_closer_than_the_travel_buffer_at_different_sites_overlap():
    built = programme("r1")
    second = twenty_minutes_apart(built)

    with pytest.raises(ParticipantOverlap, match="Textile recycling lab"):
        built.join(second.id, "r1", POLICY, NOW)


def test_visits_at_the_same_site_need_no_travel_buffer():
    built = programme("r1")
    second = twenty_minutes_apart(built, address="Havenlaan 86, Brussels")

    built.join(second.id, "r1", POLICY, NOW)

    assert second.participants == ("r1",)


def test_the_travel_buffer_is_configurable():
    built = programme("r1")
    second = twenty_minutes_apart(built)

    built.join(second.id, "r1", Policy(travel_buffer=timedelta(minutes=15)), NOW)


def test_a_cancelled_visit_no_longer_blocks_the_participants_day():
    built = programme("r1")
    first = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(first.id, "r1", POLICY, NOW)
    built.cancel_visit(first.id, None, NOW)
    clash = built.schedule_visit(schedule(organisation="Port", address="Kaai 2"), POLICY, NOW)

    built.join(clash.id, "r1", POLICY, NOW)

    assert clash.participants == ("r1",)


def test_leaving_frees_the_seat_and_is_announced():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)

    built.leave(visit.id, "r1", "left", NOW)

    assert visit.participants == ()
    assert built.events[-1] == ev.ParticipantRemoved(visit, "r1", "left")
    with pytest.raises(NotFound, match="not booked"):
        built.leave(visit.id, "r1", "left", NOW)
