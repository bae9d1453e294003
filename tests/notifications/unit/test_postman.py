"""A notification becomes an email in the recipient's language, with its iMIP part."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.notifications.adapters.postman import Postman, Sender
from services.notifications.domain.notification import CalendarPart, Notification
from services.notifications.domain.ports import Mailer
from tests.notifications.factories import calendar_of

BRUSSELS = ZoneInfo("Europe/Brussels")
SENDER = Sender("workshops@cx.example.eu", "ClusterXchange")


class NoMailer(Mailer):
    def send(self, msg) -> None:
        raise AssertionError("not used")


def notification(language: str = "en", method: str | None = "REQUEST") -> Notification:
    start = datetime(2025, 5, 14, 9, 30, tzinfo=BRUSSELS)
    calendar = CalendarPart(
        uid="event-ev-1",
        sequence=2,
        method=method,
        summary="Matchmaking",
        description=None,
        location="Square, Brussels",
        start=start,
        end=start.replace(hour=17),
        stamp=datetime(2025, 5, 1, tzinfo=UTC),
    )
    return Notification(
        id="n-1",
        source_message_id="m-1",
        registration_id="reg-1",
        kind="registration_confirmed",
        event_id="ev-1",
        recipient_email="anna@example.eu",
        recipient_name="Anna Müller",
        language=language,
        context={
            "event_title": "Matchmaking",
            "event_start": start,
            "manage_url": "https://cx.example.eu/manage/t",
            "feed_url": "https://cx.example.eu/feeds/f.ics",
        },
        calendar=calendar if method else None,
        created_at=start,
        next_attempt_at=start,
    )


@pytest.fixture
def postman():
    return Postman(NoMailer(), SENDER)


def test_the_invitation_comes_from_us_to_the_one_recipient(postman):
    msg = postman.message(notification())

    calendar = calendar_of(msg)
    (event,) = calendar.events
    assert (calendar["METHOD"], event["UID"], event["SEQUENCE"]) == ("REQUEST", "event-ev-1", 2)
    assert str(event["ORGANIZER"]) == "mailto:workshops@cx.example.eu"
    assert str(event["ATTENDEE"]) == "mailto:anna@example.eu"
    assert msg["To"].addresses[0].addr_spec == "anna@example.eu"


def test_a_cancel_carries_status_cancelled(postman):
    (event,) = calendar_of(postman.message(notification(method="CANCEL"))).events

    assert event["STATUS"] == "CANCELLED"


def test_the_email_speaks_the_recipients_language_with_their_links(postman):
    msg = postman.message(notification(language="de", method=None))

    assert msg["Subject"] == "Anmeldung bestätigt: Matchmaking"
    text = msg.get_body(("plain",)).get_content()
    assert text.startswith("Hallo Anna Müller,")
    assert "https://cx.example.eu/manage/t" in text and "https://cx.example.eu/feeds/f.ics" in text
    assert calendar_of(msg) is None


def test_the_message_id_depends_only_on_the_notification(postman):
    first, again = postman.message(notification()), postman.message(notification())

    assert first["Message-ID"] == again["Message-ID"]
    assert first["Message-ID"].endswith("@cx.example.eu>")
