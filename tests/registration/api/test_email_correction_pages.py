"""The registration's organiser page: correcting the address asks first, naming the old and
the new address and who is emailed; refusals show the form again; the history shows it."""

from __future__ import annotations

import html
import re

import pytest

from tests.registration.api.test_pages import csrf, field_errors, logged_in  # noqa: F401
from tests.registration.conftest import person

pytestmark = pytest.mark.integration


@pytest.fixture
def registered(client, organiser, published_event):
    event = published_event()

    def make(n: int, **overrides) -> str:
        path = f"/api/v1/events/{event['id']}/registrations"
        return client.post(path, json=person(n, **overrides), headers=organiser).json["id"]

    return make


def page(client, registration_id: str):
    return client.get(f"/organiser/registrations/{registration_id}")


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def correct(client, registration_id: str, token: str, **fields):
    data = {"csrf_token": token, "email": "ana@example.org", "reason": "Bounced: typo"} | fields
    return client.post(f"/organiser/registrations/{registration_id}/email", data=data)


def email_of(client, organiser, registration_id: str) -> str:
    return client.get(f"/api/v1/registrations/{registration_id}", headers=organiser).json["email"]


def test_the_roster_links_each_name_to_its_registration_page(client, logged_in, registered):  # noqa: F811
    registration_id = registered(1)
    event_page = client.get(f"/organiser/events/{_event_of(client, registration_id)}")

    assert f'href="/organiser/registrations/{registration_id}"' in text(event_page)


def _event_of(client, registration_id: str) -> str:
    shown = text(page(client, registration_id))
    return re.search(r'href="/organiser/events/([\w-]+)"', shown).group(1)


def test_the_page_shows_the_address_the_form_and_an_empty_history(client, logged_in, registered):  # noqa: F811
    registration_id = registered(1)

    shown = page(client, registration_id)

    assert shown.status_code == 200
    body = text(shown)
    assert 'id="current-email">p1@example.org<' in body
    assert 'id="correct-email-form"' in body and 'name="resend_failed" type="checkbox"' in body
    assert "Nothing was changed by organisers." in body


def test_the_form_opens_a_confirmation_naming_both_addresses_and_changes_nothing(
    client,
    logged_in,  # noqa: F811
    registered,
    organiser,
):
    registration_id = registered(1, email="ana@exmaple.org")

    asked = correct(client, registration_id, logged_in, resend_failed="true")

    assert asked.status_code == 200
    body = text(asked)
    assert 'id="confirm-form"' in body
    assert "ana@exmaple.org is replaced by ana@example.org" in body
    assert (
        "Participant B at ana@example.org: the emails that failed to reach ana@exmaple.org" in body
    )
    assert 'name="email" value="ana@example.org"' in body
    assert 'name="resend_failed" value="true"' in body
    assert email_of(client, organiser, registration_id) == "ana@exmaple.org"


def test_without_resending_the_confirmation_says_nobody_is_emailed(client, logged_in, registered):  # noqa: F811
    registration_id = registered(1)

    body = text(correct(client, registration_id, logged_in))

    assert "Nobody: no email is sent." in body and "delivery log" in body


def test_the_confirmed_correction_flashes_and_shows_in_the_history(
    client,
    logged_in,  # noqa: F811
    registered,
    organiser,
):
    registration_id = registered(1, email="ana@exmaple.org")

    done = correct(client, registration_id, logged_in, confirmed="yes", resend_failed="false")

    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"/organiser/registrations/{registration_id}")
    body = text(client.get(done.headers["Location"]))
    assert "The address of Participant B is now ana@example.org." in body
    history = body.split('id="history"', 1)[1]
    assert "Email corrected" in history and "ana@exmaple.org → ana@example.org" in history
    assert "Tess" in history and "Bounced: typo" in history
    assert email_of(client, organiser, registration_id) == "ana@example.org"


@pytest.mark.parametrize("email", ["", "not-an-address", "a@b.eu\r\nBcc: x@y.eu"])
def test_a_bad_address_shows_the_form_again_with_a_422(
    client,
    logged_in,  # noqa: F811
    registered,
    organiser,
    email,
):
    registration_id = registered(1)

    refused = correct(client, registration_id, logged_in, email=email, confirmed="yes")

    assert refused.status_code == 422 and "email" in field_errors(refused)
    assert email_of(client, organiser, registration_id) == "p1@example.org"


def test_a_taken_address_shows_the_form_again_with_a_409(
    client,
    logged_in,  # noqa: F811
    registered,
    organiser,
):
    registered(1, email="ana@example.org")
    other = registered(2)

    refused = correct(client, other, logged_in, confirmed="yes")

    assert refused.status_code == 409
    assert "Not possible: another registration" in text(refused)
    assert 'value="ana@example.org"' in text(refused)  # what was typed stays
    assert email_of(client, organiser, other) == "p2@example.org"


def test_a_post_without_the_csrf_token_is_refused(client, logged_in, registered, organiser):  # noqa: F811
    registration_id = registered(1)

    refused = correct(client, registration_id, "forged", confirmed="yes")

    assert refused.status_code == 400
    assert email_of(client, organiser, registration_id) == "p1@example.org"


def test_an_erased_registration_shows_no_form(client, logged_in, registered, organiser):  # noqa: F811
    registration_id = registered(1)
    client.post(f"/api/v1/registrations/{registration_id}/erase", headers=organiser)

    body = text(page(client, registration_id))

    assert 'id="correct-email-form"' not in body and "@invalid" not in body


def test_without_a_login_the_page_leads_to_the_login(client, registered):
    registration_id = registered(1)

    assert page(client, registration_id).status_code == 302


def test_an_unknown_registration_is_a_404(client, logged_in):  # noqa: F811
    assert page(client, "00000000-0000-0000-0000-000000000000").status_code == 404


def test_an_unverified_registration_offers_no_form_and_says_why(
    client,
    logged_in,  # noqa: F811
    organiser,
    published_event,
):
    event = published_event(verify_email=True)
    path = f"/api/v1/events/{event['id']}/registrations"
    client.post(path, json=person(1))
    [row] = client.get(path, headers=organiser).json["items"]

    body = text(page(client, row["id"]))

    assert 'id="correct-email-form"' not in body and 'id="not-verified"' in body


def test_the_page_and_its_confirmation_speak_the_organisers_language(
    client,
    logged_in,  # noqa: F811
    registered,
):
    registration_id = registered(1)
    german = {"Accept-Language": "de"}

    shown = client.get(f"/organiser/registrations/{registration_id}", headers=german)
    data = {"csrf_token": logged_in, "email": "ana@example.org", "resend_failed": "true"}
    asked = client.post(
        f"/organiser/registrations/{registration_id}/email", data=data, headers=german
    )

    assert "E-Mail-Adresse korrigieren" in text(shown) and "Verlauf" in text(shown)
    assert "p1@example.org wird durch ana@example.org ersetzt" in text(asked)
