"""The event aggregate's seat rules, with no database: quotas, waiting list, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.registration.domain import events as ev
from services.registration.domain.commands import Participant
from services.registration.domain.errors import (
    AlreadyRegistered,
    EventFull,
    InvalidEvent,
    NotFound,
)
from services.registration.domain.model import Event, PartnerQuota, Registration

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


class Ledger:
    """Stands in for the repository: the registrations the event hands out, in queue order."""

    def __init__(self, event: Event):
        self.event = event
        self.all: dict[str, Registration] = {}

    def register(self, n: int, partner: str | None = None, now=NOW) -> Registration:
        email = f"p{n}@example.org"
        taken = any(r.active and r.email == email for r in self.all.values())
        registration = self.event.register(
            f"r{n}", person(n, partner), (f"m{n}", f"f{n}"), now, already_registered=taken
        )
        self.all[registration.id] = registration
        return registration

    def waitlist(self) -> list[Registration]:
        waiting = [r for r in self.all.values() if r.status == "waitlisted"]
        return sorted(waiting, key=lambda r: r.queue_number)


def test_partner_quota_holds_seats_until_its_release_date():
    quota = PartnerQuota("Cluster A", 2, NOW + timedelta(days=10))
    event = make_event(capacity=3, quotas=[quota])
    ledger = Ledger(event)
    assert ledger.register(1).status == "confirmed"
    assert ledger.register(2).status == "waitlisted"  # two seats are held for Cluster A
    assert ledger.register(3, partner="Cluster A").status == "confirmed"
    assert event.seats.seats_left(NOW) == 0
    later = NOW + timedelta(days=11)
    promoted = event.fill_free_seats(later, ledger.waitlist())
    assert [r.id for r in promoted] == ["r2"]  # the unused quota seat went to the queue
    assert event.confirmed_count == 3 and quota.confirmed == 1


def test_a_partner_beyond_its_quota_competes_for_the_common_pool():
    quota = PartnerQuota("Cluster A", 1, NOW + timedelta(days=10))
    event = make_event(capacity=2, quotas=[quota])
    ledger = Ledger(event)
    assert ledger.register(1, partner="Cluster A").status == "confirmed"
    assert ledger.register(2, partner="Cluster A").status == "confirmed"  # common seat
    assert ledger.register(3, partner="Cluster A").status == "waitlisted"
    assert quota.confirmed == 2


def test_without_a_waiting_list_a_full_event_refuses():
    ledger = Ledger(make_event(capacity=1, waitlist_enabled=False))
    ledger.register(1)
    with pytest.raises(EventFull):
        ledger.register(2)


def test_a_cancelled_person_may_register_again_but_not_twice_at_once():
    event = make_event()
    ledger = Ledger(event)
    first = ledger.register(1)
    with pytest.raises(AlreadyRegistered):
        ledger.register(1)
    event.cancel_registration(first, NOW, ledger.waitlist())
    assert ledger.register(1).status == "confirmed"
    assert event.confirmed_count == 1


def test_cancellation_promotes_in_queue_order_and_records_events():
    event = make_event(capacity=1)
    ledger = Ledger(event)
    for n in range(1, 4):
        ledger.register(n)
    event.events.clear()
    event.cancel_registration(ledger.all["r1"], NOW, ledger.waitlist())
    kinds = [(e.kind, e.registration_id) for e in event.events]
    assert kinds == [("cancelled", "r1"), ("promoted", "r2")]
    assert [r.id for r in ledger.waitlist()] == ["r3"]
    assert event.confirmed_count == 1


def test_cancelling_a_waitlisted_person_promotes_nobody():
    event = make_event(capacity=1)
    ledger = Ledger(event)
    for n in range(1, 4):
        ledger.register(n)
    event.events.clear()
    event.cancel_registration(ledger.all["r2"], NOW, ledger.waitlist())
    assert [e.kind for e in event.events] == ["cancelled"]
    assert ledger.all["r3"].status == "waitlisted"


def test_erasure_leaves_no_personal_data_and_raises_one_erasure_event():
    event = make_event(capacity=1)
    ledger = Ledger(event)
    registration = ledger.register(1)
    registration.dietary_needs = "no nuts"
    event.events.clear()
    erased = event.erase(registration, NOW, ledger.waitlist())
    assert erased.name == "[erased]" and erased.organisation == "[erased]"
    assert "p1@" not in erased.email
    assert erased.dietary_needs is None and erased.status == "cancelled"
    assert [type(e) for e in event.events] == [ev.ParticipantErased]
    assert event.confirmed_count == 0
    event.erase(registration, NOW)  # erasing twice changes nothing
    assert len(event.events) == 1


def test_a_registration_of_another_event_is_refused():
    event, other = make_event(), make_event(id="e2")
    registration = Ledger(other).register(1)
    with pytest.raises(NotFound):
        event.cancel_registration(registration, NOW)


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


def test_a_recorded_event_keeps_the_values_of_its_moment():
    event = make_event(capacity=1)
    ledger = Ledger(event)
    registration = ledger.register(1)
    [confirmed] = event.events
    event.cancel_registration(registration, NOW + timedelta(hours=1), ledger.waitlist())
    event.update({"title": "Renamed"}, NOW + timedelta(hours=2))
    assert confirmed.status == "confirmed" and confirmed.event.title == "Workshop"
    assert confirmed.event.updated_at == NOW
    assert [e.event.title for e in event.events[1:]] == ["Workshop", "Renamed"]
