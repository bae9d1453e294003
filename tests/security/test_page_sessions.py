"""Organiser page sessions: the cookie holds no credential, and logout, expiry and revocation
end a session at once, so a replayed cookie opens nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from shared.config import SERVICES

# An organiser page of each service: logged out it redirects to the login page.
ORGANISER_PAGE = {
    "registration": "/organiser/",
    "scheduling": "/organiser/events/00000000-0000-0000-0000-000000000000/visits",
    "notifications": "/organiser/notifications",
}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def log_in(client, credential: str):
    token = csrf_of(client.get("/organiser/login").get_data(as_text=True))
    return client.post("/organiser/login", data={"credential": credential, "csrf_token": token})


def logged_in(client, service: str) -> bool:
    response = client.get(ORGANISER_PAGE[service])
    return not response.headers.get("Location", "").startswith("/organiser/login")


def cookie_name(service: str) -> str:
    return f"cx_{service}_session"


@pytest.fixture
def clock():
    return Clock(START)


@pytest.mark.parametrize("service", SERVICES)
def test_the_session_cookie_holds_a_credential_id_and_a_nonce_never_the_credential(
    service, make_service_app, credentials
):
    app = make_service_app(service)
    credential_id, credential = credentials.mint("Ana")
    client = app.test_client()
    assert log_in(client, credential).status_code == 302

    raw = client.get_cookie(cookie_name(service)).value
    held = app.session_interface.get_signing_serializer(app).loads(raw)
    assert credential not in raw and "cxo_" not in str(held)
    assert held["organiser_session"]["credential_id"] == credential_id
    assert set(held["organiser_session"]) == {"credential_id", "nonce"}
    assert logged_in(client, service)


@pytest.mark.parametrize("service", SERVICES)
def test_a_cookie_replayed_after_logout_opens_nothing(service, make_service_app, credentials):
    app = make_service_app(service)
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    log_in(client, credential)
    page = client.get("/organiser/login").get_data(as_text=True)  # any page: the logout form
    stolen = client.get_cookie(cookie_name(service)).value

    client.post("/organiser/logout", data={"csrf_token": csrf_of(page)})
    assert not logged_in(client, service)

    replay = app.test_client()
    replay.set_cookie(cookie_name(service), stolen)
    response = replay.get(ORGANISER_PAGE[service])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organiser/login")


def test_logging_out_ends_only_that_session(make_service_app, credentials):
    app = make_service_app("registration")
    _, credential = credentials.mint("Ana")
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, credential)
    log_in(phone, credential)

    page = laptop.get("/organiser/").get_data(as_text=True)
    laptop.post("/organiser/logout", data={"csrf_token": csrf_of(page)})

    assert not logged_in(laptop, "registration")
    assert logged_in(phone, "registration")


@pytest.mark.parametrize("service", SERVICES)
def test_a_session_expires_after_the_default_twelve_hours(
    service, make_service_app, credentials, clock
):
    app = make_service_app(service, clock=clock)
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    log_in(client, credential)

    clock.now = START + timedelta(hours=11, minutes=59)
    assert logged_in(client, service)
    clock.now = START + timedelta(hours=12, seconds=1)
    assert not logged_in(client, service)


def test_organiser_session_hours_sets_the_lifetime(make_service_app, credentials, clock):
    app = make_service_app("registration", clock=clock, ORGANISER_SESSION_HOURS="0.5")
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    log_in(client, credential)

    clock.now = START + timedelta(minutes=29)
    assert logged_in(client, "registration")
    clock.now = START + timedelta(minutes=31)
    assert not logged_in(client, "registration")


@pytest.mark.parametrize("hours", ["0", "-1", "twelve"])
def test_an_unusable_session_lifetime_is_refused_at_start(make_service_app, hours):
    with pytest.raises(ValueError, match="ORGANISER_SESSION_HOURS"):
        make_service_app("registration", ORGANISER_SESSION_HOURS=hours)


@pytest.mark.parametrize("service", SERVICES)
def test_revoking_the_credential_ends_its_open_sessions(service, make_service_app, credentials):
    app = make_service_app(service)
    credential_id, credential = credentials.mint("Ana")
    client = app.test_client()
    log_in(client, credential)
    assert logged_in(client, service)

    credentials.revoke(credential_id)

    assert not logged_in(client, service)


def test_a_forged_or_tampered_session_cookie_opens_nothing(make_service_app, credentials):
    app = make_service_app("registration")
    credential_id, _ = credentials.mint("Ana")
    serializer = app.session_interface.get_signing_serializer(app)
    guessed = {"organiser_session": {"credential_id": credential_id, "nonce": "guess"}}
    for cookie in (serializer.dumps(guessed), serializer.dumps({"organiser_session": "x"}), "x.y"):
        client = app.test_client()
        client.set_cookie(cookie_name("registration"), cookie)
        assert not logged_in(client, "registration")


@pytest.mark.parametrize(
    ("public_url", "secure"),
    [("https://registration.example.eu", True), ("http://127.0.0.1:8001", False)],
)
def test_the_session_cookie_is_secure_when_the_public_url_is_https(
    make_service_app, credentials, public_url, secure
):
    app = make_service_app("registration", REGISTRATION_PUBLIC_URL=public_url)
    _, credential = credentials.mint("Ana")
    response = log_in(app.test_client(), credential)
    cookie = response.headers["Set-Cookie"]
    assert ("; Secure" in cookie) is secure
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
