from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest
import vobject
from icalendar import Calendar

from services.notifications.adapters.mime import build_message

SENDER = ("no-reply@clusterxchange.eu", "ClusterXchange – Équipe", "clusterxchange.eu")


def wire(built):
    """The message as a mail program reads it: parsed back, with newline line ends."""
    return message_from_bytes(built.data.replace(b"\r\n", b"\n"), policy=policy.default)


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

    assert first.message_id == again.message_id != other.message_id
    assert first.message_id.startswith("<") and first.message_id.endswith("@clusterxchange.eu>")
    assert len(first.message_id.split("@")[0]) == 1 + 32
    assert wire(first)["Message-ID"] == first.message_id


def test_names_and_subject_are_encoded_for_the_wire_and_decode_back(outgoing_email):
    raw = build_message(outgoing_email, *SENDER).data
    headers = raw.split(b"\r\n\r\n", 1)[0]
    msg = wire(build_message(outgoing_email, *SENDER))

    assert headers.isascii()
    assert msg["To"].addresses[0].display_name == "Anna Müller"
    assert msg["From"].addresses[0].display_name == "ClusterXchange – Équipe"
    assert msg["Subject"] == outgoing_email.subject


def test_bodies_are_seven_bit_safe_for_relays_without_8bitmime(outgoing_email):
    raw = build_message(outgoing_email, *SENDER).data

    assert raw.isascii()


def test_the_date_header_is_now_and_the_mail_is_marked_automatic(outgoing_email):
    msg = wire(build_message(outgoing_email, *SENDER))

    assert abs((datetime.now(UTC) - parsedate_to_datetime(msg["Date"])).total_seconds()) < 60
    assert msg["Auto-Submitted"] == "auto-generated"


def test_a_long_ascii_subject_stays_on_the_subject_line(outgoing_email):
    subject = "Registration confirmed: Smart energy clusters: joint learning workshop"
    raw = build_message(replace(outgoing_email, subject=subject), *SENDER).data
    assert f"Subject: {subject}\r\n".encode() in raw


def received(built):
    """The message exactly as a relay receives it (CRLF lines), parsed back."""
    return message_from_bytes(built.data, policy=policy.default)


def header_names(msg):
    return [name.lower() for name in msg]


TOP_HEADERS = [
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "auto-submitted",
    "mime-version",
    "content-type",
]


def test_every_line_ends_in_crlf_and_stays_within_the_rfc_limits(outgoing_email):
    raw = build_message(outgoing_email, *SENDER).data
    lines = raw.split(b"\r\n")

    assert raw.endswith(b"\r\n") and lines[-1] == b""
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    assert max(len(line) for line in lines) <= 998


def test_the_message_parses_without_defects_in_any_part(outgoing_email):
    msg = received(build_message(outgoing_email, *SENDER))

    assert header_names(msg) == TOP_HEADERS
    assert [part.defects for part in msg.walk()] == [[], [], [], []]
    assert msg["MIME-Version"] == "1.0"


def test_the_envelope_is_the_sender_and_the_one_recipient(outgoing_email):
    built = build_message(outgoing_email, *SENDER)

    assert (built.sender, built.recipient) == (
        "no-reply@clusterxchange.eu",
        outgoing_email.to_address,
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "Eve\r\nBcc: victim@evil.example",
        "Eve\nBcc: victim@evil.example",
        "Eve\rBcc: victim@evil.example",
        "Eve\r\n\r\n--boundary\r\nContent-Type: text/html",
        "Eve\u2028Bcc: victim@evil.example",
        "Eve\x00\x0b\x1b\x85 Bcc: victim@evil.example",
        "Évé\r\nBcc: victim@evil.example",
    ],
)
def test_line_breaks_in_names_and_subjects_never_start_a_header(outgoing_email, hostile):
    built = build_message(
        replace(outgoing_email, to_name=hostile, subject=hostile),
        SENDER[0],
        hostile,
        SENDER[2],
    )
    msg = received(built)
    head = built.data.split(b"\r\n\r\n", 1)[0]

    assert header_names(msg) == TOP_HEADERS
    assert b"\r\nBcc" not in head and b"\nBcc" not in head
    assert [a.addr_spec for a in msg["To"].addresses] == [outgoing_email.to_address]
    assert [a.addr_spec for a in msg["From"].addresses] == [SENDER[0]]
    for text in (msg["Subject"], msg["To"].addresses[0].display_name):
        assert "Bcc: victim@evil.example" in text or "Content-Type" in text
        assert not any(char in text for char in "\r\n\x00\x0b\u2028")


@pytest.mark.parametrize(
    "name",
    [
        'Eve "the boss" <boss@evil.example>, mallory@evil.example',
        "O'Brien, Seán",
        'back\\slash \\" quote',
        "=?utf-8?b?Qm9zcw==?=",
        "Anna Müller",
        "Ünïcødé " * 40,
        "😀 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "Zoë (Cluster) ; <x@y>",
    ],
)
def test_any_name_reads_back_exactly_and_leaves_a_single_recipient(outgoing_email, name):
    built = build_message(replace(outgoing_email, to_name=name), SENDER[0], name, SENDER[2])
    msg = received(built)

    (to,) = msg["To"].addresses
    (sender,) = msg["From"].addresses
    assert (to.display_name, to.addr_spec) == (name.strip(), outgoing_email.to_address)
    assert (sender.display_name, sender.addr_spec) == (name.strip(), SENDER[0])
    assert msg.defects == []


@pytest.mark.parametrize(
    "subject",
    [
        "Anmeldung bestätigt: Smart Energy – Clusters „Zukunft“",
        "Ünïcødé " * 60,
        "=?utf-8?b?RmFrZQ==?= not really encoded",
        "x" * 950,
        "Registration confirmed: 😀",
    ],
)
def test_any_subject_reads_back_exactly_on_short_lines(outgoing_email, subject):
    built = build_message(replace(outgoing_email, subject=subject), *SENDER)
    head = built.data.split(b"\r\n\r\n", 1)[0]

    assert received(built)["Subject"] == subject.strip()
    assert head.isascii()
    assert max(len(line) for line in head.split(b"\r\n")) <= 998


@pytest.mark.parametrize(
    "body",
    [
        "plain ascii\nsecond line\n",
        "Grüße aus Brüssel,\r\nzweite Zeile mit Leerzeichen am Ende   \n",
        "a line that is far too long " * 100 + "\n",
        ".\n..\nFrom the start\n--=_not-our-boundary\n--\n",
        "equals = signs =3D and =?utf-8?q?x?= tabs\tend\t\n",
        "no final newline ü",
        "",
    ],
)
def test_bodies_read_back_exactly_with_newline_line_ends(outgoing_email, body):
    built = build_message(replace(outgoing_email, text_body=body, html_body=body), *SENDER)
    msg = wire(built)
    expected = "\n".join(body.splitlines()) + "\n"

    assert msg.get_body(("plain",)).get_content() == expected
    assert msg.get_body(("html",)).get_content() == expected
    assert built.data.isascii()


def test_quoted_printable_lines_stay_within_76_characters(outgoing_email):
    body = "Grüße " * 200 + "\n"
    built = build_message(replace(outgoing_email, text_body=body), *SENDER)
    plain = built.data.split(b"Content-Transfer-Encoding: quoted-printable\r\n\r\n", 1)[1]
    lines = plain.split(b"\r\n--=_", 1)[0].split(b"\r\n")

    assert max(len(line) for line in lines) <= 76


@pytest.mark.parametrize(
    "address",
    [
        "anna@example.eu\r\nBcc: victim@evil.example",
        "anna@example.eu>, <victim@evil.example",
        "anna @example.eu",
        "anna",
        "ännä@example.eu",
        "",
    ],
)
def test_an_address_that_could_not_be_sent_safely_is_refused(outgoing_email, address):
    with pytest.raises(ValueError, match="address"):
        build_message(replace(outgoing_email, to_address=address), *SENDER)


def test_an_international_domain_goes_out_in_idna(outgoing_email):
    built = build_message(replace(outgoing_email, to_address="anna@bücher.example"), *SENDER)

    assert built.recipient == "anna@xn--bcher-kva.example"
    assert received(built)["To"].addresses[0].addr_spec == "anna@xn--bcher-kva.example"
