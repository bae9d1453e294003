"""Visits and exchanges carry strong ETags; an unchanged one answers If-None-Match with 304."""

from tests.scheduling.builders import token_of


def test_an_unchanged_visit_is_a_304_until_someone_joins(client, visit_id):
    url = f"/api/v1/visits/{visit_id}"
    etag = client.get(url).headers["ETag"]

    unchanged = client.get(url, headers={"If-None-Match": etag})
    client.post(f"/api/v1/visits/{visit_id}/participants", json={}, headers=token_of("r1"))
    changed = client.get(url, headers={"If-None-Match": etag})

    assert (unchanged.status_code, unchanged.data) == (304, b"")
    assert changed.status_code == 200 and changed.json["seats_taken"] == 1


def test_an_exchange_answers_if_none_match_with_304_and_a_missing_one_stays_a_404(
    exchange_client, organiser, exchange
):
    url = f"/api/v1/exchanges/{exchange['id']}"
    etag = exchange_client.get(url, headers=organiser).headers["ETag"]

    again = exchange_client.get(url, headers={**organiser, "If-None-Match": etag})
    missing = exchange_client.get(
        "/api/v1/exchanges/nope", headers={**organiser, "If-None-Match": "*"}
    )

    assert again.status_code == 304
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
