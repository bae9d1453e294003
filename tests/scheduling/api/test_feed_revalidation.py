"""A calendar app's revalidation of a fresh cached feed, answered before Flask dispatches it.

The answer must be the one Flask's own path gives, header for header, with the same access
log line and metrics; anything the shortcut cannot vouch for goes on to Flask.
"""

import logging
import re

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from tests.scheduling.api.test_feeds_api import EVENT_FEED, PERSONAL_FEED
from tests.scheduling.builders import EVENT_ID, registration_payload


@pytest.fixture
def cached(make_app, visit_id):
    """An app that keeps rendered feeds fresh for a minute (the other tests' apps do not)."""
    return make_app(FEED_CACHE_SECONDS="60")


def etag_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.headers["ETag"]


def without_correlation(headers) -> list[tuple[str, str]]:
    return [(name, value) for name, value in headers if name != "X-Correlation-ID"]


def refuse_flask_views(monkeypatch) -> None:
    def dispatched(*args, **kwargs):
        raise AssertionError("Flask served the revalidation")

    monkeypatch.setattr("services.scheduling.entrypoints.feeds._serve", dispatched)


@pytest.mark.parametrize("url", [EVENT_FEED, PERSONAL_FEED])
def test_the_shortcut_answers_with_the_very_headers_of_flasks_304(cached, monkeypatch, url):
    client = cached.test_client()
    etag = etag_of(client, url)
    through_flask = Client(cached.wsgi_app.flask, Response).get(
        url, headers={"If-None-Match": etag}
    )
    refuse_flask_views(monkeypatch)

    shortcut = client.get(url, headers={"If-None-Match": etag})

    assert (shortcut.status, through_flask.status) == ("304 NOT MODIFIED",) * 2
    assert shortcut.data == through_flask.data == b""
    assert without_correlation(shortcut.headers) == without_correlation(through_flask.headers)
    assert re.fullmatch(r"[0-9a-f]{32}", shortcut.headers["X-Correlation-ID"])


def test_the_shortcut_echoes_a_safe_correlation_id_and_replaces_a_hostile_one(cached, monkeypatch):
    client = cached.test_client()
    etag = etag_of(client, EVENT_FEED)
    refuse_flask_views(monkeypatch)

    safe = client.get(EVENT_FEED, headers={"If-None-Match": etag, "X-Correlation-ID": "ab-12"})
    hostile = client.get(
        EVENT_FEED, headers={"If-None-Match": etag, "X-Correlation-ID": "<script> x"}
    )

    assert safe.headers["X-Correlation-ID"] == "ab-12"
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["X-Correlation-ID"])


def test_the_shortcut_logs_and_counts_the_request_by_route_never_by_token(
    cached, monkeypatch, caplog
):
    client = cached.test_client()
    etag = etag_of(client, PERSONAL_FEED)
    refuse_flask_views(monkeypatch)
    logging.getLogger().addHandler(caplog.handler)  # the app's logging replaced the handlers
    token = registration_payload("r1")["feed_token"]

    with caplog.at_level(logging.INFO, logger="http"):
        for _ in range(3):
            client.get(PERSONAL_FEED, headers={"If-None-Match": etag, "X-Correlation-ID": "c-1"})
    monkeypatch.undo()
    scrape = client.get("/metrics").get_data(as_text=True)

    lines = [r for r in caplog.records if r.name == "http" and r.getMessage() == "request"]
    assert [(r.method, r.route, r.status) for r in lines if r.status == 304] == [
        ("GET", "/feeds/participants/<token>.ics", 304)
    ] * 3
    assert {getattr(r, "correlation_id", None) for r in lines if r.status == 304} == {"c-1"}
    assert token not in caplog.text and token not in scrape
    count = re.search(
        r'cx_http_request_duration_seconds_count\{[^}]*route="/feeds/participants/<token>.ics"'
        r'[^}]*status="304"\} (\S+)',
        scrape,
    )
    assert count and float(count.group(1)) == 3.0


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", {"If-None-Match": '"some-other-version"'}),  # the feed changed for this client
        ("HEAD", {}),  # filled in below with the current ETag
        ("GET", {"If-Modified-Since": "Tue, 01 Jan 2030 00:00:00 GMT"}),
    ],
)
def test_what_the_shortcut_cannot_vouch_for_goes_on_to_flask(cached, method, headers):
    client = cached.test_client()
    etag = etag_of(client, EVENT_FEED)
    served = []
    flask = cached.wsgi_app.flask

    def counting(environ, start_response):
        served.append(environ["PATH_INFO"])
        return flask(environ, start_response)

    cached.wsgi_app.flask = counting
    headers = headers or {"If-None-Match": etag}

    response = client.open(EVENT_FEED, method=method, headers=headers)

    assert served == [EVENT_FEED]
    expected = 200 if headers.get("If-None-Match", etag) != etag else 304
    assert response.status_code == expected


def test_a_stale_entry_is_checked_by_flask_and_a_changed_feed_is_a_200(
    make_app, visit_id, organiser
):
    app = make_app(FEED_CACHE_SECONDS="0")  # every entry stale at once
    client = app.test_client()
    etag = etag_of(client, EVENT_FEED)
    client.patch(f"/api/v1/visits/{visit_id}", json={"title": "Renamed"}, headers=organiser)

    response = client.get(EVENT_FEED, headers={"If-None-Match": etag})

    assert response.status_code == 200 and b"Renamed" in response.data


@pytest.mark.parametrize(
    "path",
    [
        f"/feeds/events/{EVENT_ID}/extra.ics",
        "/feeds/events/.ics",
        "/feeds/participants/caf%C3%A9.ics",
    ],
)
def test_paths_no_feed_route_would_serve_stay_flasks_to_answer(cached, path):
    client = cached.test_client()
    etag_of(client, EVENT_FEED)

    response = client.get(path, headers={"If-None-Match": "*"})

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
