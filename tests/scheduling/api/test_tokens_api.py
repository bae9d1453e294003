"""Organisers rotate and revoke the private feed tokens of participants and hosts."""

from tests.scheduling.builders import EVENT_ID, registration_payload

OLD_FEED = f"/feeds/participants/{registration_payload('r1')['feed_token']}.ics"
BASE = "https://calendar.example.eu/scheduling"


def path(url: str) -> str:
    return url.removeprefix(BASE)


def test_rotating_a_participants_token_kills_the_old_link_and_returns_the_new_one(
    client, organiser, deliver, published_event
):
    response = client.post("/api/v1/registrations/r1/feed-token/rotate", headers=organiser)

    assert response.status_code == 200
    new_feed = response.json["feed"]
    assert new_feed["webcal"].startswith("webcal://") and "google" in new_feed
    assert client.get(OLD_FEED).status_code == 404
    assert client.get(path(new_feed["https"])).status_code == 200
    deliver("registration.confirmed", registration_payload("r1"))
    assert client.get(OLD_FEED).status_code == 404


def test_revoking_a_participants_token_kills_the_link_until_rotated(
    client, organiser, published_event
):
    response = client.post("/api/v1/registrations/r1/feed-token/revoke", headers=organiser)

    assert (response.status_code, response.json["feed"]) == (200, None)
    assert client.get(OLD_FEED).status_code == 404


def test_a_new_token_is_long_random_and_different_each_time(client, organiser, published_event):
    tokens = {
        path(
            client.post("/api/v1/registrations/r1/feed-token/rotate", headers=organiser).json[
                "feed"
            ]["https"]
        ).split("/")[-1]
        for _ in range(3)
    }

    assert len(tokens) == 3
    assert all(len(token.removesuffix(".ics")) >= 43 for token in tokens)


def test_rotating_a_hosts_token_kills_the_old_host_feed(client, organiser, visit_id):
    (host,) = client.get(f"/api/v1/events/{EVENT_ID}/hosts", headers=organiser).json["items"]
    old = path(host["feed"]["https"])

    rotated = client.post(f"/api/v1/hosts/{host['id']}/feed-token/rotate", headers=organiser)

    assert client.get(old).status_code == 404
    assert client.get(path(rotated.json["feed"]["https"])).status_code == 200
    revoked = client.post(f"/api/v1/hosts/{host['id']}/feed-token/revoke", headers=organiser)
    assert revoked.json["feed"] is None
    assert client.get(path(rotated.json["feed"]["https"])).status_code == 404


def test_token_management_needs_an_organiser_and_a_known_owner(client, organiser, visit_id):
    assert client.post("/api/v1/registrations/r1/feed-token/rotate").status_code == 401
    unknown = client.post("/api/v1/hosts/nope/feed-token/revoke", headers=organiser)
    assert (unknown.status_code, unknown.json["detail"]) == (404, "no host nope")
