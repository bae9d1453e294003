from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar, Timezone

from services.notifications.adapters import imip
from services.notifications.adapters.imip import build_invitation_ics
from services.notifications.domain.outgoing_mail import Invitation

BRUSSELS = ZoneInfo("Europe/Brussels")
LATER = datetime(2025, 4, 10, 12, 0, tzinfo=UTC)
MUCH_LATER = datetime(2025, 4, 20, 12, 0, tzinfo=UTC)


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def unfolded(ics: bytes) -> str:
    return ics.decode("utf-8").replace("\r\n ", "")


def reschedule(invitation: Invitation) -> Invitation:
    return invitation.rescheduled(
        start=datetime(2025, 5, 15, 14, 0, tzinfo=BRUSSELS),
        end=datetime(2025, 5, 15, 17, 0, tzinfo=BRUSSELS),
        location="Havenhuis, Antwerpen",
        at=LATER,
    )


def test_a_rescheduled_request_keeps_the_uid_and_raises_the_sequence(invitation):
    first = parse(build_invitation_ics(invitation))
    second = parse(build_invitation_ics(reschedule(invitation)))

    assert second["METHOD"] == first["METHOD"] == "REQUEST"
    assert second.events[0]["UID"] == first.events[0]["UID"]
    assert second.events[0]["SEQUENCE"] > first.events[0]["SEQUENCE"]
    assert second.events[0].start == datetime(2025, 5, 15, 14, 0, tzinfo=BRUSSELS)


def test_a_cancel_keeps_the_uid_raises_the_sequence_and_marks_the_event_cancelled(invitation):
    rescheduled = reschedule(invitation)
    request = parse(build_invitation_ics(rescheduled)).events[0]
    cancel_calendar = parse(build_invitation_ics(rescheduled.cancelled(at=MUCH_LATER)))
    cancel = cancel_calendar.events[0]

    assert cancel_calendar["METHOD"] == "CANCEL"
    assert cancel["UID"] == request["UID"]
    assert cancel["SEQUENCE"] > request["SEQUENCE"]
    assert cancel["STATUS"] == "CANCELLED"


def test_the_invitation_names_exactly_one_attendee_the_recipient(invitation):
    ics = build_invitation_ics(invitation)
    attendee = parse(ics).events[0]["ATTENDEE"]

    assert unfolded(ics).count("\nATTENDEE") == 1
    assert str(attendee) == "mailto:anna.mueller@example.eu"
    assert attendee.params["CN"] == "Anna Müller"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"


def test_a_cancel_still_names_the_one_attendee_but_asks_for_no_action(invitation):
    ics = build_invitation_ics(invitation.cancelled(at=LATER))
    attendee = parse(ics).events[0]["ATTENDEE"]

    assert unfolded(ics).count("\nATTENDEE") == 1
    assert str(attendee) == "mailto:anna.mueller@example.eu"
    assert "PARTSTAT" not in attendee.params


def test_the_organizer_is_a_bare_mailto_address_with_a_common_name(invitation):
    ics = build_invitation_ics(invitation)
    organizer = parse(ics).events[0]["ORGANIZER"]

    assert str(organizer) == "mailto:visits@clusterxchange.eu"
    assert organizer.params["CN"] == "ClusterXchange Visits"
    assert 'ORGANIZER;CN="ClusterXchange Visits":mailto:visits@clusterxchange.eu' in unfolded(ics)


def test_times_carry_their_tzid_and_the_calendar_defines_that_timezone(invitation):
    ics = build_invitation_ics(invitation)
    calendar = parse(ics)

    assert "DTSTART;TZID=Europe/Brussels:20250515T130000" in unfolded(ics)
    assert "DTEND;TZID=Europe/Brussels:20250515T160000" in unfolded(ics)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//ClusterXchange//Logistics Platform//EN"


def test_dtstamp_is_the_last_change_so_the_same_invitation_always_gives_the_same_bytes(invitation):
    ics = build_invitation_ics(invitation)

    assert parse(ics).events[0]["DTSTAMP"].dt == invitation.last_modified
    assert build_invitation_ics(replace(invitation)) == ics


def test_a_request_for_a_cancelled_event_is_refused(invitation):
    with pytest.raises(ValueError, match="REQUEST"):
        build_invitation_ics(replace(invitation, status="CANCELLED"))


def test_a_cancel_for_a_confirmed_event_is_refused(invitation):
    with pytest.raises(ValueError, match="CANCEL"):
        build_invitation_ics(replace(invitation, method="CANCEL"))


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_vobject_reads_the_same_invitation(invitation, method, fresh_vobject_tzids):
    if method == "CANCEL":
        invitation = invitation.cancelled(at=LATER)
    calendar = vobject.readOne(build_invitation_ics(invitation).decode("utf-8"))
    event = calendar.vevent

    assert calendar.method.value == method
    assert event.uid.value == "visit-0042@clusterxchange.eu"
    assert int(event.sequence.value) == invitation.sequence
    assert event.status.value == invitation.status
    assert event.dtstart.value == invitation.start
    assert event.dtend.value == invitation.end
    assert [a.value for a in event.attendee_list] == ["mailto:anna.mueller@example.eu"]
    assert event.organizer.value == "mailto:visits@clusterxchange.eu"


def test_the_kept_vtimezone_gives_the_bytes_of_a_calendar_built_whole_by_icalendar(invitation):
    whole = Calendar()
    for name, value in (("PRODID", imip.PRODID), ("VERSION", "2.0"), ("CALSCALE", "GREGORIAN")):
        whole.add(name, value)
    whole.add("METHOD", "REQUEST")
    zone = Timezone.from_tzid(
        "Europe/Brussels", first_date=date(2025, 1, 1), last_date=date(2026, 1, 1)
    )
    zone.pop("COMMENT", None)
    whole.add_component(zone)
    whole.add_component(imip._event(invitation))

    assert build_invitation_ics(invitation) == whole.to_ical()
    assert build_invitation_ics(invitation) == build_invitation_ics(invitation)  # kept copy
