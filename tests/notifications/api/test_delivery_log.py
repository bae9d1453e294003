"""The delivery log and resends over HTTP, for organisers only; every error is problem+json."""

import pytest

from tests.notifications import factories as f
from tests.notifications.harness import apply, deliver

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


def registered(service, *numbers: int, status: str = "confirmed") -> None:
    for number in numbers:
        payload = f.registration(status, number=number)
        apply(service, f.envelope(f"registration.{status}", payload))


def test_the_log_needs_an_organiser_credential(client):
    response = client.get("/api/v1/notifications")

    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_550_reply_is_failed_and_visible_with_the_servers_reply(
    client, auth, service, smtp_server
):
    smtp_server.mode = "perm"
    registered(service, 1)
    deliver(service)

    (entry,) = client.get("/api/v1/notifications?status=failed", headers=auth).json["items"]

    assert (entry["status"], entry["attempts"]) == ("failed", 1)
    assert entry["last_error"] == "550 5.1.1 mailbox unavailable"
    assert entry["recipient"] == {"email": "anna1@example.eu", "name": "Anna Müller 1"}
    assert entry["calendar"] == {"method": "REQUEST", "uid": "event-ev-1", "sequence": 0}


def test_the_log_filters_by_recipient_event_and_status(client, auth, service):
    registered(service, 1, 2)
    deliver(service)
    registered(service, 3, status="waitlisted")

    def ids(query: str) -> list[str]:
        response = client.get(f"/api/v1/notifications?{query}", headers=auth)
        assert response.status_code == 200, response.json
        return sorted(entry["recipient"]["email"] for entry in response.json["items"])

    assert ids("recipient=ANNA2@example.eu") == ["anna2@example.eu"]
    assert ids("status=queued") == ["anna3@example.eu"]
    assert ids("status=sent&event_id=ev-1") == ["anna1@example.eu", "anna2@example.eu"]
    assert ids("event_id=other") == []
    assert len(ids("limit=1")) == 1 and len(ids("limit=2")) == 2


@pytest.mark.parametrize(
    "query, field",
    [
        ("status=lost", "status"),
        ("limit=0", "limit"),
        ("limit=many", "limit"),
        ("recipient=not-an-email", "recipient"),
        ("limit=501", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ],
)
def test_bad_query_arguments_are_a_422_problem_naming_the_field(client, auth, query, field):
    response = client.get(f"/api/v1/notifications?{query}", headers=auth)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert field in response.json["errors"]["query"]


def test_one_entry_can_be_read_and_an_unknown_one_is_a_404_problem(client, auth, service):
    registered(service, 1)
    (entry,) = client.get("/api/v1/notifications", headers=auth).json["items"]

    assert client.get(f"/api/v1/notifications/{entry['id']}", headers=auth).json == entry
    missing = client.get("/api/v1/notifications/nope", headers=auth)
    assert (missing.status_code, missing.mimetype) == (404, PROBLEM)
    assert missing.json["detail"] == "no notification nope"


def test_resending_a_failed_email_queues_a_copy_that_is_then_delivered(
    client, auth, service, smtp_server
):
    smtp_server.mode = "perm"
    registered(service, 1)
    deliver(service)
    (failed,) = client.get("/api/v1/notifications", headers=auth).json["items"]
    smtp_server.mode = "ok"

    response = client.post(f"/api/v1/notifications/{failed['id']}/resend", headers=auth)
    deliver(service)

    assert response.status_code == 202
    copy = response.json
    assert (copy["status"], copy["resend_of"], copy["attempts"]) == ("queued", failed["id"], 0)
    statuses = {
        e["id"]: e["status"]
        for e in client.get("/api/v1/notifications", headers=auth).json["items"]
    }
    assert statuses == {failed["id"]: "failed", copy["id"]: "sent"}
    assert len(smtp_server.wait_for_messages(1)) == 1


def test_resend_needs_a_credential_and_refuses_unknown_and_erased_emails(client, auth, service):
    registered(service, 1)
    deliver(service)
    (entry,) = client.get("/api/v1/notifications", headers=auth).json["items"]
    apply(service, f.erased(1))

    assert client.post(f"/api/v1/notifications/{entry['id']}/resend").status_code == 401
    assert client.post("/api/v1/notifications/nope/resend", headers=auth).status_code == 404
    erased = client.post(f"/api/v1/notifications/{entry['id']}/resend", headers=auth)
    assert (erased.status_code, erased.mimetype) == (409, PROBLEM)
    assert "erased" in erased.json["detail"]
    (after,) = client.get("/api/v1/notifications", headers=auth).json["items"]
    assert after["recipient"] == {"email": "erased-reg-1@invalid", "name": "[erased]"}
    assert after["erased"] is True


def test_the_openapi_document_describes_the_log_and_resend(client):
    paths = client.get("/openapi.json").json["paths"]

    assert set(paths) >= {
        "/api/v1/notifications",
        "/api/v1/notifications/{notification_id}",
        "/api/v1/notifications/{notification_id}/resend",
    }
