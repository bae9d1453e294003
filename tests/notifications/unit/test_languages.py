"""Emails speak the participant's language, the one the registration messages carry."""

import pytest

from services.notifications.adapters.postman import Postman, Sender
from services.notifications.domain.ports import Mailer
from tests.notifications import factories as f

HOSTILE = '<img src=x onerror="alert(1)"> Hello & Co'


class NoMailer(Mailer):
    def send(self, msg) -> None:
        raise AssertionError("not used")


@pytest.fixture
def postman():
    return Postman(NoMailer(), Sender("workshops@cx.example.eu", "ClusterXchange"))


def registered(language: str, name: str = "Kovács Anna") -> dict:
    payload = f.registration("confirmed")
    payload["participant"] |= {"language": language, "name": name}
    return payload


def test_a_hungarian_participant_gets_a_hungarian_email(handle, stored, postman):
    handle(f.envelope("registration.confirmed", registered("hu")))

    (queued,) = stored()
    msg = postman.message(queued)
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert queued.language == "hu"
    assert msg["Subject"].startswith("Jelentkezés megerősítve: ")
    assert text.startswith("Kedves Kovács Anna!")
    assert "megerősítve" in text and "A ClusterXchange csapata" in text
    assert '<html lang="hu">' in html


def test_a_serbian_participant_registered_as_sr_latn_gets_latin_script(handle, stored, postman):
    handle(f.envelope("registration.confirmed", registered("sr-Latn")))

    msg = postman.message(stored()[0])

    assert msg["Subject"].startswith("Prijava potvrđena: ")
    assert '<html lang="sr-Latn">' in msg.get_body(("html",)).get_content()


@pytest.mark.parametrize("language", ["hu", "pl", "fr"])
def test_a_hostile_name_stays_escaped_in_html_and_untranslated(handle, stored, postman, language):
    handle(f.envelope("registration.confirmed", registered(language, HOSTILE)))

    msg = postman.message(stored()[0])
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; Hello &amp; Co" in html
    assert HOSTILE in text


def asked(language: str) -> dict:
    payload = registered(language, "Greta Weber")
    return {
        "registration_id": payload["registration_id"],
        "event": payload["event"],
        "participant": payload["participant"],
        "verify_url": "https://cx.example.eu/verify/v-1",
        "expires_at": f.NOW,
    }


def test_the_verification_email_speaks_the_language_of_the_registration(handle, stored, postman):
    handle(f.envelope("registration.verification_requested", asked("de")))

    msg = postman.message(stored()[0])
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert msg["Subject"].startswith("Bitte bestätigen Sie Ihre Anmeldung: ")
    assert text.startswith("Hallo Greta Weber,") and "Jemand, vermutlich Sie," in text
    assert "Um Ihre Anmeldung zu bestätigen, öffnen Sie diesen Link:" in text
    assert '<html lang="de">' in html and "Meine Anmeldung bestätigen</a>" in html
    assert "Someone" not in text + html and "Hello" not in text + html


def test_the_already_registered_notice_speaks_the_language_of_the_registration(
    handle, stored, postman
):
    payload = {k: v for k, v in asked("pl").items() if k not in {"verify_url", "expires_at"}}
    handle(
        f.envelope("registration.already_registered", payload | {"manage_url": "https://x.eu/m"})
    )

    msg = postman.message(stored()[0])
    text = msg.get_body(("plain",)).get_content()
    assert msg["Subject"].startswith("Jesteś już zarejestrowany: ")
    assert "próbował ponownie zarejestrować ten adres" in text
    assert '<html lang="pl">' in msg.get_body(("html",)).get_content()
