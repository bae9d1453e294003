"""Retention on real PostgreSQL with the test clock: the organiser sets when an event's personal
data goes; the worker's pass purges it then, through erasure's path, and the EU report keeps
the same counts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.registration.adapters.orm import outbox, registrations
from services.registration.service_layer import handlers
from tests.registration.api.test_pages import csrf
from tests.registration.api.test_participants_api import _register

pytestmark = pytest.mark.integration
END = datetime.fromisoformat("2027-04-13T17:00:00+02:00")
PEOPLE = [
    {"country": "DE", "role": "sme", "organisation_type": "sme"},
    {"country": "PL", "role": "research", "organisation_type": "university"},
    {"country": "PL", "role": "cluster_manager", "organisation_type": "cluster_organisation"},
    {"country": "HU", "role": "sme", "organisation_type": "sme"},
]


@pytest.fixture
def past_event(client, published_event, organiser):
    """An event of 3 seats, 4 people (one waiting), one erased before; purged 30 days after."""
    event = published_event(retention_until=(END + timedelta(days=30)).isoformat())
    made = [_register(client, event["id"], n, **who).json for n, who in enumerate(PEOPLE)]
    manage = made[1]["manage_url"].removeprefix("https://reg.example.test")
    client.post(f"/api/v1{manage}/cancel")
    return event


def _purge(app, clock) -> int:
    container = app.extensions["container"]
    return handlers.purge_past_events(container.uow(), clock)


def _rows(app) -> list:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        return list(db.execute(select(registrations)).mappings())


def _outbox(app) -> list[tuple[str, str]]:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        return list(db.execute(select(outbox.c.message_type, outbox.c.body)))


def test_the_retention_date_defaults_to_the_end_plus_retention_days(client, published_event):
    event = published_event()
    assert datetime.fromisoformat(event["retention_until"]) == END + timedelta(days=365)


def test_an_organiser_changes_and_resets_the_retention_date(client, published_event, organiser):
    event = published_event()
    later = (END + timedelta(days=10)).isoformat()
    changed = client.patch(
        f"/api/v1/events/{event['id']}", json={"retention_until": later}, headers=organiser
    )
    assert datetime.fromisoformat(changed.json["retention_until"]) == END + timedelta(days=10)
    reset = client.patch(
        f"/api/v1/events/{event['id']}", json={"retention_until": None}, headers=organiser
    )
    assert datetime.fromisoformat(reset.json["retention_until"]) == END + timedelta(days=365)


def test_a_retention_date_before_the_end_is_refused(client, published_event, organiser):
    event = published_event()
    answer = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"retention_until": "2027-04-13T09:00:00+02:00"},
        headers=organiser,
    )
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    assert "until the event ends" in answer.json["detail"]


def test_nothing_is_purged_before_the_date(client, app, clock, past_event):
    clock.now = END + timedelta(days=30) - timedelta(seconds=1)
    assert _purge(app, clock) == 0
    assert all(row["erased_at"] is None for row in _rows(app))


def test_after_the_date_everyone_is_purged_and_the_report_counts_stay(
    client, app, clock, past_event, organiser
):
    report = client.get(f"/api/v1/events/{past_event['id']}/report", headers=organiser).json
    csv_before = client.get(
        f"/api/v1/events/{past_event['id']}/report?format=csv", headers=organiser
    ).data
    clock.now = END + timedelta(days=30)
    assert _purge(app, clock) == 1
    rows = _rows(app)
    assert all(row["erased_at"] == clock() and row["name"] == "[erased]" for row in rows)
    assert all(row["email"].endswith("@invalid") for row in rows)
    after = client.get(f"/api/v1/events/{past_event['id']}/report", headers=organiser).json
    assert after == report and after["participants"] == 3 and after["sme_count"] == 2
    assert after["by_country"] == {"DE": 1, "PL": 1, "HU": 1}
    assert (
        client.get(f"/api/v1/events/{past_event['id']}/report?format=csv", headers=organiser).data
        == csv_before
    )
    messages = _outbox(app)
    erased = [json.loads(b)["payload"] for t, b in messages if t == "participant.erased"]
    assert {m["registration_id"] for m in erased} == {row["id"] for row in rows}
    everything = " ".join(body for _, body in messages)
    assert "Participant" not in everything and "@example.org" not in everything
    assert _purge(app, clock) == 0  # done once


def _log_in(client, env) -> None:
    from shared.credentials import CredentialStore

    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})


def test_the_organiser_pages_show_when_the_data_is_purged(client, app, clock, env, past_event):
    _log_in(client, env)
    page = client.get(f"/organiser/events/{past_event['id']}").get_data(as_text=True)
    assert "Personal data purged on May 13, 2027" in page
    assert "personal data purged on May 13, 2027" in client.get("/organiser/").get_data(
        as_text=True
    )
    clock.now = END + timedelta(days=30)
    _purge(app, clock)
    _log_in(client, env)  # the page session of a month ago has ended
    page = client.get(f"/organiser/events/{past_event['id']}").get_data(as_text=True)
    assert "Personal data purged on" in page and 'id="retention"' in page


def test_the_event_form_sets_offer_hours_and_the_retention_day(client, env):
    from tests.registration.api.test_pages import event_form

    _log_in(client, env)
    token = csrf(client, "/organiser/events/new")
    data = event_form(token, waitlist_offer_hours="12", retention_until="2028-01-31")
    created = client.post("/organiser/events/new", data=data)
    assert created.status_code == 303
    event_id = created.headers["Location"].rsplit("/", 1)[1]
    form = client.get(f"/organiser/events/{event_id}/edit").get_data(as_text=True)
    assert 'value="12"' in form and 'value="2028-01-31"' in form
    bad = event_form(token, waitlist_offer_hours="lots", retention_until="2027-01-01")
    again = client.post(f"/organiser/events/{event_id}/edit", data=bad)
    assert again.status_code == 422
    cleared = event_form(token, retention_until="")
    assert client.post(f"/organiser/events/{event_id}/edit", data=cleared).status_code == 303
    page = client.get(f"/organiser/events/{event_id}").get_data(as_text=True)
    assert "Personal data purged on" in page
