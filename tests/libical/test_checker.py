"""The libical checker itself: it must see what libical sees, or the feed tests prove nothing."""

from tests import libical

HEAD = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
EVENT = (
    b"BEGIN:VEVENT\r\nUID:u-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260101T100000Z\r\n"
    b"SUMMARY:Visit\\; hall\\, B\\nfloor \\\\ 2 \xf0\x9f\x98\x80\r\nEND:VEVENT\r\n"
)
TAIL = b"END:VCALENDAR\r\n"


def test_escaped_text_comes_back_unescaped():
    parsed = libical.parse(HEAD + b"NAME:Energy\\, bio\r\n" + EVENT + TAIL)
    assert parsed.errors == []
    assert parsed.calname == "Energy, bio"
    summary = "Visit; hall, B\nfloor \\ 2 😀"
    assert parsed.events == [{"uid": "u-1", "summary": summary, "description": "", "location": ""}]


def test_a_publish_without_organizer_fails_the_rfc_5546_restrictions():
    parsed = libical.parse(HEAD + b"METHOD:PUBLISH\r\n" + EVENT + TAIL)
    assert any("ORGANIZER" in error for error in parsed.errors)


def test_something_that_is_not_a_calendar_is_an_error():
    assert libical.parse(b"hello\r\n").errors
