"""The organiser's delivery-log page: filters, errors next to fields, and resend."""

import re

import pytest

from shared.credentials import CredentialStore
from tests.notifications import factories as f
from tests.notifications.harness import apply, deliver

pytestmark = pytest.mark.integration


@pytest.fixture
def logged_in(client, env) -> str:
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    page = client.get("/organiser/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def test_the_delivery_log_page_needs_a_login(client):
    response = client.get("/organiser/notifications")
    assert response.headers["Location"].startswith("/organiser/login")


def test_the_log_shows_deliveries_and_a_resend_queues_a_copy(client, auth, logged_in, service):
    apply(service, f.envelope("registration.confirmed", f.registration("confirmed", number=1)))
    deliver(service)
    page = client.get("/organiser/notifications?status=sent").get_data(as_text=True)
    assert "anna1@example.eu" in page and "REQUEST #0" in page
    (resend,) = re.findall(r'action="(/organiser/notifications/[^"]+/resend)"', page)
    assert client.post(resend, data={"csrf_token": logged_in}).status_code == 303
    log = client.get("/api/v1/notifications", headers=auth).get_json()["items"]
    assert sorted(entry["status"] for entry in log) == ["queued", "sent"]


def test_an_invalid_filter_is_shown_next_to_its_field(client, logged_in):
    response = client.get("/organiser/notifications?recipient=not-an-email")
    assert response.status_code == 422
    assert 'id="f-recipient-error">Not a valid email address.' in response.get_data(as_text=True)


def test_a_german_organiser_reads_the_delivery_log_in_german(client, logged_in, service):
    apply(service, f.envelope("registration.confirmed", f.registration("confirmed", number=1)))
    deliver(service)
    client.set_cookie("cx_language", "de")

    page = client.get("/organiser/notifications").get_data(as_text=True)
    refused = client.get("/organiser/notifications?recipient=x").get_data(as_text=True)

    assert "<h1>Versandprotokoll</h1>" in page and ">gesendet<" in page and "Versuche: 1" in page
    assert "Erneut senden" in page and "Delivery log" not in page and ">sent<" not in page
    assert 'id="f-recipient-error">Keine gültige E-Mail-Adresse.' in refused
