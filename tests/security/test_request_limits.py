"""Bodies too large and JSON nested too deep are refused as problems by all three services."""

from __future__ import annotations

import pytest

from shared.request_limits import MAX_JSON_DEPTH, json_depth

SERVICES = ["registration", "scheduling", "notifications"]
PUBLIC_WRITE = {
    "registration": "/api/v1/events/e-1/registrations",
    "scheduling": "/api/v1/visits/v-1/participants",
    "notifications": "/api/v1/notifications/n-1/resend",
}


@pytest.mark.parametrize("service", SERVICES)
def test_json_nested_100k_deep_is_a_400_problem_not_a_recursion_error(make_service_app, service):
    client = make_service_app(service).test_client()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(PUBLIC_WRITE[service], data=body, content_type="application/json")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert f"at most {MAX_JSON_DEPTH} levels" in response.json["detail"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_body_over_the_limit_is_a_413_problem(make_service_app, service):
    client = make_service_app(service, MAX_CONTENT_LENGTH="1024").test_client()
    body = '{"name": "' + "x" * 2000 + '"}'
    response = client.post(PUBLIC_WRITE[service], data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_a_page_form_over_the_limit_is_refused_with_413(make_service_app):
    client = make_service_app("registration", MAX_CONTENT_LENGTH="1024").test_client()
    response = client.post("/events/e-1/register", data={"name": "x" * 2000})

    assert response.status_code == 413


def test_the_default_limit_lets_an_ordinary_body_through(make_service_app):
    client = make_service_app("registration").test_client()
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    response = client.post(
        PUBLIC_WRITE["registration"], data=nested, content_type="application/json"
    )

    assert response.status_code == 422  # past the limits, refused only by the schema


@pytest.mark.parametrize("service", SERVICES)
def test_a_nul_in_the_path_is_a_404_problem(make_service_app, service):
    response = make_service_app(service).test_client().get("/api/v1/events/e%00x")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("body", "depth"),
    [(b"{}", 1), (b'{"a": [[1], {"b": []}]}', 4), (b'["[[[[", "]\\"[["]', 1), (b"42", 0)],
)
def test_json_depth_ignores_brackets_inside_strings(body, depth):
    assert json_depth(body) == depth
