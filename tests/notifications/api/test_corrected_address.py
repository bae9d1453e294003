"""A bounced email whose recipient's address was corrected since: the delivery log says where
a resend goes, and the resend (API or page) goes there over real SMTP."""

import re

import pytest

from tests.notifications import factories as f
from tests.notifications.api.test_pages import logged_in  # noqa: F401
from tests.notifications.harness import apply, deliver

pytestmark = pytest.mark.integration
NEW = "anna@example.eu"


@pytest.fixture
def bounced(service, smtp_server, client, auth) -> dict:
    """Anna's confirmation bounced (550), then an organiser corrected her address."""
    smtp_server.mode = "perm"
    apply(service, f.envelope("registration.confirmed", f.registration("confirmed")))
    deliver(service)
    smtp_server.mode = "ok"
    person = {"name": "Anna Müller 1", "email": NEW, "language": "en"}
    payload = f.registration("confirmed", participant=person, resend_failed=False)
    apply(service, f.envelope("registration.email_corrected", payload))
    (entry,) = client.get("/api/v1/notifications", headers=auth).json["items"]
    return entry


def test_the_failed_entry_keeps_its_address_and_names_the_one_a_resend_uses(bounced):
    assert (bounced["status"], bounced["recipient"]["email"]) == ("failed", "anna1@example.eu")
    assert bounced["resend_to"] == NEW


def test_a_resend_over_the_api_reaches_the_corrected_address(
    bounced, client, auth, service, smtp_server
):
    again = client.post(f"/api/v1/notifications/{bounced['id']}/resend", headers=auth)
    deliver(service)

    assert again.status_code == 202 and again.json["recipient"]["email"] == NEW
    (received,) = smtp_server.wait_for_messages(1)
    assert NEW in str(received["To"])


def test_the_log_page_shows_where_a_resend_goes_and_its_button_sends_there(
    bounced,
    client,
    logged_in,  # noqa: F811
    service,
    smtp_server,
):
    page = client.get("/organiser/notifications?status=failed").get_data(as_text=True)
    assert f"Address corrected since: a resend goes to {NEW}" in page

    (resend,) = re.findall(r'action="(/organiser/notifications/[^"]+/resend)"', page)
    assert client.post(resend, data={"csrf_token": logged_in}).status_code == 303
    deliver(service)

    (received,) = smtp_server.wait_for_messages(1)
    assert NEW in str(received["To"])


def test_an_entry_of_an_address_never_corrected_names_no_other(client, auth, service):
    apply(service, f.envelope("registration.confirmed", f.registration("confirmed", number=2)))

    (entry,) = client.get("/api/v1/notifications", headers=auth).json["items"]
    page = client.get(f"/api/v1/notifications/{entry['id']}", headers=auth).json

    assert entry["resend_to"] == page["resend_to"] == "anna2@example.eu"
