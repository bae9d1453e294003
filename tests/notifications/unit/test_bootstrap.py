"""Configuration from the environment: mail transport, sender, reminder lead times, retries."""

from datetime import timedelta

import pytest

from services.notifications.adapters.smtp import MailboxDirMailer, SmtpMailer
from services.notifications.bootstrap import bootstrap, lead_times, mailer_from


@pytest.mark.parametrize(
    "value, expected",
    [
        ("24h", (timedelta(hours=24),)),
        ("2h, 24h", (timedelta(hours=24), timedelta(hours=2))),
        ("1d,30m,1d", (timedelta(days=1), timedelta(minutes=30))),
        ("", ()),
    ],
)
def test_lead_times_are_read_from_a_short_list(value, expected):
    assert lead_times(value) == expected


@pytest.mark.parametrize("value", ["24", "2 hours", "-1h", "h"])
def test_an_unreadable_lead_time_is_refused_with_an_example(value):
    with pytest.raises(ValueError, match="write e.g. 24h,2h"):
        lead_times(value)


def test_without_smtp_host_mail_goes_to_the_mailbox_directory(tmp_path):
    mailer, description = mailer_from({"DATA_DIR": str(tmp_path)})

    assert isinstance(mailer, MailboxDirMailer)
    assert mailer.path == tmp_path / "mailbox"
    assert "mailbox directory" in description


@pytest.mark.parametrize(
    "security, port", [("none", 25), ("starttls", 587), ("tls", 465), (None, 587)]
)
def test_an_smtp_relay_gets_the_usual_port_for_its_security(security, port):
    env = {"SMTP_HOST": "smtp.example.eu"} | ({"SMTP_SECURITY": security} if security else {})

    mailer, description = mailer_from(env)

    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port) == ("smtp.example.eu", port)
    assert description.startswith(f"SMTP relay smtp.example.eu:{port}")


def test_sender_retries_and_lead_times_come_from_the_environment(tmp_path):
    app = bootstrap(
        {
            "DATA_DIR": str(tmp_path),
            "MAIL_FROM": "visits@cx.example.eu",
            "MAIL_FROM_NAME": "CX Visits",
            "REMINDER_LEAD_TIMES": "48h,2h",
            "EMAIL_MAX_ATTEMPTS": "3",
            "EMAIL_RETRY_BASE_SECONDS": "0.5",
        }
    )

    assert (app.postman.sender.address, app.postman.sender.name) == (
        "visits@cx.example.eu",
        "CX Visits",
    )
    assert app.policy.reminder_leads == (timedelta(hours=48), timedelta(hours=2))
    assert (app.retry.max_attempts, app.retry.base_seconds) == (3, 0.5)
    app.infrastructure.engine.dispose()


def test_the_defaults_are_a_local_sender_a_day_ahead_and_eight_attempts(tmp_path):
    app = bootstrap({"DATA_DIR": str(tmp_path)})

    assert app.postman.sender.address == "workshops@clusterxchange.local"
    assert app.policy.reminder_leads == (timedelta(hours=24),)
    assert (app.retry.max_attempts, app.retry.base_seconds) == (8, 30)
    app.infrastructure.engine.dispose()
