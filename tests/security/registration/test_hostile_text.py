"""Text no mail header, feed or PostgreSQL column can carry is a 422 on its field, never a 500."""

from __future__ import annotations

import pytest

from tests.registration.api.test_pages import csrf, field_errors, form
from tests.registration.conftest import event_body, person

pytestmark = pytest.mark.integration

ONE_LINE_HOSTILE = ["Anna\r\nBcc: evil@example.org", "nul\x00byte", "bell\x07", "\ud800"]
MULTI_LINE_HOSTILE = ["nul\x00byte", "esc\x1b[2J", "\udfff"]


def test_a_registration_refuses_a_one_line_field_with_breaks_or_controls(client, published_event):
    url = f"/api/v1/events/{published_event()['id']}/registrations"
    for field in ("name", "organisation", "partner"):
        for value in ONE_LINE_HOSTILE:
            response = client.post(url, json=person(1, **{field: value}))

            assert response.status_code == 422, (field, value)
            assert response.mimetype == "application/problem+json"
            assert list(response.json["errors"]["json"]) == [field]


@pytest.mark.parametrize("value", MULTI_LINE_HOSTILE)
def test_needs_refuse_controls_other_than_line_breaks(client, published_event, value):
    event = published_event()
    body = person(1, dietary_needs=value)
    response = client.post(f"/api/v1/events/{event['id']}/registrations", json=body)

    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["dietary_needs"]


def test_needs_keep_their_line_breaks_as_lf(client, published_event):
    event = published_event()
    body = person(1, dietary_needs="vegan\r\nno nuts", accessibility_needs="ramp\rlift")
    created = client.post(f"/api/v1/events/{event['id']}/registrations", json=body)
    token = created.json["manage_url"].rsplit("/", 1)[-1]

    own = client.get(f"/api/v1/manage/{token}").json
    assert (own["dietary_needs"], own["accessibility_needs"]) == ("vegan\nno nuts", "ramp\nlift")


def test_an_event_refuses_a_one_line_field_with_breaks_or_controls(client, organiser):
    for path in (("title",), ("venue", "name"), ("venue", "city")):
        for value in ONE_LINE_HOSTILE:
            body = event_body()
            (body if len(path) == 1 else body[path[0]])[path[-1]] = value
            response = client.post("/api/v1/events", json=body, headers=organiser)

            assert response.status_code == 422, (path, value)
            errors = response.json["errors"]["json"]
            assert (errors if len(path) == 1 else errors[path[0]]).keys() == {path[-1]}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("end", "9999-12-31T23:00:00+00:00"),
        ("start", "1899-12-31T09:00:00+00:00"),
        ("registration_closes", "2201-01-01T00:00:00+00:00"),
    ],
)
def test_an_event_refuses_dates_outside_1900_to_2200(client, organiser, field, value):
    response = client.post("/api/v1/events", json=event_body(**{field: value}), headers=organiser)

    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]


def test_an_event_patch_refuses_an_end_in_the_year_9999(client, organiser, published_event):
    event = published_event()
    response = client.patch(
        f"/api/v1/events/{event['id']}",
        json={"end": "9999-12-31T23:00:00+00:00"},
        headers=organiser,
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == ["end"]


@pytest.mark.parametrize("value", ["Anna\rBcc: evil@example.org", "nul\x00byte"])
def test_the_registration_form_refuses_a_name_with_breaks_or_controls(
    client, published_event, value
):
    event = published_event()
    data = {**form(1, csrf(client)), "name": f"Anna {value} Smith"}
    response = client.post(f"/events/{event['id']}/register", data=data)

    assert response.status_code == 422
    assert list(field_errors(response)) == ["name"]


@pytest.mark.parametrize("path", ["/api/v1/manage/a%00b", "/api/v1/events/a%00b", "/manage/a%00b"])
def test_a_nul_in_a_path_is_a_404_on_postgresql_not_a_500(client, path):
    assert client.get(path).status_code == 404
