"""The organiser's webhook pages: list, create (secret shown once), log, disable, resend."""

import re

import pytest

from shared.credentials import CredentialStore
from tests.notifications import factories as f
from tests.notifications.webhooks.harness import apply, send


@pytest.fixture
def logged_in(client, env) -> str:
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    page = client.get("/organiser/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def test_the_webhook_pages_need_a_login(client):
    assert client.get("/organiser/webhooks").headers["Location"].startswith("/organiser/login")


def test_an_organiser_registers_an_endpoint_and_sees_the_secret_only_once(
    client, logged_in, receiver
):
    form = {"csrf_token": logged_in, "url": receiver.url, "message_types": "registration.confirmed"}
    created = client.post("/organiser/webhooks", data=form)

    assert created.status_code == 201
    secret = re.search(r'id="new-secret">([^<]+)<', created.get_data(as_text=True)).group(1)
    assert secret.startswith("whsec_")
    listing = client.get("/organiser/webhooks").get_data(as_text=True)
    assert receiver.url in listing and secret not in listing


def test_a_bad_url_is_shown_next_to_its_field(client, logged_in):
    form = {"csrf_token": logged_in, "url": "ftp://x.test/", "message_types": "event.published"}
    response = client.post("/organiser/webhooks", data=form)
    assert response.status_code == 422
    assert "http:// or https://" in response.get_data(as_text=True)


def test_the_log_page_resends_and_disables(client, logged_in, hooks, receiver):
    form = {"csrf_token": logged_in, "url": receiver.url, "message_types": "registration.confirmed"}
    client.post("/organiser/webhooks", data=form)
    apply(hooks, f.envelope("registration.confirmed", f.registration("confirmed")))
    send(hooks)
    listing = client.get("/organiser/webhooks").get_data(as_text=True)
    (log_url,) = re.findall(r'href="(/organiser/webhooks/[^"]+)"', listing)

    page = client.get(log_url).get_data(as_text=True)
    assert "registration.confirmed" in page and "delivered" in page
    (resend,) = re.findall(r'action="([^"]+/resend)"', page)
    assert client.post(resend, data={"csrf_token": logged_in}).status_code == 303
    assert send(hooks) == 1 and len(receiver.received) == 2

    (disable,) = re.findall(r'action="([^"]+/disable)"', client.get(log_url).get_data(as_text=True))
    assert client.post(disable, data={"csrf_token": logged_in}).status_code == 303
    assert "disabled by an organiser" in client.get(log_url).get_data(as_text=True)


def test_a_german_organiser_manages_webhooks_in_german(client, logged_in):
    client.set_cookie("cx_language", "de")
    form = {"csrf_token": logged_in, "url": "ftp://x.test/", "message_types": "event.published"}

    listing = client.get("/organiser/webhooks").get_data(as_text=True)
    refused = client.post("/organiser/webhooks", data=form).get_data(as_text=True)

    assert "Endpunkt hinzufügen" in listing and "Endpunkt registrieren" in listing
    assert "die URL muss eine absolute http://- oder https://-URL sein" in refused
