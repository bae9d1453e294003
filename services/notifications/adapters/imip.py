"""Build iTIP (RFC 5546) calendars for iMIP emails: one VEVENT, addressed to one attendee."""

from __future__ import annotations

from datetime import UTC, date
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from services.notifications.domain.outgoing_mail import Invitation

PRODID = "-//ClusterXchange//Logistics Platform//EN"


def build_invitation_ics(inv: Invitation) -> bytes:
    """Serialise inv as a METHOD:REQUEST or METHOD:CANCEL calendar; same input, same bytes."""
    if (inv.method == "CANCEL") != (inv.status == "CANCELLED"):
        raise ValueError(f"a {inv.method} cannot carry a {inv.status} event")
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", inv.method)
    calendar.add_component(_event(inv))
    first, last = date(inv.start.year, 1, 1), date(inv.end.year + 1, 1, 1)
    zones = b"".join(_vtimezone(tzid, first, last) for tzid in sorted(calendar.get_missing_tzids()))
    head, event, tail = calendar.to_ical().partition(b"BEGIN:VEVENT\r\n")
    return head + zones + event + tail


def _event(inv: Invitation) -> Event:
    event = Event()
    event.add("UID", inv.uid)
    event.add("SEQUENCE", inv.sequence)
    event.add("DTSTAMP", inv.last_modified.astimezone(UTC))
    event.add("LAST-MODIFIED", inv.last_modified.astimezone(UTC))
    event.add("DTSTART", inv.start)
    event.add("DTEND", inv.end)
    event.add("SUMMARY", vText(inv.summary))  # typed, so line breaks are escaped
    for name, value in (("DESCRIPTION", inv.description), ("LOCATION", inv.location)):
        if value is not None:
            event.add(name, vText(value))
    event.add("STATUS", inv.status)
    event.add("ORGANIZER", vCalAddress.new(inv.organizer_email, cn=inv.organizer_name))
    event.add("ATTENDEE", _attendee(inv))
    return event


def _attendee(inv: Invitation) -> vCalAddress:
    """The recipient alone: an invitation never discloses the other participants."""
    partstat = "NEEDS-ACTION" if inv.method == "REQUEST" else None
    return vCalAddress.new(
        inv.attendee_email, cn=inv.attendee_name, role="REQ-PARTICIPANT", partstat=partstat
    )


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first: date, last: date) -> bytes:
    """A VTIMEZONE over whole years, without icalendar's dated COMMENT; built once per span.

    Building and serialising one cost more than a millisecond, for every invitation sent.
    """
    timezone = Timezone.from_tzid(tzid, first_date=first, last_date=last)
    timezone.pop("COMMENT", None)
    return timezone.to_ical()
