"""Every POST of every service documents Idempotency-Key and its 409 and 422 answers."""

import pytest

from shared.config import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_every_post_operation_documents_the_idempotency_key(make_service_app, service):
    spec = make_service_app(service).test_client().get("/openapi.json").json
    header = spec["components"]["parameters"]["IdempotencyKey"]
    assert (header["in"], header["name"]) == ("header", "Idempotency-Key")
    posts = [(path, item["post"]) for path, item in spec["paths"].items() if "post" in item]

    assert posts
    for path, operation in posts:
        refs = [p.get("$ref") for p in operation.get("parameters", [])]
        assert "#/components/parameters/IdempotencyKey" in refs, path
        assert {"409", "422"} <= set(map(str, operation["responses"])), path
