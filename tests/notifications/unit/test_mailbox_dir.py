from dataclasses import replace
from email import message_from_bytes, policy

import pytest

from services.notifications.adapters.mime import build_message
from services.notifications.adapters.smtp import MailboxDirMailer, eml_name
from services.notifications.domain.errors import TemporaryDeliveryError
from services.notifications.domain.outgoing_mail import WireEmail

SENDER = ("no-reply@clusterxchange.eu", "ClusterXchange", "clusterxchange.eu")


def test_sending_the_same_message_id_twice_leaves_one_file_with_the_latest_content(
    tmp_path, outgoing_email
):
    mailer = MailboxDirMailer(tmp_path / "outbox")

    mailer.send(build_message(outgoing_email, *SENDER))
    mailer.send(build_message(replace(outgoing_email, subject="Second try"), *SENDER))

    (stored,) = (tmp_path / "outbox").iterdir()
    assert stored.suffix == ".eml"
    assert message_from_bytes(stored.read_bytes(), policy=policy.default)["Subject"] == "Second try"


def test_different_message_ids_get_different_files(tmp_path, outgoing_email):
    mailer = MailboxDirMailer(tmp_path)

    mailer.send(build_message(outgoing_email, *SENDER))
    mailer.send(build_message(replace(outgoing_email, message_id_key="other"), *SENDER))

    assert len(list(tmp_path.glob("*.eml"))) == 2
    assert not list(tmp_path.glob(".*"))


def test_a_stored_message_is_the_very_bytes_sent_and_reads_back_with_its_calendar_part(
    tmp_path, outgoing_email
):
    msg = build_message(outgoing_email, *SENDER)

    MailboxDirMailer(tmp_path).send(msg)

    assert (tmp_path / eml_name(msg.message_id)).read_bytes() == msg.data
    stored = message_from_bytes((tmp_path / eml_name(msg.message_id)).read_bytes())
    assert [part.get_content_type() for part in stored.walk()][-1] == "text/calendar"


def test_file_names_keep_only_safe_characters():
    assert eml_name("<3f2a@clusterxchange.eu>") == "3f2a@clusterxchange.eu.eml"
    assert eml_name("<../../etc/passwd>") == ".._.._etc_passwd.eml"


def test_a_message_without_message_id_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Message-ID"):
        MailboxDirMailer(tmp_path).send(WireEmail("a@cx.eu", "b@cx.eu", "", b"To: b@cx.eu\r\n"))


def test_an_unwritable_directory_is_a_temporary_failure(tmp_path, outgoing_email):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")

    with pytest.raises(TemporaryDeliveryError):
        MailboxDirMailer(blocker).send(build_message(outgoing_email, *SENDER))
