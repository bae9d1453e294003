"""What each feed shows: UIDs, sequences, retention of cancelled items, no personal data."""

from datetime import timedelta

from services.scheduling.adapters.ical import render_feed
from services.scheduling.domain.policy import Policy
from services.scheduling.service_layer.feeds import (
    FeedSettings,
    event_feed,
    host_feed,
    participant_feed,
)
from tests.scheduling.builders import EVENT_ID, NOW, brussels, programme, registered, schedule
from tests.scheduling.builders import snapshot as event_snapshot

SETTINGS = FeedSettings("https://calendar.example.eu", retention=timedelta(days=30))
POLICY = Policy()


def booked_programme():
    """r1 on the lab visit, r2 on the port visit; the lab is hosted by ReTex."""
    built = programme("r1", "r2")
    lab = built.schedule_visit(schedule(), POLICY, NOW)
    port = built.schedule_visit(
        schedule(brussels(2026, 5, 13, 10), organisation="Port", address="Kaai 2"), POLICY, NOW
    )
    built.join(lab.id, "r1", POLICY, NOW)
    built.join(port.id, "r2", POLICY, NOW)
    return built, lab, port


def test_the_public_feed_has_the_workshop_and_every_visit_under_opaque_uids():
    built, lab, port = booked_programme()

    feed = event_feed(built, SETTINGS, NOW)

    assert [item.uid for item in feed.items] == [
        f"event-{EVENT_ID}",
        f"visit-{lab.id}",
        f"visit-{port.id}",
    ]
    assert feed.meta.source_url == f"https://calendar.example.eu/feeds/events/{EVENT_ID}.ics"
    assert feed.meta.timezone == "Europe/Brussels"
    assert str(feed.items[1].start.tzinfo) == "Europe/Brussels"


def test_no_feed_carries_emails_host_contacts_or_registration_ids():
    built, lab, _port = booked_programme()
    token = lab.host.feed_token

    for feed in (
        event_feed(built, SETTINGS, NOW),
        participant_feed(built, "feed-r1", SETTINGS, NOW),
        host_feed(built, token, SETTINGS, NOW),
    ):
        unfolded = render_feed(feed.meta, feed.items).replace(b"\r\n ", b"")
        body = unfolded.replace(feed.meta.source_url.encode(), b"")
        for secret in (b"@", b"Bo Peeters", b"r1", b"r2", b"ATTENDEE", b"ORGANIZER"):
            assert secret not in body


def test_a_participants_feed_has_their_workshop_and_only_their_visits():
    built, lab, _port = booked_programme()

    feed = participant_feed(built, "feed-r1", SETTINGS, NOW)

    assert [item.uid for item in feed.items] == [f"event-{EVENT_ID}", f"visit-{lab.id}"]
    assert feed.meta.name.endswith("my programme")


def test_a_participant_who_is_no_longer_confirmed_gets_an_empty_feed():
    built, _lab, _port = booked_programme()
    built.record_registration(registered("r1", "cancelled", sent_at=NOW), NOW)

    assert participant_feed(built, "feed-r1", SETTINGS, NOW).items == []


def test_a_hosts_feed_has_only_its_visits_with_the_group_size():
    built, lab, _port = booked_programme()

    (item,) = host_feed(built, lab.host.feed_token, SETTINGS, NOW).items

    assert item.uid == f"visit-{lab.id}"
    assert item.description.startswith("Group size: 1 of 12 seats")


def test_a_cancelled_visit_stays_with_a_higher_sequence_until_the_retention_ends():
    built, lab, _port = booked_programme()
    built.cancel_visit(lab.id, "host closed", NOW)

    shown = event_feed(built, SETTINGS, NOW + timedelta(days=29)).items[1]
    assert (shown.uid, shown.status, shown.sequence) == (f"visit-{lab.id}", "CANCELLED", 1)
    assert "Cancelled: host closed" in shown.description
    later = event_feed(built, SETTINGS, NOW + timedelta(days=31)).items
    assert f"visit-{lab.id}" not in [item.uid for item in later]


def test_the_booked_participant_still_sees_a_cancelled_visit_as_cancelled():
    built, lab, _port = booked_programme()
    built.cancel_visit(lab.id, None, NOW)

    items = participant_feed(built, "feed-r1", SETTINGS, NOW).items

    assert [(i.uid, i.status) for i in items][1] == (f"visit-{lab.id}", "CANCELLED")


def test_a_cancelled_workshop_shows_as_cancelled_with_registrations_sequence():
    built, _lab, _port = booked_programme()
    built.apply_snapshot(event_snapshot(status="cancelled", sequence=3, updated_at=NOW), NOW)

    workshop = event_feed(built, SETTINGS, NOW).items[0]

    assert (workshop.status, workshop.sequence) == ("CANCELLED", 3)
    assert {item.status for item in event_feed(built, SETTINGS, NOW).items} == {"CANCELLED"}


def test_an_items_dtstamp_and_last_modified_are_its_own_last_change():
    built, lab, _port = booked_programme()
    later = NOW + timedelta(hours=5)
    built.edit_visit(lab.id, {"title": "New title"}, POLICY, later)

    items = {item.uid: item for item in event_feed(built, SETTINGS, later).items}

    assert items[f"visit-{lab.id}"].last_modified == later
    assert items[f"event-{EVENT_ID}"].last_modified == built.updated_at
