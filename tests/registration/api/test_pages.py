"""The registration pages through the Flask test client: forms, errors, CSRF and login."""

from __future__ import annotations

import re

import pytest

from shared.credentials import CredentialStore
from tests.registration.conftest import person

pytestmark = pytest.mark.integration


def csrf(client, path: str = "/organiser/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def field_errors(response) -> dict[str, str]:
    page = response.get_data(as_text=True)
    return dict(re.findall(r'id="f-([\w-]+)-error">([^<]+)<', page))


def form(n: int, token: str) -> dict:
    body = {k: v for k, v in person(n).items() if k != "consent"}
    return {**body, "consent": "true", "csrf_token": token}


@pytest.fixture
def logged_in(client, env):
    """A page session of an organiser; returns its CSRF token."""
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    response = client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    assert response.status_code == 302
    return token


def test_the_event_list_shows_seats_left_then_the_waiting_list(client, published_event):
    event = published_event(capacity=1)
    assert "1 of 1 seats left" in client.get("/").get_data(as_text=True)
    token = csrf(client)
    client.post(f"/events/{event['id']}/register", data=form(1, token))
    assert "Full: waiting list" in client.get("/").get_data(as_text=True)


def test_an_invalid_registration_is_shown_again_with_the_api_schemas_messages(
    client, published_event
):
    event = published_event()
    data = {**form(1, csrf(client)), "email": "not-an-email", "consent": ""}
    response = client.post(f"/events/{event['id']}/register", data=data)
    assert response.status_code == 422
    errors = field_errors(response)
    assert errors["email"] == "Not a valid email address."
    assert "consent" in errors["consent"]
    assert 'value="Participant B"' in response.get_data(as_text=True)


def test_registering_redirects_to_a_confirmation_with_manage_and_calendar_links(
    client, published_event
):
    event = published_event()
    response = client.post(f"/events/{event['id']}/register", data=form(1, csrf(client)))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "https://reg.example.test/manage/" in page
    assert "webcal://sched.example.test/feeds/participants/" in page
    assert "calendar.google.com" in page


def test_a_duplicate_registration_is_explained_on_the_form(client, published_event):
    event = published_event()
    token = csrf(client)
    client.post(f"/events/{event['id']}/register", data=form(1, token))
    response = client.post(f"/events/{event['id']}/register", data=form(1, token))
    assert response.status_code == 409
    assert 'id="form-error"' in response.get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused_as_a_page(client, published_event):
    event = published_event()
    data = {k: v for k, v in form(1, "x").items() if k != "csrf_token"}
    response = client.post(f"/events/{event['id']}/register", data=data)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert client.get("/api/v1/events").get_json()["items"][0]["seats"]["confirmed"] == 0


def test_the_json_api_needs_no_csrf_token(client, published_event):
    event = published_event()
    response = client.post(f"/api/v1/events/{event['id']}/registrations", json=person(1))
    assert response.status_code == 201


def test_the_manage_page_cancels_and_the_next_in_line_is_promoted(client, published_event):
    event = published_event(capacity=1)
    token = csrf(client)
    first = client.post(f"/events/{event['id']}/register", data=form(1, token))
    second = client.post(f"/events/{event['id']}/register", data=form(2, token))
    manage = [r.headers["Location"].removesuffix("/confirmation") for r in (first, second)]
    assert 'id="status">waitlisted' in client.get(manage[1]).get_data(as_text=True)
    client.post(f"{manage[0]}/cancel", data={"csrf_token": token, "confirmed": "yes"})
    assert 'id="status">confirmed' in client.get(manage[1]).get_data(as_text=True)
    page = client.get(manage[1]).get_data(as_text=True)
    assert "https://sched.example.test/my/" in page


def test_an_unknown_manage_link_is_an_html_404(client):
    response = client.get("/manage/no-such-token")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_organiser_pages_need_a_login_and_a_wrong_credential_is_refused(client):
    assert client.get("/organiser/").headers["Location"].startswith("/organiser/login")
    token = csrf(client, "/organiser/login")
    response = client.post("/organiser/login", data={"credential": "cxo_x", "csrf_token": token})
    assert response.status_code == 401
    assert "not valid" in response.get_data(as_text=True)


def test_the_login_redirects_only_within_the_site(client, env):
    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client, "/organiser/login")
    data = {"credential": credential, "csrf_token": token, "next": "//evil.example/"}
    assert client.post("/organiser/login", data=data).headers["Location"] == "/organiser/"


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    client.get("/organiser/login")
    cookie = client.get_cookie("cx_registration_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def event_form(token: str, **overrides) -> dict:
    data = {
        "csrf_token": token,
        "title": "Twinning meeting",
        "kind": "twinning_meeting",
        "venue.name": "Hall",
        "venue.address": "Street 1",
        "venue.city": "Lyon",
        "venue.country": "FR",
        "timezone": "Europe/Paris",
        "start": "2027-05-03T09:00",
        "end": "2027-05-03T17:00",
        "capacity": "20",
        "waitlist_enabled": "true",
    }
    return data | overrides


def test_an_organiser_creates_edits_and_publishes_an_event(client, logged_in):
    response = client.post("/organiser/events/new", data=event_form(logged_in))
    assert response.status_code == 303
    page_url = response.headers["Location"]
    event_id = page_url.rsplit("/", 1)[1]
    event = client.get(f"/api/v1/events/{event_id}").get_json()
    assert event is not None
    edit = event_form(logged_in, capacity="25", title="Twinning meeting in Lyon")
    assert client.post(f"/organiser/events/{event_id}/edit", data=edit).status_code == 303
    client.post(f"/organiser/events/{event_id}/publish", data={"csrf_token": logged_in})
    event = client.get(f"/api/v1/events/{event_id}").get_json()
    assert (event["title"], event["capacity"], event["status"]) == (
        "Twinning meeting in Lyon",
        25,
        "published",
    )
    assert event["start"] == "2027-05-03T07:00:00+00:00"
    assert "Twinning meeting in Lyon" in client.get("/organiser/").get_data(as_text=True)


def test_the_organisers_home_links_to_the_exchanges_on_scheduling(client, logged_in):
    page = client.get("/organiser/").get_data(as_text=True)
    assert 'id="exchanges-link" href="https://sched.example.test/organiser/exchanges"' in page


def test_an_invalid_event_form_shows_errors_next_to_the_fields(client, logged_in):
    data = event_form(logged_in, title="", capacity="many", timezone="Mars/Olympus")
    response = client.post("/organiser/events/new", data=data)
    assert response.status_code == 422
    errors = field_errors(response)
    assert set(errors) >= {"title", "capacity", "timezone"}


def test_an_organiser_approves_from_the_roster_and_exports_csv_and_report(
    client, logged_in, published_event
):
    event = published_event(approval_required=True)
    client.post(f"/events/{event['id']}/register", data=form(1, logged_in))
    roster = client.get(f"/api/v1/events/{event['id']}/registrations", headers={})
    assert roster.status_code == 401  # the API still wants the bearer header
    page = client.get(f"/organiser/events/{event['id']}").get_data(as_text=True)
    (approve,) = re.findall(r'action="(/organiser/registrations/[^"]+/approve)"', page)
    assert client.post(approve, data={"csrf_token": logged_in}).status_code == 303
    csv = client.get(f"/organiser/events/{event['id']}/roster.csv")
    assert csv.mimetype == "text/csv" and "confirmed" in csv.get_data(as_text=True)
    report = client.get(f"/organiser/events/{event['id']}/report.csv").get_data(as_text=True)
    assert '"total","participants","1"' in report and '"country","DE","1"' in report


def test_needs_are_updated_and_erasure_ends_the_manage_link(client, published_event):
    event = published_event()
    token = csrf(client)
    created = client.post(f"/events/{event['id']}/register", data=form(1, token))
    manage = created.headers["Location"].removesuffix("/confirmation")
    too_long = client.post(
        f"{manage}/needs", data={"csrf_token": token, "dietary_needs": "x" * 1001}
    )
    assert too_long.status_code == 422
    assert "Longer than maximum length 1000." in field_errors(too_long)["dietary_needs"]
    saved = client.post(f"{manage}/needs", data={"csrf_token": token, "dietary_needs": "vegan"})
    assert saved.status_code == 303
    assert ">vegan</textarea>" in client.get(manage).get_data(as_text=True)
    erased = client.post(f"{manage}/erase", data={"csrf_token": token, "confirmed": "yes"})
    assert erased.headers["Location"] == "/erased"
    gone = client.get(manage)
    assert gone.status_code == 404
    assert "p1@example.org" not in gone.get_data(as_text=True)


def _verify_url(app, email: str) -> str:
    import json

    from sqlalchemy import select

    from services.registration.adapters.orm import outbox

    engine = app.extensions["container"].infrastructure.engine
    with engine.connect() as db:
        query = select(outbox.c.body).where(
            outbox.c.message_type == "registration.verification_requested"
        )
        asked = [json.loads(body)["payload"] for body in db.scalars(query)]
    return [a["verify_url"] for a in asked if a["participant"]["email"] == email][-1]


def test_a_public_registration_goes_to_check_your_inbox_then_the_link_shows_the_manage_link(
    client, app, published_event
):
    event = published_event(capacity=2, verify_email=True)
    token = csrf(client)
    registered = client.post(f"/events/{event['id']}/register", data=form(1, token))
    assert registered.status_code == 303
    assert registered.headers["Location"].endswith(f"/events/{event['id']}/check-inbox")
    inbox = client.get(registered.headers["Location"]).get_data(as_text=True)
    assert "Check your inbox" in inbox and "/manage/" not in inbox
    again = client.post(f"/events/{event['id']}/register", data=form(1, token))
    assert again.headers["Location"] == registered.headers["Location"]
    assert "1 held" in client.get("/").get_data(as_text=True)

    path = _verify_url(app, "p1@example.org").removeprefix("https://reg.example.test")
    landing = client.get(path)
    assert landing.status_code == 200 and "Confirm my registration" in landing.get_data(True)
    confirmed = client.post(path, data={"csrf_token": csrf(client, path)})
    assert confirmed.status_code == 303
    page = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert 'id="manage-link"' in page and "confirmed" in page

    replay = client.post(path, data={"csrf_token": csrf(client, path)})
    assert replay.status_code == 409
    assert "already used" in replay.get_data(as_text=True)
    assert "/manage/" not in replay.get_data(as_text=True)


def test_a_partner_link_fills_in_the_partner_code(client, published_event):
    event = published_event(verify_email=True)
    page = client.get(f"/events/{event['id']}/register?partner_code=abc123").get_data(True)
    assert 'value="abc123"' in page


def test_the_confirmation_and_manage_pages_carry_outlook_subscribe_links(client, published_event):
    event = published_event()
    response = client.post(f"/events/{event['id']}/register", data=form(1, csrf(client)))
    for url in (
        response.headers["Location"],
        response.headers["Location"].removesuffix("/confirmation"),
    ):
        page = client.get(url).get_data(as_text=True)
        assert "https://outlook.live.com/calendar/0/addfromweb?url=https%3A%2F%2Fsched" in page
        assert "https://outlook.office.com/calendar/0/addfromweb?url=" in page
