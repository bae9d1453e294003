"""The programme's copy of the event and its registrations, kept from registration's messages."""

from datetime import timedelta

import pytest

from services.scheduling.domain import events as ev
from services.scheduling.domain.errors import InvalidTransition, NotConfirmed
from services.scheduling.domain.policy import Policy
from tests.scheduling.builders import NOW, PUBLISHED_AT, brussels, programme, registered, schedule
from tests.scheduling.builders import snapshot as event_snapshot

POLICY = Policy()
LATER = NOW + timedelta(hours=1)


def test_a_newer_snapshot_updates_the_event_and_an_older_one_is_ignored():
    built = programme()
    newer = event_snapshot(title="Renamed", sequence=1, updated_at=PUBLISHED_AT + timedelta(1))

    built.apply_snapshot(newer, LATER)
    built.apply_snapshot(event_snapshot(title="Stale"), LATER)

    assert (built.title, built.sequence, built.revision) == ("Renamed", 1, 1)


def test_replaying_the_same_snapshot_changes_nothing():
    built = programme()

    built.apply_snapshot(event_snapshot(), LATER)

    assert (built.revision, built.changed_at) == (0, NOW)


def test_a_cancelled_event_cancels_every_scheduled_visit_once():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)
    cancelled = event_snapshot(status="cancelled", sequence=1, updated_at=LATER)

    built.apply_snapshot(cancelled, LATER)
    built.apply_snapshot(event_snapshot(status="cancelled", sequence=2, updated_at=LATER), LATER)

    assert visit.status == "cancelled"
    assert [e for e in built.events if isinstance(e, ev.VisitCancelled)] == [
        ev.VisitCancelled(visit, ("r1",), "the event was cancelled")
    ]


def test_a_cancelled_registration_leaves_its_visits_and_frees_the_seats():
    built = programme("r1")
    first = built.schedule_visit(schedule(), POLICY, NOW)
    second = built.schedule_visit(schedule(start=brussels(2026, 5, 13, 10)), POLICY, NOW)
    for visit in (first, second):
        built.join(visit.id, "r1", POLICY, NOW)

    built.record_registration(registered("r1", "cancelled", sent_at=LATER), LATER)

    assert first.participants == second.participants == ()
    removed = [e for e in built.events if isinstance(e, ev.ParticipantRemoved)]
    assert {(e.visit.id, e.reason) for e in removed} == {
        (first.id, "registration_cancelled"),
        (second.id, "registration_cancelled"),
    }


def test_an_announcement_older_than_the_last_one_applied_is_ignored():
    built = programme()
    built.record_registration(registered("r1", "cancelled", sent_at=LATER), LATER)

    built.record_registration(registered("r1", "confirmed", sent_at=NOW), LATER)

    assert built.registration("r1").status == "cancelled"


def test_erasure_leaves_every_visit_drops_the_feed_token_and_outlives_late_messages():
    built = programme("r1")
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.join(visit.id, "r1", POLICY, NOW)

    built.erase_registration("r1", LATER, LATER)
    built.record_registration(registered("r1", "confirmed", sent_at=LATER + timedelta(1)), LATER)

    registration = built.registration("r1")
    assert (registration.status, registration.feed_token) == ("erased", None)
    assert visit.participants == ()
    assert built.events[-1] == ev.ParticipantRemoved(visit, "r1", "erased")


def test_erasing_an_unknown_registration_leaves_a_tombstone_against_late_messages():
    built = programme()

    built.erase_registration("r9", LATER, LATER)
    built.record_registration(registered("r9", "confirmed", sent_at=NOW), LATER)

    assert built.registration("r9").erased


def test_a_rotated_feed_token_is_not_overwritten_by_later_registration_messages():
    built = programme("r1")
    token = built.rotate_feed_token("registration", "r1", LATER).feed_token

    built.record_registration(registered("r1", "confirmed", sent_at=LATER), LATER)

    assert built.registration("r1").feed_token == token != "feed-r1"


def test_an_erased_participants_feed_cannot_be_brought_back_by_rotation():
    built = programme("r1")
    built.erase_registration("r1", LATER, LATER)

    with pytest.raises(InvalidTransition, match="erased"):
        built.rotate_feed_token("registration", "r1", LATER)


def test_the_offer_messages_of_registration_are_followed_by_the_read_model():
    from services.scheduling.service_layer import read_model

    offers = ("registration.offered", "registration.offer_declined", "registration.offer_expired")
    assert set(offers) <= set(read_model.handlers(lambda: NOW))


def test_an_offered_seat_does_not_let_the_person_join_visits_until_accepted():
    built = programme()
    visit = built.schedule_visit(schedule(), POLICY, NOW)
    built.record_registration(registered("r1", "offered", sent_at=LATER), LATER)

    with pytest.raises(NotConfirmed):
        built.join(visit.id, "r1", POLICY, LATER)
