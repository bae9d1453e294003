"""Security headers on every response of all three apps; URLs holding a token are never cached
and never echoed; the pages need no inline script or style."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shared.config import SERVICES

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok3nS3cretV4lue_abcdefghijklmnopqrstu"
EVERYDAY = ["/healthz", "/openapi.json", "/docs", "/organiser/login", "/static/style.css", "/nope"]
TOKEN_PATHS = {
    "registration": [
        f"/manage/{TOKEN}",
        f"/manage/{TOKEN}/confirmation",
        f"/api/v1/manage/{TOKEN}",
        f"/manage/{TOKEN}/no/such/page",
    ],
    "scheduling": [
        f"/my/{TOKEN}",
        f"/feeds/participants/{TOKEN}.ics",
        f"/feeds/hosts/{TOKEN}.ics",
        f"/feeds/exchanges/visitor/{TOKEN}.ics",
        f"/feeds/exchanges/host/{TOKEN}.ics",
        f"/feeds/participants/{TOKEN}",
        f"/my/{TOKEN}/no/such/page",
        f"/exchange/{TOKEN}",
        f"/exchange/{TOKEN}/cancel",
        f"/exchange/{TOKEN}/agenda/some-item",
    ],
    "notifications": [],
}


def assert_hardened(response) -> None:
    headers = response.headers
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("service", SERVICES)
def test_every_response_carries_the_security_headers(service, make_service_app):
    client = make_service_app(service).test_client()
    for path in EVERYDAY:
        with client.get(path) as response:  # closes the static files it sends
            assert_hardened(response)
    assert_hardened(client.post("/api/v1/nothing-here", json={}))
    assert_hardened(client.post("/organiser/login", data={}))  # CSRF refusal, 400


@pytest.mark.parametrize("service", SERVICES)
def test_responses_to_urls_with_a_token_are_not_stored_and_do_not_echo_it(
    service, make_service_app
):
    client = make_service_app(service).test_client()
    for path in TOKEN_PATHS[service]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert_hardened(response)
        assert response.headers["Cache-Control"] == "no-store", path
        assert TOKEN not in response.get_data(as_text=True), path


def test_a_404_without_a_token_still_names_its_path(make_service_app):
    response = make_service_app("registration").test_client().get("/no-such-page")
    assert response.json["instance"] == "/no-such-page"
    assert "no-store" not in response.headers.get("Cache-Control", "")


def templates() -> list[Path]:
    found = list(ROOT.glob("services/*/entrypoints/templates/**/*.html"))
    found += list(ROOT.glob("shared/**/templates/**/*.html"))
    assert found
    return found


INLINE = [
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


@pytest.mark.parametrize("template", templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_page_template_needs_inline_script_or_style(template):
    text = template.read_text()
    for pattern, what in INLINE:
        assert not pattern.search(text), f"{what} in {template}"


@pytest.mark.parametrize("service", SERVICES)
def test_rendered_pages_have_no_inline_script_or_style(service, make_service_app):
    client = make_service_app(service).test_client()
    for path in ("/organiser/login", "/docs", "/nope"):
        text = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        for pattern, what in INLINE:
            assert not pattern.search(text), f"{what} in {service} {path}"
