"""Every organiser operation refuses a request without a credential, and a revoked one.

The OpenAPI document is the inventory: a new write operation either declares the ``organiser``
security requirement (and is then checked to answer 401 without it) or must be added to the
allow-list below on purpose.
"""

from __future__ import annotations

import re

import pytest

from shared.config import SERVICES

WRITE_METHODS = ("post", "put", "patch", "delete")
DUMMY_ID = "00000000-0000-0000-0000-000000000000"

# Writes open without an organiser credential: each is gated by something else, noted here.
PUBLIC_WRITES = {
    "registration": {
        ("post", "/api/v1/events/{event_id}/registrations"),  # anyone may register
        ("patch", "/api/v1/manage/{token}"),  # the private manage token in the path
        ("post", "/api/v1/manage/{token}/cancel"),
        ("post", "/api/v1/manage/{token}/erase"),
        ("post", "/api/v1/verify/{token}"),  # the single-use link of the verification email
        ("post", "/api/v1/offers/{token}/accept"),  # the single-use link of a waiting-list offer
        ("post", "/api/v1/offers/{token}/decline"),
    },
    "scheduling": {
        ("post", "/api/v1/visits/{visit_id}/participants"),  # X-Participant-Token (feed token)
        ("delete", "/api/v1/visits/{visit_id}/participants/{registration_id}"),
        ("put", "/api/v1/blocks/{block_id}/preferences"),
        ("post", "/api/v1/exchanges/{exchange_id}/accept"),  # X-Exchange-Token of a party
        ("post", "/api/v1/exchanges/{exchange_id}/reject"),
        ("post", "/api/v1/exchanges/{exchange_id}/confirm"),
        ("post", "/api/v1/exchanges/{exchange_id}/complete"),  # the domain lets organisers only
        ("post", "/api/v1/exchanges/{exchange_id}/cancel"),
        ("post", "/api/v1/exchanges/{exchange_id}/agenda"),
        ("put", "/api/v1/exchanges/{exchange_id}/agenda/{item_id}"),
        ("delete", "/api/v1/exchanges/{exchange_id}/agenda/{item_id}"),
    },
    "notifications": set(),
}


def operations(client):
    """(method, path template, operation) of every operation in the app's OpenAPI document."""
    spec = client.get("/openapi.json").json
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in {"get", "put", "post", "patch", "delete", "head", "options"}:
                yield method, path, operation


def organiser_only(operation: dict) -> bool:
    """Declares the organiser requirement and no anonymous (``{}``) alternative."""
    security = operation.get("security") or []
    return bool(security) and all("organiser" in requirement for requirement in security)


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", DUMMY_ID, path)


@pytest.mark.parametrize("service", SERVICES)
def test_every_organiser_operation_without_a_credential_is_a_401_challenge(
    make_service_app, service
):
    client = make_service_app(service).test_client()
    checked = 0
    for method, path, operation in operations(client):
        if not organiser_only(operation):
            continue
        for headers in ({}, {"Authorization": "Bearer cxo_not-a-real-credential"}):
            response = client.open(concrete(path), method=method.upper(), json={}, headers=headers)
            where = f"{method.upper()} {path} ({headers or 'no credential'})"
            assert response.status_code == 401, where
            assert response.mimetype == "application/problem+json", where
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), where
        checked += 1
    assert checked >= 3  # the walk really found the organiser operations


@pytest.mark.parametrize("service", SERVICES)
def test_the_writes_open_without_an_organiser_credential_are_exactly_the_allow_list(
    make_service_app, service
):
    client = make_service_app(service).test_client()
    open_writes = {
        (method, path)
        for method, path, operation in operations(client)
        if method in WRITE_METHODS and not organiser_only(operation)
    }

    assert open_writes == PUBLIC_WRITES[service]


@pytest.mark.parametrize("service", SERVICES)
def test_the_allow_listed_writes_do_nothing_without_their_own_token(make_service_app, service):
    client = make_service_app(service).test_client()
    for method, path in sorted(PUBLIC_WRITES[service]):
        response = client.open(concrete(path), method=method.upper(), json={})
        assert 400 <= response.status_code < 500, f"{method.upper()} {path}"
        assert response.mimetype == "application/problem+json", f"{method.upper()} {path}"


# An organiser read of each service: (path, status with a valid credential).
ORGANISER_PROBES = {
    "registration": (f"/api/v1/events/{DUMMY_ID}/registrations", 404),
    "scheduling": ("/api/v1/exchanges", 200),
    "notifications": ("/api/v1/notifications", 200),
}


@pytest.mark.parametrize("service", SERVICES)
def test_a_revoked_organiser_credential_is_refused_on_the_next_request(
    make_service_app, credentials, service
):
    client = make_service_app(service).test_client()
    credential_id, token = credentials.mint("Tess Organiser")
    _, other_token = credentials.mint("Olaf Organiser")
    path, status = ORGANISER_PROBES[service]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(path, headers=bearer).status_code == status

    assert type(credentials)(credentials.path).revoke(credential_id)  # as the CLI does

    response = client.get(path, headers=bearer)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    writes = client.post(f"/api/v1/events/{DUMMY_ID}/publish", headers=bearer)
    assert writes.status_code in (401, 404)  # 404: the service has no such route
    assert client.get(path, headers={"Authorization": f"Bearer {other_token}"}).status_code == (
        status
    )
