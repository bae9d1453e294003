"""Public writes are rate limited per client address; organisers and reads are not."""

from __future__ import annotations

import pytest

from shared.config import service_settings
from shared.ratelimit import FixedWindowLimiter, parse_rate
from tests.support.clock import Clock

EVENT = "/api/v1/events/00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    ("value", "parsed"),
    [
        ("120/minute", (120, 60)),
        ("3 per second", (3, 1)),
        ("10/hours", (10, 3600)),
        ("5/day", (5, 86400)),
        ("off", None),
        ("0", None),
        ("", None),
        ("0/minute", None),
    ],
)
def test_rates_are_read_like_120_per_minute_and_off_disables(value, parsed):
    assert parse_rate(value) == parsed


def test_an_unreadable_rate_is_refused():
    with pytest.raises(ValueError, match="PUBLIC_WRITE_RATE_LIMIT"):
        parse_rate("lots")


def test_the_setting_defaults_to_a_limit_tests_and_people_do_not_reach(tmp_path):
    env = {"DATA_DIR": str(tmp_path)}
    assert service_settings("registration", env).public_write_rate_limit == "120/minute"
    env["PUBLIC_WRITE_RATE_LIMIT"] = "off"
    assert service_settings("registration", env).public_write_rate_limit == "off"


def test_a_fixed_window_counts_per_key_and_resets_after_its_period():
    clock = Clock(1000.0)
    limiter = FixedWindowLimiter(2, 60, clock)

    assert [limiter.hit("a"), limiter.hit("a")] == [None, None]
    clock.now += 15
    assert limiter.hit("a") == pytest.approx(45)
    assert limiter.hit("b") is None
    clock.now += 45
    assert limiter.hit("a") is None


def _register(client, address="203.0.113.7", **headers):
    return client.post(
        f"{EVENT}/registrations",
        json={"name": "Jane"},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def test_the_fourth_public_write_in_a_minute_is_a_429_problem_with_retry_after(
    make_service_app,
):
    client = make_service_app("registration", PUBLIC_WRITE_RATE_LIMIT="3/minute").test_client()

    first = [_register(client).status_code for _ in range(3)]
    refused = _register(client)

    assert 429 not in first
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # the same budget covers every public write, page forms included
    same = {"REMOTE_ADDR": "203.0.113.7"}
    page_form = client.post("/manage/some-token/cancel", environ_base=same)
    assert (page_form.status_code, "Retry-After" in page_form.headers) == (429, True)
    assert client.patch("/api/v1/manage/t", json={}, environ_base=same).status_code == 429
    # another address has its own budget
    assert _register(client, address="198.51.100.2").status_code != 429


def test_organisers_and_reads_are_not_limited(make_service_app, credentials):
    client = make_service_app("registration", PUBLIC_WRITE_RATE_LIMIT="1/minute").test_client()
    _, token = credentials.mint("Tess Organiser")
    bearer = {"Authorization": f"Bearer {token}"}
    _register(client)
    assert _register(client).status_code == 429

    for _ in range(5):
        assert _register(client, **bearer).status_code != 429
        assert (
            client.get("/api/v1/events", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code
            == 200
        )
        assert client.get(EVENT, environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 404


def test_a_wrong_organiser_credential_does_not_escape_the_limit(make_service_app):
    client = make_service_app("scheduling", PUBLIC_WRITE_RATE_LIMIT="2/minute").test_client()
    wrong = {"Authorization": "Bearer cxo_guessed"}
    statuses = [
        client.post("/api/v1/exchanges", json={}, headers=wrong).status_code for _ in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_off_disables_the_limit(make_service_app):
    client = make_service_app("registration", PUBLIC_WRITE_RATE_LIMIT="off").test_client()
    assert all(_register(client).status_code != 429 for _ in range(200))


def test_an_unreadable_limit_stops_the_app_from_starting(make_service_app):
    with pytest.raises(ValueError, match="PUBLIC_WRITE_RATE_LIMIT"):
        make_service_app("notifications", PUBLIC_WRITE_RATE_LIMIT="plenty")
