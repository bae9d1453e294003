"""The organiser's roster page: search, filter, sort, pages of 25, bulk approve and reject."""

from __future__ import annotations

import re

import pytest

from shared.credentials import CredentialStore
from tests.registration.api.test_pages import csrf, form
from tests.registration.conftest import person as person_body

pytestmark = pytest.mark.integration


@pytest.fixture
def logged_in(client, env) -> str:
    """A page session of an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    return token


def names(page: str) -> list[str]:
    return re.findall(
        r'<td><a href="/organiser/registrations/[^"]+">(Participant [^<]+)</a><br>', page
    )


def roster(client, event_id: str, **query) -> str:
    response = client.get(f"/organiser/events/{event_id}", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def statuses(client, organiser, event_id: str) -> dict[str, str]:
    items = client.get(f"/api/v1/events/{event_id}/registrations", headers=organiser).get_json()
    return {r["name"]: r["status"] for r in items["items"]}


def test_the_roster_searches_filters_and_sorts(client, logged_in, published_event):
    event = published_event(capacity=2)
    for n in (3, 1, 2):
        client.post(f"/events/{event['id']}/register", data=form(n, logged_in))
    queue = names(roster(client, event["id"]))
    assert len(queue) == 3
    by_name = names(roster(client, event["id"], sort="name"))
    assert by_name == sorted(queue)
    waiting = roster(client, event["id"], status="waitlisted")
    assert len(names(waiting)) == 1 and "1 registrations match." in waiting
    found = names(roster(client, event["id"], q=queue[0].split()[-1].lower()))
    assert found == [queue[0]]


def test_the_roster_pages_by_25_with_a_next_link_keeping_the_filters(
    client, logged_in, published_event
):
    event = published_event(capacity=40)
    for n in range(1, 28):
        client.post(f"/events/{event['id']}/register", data=form(n, logged_in))
    first = roster(client, event["id"], sort="name")
    assert len(names(first)) == 25 and "27 registrations match." in first
    (following,) = re.findall(r'id="roster-next" href="([^"]+)"', first)
    assert "sort=name" in following
    second = client.get(following.replace("&amp;", "&")).get_data(as_text=True)
    assert len(names(second)) == 2 and 'id="roster-next"' not in second
    assert not set(names(first)) & set(names(second))


@pytest.mark.parametrize(
    "query", [{"status": "nonsense"}, {"sort": "email"}, {"cursor": "garbage"}, {"q": "x" * 201}]
)
def test_a_bad_filter_is_a_400_page_not_a_500(client, logged_in, published_event, query):
    event = published_event()
    response = client.get(f"/organiser/events/{event['id']}", query_string=query)
    assert response.status_code == 400 and response.mimetype == "text/html"


def test_bulk_approve_approves_the_ticked_pending_registrations(
    client, logged_in, published_event, organiser
):
    event = published_event(approval_required=True)
    for n in (1, 2, 3):
        client.post(f"/events/{event['id']}/register", data=form(n, logged_in))
    page = roster(client, event["id"])
    ticks = re.findall(r'name="ids" value="([^"]+)" form="bulk-form"', page)
    assert len(ticks) == 3
    data = {"csrf_token": logged_in, "action": "approve", "ids": ticks[:2]}
    response = client.post(f"/organiser/events/{event['id']}/registrations/bulk", data=data)
    assert response.status_code == 303
    assert sorted(statuses(client, organiser, event["id"]).values()) == [
        "confirmed",
        "confirmed",
        "pending",
    ]


def test_bulk_reject_asks_first_then_rejects_with_one_reason(
    client, logged_in, published_event, organiser
):
    event = published_event(approval_required=True)
    for n in (1, 2):
        client.post(f"/events/{event['id']}/register", data=form(n, logged_in))
    ticks = re.findall(r'name="ids" value="([^"]+)"', roster(client, event["id"]))
    url = f"/organiser/events/{event['id']}/registrations/bulk"
    asked = client.post(url, data={"csrf_token": logged_in, "action": "reject", "ids": ticks})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "p1@example.org" in page and "p2@example.org" in page
    assert set(statuses(client, organiser, event["id"]).values()) == {"pending"}

    hidden = dict.fromkeys(re.findall(r'name="ids" value="([^"]+)"', page))
    data = {"csrf_token": logged_in, "action": "reject", "ids": list(hidden), "confirmed": "yes"}
    assert client.post(url, data=data | {"reason": "Full"}).status_code == 303
    assert set(statuses(client, organiser, event["id"]).values()) == {"rejected"}


def test_bulk_with_nothing_ticked_or_an_unknown_action_changes_nothing(
    client, logged_in, published_event
):
    event = published_event()
    url = f"/organiser/events/{event['id']}/registrations/bulk"
    nothing = client.post(url, data={"csrf_token": logged_in, "action": "approve"})
    assert nothing.status_code == 303
    unknown = client.post(url, data={"csrf_token": logged_in, "action": "erase", "ids": ["x"]})
    assert unknown.status_code == 400


def test_an_already_decided_registration_in_a_bulk_is_reported_not_a_500(
    client, logged_in, published_event
):
    event = published_event()
    client.post(f"/events/{event['id']}/register", data=form(1, logged_in))
    url = f"/organiser/events/{event['id']}/registrations/bulk"
    data = {"csrf_token": logged_in, "action": "approve", "ids": ["no-such-id"]}
    response = client.post(url, data=data)
    assert response.status_code == 303
    assert "Not possible" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_roster_api_sorts_too_and_refuses_an_unknown_sort(client, organiser, published_event):
    event = published_event()
    for n in (3, 1, 2):
        client.post(f"/api/v1/events/{event['id']}/registrations", json=person_body(n))
    url = f"/api/v1/events/{event['id']}/registrations"
    items = client.get(url, query_string={"sort": "name"}, headers=organiser).get_json()["items"]
    assert [r["name"] for r in items] == sorted(r["name"] for r in items)
    refused = client.get(url, query_string={"sort": "email"}, headers=organiser)
    assert refused.status_code == 422 and refused.content_type == "application/problem+json"
