"""Visits, hosts, blocks and exchanges come a page at a time, in the shared envelope."""

from urllib.parse import urlsplit

from tests.scheduling.builders import EVENT_ID, visit_body


def _schedule(client, organiser, n):
    body = visit_body(title=f"Visit {n}")
    body["host"] = {**body["host"], "organisation": f"Host {n}"}
    body["start"] = body["start"].replace("T14:", f"T{9 + n:02d}:")
    body["end"] = body["start"].replace(":00:00", ":30:00")
    response = client.post(f"/api/v1/events/{EVENT_ID}/visits", json=body, headers=organiser)
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_visit_pages_lose_and_repeat_nothing_while_visits_are_scheduled_between_pages(
    client, organiser, published_event
):
    before = [_schedule(client, organiser, n) for n in range(3)]
    response, seen = client.get(f"/api/v1/events/{EVENT_ID}/visits?limit=2"), []
    while True:
        assert response.status_code == 200, response.json
        seen += [visit["id"] for visit in response.json["items"]]
        if response.json["next"] is None:
            break
        _schedule(client, organiser, 3 + len(seen))
        parts = urlsplit(response.json["next"])
        response = client.get(f"{parts.path}?{parts.query}")

    assert len(seen) == len(set(seen)) and seen[:3] == before
    hosts = client.get(f"/api/v1/events/{EVENT_ID}/hosts?limit=1", headers=organiser).json
    assert len(hosts["items"]) == 1 and hosts["count"] >= 3 and hosts["next"]


def test_a_foreign_or_oversized_page_request_is_a_problem_not_a_500(client, organiser, visit_id):
    for query in ("limit=501", "cursor=garbage!", "cursor=W1siaSIsMV1d"):
        response = client.get(f"/api/v1/events/{EVENT_ID}/visits?{query}")
        assert response.status_code in (400, 422), (query, response.json)
        assert response.mimetype == "application/problem+json"


def test_exchanges_are_listed_in_the_envelope(exchange_client, organiser, exchange):
    listed = exchange_client.get("/api/v1/exchanges?limit=1", headers=organiser).json

    assert [e["id"] for e in listed["items"]] == [exchange["id"]]
    assert (listed["next"], listed["count"]) == (None, 1)
