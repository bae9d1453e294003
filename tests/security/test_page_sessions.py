"""Organiser page sessions: one login for every service's pages; the cookie holds no credential,
and logout, expiry and revocation end a session at once everywhere, so a replayed cookie opens
nothing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

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


LOGIN_COOKIE = "cx_organiser"


def carry_login(source, target) -> None:
    """Give target the site's login cookie that source holds (a browser does it by itself)."""
    target.set_cookie(LOGIN_COOKIE, source.get_cookie(LOGIN_COOKIE).value)


def log_out(client, service: str) -> None:
    page = client.get("/organiser/login").get_data(as_text=True)
    client.post("/organiser/logout", data={"csrf_token": csrf_of(page)})


@pytest.fixture
def clock():
    return Clock(START)


@pytest.mark.parametrize("service", SERVICES)
def test_the_login_cookie_holds_only_a_signed_session_id_never_the_credential(
    service, make_service_app, credentials
):
    app = make_service_app(service)
    credential_id, credential = credentials.mint("Ana")
    client = app.test_client()
    assert log_in(client, credential).status_code == 302

    raw = client.get_cookie(LOGIN_COOKIE).value
    held = URLSafeSerializer(app.secret_key, salt="cx-organiser-session").loads(raw)
    assert isinstance(held, str) and len(held) >= 43  # 256 random bits
    assert credential not in raw and "cxo_" not in held and credential_id not in raw
    assert logged_in(client, service)


def test_one_login_opens_the_organiser_pages_of_every_service(make_service_app, credentials):
    apps = {service: make_service_app(service) for service in SERVICES}
    _, credential = credentials.mint("Ana")
    registration = apps["registration"].test_client()
    log_in(registration, credential)

    for service, app in apps.items():
        browser = app.test_client()
        carry_login(registration, browser)
        assert logged_in(browser, service), service


def test_logging_out_on_one_service_ends_the_session_on_the_others(make_service_app, credentials):
    registration_app, scheduling_app = (
        make_service_app("registration"),
        make_service_app("scheduling"),
    )
    _, credential = credentials.mint("Ana")
    registration = registration_app.test_client()
    log_in(registration, credential)
    scheduling = scheduling_app.test_client()
    carry_login(registration, scheduling)
    assert logged_in(scheduling, "scheduling")

    log_out(scheduling, "scheduling")

    assert not logged_in(scheduling, "scheduling")
    assert not logged_in(registration, "registration")  # its copy of the cookie opens nothing


@pytest.mark.parametrize("service", SERVICES)
def test_a_cookie_replayed_after_logout_opens_nothing(service, make_service_app, credentials):
    app = make_service_app(service)
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    log_in(client, credential)
    stolen = client.get_cookie(LOGIN_COOKIE).value

    log_out(client, service)
    assert not logged_in(client, service)
    assert client.get_cookie(LOGIN_COOKIE) is None

    replay = app.test_client()
    replay.set_cookie(LOGIN_COOKIE, stolen)
    response = replay.get(ORGANISER_PAGE[service])
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organiser/login")


def test_logging_out_ends_only_that_session(make_service_app, credentials):
    app = make_service_app("registration")
    _, credential = credentials.mint("Ana")
    laptop, phone = app.test_client(), app.test_client()
    log_in(laptop, credential)
    log_in(phone, credential)

    log_out(laptop, "registration")

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


def test_a_forged_or_tampered_login_cookie_opens_nothing(make_service_app, credentials):
    app = make_service_app("registration")
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    log_in(client, credential)
    genuine = client.get_cookie(LOGIN_COOKIE).value
    signed = URLSafeSerializer(app.secret_key, salt="cx-organiser-session")
    other_key = URLSafeSerializer("another-site", salt="cx-organiser-session")
    session_id = signed.loads(genuine)
    forged = (
        signed.dumps("guessed-session-id"),
        signed.dumps({"credential_id": "x"}),
        other_key.dumps(session_id),  # the right id, signed by someone else
        genuine[:-2] + "xx",
        "x.y",
    )
    for cookie in forged:
        browser = app.test_client()
        browser.set_cookie(LOGIN_COOKIE, cookie)
        assert not logged_in(browser, "registration")


@pytest.mark.parametrize(
    ("public_url", "secure"),
    [("https://registration.example.eu", True), ("http://127.0.0.1:8001", False)],
)
def test_the_login_cookie_is_secure_when_the_public_url_is_https(
    make_service_app, credentials, public_url, secure
):
    app = make_service_app("registration", REGISTRATION_PUBLIC_URL=public_url)
    _, credential = credentials.mint("Ana")
    response = log_in(app.test_client(), credential)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(LOGIN_COOKIE))
    assert ("; Secure" in cookie) is secure
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Max-Age=43200" in cookie  # the session's twelve hours


def test_organiser_cookie_domain_shares_the_login_with_sibling_hosts(make_service_app, credentials):
    app = make_service_app("registration", ORGANISER_COOKIE_DOMAIN="example.eu")
    _, credential = credentials.mint("Ana")
    response = log_in(app.test_client(), credential)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(LOGIN_COOKIE))
    assert "Domain=example.eu" in cookie
