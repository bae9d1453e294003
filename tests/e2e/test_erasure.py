"""Erasure leaves nothing: no database table, message row, queue or later email names the person.

The whole platform runs (three databases, three workers, the broker in the test's namespace,
real SMTP). After ``POST /api/v1/manage/{token}/erase`` every text column of every table of all
three databases is searched, outbox and inbox included, for the person's email and name.
"""

from __future__ import annotations

import pytest
from sqlalchemy import JSON, MetaData, String, Text, cast, create_engine, func, or_, select

from shared.config import SERVICES, broker_settings
from shared.topology import platform_topology
from tests.e2e.platform import STUDY_VISIT, WORKSHOP, running_platform
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
NAME, EMAIL = "Zelda Quintessa-Erasmus", "zelda.quintessa@example.org"
PERSON = {
    "name": NAME,
    "email": EMAIL,
    "organisation": "Quintessa Robotics",
    "organisation_type": "sme",
    "country": "DE",
    "role": "sme",
    "dietary_needs": "no nuts",
    "consent": True,
}


@pytest.fixture
def platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path):  # noqa: F811
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        yield p


def traces(database_url: str, needles: tuple[str, ...]) -> dict[str, int]:
    """{table.column: rows whose text contains a needle (any case)} over every text column."""
    engine = create_engine(database_url)
    found: dict[str, int] = {}
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as db:
            for table in metadata.sorted_tables:
                for column in table.columns:
                    if not isinstance(column.type, String | Text | JSON):
                        continue
                    text = func.lower(cast(column, Text))
                    hit = or_(*(text.contains(needle.lower()) for needle in needles))
                    count = db.scalar(select(func.count()).select_from(table).where(hit))
                    if count:
                        found[f"{table.name}.{column.name}"] = count
    finally:
        engine.dispose()
    return found


def ready_messages(env: dict[str, str]) -> dict[str, int]:
    """Messages waiting in any queue of the namespace (handler, delay and dead-letter queues)."""
    topology = platform_topology(broker_settings(env))
    from kombu import Connection

    counts = {}
    with Connection(env["AMQP_URL"]) as connection:
        channel = connection.channel()
        for service in sorted(topology.services()):
            queues = [topology.dead_letter_queue(service), *topology.queues_of(service)]
            for queue in queues:
                declared = queue.bind(channel).queue_declare(passive=True)
                counts[queue.name] = declared.message_count
    return counts


def test_after_erasure_no_database_queue_or_later_email_holds_the_person(platform, smtp_server):  # noqa: F811
    organiser = platform.organiser()
    registration, scheduling = platform.client("registration"), platform.client("scheduling")
    # verification is #11's business: here the registration confirms at once
    workshop = WORKSHOP | {"verify_email": False}
    event = registration.post("/api/v1/events", json=workshop, headers=organiser).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    created = registration.post(f"/api/v1/events/{event['id']}/registrations", json=PERSON).json
    assert created["status"] == "confirmed"
    visits = f"/api/v1/events/{event['id']}/visits"
    wait_until(lambda: scheduling.get(visits).status_code == 200, timeout=30)
    visit = scheduling.post(visits, json=STUDY_VISIT, headers=organiser).json
    feed_token = created["feed"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
    joined = f"/api/v1/visits/{visit['id']}/participants"
    header = {"X-Participant-Token": feed_token}
    wait_until(lambda: scheduling.post(joined, json={}, headers=header).status_code == 201, 30)
    smtp_server.wait_for_messages(2, timeout=60)  # confirmation, visit joined
    urls = platform.env
    assert traces(urls["NOTIFICATIONS_DATABASE_URL"], (EMAIL, NAME))  # the search finds her

    manage = created["manage_url"].rsplit("/", 1)[1]
    assert registration.post(f"/api/v1/manage/{manage}/erase").status_code == 204
    mail_before = len(smtp_server.messages)

    def clean() -> dict[str, dict[str, int]]:
        found = {s: traces(urls[f"{s.upper()}_DATABASE_URL"], (EMAIL, NAME)) for s in SERVICES}
        return {service: hits for service, hits in found.items() if hits}

    remaining = {}
    try:
        wait_until(lambda: not clean(), timeout=60, interval=0.5)
    except AssertionError:
        remaining = clean()
    assert remaining == {}
    wait_until(lambda: not any(ready_messages(urls).values()), timeout=30, interval=0.5)
    later = smtp_server.messages[mail_before:]
    assert not [m for m in later if EMAIL in m.as_string() or NAME in m.as_string()]
