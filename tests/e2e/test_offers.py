"""A waiting-list offer across the platform: the freed seat's offer email reaches the next
person with working Accept and Decline links, and accepting brings the usual promotion email
with its calendar invitation."""

from __future__ import annotations

import re

import pytest

from tests.e2e.platform import WORKSHOP, running_platform
from tests.e2e.test_registration_to_email import _calendar_method, person
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401
from tests.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path):  # noqa: F811
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        yield p


def _email(smtp, address: str, subject: str):
    """The email to ``address`` whose subject starts with ``subject``, once it has arrived."""

    def found():
        for message in list(smtp.messages):
            if address in str(message["To"]) and str(message["Subject"]).startswith(subject):
                return message
        return None

    wait_until(lambda: found() is not None, timeout=60, interval=0.3)
    return found()


def test_a_freed_seat_is_offered_by_email_and_accepting_confirms_it(platform, smtp_server):  # noqa: F811
    organiser = platform.organiser()
    registration = platform.client("registration")
    workshop = WORKSHOP | {"verify_email": False, "waitlist_offer_hours": 48}
    event = registration.post("/api/v1/events", json=workshop, headers=organiser).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    first, second = (
        registration.post(f"/api/v1/events/{event['id']}/registrations", json=person(n)).json
        for n in ("Ada Offerman", "Bea Waitwell")
    )
    assert (first["status"], second["status"]) == ("confirmed", "waitlisted")
    manage = first["manage_url"].rsplit("/", 1)[1]
    assert registration.post(f"/api/v1/manage/{manage}/cancel").status_code == 200

    offer = _email(smtp_server, "beawaitwell@example.org", "A seat is held for you")
    assert _calendar_method(offer) is None  # not hers until accepted
    text = offer.get_body(("plain",)).get_content()
    accept = re.search(r"https?://[^/\s]+(/offers/\S+/accept)", text).group(1)
    assert re.search(r"/offers/\S+/decline", text)
    assert registration.get(accept).status_code == 200  # the page with its button
    answered = registration.post(f"/api/v1{accept}")
    assert answered.status_code == 200 and answered.json["status"] == "confirmed"

    promoted = _email(smtp_server, "beawaitwell@example.org", "A place is yours")
    assert _calendar_method(promoted) == "REQUEST"
    assert registration.post(f"/api/v1{accept}").status_code == 409
