"""After login (``next``) and after a page action (``back``) we only ever redirect on this site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from shared.config import SERVICES
from shared.pages.login import safe_next

HOME = "/organiser/"
# Each is read by some browser as another site (tabs and newlines are dropped, "\" is "/").
BYPASSES = [
    "//evil.test",
    "/\t/evil.test",
    "/\n/evil.test",
    "/\r\n/evil.test",
    " //evil.test",
    "/\\evil.test",
    "\\/evil.test",
    "\\\\evil.test",
    "/%5Cevil.test",
    "%2F%2Fevil.test",
    "/%2F/evil.test",
    "/%2f%2fevil.test",
    "https://evil.test/",
    "https:evil.test",
    "HTTPS://evil.test",
    "//user@evil.test",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.test",
    "/\u3000/evil.test",
    "/\x00/evil.test",
]


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def stays_on_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        not parts.scheme
        and not parts.netloc
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and not any(ch in location for ch in "\t\r\n\\")
    )


@pytest.mark.parametrize("target", BYPASSES)
def test_a_next_that_leads_off_site_falls_back_to_the_organiser_home(target):
    assert safe_next(target, HOME) == HOME


@pytest.mark.parametrize(
    "target", ["/organiser/events/e1", "/organiser/notifications?status=failed#row", "/"]
)
def test_a_next_on_this_site_is_kept(target):
    assert safe_next(target, HOME) == target


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("target", BYPASSES)
def test_logging_in_with_an_off_site_next_redirects_on_this_site(
    service, target, make_service_app, credentials
):
    app = make_service_app(service)
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    token = csrf_of(client.get("/organiser/login").get_data(as_text=True))
    data = {"credential": credential, "csrf_token": token, "next": target}
    response = client.post("/organiser/login", data=data)
    assert response.status_code == 302
    location = response.headers["Location"]
    # on this site, or the configured organiser home (scheduling's is on registration)
    assert stays_on_site(location) or location == app.extensions["page_links"]["organiser_home"]


def test_the_reported_tab_bypass_sent_raw_is_refused(make_service_app, credentials):
    app = make_service_app("registration")
    _, credential = credentials.mint("Ana")
    client = app.test_client()
    token = csrf_of(client.get("/organiser/login").get_data(as_text=True))
    body = f"credential={credential}&csrf_token={token}&next=/%09/evil.test"
    response = client.post(
        "/organiser/login", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.headers["Location"] == "/organiser/"
