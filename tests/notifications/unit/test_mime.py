from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest
import vobject
from icalendar import Calendar

from services.notifications.adapters.mime import build_message

SENDER = ("no-reply@clusterxchange.eu", "ClusterXchange – Équipe", "clusterxchange.eu")


def wire(msg):
    """The message as a relay would receive it, parsed back."""
    return message_from_bytes(msg.as_bytes(), policy=policy.default)


def parts(msg):
    return [part.get_content_type() for part in msg.iter_parts()]


def calendar_part(msg):
    (part,) = [part for part in msg.iter_parts() if part.get_content_type() == "text/calendar"]
    return part


def test_an_invitation_email_is_text_then_html_then_an_inline_calendar(outgoing_email):
    msg = wire(build_message(outgoing_email, *SENDER))

    assert msg.get_content_type() == "multipart/alternative"
    assert parts(msg) == ["text/plain", "text/html", "text/calendar"]
    assert all(part["Content-Disposition"] is None for part in msg.iter_parts())
    assert msg.get_body(("plain",)).get_content() == outgoing_email.text_body
    assert msg.get_body(("html",)).get_content() == outgoing_email.html_body


@pytest.mark.parametrize("cancel", [False, True], ids=["request", "cancel"])
def test_the_calendar_parts_method_parameter_matches_the_method_in_its_body(
    outgoing_email, invitation, cancel
):
    if cancel:
        invitation = invitation.cancelled(at=datetime(2025, 4, 10, tzinfo=UTC))
    msg = wire(build_message(replace(outgoing_email, invitation=invitation), *SENDER))
    part = calendar_part(msg)
    ics = part.get_content()

    assert part.get_param("method") == invitation.method
    assert part.get_content_charset() == "utf-8"
    assert Calendar.from_ical(ics)["METHOD"] == invitation.method
    assert vobject.readOne(ics).method.value == invitation.method
    assert vobject.readOne(ics).vevent.attendee.params["CN"] == ["Anna Müller"]


def test_an_email_without_invitation_has_no_calendar_part(outgoing_email):
    msg = wire(build_message(replace(outgoing_email, invitation=None), *SENDER))

    assert parts(msg) == ["text/plain", "text/html"]


def test_a_resend_of_the_same_logical_email_keeps_its_message_id(outgoing_email):
    first = build_message(outgoing_email, *SENDER)
    again = build_message(replace(outgoing_email, subject="Reminder"), *SENDER)
    other = build_message(replace(outgoing_email, message_id_key="other"), *SENDER)

    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert first["Message-ID"].startswith("<") and first["Message-ID"].endswith(
        "@clusterxchange.eu>"
    )
    assert len(first["Message-ID"].split("@")[0]) == 1 + 32


def test_names_and_subject_are_encoded_for_the_wire_and_decode_back(outgoing_email):
    raw = build_message(outgoing_email, *SENDER).as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    msg = wire(build_message(outgoing_email, *SENDER))

    assert headers.isascii()
    assert msg["To"].addresses[0].display_name == "Anna Müller"
    assert msg["From"].addresses[0].display_name == "ClusterXchange – Équipe"
    assert msg["Subject"] == outgoing_email.subject


def test_bodies_are_seven_bit_safe_for_relays_without_8bitmime(outgoing_email):
    raw = build_message(outgoing_email, *SENDER).as_bytes()

    assert raw.isascii()


def test_the_date_header_is_now_and_the_mail_is_marked_automatic(outgoing_email):
    msg = wire(build_message(outgoing_email, *SENDER))

    assert abs((datetime.now(UTC) - parsedate_to_datetime(msg["Date"])).total_seconds()) < 60
    assert msg["Auto-Submitted"] == "auto-generated"


def test_a_long_ascii_subject_stays_on_the_subject_line(outgoing_email):
    subject = "Registration confirmed: Smart energy clusters: joint learning workshop"
    wire = build_message(replace(outgoing_email, subject=subject), *SENDER).as_bytes()
    assert f"Subject: {subject}".encode() in wire
