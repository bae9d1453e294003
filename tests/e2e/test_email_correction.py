"""A bounced email, corrected and resent, across all three services, workers, the broker and
real SMTP: the mistyped mailbox refuses with a 550, the organiser corrects the address, the
resend reaches the right one; after erasure neither address is left anywhere."""

from __future__ import annotations

import pytest

from shared.config import SERVICES
from tests.e2e.platform import WORKSHOP, running_platform
from tests.e2e.test_erasure import traces
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
TYPO, RIGHT = "ana.lima@exmaple.org", "ana.lima@example.org"
PERSON = {
    "name": "Ana Lima",
    "email": TYPO,
    "organisation": "Lima Biotech",
    "organisation_type": "sme",
    "country": "PT",
    "role": "sme",
    "consent": True,
}


@pytest.fixture
def platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path):  # noqa: F811
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        yield p


def test_a_bounced_confirmation_is_corrected_resent_and_later_erased(platform, smtp_server):  # noqa: F811
    organiser = platform.organiser()
    registration, notifications = platform.client("registration"), platform.client("notifications")
    smtp_server.bouncing = {TYPO}
    event = registration.post(
        "/api/v1/events", json=WORKSHOP | {"verify_email": False}, headers=organiser
    ).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    created = registration.post(f"/api/v1/events/{event['id']}/registrations", json=PERSON).json

    def log() -> list[dict]:
        return notifications.get("/api/v1/notifications", headers=organiser).json["items"]

    (bounced,) = wait_until(lambda: [e for e in log() if e["status"] == "failed"], timeout=60)
    assert bounced["last_error"].startswith("550") and bounced["recipient"]["email"] == TYPO

    corrected = registration.post(
        f"/api/v1/registrations/{created['id']}/email",
        json={"email": RIGHT, "reason": "The confirmation bounced"},
        headers=organiser,
    )
    assert corrected.status_code == 200 and corrected.json["email"] == RIGHT
    wait_until(lambda: log()[0]["resend_to"] == RIGHT, timeout=60)
    assert smtp_server.messages == []  # the correction alone emails nobody

    resent = notifications.post(f"/api/v1/notifications/{bounced['id']}/resend", headers=organiser)
    assert resent.status_code == 202
    (received,) = smtp_server.wait_for_messages(1, timeout=60)
    assert RIGHT in str(received["To"]) and "confirmed" in str(received["Subject"]).lower()

    erased = registration.post(f"/api/v1/registrations/{created['id']}/erase", headers=organiser)
    assert erased.status_code == 200

    def remaining() -> dict[str, dict[str, int]]:
        urls = platform.env
        found = {s: traces(urls[f"{s.upper()}_DATABASE_URL"], (TYPO, RIGHT)) for s in SERVICES}
        return {service: hits for service, hits in found.items() if hits}

    left = {}
    try:
        wait_until(lambda: not remaining(), timeout=60, interval=0.5)
    except AssertionError:
        left = remaining()
    assert left == {}
