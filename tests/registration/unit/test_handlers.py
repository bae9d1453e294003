"""The registration use cases against the fake unit of work: outcomes and the messages sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.registration.domain.commands import (
    CreateEvent,
    Participant,
    Quota,
    Register,
    Venue,
)
from services.registration.domain.errors import (
    AlreadyRegistered,
    EventFull,
    InvalidEvent,
    InvalidTransition,
    NotFound,
)
from services.registration.service_layer import handlers

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
START = datetime(2027, 4, 12, 7, 0, tzinfo=UTC)


def open_event(uow, clock, capacity=2, **options) -> str:
    """Create and publish an event; returns its id."""
    command = CreateEvent(
        title="Smart grids workshop",
        kind="joint_learning_workshop",
        description="Peer learning.",
        venue=Venue("Energy Campus", "Rue de la Loi 1", "Brussels", "be", 50.84, 4.37),
        timezone="Europe/Brussels",
        start=START,
        end=START + timedelta(hours=8),
        capacity=capacity,
        **({"verify_email": False} | options),  # verification: test_verification.py
    )
    event, _codes = handlers.create_event(command, uow, clock)
    handlers.publish_event(event.id, uow, clock)
    return event.id


def person(n: int, **overrides) -> Participant:
    fields = dict(
        name=f"Participant {n}",
        email=f"p{n}@example.org",
        organisation="Org",
        organisation_type="sme",
        country="de",
        role="sme",
    )
    return Participant(**(fields | overrides))


def register(uow, clock, event_id, n, **overrides):
    """Register person ``n``; returns the registration."""
    return handlers.register(Register(event_id, person(n, **overrides), True), uow, clock)[1]


def test_publishing_an_event_announces_its_details(uow, clock):
    event_id = open_event(uow, clock)
    [published] = uow.sent("event.published")
    assert published["event_id"] == event_id
    assert published["title"] == "Smart grids workshop"
    assert published["venue"] == {
        "name": "Energy Campus",
        "address": "Rue de la Loi 1",
        "city": "Brussels",
        "country": "BE",
        "lat": 50.84,
        "lon": 4.37,
    }
    assert published["status"] == "published" and published["sequence"] == 0


def test_people_get_seats_until_the_event_is_full_then_places_on_the_waiting_list(uow, clock):
    event_id = open_event(uow, clock, capacity=2)
    outcomes = [
        handlers.register(Register(event_id, person(n), True), uow, clock) for n in range(4)
    ]
    assert [(r.status, position) for _, r, position in outcomes] == [
        ("confirmed", None),
        ("confirmed", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    confirmed = uow.sent("registration.confirmed")
    waitlisted = uow.sent("registration.waitlisted")
    assert [m["participant"]["email"] for m in confirmed] == ["p0@example.org", "p1@example.org"]
    assert [m["waitlist_position"] for m in waitlisted] == [1, 2]
    first = confirmed[0]
    assert first["manage_url"] == f"https://reg.example.test/manage/{outcomes[0][1].manage_token}"
    assert first["feed_url"].endswith(f"/feeds/participants/{first['feed_token']}.ics")
    assert first["event"]["event_id"] == event_id


def test_registering_without_consent_is_refused_and_sends_nothing(uow, clock):
    event_id = open_event(uow, clock)
    with pytest.raises(InvalidEvent, match="consent"):
        handlers.register(Register(event_id, person(1), consent=False), uow, clock)
    assert uow.sent("registration.confirmed") == []


def test_the_same_email_cannot_hold_two_active_registrations(uow, clock):
    event_id = open_event(uow, clock)
    register(uow, clock, event_id, 1)
    with pytest.raises(AlreadyRegistered):
        register(uow, clock, event_id, 2, email=" P1@Example.org ")


def test_a_refused_registration_in_a_batch_leaves_the_others_to_go_ahead(uow, clock):
    event_id = open_event(uow, clock, capacity=5)
    commits = uow.commits
    commands = [
        Register(event_id, person(1), True),
        Register(event_id, person(2), consent=False),
        Register(event_id, person(1), True),  # the same email again, in the same batch
        Register(event_id, person(3), True),
    ]
    outcomes = handlers.register_batch(event_id, commands, uow, clock)
    assert isinstance(outcomes[1], InvalidEvent)
    assert isinstance(outcomes[2], AlreadyRegistered)
    assert [outcomes[0][1].email, outcomes[3][1].email] == ["p1@example.org", "p3@example.org"]
    assert uow.commits == commits + 1  # one transaction for the whole batch
    assert len(uow.sent("registration.confirmed")) == 2


def test_a_full_event_without_a_waiting_list_refuses(uow, clock):
    event_id = open_event(uow, clock, capacity=1, waitlist_enabled=False)
    register(uow, clock, event_id, 1)
    with pytest.raises(EventFull):
        register(uow, clock, event_id, 2)


def test_a_cancelled_seat_goes_to_the_first_person_waiting(uow, clock):
    event_id = open_event(uow, clock, capacity=1)
    first, second, third = (register(uow, clock, event_id, n) for n in range(3))
    uow.messages.clear()
    clock.advance(hours=1)
    handlers.cancel_by_token(first.manage_token, uow, clock)
    assert (first.status, second.status, third.status) == ("cancelled", "confirmed", "waitlisted")
    assert [kind for kind, _ in uow.messages] == ["registration.cancelled", "registration.promoted"]
    cancelled, promoted = (payload for _, payload in uow.messages)
    assert cancelled["reason"] == "participant" and cancelled["status"] == "cancelled"
    assert promoted["registration_id"] == second.id and promoted["status"] == "confirmed"
    assert uow.events.waitlist_position(third) == 1


def test_cancelling_twice_is_refused(uow, clock):
    event_id = open_event(uow, clock)
    registration = register(uow, clock, event_id, 1)
    handlers.cancel_registration(registration.id, uow, clock)
    with pytest.raises(InvalidTransition):
        handlers.cancel_registration(registration.id, uow, clock)


def test_with_approval_people_wait_pending_until_an_organiser_decides(uow, clock):
    event_id = open_event(uow, clock, capacity=1, approval_required=True)
    first, second, third = (register(uow, clock, event_id, n) for n in range(3))
    assert {r.status for r in (first, second, third)} == {"pending"}
    assert len(uow.sent("registration.pending")) == 3
    handlers.approve(first.id, uow, clock)
    handlers.approve(second.id, uow, clock)  # no seat left: the waiting list
    handlers.reject(third.id, "outside the programme", uow, clock)
    assert (first.status, second.status, third.status) == ("confirmed", "waitlisted", "rejected")
    assert uow.sent("registration.waitlisted")[0]["waitlist_position"] == 1
    assert uow.sent("registration.rejected")[0]["reason"] == "outside the programme"
    with pytest.raises(InvalidTransition):
        handlers.approve(first.id, uow, clock)


def test_a_partner_quota_holds_seats_until_released_then_the_queue_gets_them(uow, clock):
    release = NOW + timedelta(days=10)
    event_id = open_event(uow, clock, capacity=2, quotas=(Quota("Cluster A", 1, release),))
    assert register(uow, clock, event_id, 1).status == "confirmed"
    waiting = register(uow, clock, event_id, 2)
    assert waiting.status == "waitlisted"  # the last seat is held for Cluster A
    assert handlers.release_quotas(uow, clock) == 0
    clock.advance(days=11)
    assert handlers.release_quotas(uow, clock) == 1
    assert waiting.status == "confirmed"
    assert uow.sent("registration.promoted")[0]["registration_id"] == waiting.id


def test_a_partner_takes_its_held_seat_even_when_the_common_pool_is_empty(uow, clock):
    release = NOW + timedelta(days=10)
    event_id = open_event(uow, clock, capacity=2, quotas=(Quota("Cluster A", 1, release),))
    register(uow, clock, event_id, 1)
    command = Register(event_id, person(2, partner="Cluster A"), True, by_organiser=True)
    assert handlers.register(command, uow, clock)[1].status == "confirmed"


def test_erasure_forgets_the_person_frees_the_seat_and_kills_the_link(uow, clock):
    event_id = open_event(uow, clock, capacity=1)
    erased, waiting = (register(uow, clock, event_id, n) for n in range(2))
    token = erased.manage_token
    uow.messages.clear()
    handlers.erase_by_token(token, uow, clock)
    assert "p0@" not in erased.email and erased.name == "[erased]"
    assert waiting.status == "confirmed"
    [(kind, payload), (then, _)] = uow.messages
    assert kind == "participant.erased"
    assert payload == {"registration_id": erased.id, "event_id": event_id, "erased_at": NOW}
    assert then == "registration.promoted"
    with pytest.raises(NotFound):
        handlers.cancel_by_token(token, uow, clock)


def test_a_larger_capacity_promotes_at_once_and_a_new_venue_bumps_the_sequence(uow, clock):
    event_id = open_event(uow, clock, capacity=1)
    _, waiting = (register(uow, clock, event_id, n) for n in range(2))
    uow.messages.clear()
    clock.advance(days=1)
    venue = Venue("Town Hall", "Grote Markt 1", "Brussels", "be")
    handlers.update_event(event_id, {"capacity": 2, "venue": venue}, uow, clock)
    assert waiting.status == "confirmed"
    [(kind, updated), (then, promoted)] = uow.messages
    assert kind == "event.updated" and then == "registration.promoted"
    moved = {"venue_name", "venue_address", "venue_lat", "venue_lon"}  # same city and country
    assert set(updated["changes"]) == {"capacity"} | moved
    assert updated["sequence"] == 1 and updated["updated_at"] == clock()
    assert updated["venue"]["name"] == "Town Hall"
    assert promoted["event"] == {k: v for k, v in updated.items() if k != "changes"}


def test_cancelling_the_event_cancels_everyone_with_one_message_each(uow, clock):
    event_id = open_event(uow, clock, capacity=1)
    people = [register(uow, clock, event_id, n) for n in range(3)]
    uow.messages.clear()
    handlers.cancel_event(event_id, "venue flooded", uow, clock)
    assert {r.status for r in people} == {"cancelled"}
    assert uow.sent("event.cancelled")[0]["reason"] == "venue flooded"
    cancelled = uow.sent("registration.cancelled")
    assert sorted(m["registration_id"] for m in cancelled) == sorted(r.id for r in people)
    assert {m["reason"] for m in cancelled} == {"event"}
    assert {m["event"]["status"] for m in cancelled} == {"cancelled"}
    with pytest.raises(InvalidTransition):
        handlers.cancel_event(event_id, None, uow, clock)


def test_an_unknown_event_or_registration_is_not_found(uow, clock):
    with pytest.raises(NotFound):
        handlers.publish_event("nope", uow, clock)
    with pytest.raises(NotFound):
        handlers.approve("nope", uow, clock)


def test_a_draft_is_deleted_and_tells_no_other_service(uow, clock):
    command = CreateEvent(
        title="Draft",
        kind="joint_learning_workshop",
        description="",
        venue=Venue("Hall", "Street 1", "Lyon", "fr", None, None),
        timezone="Europe/Paris",
        start=START,
        end=START + timedelta(hours=8),
        capacity=5,
    )
    event, _codes = handlers.create_event(command, uow, clock)
    commits = uow.commits
    handlers.delete_draft(event.id, uow)
    assert uow.commits == commits + 1 and uow.messages == []
    with pytest.raises(NotFound):
        uow.events.get(event.id)


def test_a_published_or_cancelled_event_is_never_deleted(uow, clock):
    event_id = open_event(uow, clock)
    with pytest.raises(InvalidTransition, match="only a draft can be deleted"):
        handlers.delete_draft(event_id, uow)
    handlers.cancel_event(event_id, None, uow, clock)
    with pytest.raises(InvalidTransition):
        handlers.delete_draft(event_id, uow)
    assert uow.events.get(event_id).status == "cancelled"
