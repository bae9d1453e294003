"""Waiting-list offers over HTTP and on the pages: the links, and clear problems for a bad,
used, lapsed or voided link (problem+json on the API, a page with the reason on the pages)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from services.registration.adapters.orm import registrations
from tests.registration.api.test_pages import csrf, logged_in  # noqa: F401
from tests.registration.api.test_participants_api import _messages, _register

pytestmark = pytest.mark.integration


@pytest.fixture
def offered(client, published_event, app):
    """A one-seat event with 24 h offers: person 1 cancelled, person 2 holds the offer."""
    event = published_event(capacity=1, waitlist_offer_hours=24)
    first = _register(client, event["id"], 1).json
    second = _register(client, event["id"], 2).json
    _register(client, event["id"], 3)
    client.post(f"/api/v1{first['manage_url'].removeprefix('https://reg.example.test')}/cancel")
    [offer] = [p for t, p in _messages(app) if t == "registration.offered"]
    token = offer["accept_url"].split("/")[-2]
    return {"event": event, "token": token, "second": second, "offer": offer}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return response.json


def _statuses(app) -> list[str]:
    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        query = select(registrations.c.status).order_by(registrations.c.queue_number)
        return list(db.scalars(query))


def test_the_event_shows_its_offer_hours_and_the_seat_the_offer_holds(client, offered):
    event = client.get(f"/api/v1/events/{offered['event']['id']}").json
    assert event["waitlist_offer_hours"] == 24
    assert event["seats"]["offered"] == 1 and event["seats"]["seats_left"] == 0


def test_the_manage_link_shows_until_when_the_seat_is_held(client, offered, clock):
    own = client.get(f"/api/v1{offered['second']['manage_url'][len('https://reg.example.test') :]}")
    assert own.json["status"] == "offered"
    assert own.json["accept_url"].endswith(f"/offers/{offered['token']}/accept")
    assert own.json["decline_url"].endswith(f"/offers/{offered['token']}/decline")
    assert own.json["offer_expires_at"].startswith(
        (clock() + timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M")
    )


def test_accepting_by_the_api_confirms_the_seat(client, offered, app):
    accepted = client.post(f"/api/v1/offers/{offered['token']}/accept")
    assert accepted.status_code == 200
    assert accepted.json["status"] == "confirmed"
    assert accepted.json["manage_url"] == offered["second"]["manage_url"]
    assert _statuses(app) == ["cancelled", "confirmed", "waitlisted"]


def test_accepting_twice_is_a_conflict_and_changes_nothing(client, offered, app):
    client.post(f"/api/v1/offers/{offered['token']}/accept")
    problem = _problem(client.post(f"/api/v1/offers/{offered['token']}/accept"), 409)
    assert "already accepted" in problem["detail"]
    _problem(client.post(f"/api/v1/offers/{offered['token']}/decline"), 409)
    assert _statuses(app) == ["cancelled", "confirmed", "waitlisted"]


def test_an_unknown_offer_link_is_not_found(client, offered):
    _problem(client.post("/api/v1/offers/not-a-real-token/accept"), 404)


def test_a_manage_token_is_no_offer_link(client, offered):
    manage_token = offered["second"]["manage_url"].rsplit("/", 1)[1]
    _problem(client.post(f"/api/v1/offers/{manage_token}/accept"), 404)


def test_a_lapsed_offer_is_gone_and_changes_nothing(client, offered, clock, app):
    clock.advance(hours=24)
    problem = _problem(client.post(f"/api/v1/offers/{offered['token']}/accept"), 410)
    assert "expired" in problem["detail"]
    assert _statuses(app) == ["cancelled", "offered", "waitlisted"]


def test_the_offer_of_a_cancelled_registration_is_void(client, offered, app):
    manage = offered["second"]["manage_url"].removeprefix("https://reg.example.test")
    client.post(f"/api/v1{manage}/cancel")
    _problem(client.post(f"/api/v1/offers/{offered['token']}/accept"), 409)
    assert _statuses(app) == ["cancelled", "cancelled", "offered"]  # the next one has it


def test_declining_and_staying_moves_to_the_end_of_the_list(client, offered, app):
    declined = client.post(
        f"/api/v1/offers/{offered['token']}/decline", json={"stay_on_waitlist": True}
    )
    assert declined.status_code == 200
    assert declined.json["status"] == "waitlisted" and declined.json["waitlist_position"] == 1
    assert _statuses(app) == ["cancelled", "offered", "waitlisted"]


def test_a_bad_decline_body_is_refused(client, offered):
    problem = _problem(
        client.post(f"/api/v1/offers/{offered['token']}/decline", json={"stay_on_waitlist": "x"}),
        422,
    )
    assert "stay_on_waitlist" in str(problem)


def test_bad_offer_hours_are_refused(client, organiser):
    from tests.registration.conftest import event_body

    for hours in (-1, 721, "24", 1.5):
        answer = client.post(
            "/api/v1/events", json=event_body(waitlist_offer_hours=hours), headers=organiser
        )
        assert "waitlist_offer_hours" in str(_problem(answer, 422))


def test_the_offer_page_asks_before_it_accepts(client, offered, app):
    page = client.get(f"/offers/{offered['token']}/accept")
    assert page.status_code == 200 and 'id="accept"' in page.get_data(as_text=True)
    assert _statuses(app) == ["cancelled", "offered", "waitlisted"]  # a GET changes nothing
    token = csrf(client, f"/offers/{offered['token']}/accept")
    done = client.post(f"/offers/{offered['token']}/accept", data={"csrf_token": token})
    assert done.status_code == 303 and "/manage/" in done.headers["Location"]
    assert _statuses(app) == ["cancelled", "confirmed", "waitlisted"]


def test_the_offer_page_refuses_a_post_without_its_csrf_token(client, offered, app):
    assert client.post(f"/offers/{offered['token']}/accept").status_code == 400
    assert _statuses(app) == ["cancelled", "offered", "waitlisted"]


def test_the_decline_page_can_keep_the_person_on_the_list(client, offered, app):
    token = csrf(client, f"/offers/{offered['token']}/decline")
    data = {"csrf_token": token, "stay_on_waitlist": "true"}
    assert client.post(f"/offers/{offered['token']}/decline", data=data).status_code == 303
    assert _statuses(app) == ["cancelled", "offered", "waitlisted"]
    assert [t for t, _ in _messages(app)].count("registration.offer_declined") == 1


def test_a_used_offer_link_shows_why_on_the_page(client, offered):
    token = csrf(client, f"/offers/{offered['token']}/accept")
    client.post(f"/offers/{offered['token']}/accept", data={"csrf_token": token})
    again = client.post(f"/offers/{offered['token']}/accept", data={"csrf_token": token})
    assert again.status_code == 409
    assert 'id="offer-problem"' in again.get_data(as_text=True)


def test_an_unknown_offer_page_is_not_found(client, offered):
    assert client.get("/offers/nope/accept").status_code == 404
    assert client.get(f"/offers/{offered['token']}/maybe").status_code == 404


def test_the_manage_page_carries_accept_and_decline_buttons(client, offered):
    manage = offered["second"]["manage_url"].removeprefix("https://reg.example.test")
    page = client.get(manage).get_data(as_text=True)
    assert 'id="accept-offer"' in page and 'id="decline-offer"' in page
    assert re.search(rf'action="/offers/{re.escape(offered["token"])}/accept"', page)


def test_an_organiser_sees_the_held_seat_and_may_cancel_the_offer(client, offered, app, logged_in):  # noqa: F811
    page = client.get(f"/organiser/events/{offered['event']['id']}").get_data(as_text=True)
    assert "1 seats offered to people waiting" in page
    cancels = re.findall(r'action="(/organiser/registrations/[^"]+/cancel_registration)"', page)
    cancel = next(c for c in cancels if offered["second"]["id"] in c)  # the offered one
    confirmed = {"csrf_token": logged_in, "confirmed": "yes"}  # past the confirmation page
    assert client.post(cancel, data=confirmed).status_code == 303
    assert _statuses(app) == ["cancelled", "cancelled", "offered"]
