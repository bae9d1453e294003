"""Scheduling refuses text no feed or PostgreSQL column can carry: a 422, never a 500."""

from __future__ import annotations

import pytest

from tests.scheduling.api.test_pages import TOKEN, logged_in, visit_form  # noqa: F401 - fixture
from tests.scheduling.builders import EVENT_ID, visit_body
from tests.scheduling.exchange_builders import act, exchange_body, meeting_body

pytestmark = pytest.mark.integration
HOSTILE = ["Lab\r\nATTENDEE:mailto:evil@x", "nul\x00byte", "bell\x07", "\ud800"]


def test_a_visit_refuses_one_line_fields_with_breaks_or_controls(
    client, organiser, published_event
):
    url = f"/api/v1/events/{EVENT_ID}/visits"
    for field, place in (("title", None), ("organisation", "host"), ("name", "location")):
        for value in HOSTILE:
            body = visit_body()
            (body[place] if place else body)[field] = value
            response = client.post(url, json=body, headers=organiser)

            assert response.status_code == 422, (field, value)
            errors = response.json["errors"]["json"]
            assert list(errors[place] if place else errors) == [field]


def test_a_visit_keeps_a_multi_line_description_and_refuses_a_year_9999_end(
    client, organiser, published_event
):
    url = f"/api/v1/events/{EVENT_ID}/visits"
    far = client.post(url, json=visit_body(end="9999-12-31T23:00:00+00:00"), headers=organiser)
    assert far.status_code == 422 and list(far.json["errors"]["json"]) == ["end"]
    created = client.post(url, json=visit_body(description="a\r\nb"), headers=organiser)
    assert created.json["description"] == "a\nb"


def test_an_exchange_refuses_hostile_names_and_dates_outside_1900_to_2200(
    exchange_client, organiser
):
    for value in HOSTILE:
        body = exchange_body()
        body["visitor"]["name"] = value
        response = exchange_client.post("/api/v1/exchanges", json=body, headers=organiser)
        assert response.status_code == 422
        assert list(response.json["errors"]["json"]["visitor"]) == ["name"]
    late = exchange_body(last_day="9999-12-31")
    response = exchange_client.post("/api/v1/exchanges", json=late, headers=organiser)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["last_day"]


def test_an_agenda_item_refuses_a_hostile_title(exchange_client, exchange):
    assert act(exchange_client, exchange, "accept", "host").status_code == 200
    item = meeting_body(title="nul\x00byte")
    response = act(exchange_client, exchange, "agenda", "host", **item)
    assert response.status_code == 422 and list(response.json["errors"]["json"]) == ["title"]


def test_planner_forms_refuse_nul(client, organiser, logged_in, published_event):  # noqa: F811
    form = visit_form(logged_in, title="Lab\x00A")
    assert client.post(f"/organiser/events/{EVENT_ID}/visits", data=form).status_code == 422
    block = {"csrf_token": logged_in, "block_title": "nul\x00", "visit_ids": []}
    assert client.post(f"/organiser/events/{EVENT_ID}/blocks", data=block).status_code == 422
    visit = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=visit_body(), headers=organiser)
    cancel = {"csrf_token": logged_in, "reason": "nul\x00", "confirmed": "yes"}
    url = f"/organiser/visits/{visit.json['id']}/cancel"
    assert client.post(url, data=cancel).status_code == 422
    rank = {"csrf_token": logged_in, "rank-v\x00x": "1"}
    assert client.post(f"/my/{TOKEN}/blocks/b-1/rank", data=rank).status_code == 422
