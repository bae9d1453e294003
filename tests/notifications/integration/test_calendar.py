"""Invitations as they arrive over SMTP: REQUEST, rescheduled REQUEST, CANCEL, none at all."""

from datetime import timedelta

import pytest

from tests import libical
from tests.feed_parsers import MULTI_LINE, ONE_LINE, stored
from tests.notifications import factories as f
from tests.notifications.harness import apply, deliver

pytestmark = pytest.mark.integration


def received(smtp_server, count: int):
    return smtp_server.wait_for_messages(count)[-1]


def test_a_confirmation_arrives_with_a_request_from_us_to_the_recipient_alone(
    make_service, smtp_server
):
    app = make_service()
    apply(app, f.envelope("registration.confirmed", f.registration("confirmed")))
    deliver(app)

    email = received(smtp_server, 1)
    (vevent,) = f.calendar_of(email).events
    assert f.invitation_facts(email) == ("REQUEST", "event-ev-1", 0)
    assert str(vevent["ORGANIZER"]) == "mailto:workshops@cx.example.eu"
    assert str(vevent["ATTENDEE"]) == "mailto:anna1@example.eu"
    assert [p.get_content_type() for p in email.iter_parts()][-1] == "text/calendar"
    assert "https://cx.example.eu/manage/token-1" in email.get_body(("plain",)).get_content()


def test_a_rescheduled_visit_arrives_as_a_request_with_a_higher_sequence(make_service, smtp_server):
    app = make_service()
    apply(
        app,
        f.envelope("registration.confirmed", f.registration("confirmed")),
        f.envelope("visit.participant_added", {"visit": f.visit(), "registration_id": "reg-1"}),
    )
    later = f.VISIT_START + timedelta(hours=2)
    moved = f.visit(start=later, end=later + timedelta(hours=3), sequence=1, updated_at=f.NOW)
    change = {"field": "start", "old": "13:00", "new": "15:00"}
    apply(
        app,
        f.envelope(
            "visit.updated", {"visit": moved, "changes": [change], "participants": ["reg-1"]}
        ),
    )
    deliver(app)

    by_subject = {m["Subject"]: m for m in smtp_server.wait_for_messages(3)}
    joined = by_subject["Study visit booked: Port of Antwerp-Bruges"]
    changed = by_subject["Study visit changed: Port of Antwerp-Bruges"]
    assert f.invitation_facts(joined) == ("REQUEST", "visit-v-1", 0)
    assert f.invitation_facts(changed) == ("REQUEST", "visit-v-1", 1)
    assert f.calendar_of(changed).events[0].start == later
    assert "When: Thursday, 15 May 2025, 13:00 CEST → Thursday, 15 May 2025, 15:00 CEST" in (
        changed.get_body(("plain",)).get_content()
    )


def test_a_cancelled_registration_arrives_as_a_cancel_with_the_same_uid_and_a_higher_sequence(
    make_service, smtp_server
):
    app = make_service()
    apply(app, f.envelope("registration.confirmed", f.registration("confirmed")))
    apply(
        app, f.envelope("registration.cancelled", f.registration("cancelled", reason="participant"))
    )
    deliver(app)

    request, cancel = sorted(smtp_server.wait_for_messages(2), key=f.invitation_facts, reverse=True)
    assert f.invitation_facts(request) == ("REQUEST", "event-ev-1", 0)
    assert f.invitation_facts(cancel) == ("CANCEL", "event-ev-1", 1)
    assert f.calendar_of(cancel).events[0]["STATUS"] == "CANCELLED"


def test_a_cancelled_visit_arrives_as_a_cancel(make_service, smtp_server):
    app = make_service()
    apply(
        app,
        f.envelope("registration.confirmed", f.registration("confirmed")),
        f.envelope("visit.participant_added", {"visit": f.visit(), "registration_id": "reg-1"}),
    )
    gone = f.visit(status="cancelled", sequence=1, updated_at=f.NOW)
    apply(app, f.envelope("visit.cancelled", {"visit": gone, "participants": ["reg-1"]}))
    deliver(app)

    (cancel,) = [
        m for m in smtp_server.wait_for_messages(3) if m["Subject"].startswith("Study visit c")
    ]
    assert f.invitation_facts(cancel) == ("CANCEL", "visit-v-1", 1)


def test_a_rejection_arrives_without_any_calendar_part(make_service, smtp_server):
    app = make_service()
    rejected = f.registration("rejected", reason="Reserved for cluster managers.")
    apply(app, f.envelope("registration.rejected", rejected))
    deliver(app)

    email = received(smtp_server, 1)
    assert f.calendar_of(email) is None
    assert "Reserved for cluster managers." in email.get_body(("plain",)).get_content()


def test_invitations_with_hostile_text_pass_libicals_itip_checks_and_keep_the_text(
    make_service, smtp_server
):
    venue = f.event()["venue"] | {"name": ONE_LINE}
    event = f.event(title=ONE_LINE, description=MULTI_LINE, venue=venue)
    person = f.registration("confirmed")["participant"] | {"name": ONE_LINE}
    app = make_service()
    for status in ("confirmed", "cancelled"):
        payload = f.registration(status, event=event, participant=person, reason="participant")
        apply(app, f.envelope(f"registration.{status}", payload))
    deliver(app)

    for email in smtp_server.wait_for_messages(2):
        (part,) = [p for p in email.walk() if p.get_content_type() == "text/calendar"]
        parsed = libical.parse(part.get_payload(decode=True))
        assert parsed.errors == []  # RFC 5546: ORGANIZER, ATTENDEE, SEQUENCE … all present
        (read,) = parsed.events
        assert ONE_LINE in read["summary"] and stored(MULTI_LINE) in read["description"]
        assert ONE_LINE in read["location"]
