"""The event aggregate's seat rules, with no database: quotas, waiting list, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.registration.domain import events as ev
from services.registration.domain.commands import Participant
from services.registration.domain.errors import AlreadyRegistered, EventFull, InvalidEvent
from services.registration.domain.model import Event, PartnerQuota

NOW = datetime(2027, 3, 1, tzinfo=UTC)


def make_event(capacity=3, quotas=(), **overrides) -> Event:
    start = NOW + timedelta(days=30)
    fields = dict(
        id="e1",
        title="Workshop",
        kind="joint_learning_workshop",
        description="",
        venue_name="Hall",
        venue_address="Street 1",
        venue_city="Ghent",
        venue_country="BE",
        venue_lat=None,
        venue_lon=None,
        timezone="Europe/Brussels",
        start=start,
        end=start + timedelta(hours=8),
        capacity=capacity,
        registration_opens=None,
        registration_closes=None,
        waitlist_enabled=True,
        approval_required=False,
        created_at=NOW,
        updated_at=NOW,
        status="published",
        quotas=list(quotas),
    )
    fields.update(overrides)
    event = Event(**fields)
    event.validate()
    return event


def person(n: int, partner: str | None = None) -> Participant:
    return Participant(f"P{n}", f"p{n}@example.org", "Org", "sme", "BE", "sme", partner=partner)


def register(event: Event, n: int, partner: str | None = None, now=NOW):
    return event.register(f"r{n}", person(n, partner), (f"m{n}", f"f{n}"), now)


def test_partner_quota_holds_seats_until_its_release_date():
    quota = PartnerQuota("Cluster A", 2, NOW + timedelta(days=10))
    event = make_event(capacity=3, quotas=[quota])
    assert register(event, 1).status == "confirmed"
    assert register(event, 2).status == "waitlisted"  # two seats are held for Cluster A
    assert register(event, 3, partner="Cluster A").status == "confirmed"
    assert event.seats_left(NOW) == 0
    later = NOW + timedelta(days=11)
    promoted = event.fill_free_seats(later)
    assert [r.id for r in promoted] == ["r2"]  # the unused quota seat went to the queue


def test_a_partner_beyond_its_quota_competes_for_the_common_pool():
    quota = PartnerQuota("Cluster A", 1, NOW + timedelta(days=10))
    event = make_event(capacity=2, quotas=[quota])
    assert register(event, 1, partner="Cluster A").status == "confirmed"
    assert register(event, 2, partner="Cluster A").status == "confirmed"  # common seat
    assert register(event, 3, partner="Cluster A").status == "waitlisted"


def test_without_a_waiting_list_a_full_event_refuses():
    event = make_event(capacity=1, waitlist_enabled=False)
    register(event, 1)
    with pytest.raises(EventFull):
        register(event, 2)


def test_a_cancelled_person_may_register_again_but_not_twice_at_once():
    event = make_event()
    register(event, 1)
    with pytest.raises(AlreadyRegistered):
        event.register("r9", person(1), ("m9", "f9"), NOW)
    event.cancel_registration("r1", NOW)
    assert event.register("r9", person(1), ("m9", "f9"), NOW).status == "confirmed"


def test_cancellation_promotes_in_queue_order_and_records_events():
    event = make_event(capacity=1)
    for n in range(1, 4):
        register(event, n)
    event.events.clear()
    event.cancel_registration("r1", NOW)
    kinds = [(e.kind, e.registration.id) for e in event.events]
    assert kinds == [("cancelled", "r1"), ("promoted", "r2")]
    assert event.waitlist_position(event.registration("r3")) == 1


def test_erasure_leaves_no_personal_data_and_raises_one_erasure_event():
    event = make_event(capacity=1)
    register(event, 1)
    event.registration("r1").dietary_needs = "no nuts"
    event.events.clear()
    erased = event.erase("r1", NOW)
    assert erased.name == "[erased]" and erased.organisation == "[erased]"
    assert "p1@" not in erased.email
    assert erased.dietary_needs is None and erased.status == "cancelled"
    assert [type(e) for e in event.events] == [ev.ParticipantErased]
    event.erase("r1", NOW)  # erasing twice changes nothing
    assert len(event.events) == 1


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"capacity": 0}, "capacity"),
        ({"timezone": "Nowhere/City"}, "timezone"),
        ({"registration_closes": NOW + timedelta(days=60)}, "close before the event ends"),
    ],
)
def test_invalid_events_are_explained(overrides, message):
    with pytest.raises(InvalidEvent, match=message):
        make_event(**overrides)
