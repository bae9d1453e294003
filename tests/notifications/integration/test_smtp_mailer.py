import socket

import pytest
from icalendar import Calendar

from services.notifications.adapters.mime import build_message
from services.notifications.adapters.smtp import SmtpMailer
from services.notifications.domain.errors import PermanentDeliveryError, TemporaryDeliveryError


@pytest.fixture
def msg(outgoing_email):
    return build_message(
        outgoing_email, "no-reply@clusterxchange.eu", "ClusterXchange", "clusterxchange.eu"
    )


@pytest.fixture
def mailer(smtp_server):
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, security="none", timeout=2.0)
    yield mailer
    mailer.close()


def test_a_sent_invitation_reaches_the_server_with_its_calendar_part(smtp_server, mailer, msg):
    mailer.send(msg)

    (received,) = smtp_server.messages
    (envelope,) = smtp_server.envelopes
    assert envelope.mail_from == "no-reply@clusterxchange.eu"
    assert envelope.rcpt_tos == ["anna.mueller@example.eu"]
    assert received["Message-ID"] == msg.message_id
    assert received["Subject"] == "Study visit booked: Port of Antwerp-Bruges – Zeebrügge"
    assert received.get_body(("plain",)).get_content() == (
        "Hello Anna Müller,\r\n\r\nYou have joined the study visit.\r\n"
    )
    assert received["To"].addresses[0].display_name == "Anna Müller"
    (calendar,) = [part for part in received.walk() if part.get_content_type() == "text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    assert Calendar.from_ical(calendar.get_content())["METHOD"] == "REQUEST"


def test_a_refused_recipient_is_a_permanent_failure_carrying_the_servers_reply(
    smtp_server, mailer, msg
):
    smtp_server.mode = "perm"

    with pytest.raises(PermanentDeliveryError) as failure:
        mailer.send(msg)

    assert (failure.value.code, failure.value.reply) == (550, "550 5.1.1 mailbox unavailable")
    assert smtp_server.messages == []


def test_a_try_later_reply_is_a_temporary_failure_carrying_the_servers_reply(
    smtp_server, mailer, msg
):
    smtp_server.mode = "temp"

    with pytest.raises(TemporaryDeliveryError) as failure:
        mailer.send(msg)

    assert (failure.value.code, failure.value.reply) == (451, "451 4.3.0 try later")


def test_a_server_that_is_down_is_a_temporary_failure(smtp_server, mailer, msg):
    smtp_server.stop()

    with pytest.raises(TemporaryDeliveryError, match="ConnectionRefusedError"):
        mailer.send(msg)


def test_mail_gets_through_again_once_the_server_is_back(smtp_server, mailer, msg):
    smtp_server.stop()
    with pytest.raises(TemporaryDeliveryError):
        mailer.send(msg)
    smtp_server.start()

    mailer.send(msg)

    assert [m["Message-ID"] for m in smtp_server.wait_for_messages(1)] == [msg.message_id]


def test_a_server_that_never_answers_times_out_as_a_temporary_failure(msg):
    with socket.create_server(("127.0.0.1", 0)) as silent:
        mailer = SmtpMailer("127.0.0.1", silent.getsockname()[1], security="none", timeout=0.2)

        with pytest.raises(TemporaryDeliveryError, match="timed out"):
            mailer.send(msg)


def test_starttls_is_never_skipped_when_the_relay_does_not_offer_it(smtp_server, msg):
    mailer = SmtpMailer(smtp_server.host, smtp_server.port, security="starttls", timeout=2.0)

    with pytest.raises(TemporaryDeliveryError, match="STARTTLS"):
        mailer.send(msg)

    assert smtp_server.messages == []
