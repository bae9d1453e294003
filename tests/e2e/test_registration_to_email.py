"""The end-to-end flow across all three services, workers and the broker, to real SMTP."""

from __future__ import annotations

import time
from collections import Counter

import pytest

from tests.e2e.platform import STUDY_VISIT, WORKSHOP, running_platform
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401
from tests.waiting import wait_until

EVENT = WORKSHOP
VISIT = STUDY_VISIT


def person(name: str) -> dict:
    return {
        "name": name,
        "email": f"{name.lower()}@example.org",
        "organisation": "Org",
        "organisation_type": "sme",
        "country": "DE",
        "role": "sme",
        "consent": True,
    }


@pytest.fixture
def platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path):  # noqa: F811
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        yield p


def _calendar_method(message) -> str | None:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method")
    return None


def _settled(smtp, count: int) -> list:
    """Wait for count emails, then make sure no more arrive (no duplicates)."""
    smtp.wait_for_messages(count, timeout=60)
    time.sleep(2)
    return list(smtp.messages)


def test_register_join_cancel_and_promote_end_to_end(platform, smtp_server):  # noqa: F811
    organiser = platform.organiser()
    registration, scheduling = platform.client("registration"), platform.client("scheduling")
    event = registration.post("/api/v1/events", json=EVENT, headers=organiser).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    ana = registration.post(f"/api/v1/events/{event['id']}/registrations", json=person("Ana")).json
    ben = registration.post(f"/api/v1/events/{event['id']}/registrations", json=person("Ben")).json
    assert (ana["status"], ben["status"]) == ("confirmed", "waitlisted")

    # scheduling learns about the event and Ana's seat from registration's messages
    visits = f"/api/v1/events/{event['id']}/visits"
    wait_until(lambda: scheduling.get(visits).status_code == 200, timeout=30)
    visit = scheduling.post(visits, json=VISIT, headers=organiser).json
    ana_token = ana["feed"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
    joined = wait_until(
        lambda: (
            scheduling.post(
                f"/api/v1/visits/{visit['id']}/participants",
                json={},
                headers={"X-Participant-Token": ana_token},
            ).status_code
            == 201
        ),
        timeout=30,
    )
    assert joined

    # Ana cancels: Ben is promoted, Ana leaves the visit
    manage = ana["manage_url"].rsplit("/", 1)[1]
    assert registration.post(f"/api/v1/manage/{manage}/cancel").status_code == 200
    wait_until(
        lambda: scheduling.get(f"/api/v1/visits/{visit['id']}").json["seats_taken"] == 0, timeout=30
    )

    messages = _settled(smtp_server, 6)
    received = Counter(
        (str(m["To"]).split("<")[-1].rstrip(">"), _calendar_method(m)) for m in messages
    )
    assert received == Counter(
        {
            ("ana@example.org", "REQUEST"): 2,  # workshop confirmed, visit joined
            ("ana@example.org", "CANCEL"): 2,  # registration cancelled, visit left
            ("ben@example.org", None): 1,  # waitlisted (no invitation)
            ("ben@example.org", "REQUEST"): 1,  # promoted
        }
    ), [str(m["Subject"]) for m in messages]

    # the personal feed of the promoted participant shows the workshop
    ben_feed = ben["feed"]["https"].split("://", 1)[1].split("/", 1)[1]
    feed = scheduling.get("/" + ben_feed)
    assert feed.status_code == 200
    assert b"Bio-economy joint learning workshop" in feed.data


def test_every_registration_gets_exactly_one_email_through_worker_kills_and_broker_cuts(
    postgres_server_url,
    private_broker,
    namespace,
    smtp_server,  # noqa: F811
    tmp_path,
):
    """On a private broker node: the cut would hurt whoever else uses the shared broker."""
    with running_platform(
        postgres_server_url, private_broker.url, namespace, smtp_server, tmp_path
    ) as platform:
        _register_through_faults(platform, private_broker, smtp_server)


def _register_through_faults(platform, node, smtp_server) -> None:  # noqa: F811
    organiser = platform.organiser()
    registration = platform.client("registration")
    event = registration.post(
        "/api/v1/events", json=EVENT | {"capacity": 10}, headers=organiser
    ).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    path = f"/api/v1/events/{event['id']}/registrations"
    names = [f"P{n:02d}" for n in range(30)]
    for n, name in enumerate(names):
        assert registration.post(path, json=person(name)).status_code == 201
        if n == 8:
            platform.kill_worker("notifications")
        if n == 12:
            node.close_all_connections("e2e fault")
        if n == 16:
            platform.kill_worker("registration")  # the relay dies mid-stream too
        if n == 20:
            platform.start_worker("notifications")
            platform.start_worker("registration")

    messages = _settled(smtp_server, len(names))
    recipients = Counter(str(m["To"]).split("<")[-1].rstrip(">") for m in messages)
    assert recipients == Counter({f"{name.lower()}@example.org": 1 for name in names})
    methods = Counter(_calendar_method(m) for m in messages)
    assert methods == Counter({"REQUEST": 10, None: 20})
