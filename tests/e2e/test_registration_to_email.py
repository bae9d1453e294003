"""The end-to-end flow across all three services, workers and the broker, to real SMTP."""

from __future__ import annotations

import re
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
        "email": f"{name.lower().replace(' ', '')}@example.org",
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


def _verification_link(smtp, address: str) -> str:
    """The path of the link in the verification email that reached ``address``."""

    def sent():
        for message in list(smtp.messages):
            if address in str(message["To"]) and "confirm" in str(message["Subject"]).lower():
                body = message.get_body(("plain",)).get_content()
                return re.search(r"https?://[^/\s]+(/verify/\S+)", body).group(1)
        return None

    return wait_until(sent, timeout=60)


def _click(client, path: str):
    """Open the link in a browser and press its confirm button."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post(path, data={"csrf_token": token})


def test_register_verify_join_cancel_and_promote_end_to_end(platform, smtp_server):  # noqa: F811
    organiser = platform.organiser()
    registration, scheduling = platform.client("registration"), platform.client("scheduling")
    event = registration.post("/api/v1/events", json=EVENT, headers=organiser).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    path = f"/api/v1/events/{event['id']}/registrations"
    answers = [registration.post(path, json=person(name)) for name in ("Ana", "Ben")]
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].get_data() == answers[1].get_data()  # nothing about either person

    # each clicks the link of their verification email; only then the manage link
    verified = {}
    for name in ("Ana", "Ben"):
        link = _verification_link(smtp_server, f"{name.lower()}@example.org")
        landed = _click(registration, link)
        assert landed.status_code == 303
        manage = landed.headers["Location"].split("/manage/", 1)[1].removesuffix("/confirmation")
        verified[name] = registration.get(f"/api/v1/manage/{manage}").json | {"token": manage}
    ana, ben = verified["Ana"], verified["Ben"]
    assert (ana["status"], ben["status"]) == ("confirmed", "waitlisted")
    feeds = {
        name: registration.get(f"/manage/{v['token']}").get_data(as_text=True)
        for name, v in verified.items()
    }

    # scheduling learns about the event and Ana's seat from registration's messages
    visits = f"/api/v1/events/{event['id']}/visits"
    wait_until(lambda: scheduling.get(visits).status_code == 200, timeout=30)
    visit = scheduling.post(visits, json=VISIT, headers=organiser).json
    ana_token = re.search(r"/feeds/participants/([\w-]+)\.ics", feeds["Ana"]).group(1)
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
    assert registration.post(f"/api/v1/manage/{ana['token']}/cancel").status_code == 200
    wait_until(
        lambda: scheduling.get(f"/api/v1/visits/{visit['id']}").json["seats_taken"] == 0, timeout=30
    )

    messages = _settled(smtp_server, 8)
    received = Counter(
        (str(m["To"]).split("<")[-1].rstrip(">"), _calendar_method(m)) for m in messages
    )
    assert received == Counter(
        {
            ("ana@example.org", None): 1,  # the verification link
            ("ana@example.org", "REQUEST"): 2,  # workshop confirmed, visit joined
            ("ana@example.org", "CANCEL"): 2,  # registration cancelled, visit left
            ("ben@example.org", None): 2,  # the verification link; waitlisted (no invitation)
            ("ben@example.org", "REQUEST"): 1,  # promoted
        }
    ), [str(m["Subject"]) for m in messages]

    # the personal feed of the promoted participant shows the workshop
    ben_feed = re.search(r"/feeds/participants/[\w-]+\.ics", feeds["Ben"]).group(0)
    feed = scheduling.get(ben_feed)
    assert feed.status_code == 200
    assert b"Bio-economy joint learning workshop" in feed.data

    # the scheduling worker stored the public feed of the changed programme: what a GET serves
    public = f"/feeds/events/{event['id']}.ics"
    assert wait_until(lambda: _stored_feed(platform, event["id"]) == scheduling.get(public).data)


def _stored_feed(platform, event_id: str) -> bytes | None:
    """The event feed body the scheduling worker stored, if it is of the current revision."""
    from sqlalchemy import create_engine, select

    from services.scheduling.adapters.orm import events, feed_bodies

    engine = create_engine(platform.env["SCHEDULING_DATABASE_URL"])
    try:
        with engine.connect() as db:
            revision = db.scalar(select(events.c.revision).where(events.c.id == event_id))
            stored = db.execute(
                select(feed_bodies.c.revision, feed_bodies.c.body).where(
                    feed_bodies.c.key == event_id
                )
            ).first()
    finally:
        engine.dispose()
    return stored.body if stored is not None and stored.revision == revision else None


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
    # without verification, so each public POST is one registration the faults can hit
    event = registration.post(
        "/api/v1/events", json=EVENT | {"capacity": 10, "verify_email": False}, headers=organiser
    ).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    path = f"/api/v1/events/{event['id']}/registrations"
    names = [f"P {chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(30)]  # names hold no digits
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
    assert recipients == Counter({person(name)["email"]: 1 for name in names})
    methods = Counter(_calendar_method(m) for m in messages)
    assert methods == Counter({"REQUEST": 10, None: 20})
