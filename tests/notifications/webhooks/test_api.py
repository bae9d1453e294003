"""Organisers register, list, disable and enable endpoints over HTTP; bad input is a 422."""

import pytest

PROBLEM = "application/problem+json"


def _create(client, auth, **overrides):
    body = {"url": "https://hooks.example.test/cx", "message_types": ["registration.confirmed"]}
    return client.post("/api/v1/webhooks", json=body | overrides, headers=auth)


def test_a_new_endpoint_shows_its_generated_secret_once(client, auth):
    created = _create(client, auth, description="CRM sync")

    assert created.status_code == 201
    endpoint = created.json
    secret = endpoint["secret"]
    assert secret.startswith("whsec_") and len(secret) >= len("whsec_") + 43  # 256 bits
    assert (endpoint["status"], endpoint["message_types"]) == ("active", ["registration.confirmed"])
    listed = client.get("/api/v1/webhooks", headers=auth)
    one = client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=auth)
    for response in (listed, one):
        assert response.status_code == 200
        assert secret not in response.get_data(as_text=True)
        assert "secret" not in response.get_data(as_text=True)
    assert [e["id"] for e in listed.json] == [endpoint["id"]]


def test_an_organiser_may_supply_the_secret(client, auth):
    created = _create(client, auth, secret="my-own-secret-of-32-characters!!")
    assert created.status_code == 201
    assert created.json["secret"] == "my-own-secret-of-32-characters!!"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"url": "ftp://hooks.example.test/cx"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "/relative/path"}, "url"),
        ({"url": "https://user:pw@hooks.example.test/"}, "url"),
        ({"message_types": []}, "message_types"),
        ({"message_types": ["registration.exploded"]}, "message_types"),
        ({"secret": "short"}, "secret"),
    ],
)
def test_bad_endpoints_are_a_422_problem_naming_the_field(client, auth, overrides, field):
    response = _create(client, auth, **overrides)

    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert field in response.json["errors"]["json"]
    assert client.get("/api/v1/webhooks", headers=auth).json == []


def test_an_endpoint_is_disabled_and_enabled_by_hand(client, auth):
    endpoint_id = _create(client, auth).json["id"]

    disabled = client.post(f"/api/v1/webhooks/{endpoint_id}/disable", headers=auth)
    assert (disabled.json["status"], disabled.json["disabled_reason"]) == (
        "disabled",
        "disabled by an organiser",
    )
    enabled = client.post(f"/api/v1/webhooks/{endpoint_id}/enable", headers=auth)
    assert (enabled.json["status"], enabled.json["disabled_reason"]) == ("active", None)


def test_unknown_endpoints_and_deliveries_are_404_problems(client, auth):
    endpoint_id = _create(client, auth).json["id"]
    for method, path in (
        ("get", "/api/v1/webhooks/nope"),
        ("post", "/api/v1/webhooks/nope/disable"),
        ("get", "/api/v1/webhooks/nope/deliveries"),
        ("post", f"/api/v1/webhooks/{endpoint_id}/deliveries/nope/resend"),
    ):
        response = client.open(path, method=method.upper(), headers=auth)
        assert response.status_code == 404, path
        assert response.mimetype == PROBLEM, path


def test_every_webhook_operation_needs_an_organiser(client):
    for method, path in (
        ("get", "/api/v1/webhooks"),
        ("post", "/api/v1/webhooks"),
        ("post", "/api/v1/webhooks/x/disable"),
        ("get", "/api/v1/webhooks/x/deliveries"),
    ):
        response = client.open(path, method=method.upper(), json={})
        assert response.status_code == 401, path
