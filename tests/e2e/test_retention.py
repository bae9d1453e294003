"""Retention across the platform: after an event's retention date the registration worker's
purge (run here with a clock past that date) reaches every service through erasure's messages,
so no database names the participants any more, and the EU report keeps its counts."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest

from services.registration.bootstrap import bootstrap
from services.registration.service_layer import handlers
from shared.config import SERVICES
from tests.e2e.platform import STUDY_VISIT, WORKSHOP, running_platform
from tests.e2e.test_erasure import PERSON, traces
from tests.notifications.conftest import _smtp_server_session, smtp_server  # noqa: F401
from tests.support.clock import Clock
from tests.waiting import wait_until

pytestmark = pytest.mark.integration
OTHER = PERSON | {"name": "Yannick Ostrander", "email": "y.ostrander@example.org", "country": "FR"}
AFTER = datetime(2031, 7, 1, tzinfo=UTC)


@pytest.fixture
def platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path):  # noqa: F811
    with running_platform(postgres_server_url, amqp_url, namespace, smtp_server, tmp_path) as p:
        yield p


def test_after_the_retention_date_no_service_holds_the_participants(platform, smtp_server):  # noqa: F811
    organiser = platform.organiser()
    registration, scheduling = platform.client("registration"), platform.client("scheduling")
    workshop = WORKSHOP | {
        "verify_email": False,
        "capacity": 2,
        "retention_until": "2031-06-30T00:00:00+02:00",
    }
    event = registration.post("/api/v1/events", json=workshop, headers=organiser).json
    registration.post(f"/api/v1/events/{event['id']}/publish", headers=organiser)
    people = [
        registration.post(f"/api/v1/events/{event['id']}/registrations", json=who).json
        for who in (PERSON, OTHER)
    ]
    visits = f"/api/v1/events/{event['id']}/visits"
    wait_until(lambda: scheduling.get(visits).status_code == 200, timeout=30)
    visit = scheduling.post(visits, json=STUDY_VISIT, headers=organiser).json
    feed_token = people[0]["feed"]["https"].rsplit("/", 1)[1].removesuffix(".ics")
    joined = f"/api/v1/visits/{visit['id']}/participants"
    header = {"X-Participant-Token": feed_token}
    wait_until(lambda: scheduling.post(joined, json={}, headers=header).status_code == 201, 30)
    smtp_server.wait_for_messages(3, timeout=60)  # two confirmations, one visit joined
    report = f"/api/v1/events/{event['id']}/report"
    before = registration.get(report, headers=organiser).json
    needles = tuple(v for who in (PERSON, OTHER) for v in (who["name"], who["email"]))
    env = platform.env
    assert traces(env["SCHEDULING_DATABASE_URL"], (feed_token,))  # the search finds them
    assert traces(env["NOTIFICATIONS_DATABASE_URL"], needles)

    purging = bootstrap(env, clock=Clock(AFTER))
    try:
        assert handlers.purge_past_events(purging.uow(), purging.clock) == 1
    finally:
        purging.infrastructure.engine.dispose()

    def remaining() -> dict[str, dict[str, int]]:
        found = {
            s: traces(env[f"{s.upper()}_DATABASE_URL"], (*needles, feed_token)) for s in SERVICES
        }
        return {service: hits for service, hits in found.items() if hits}

    with contextlib.suppress(AssertionError):  # the assertion below names what is left
        wait_until(lambda: not remaining(), timeout=60, interval=0.5)
    assert remaining() == {}
    assert registration.get(report, headers=organiser).json == before
