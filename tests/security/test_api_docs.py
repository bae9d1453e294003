"""/docs loads Swagger UI from the service itself: no CDN, and every asset it names is served."""

from __future__ import annotations

import re

import pytest

from shared.config import SERVICES


@pytest.mark.parametrize("service", SERVICES)
def test_the_docs_page_names_no_other_host_and_each_asset_is_served(service, make_service_app):
    client = make_service_app(service).test_client()
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    references = re.findall(r'(?:src|href|data-spec-url)="([^"]+)"', html)
    assert references
    for reference in references:
        assert reference.startswith("/") and not reference.startswith("//"), reference
        with client.get(reference) as served:
            assert served.status_code == 200, reference
            assert served.data, reference
    assert "swagger-ui-bundle.js" in html and "swagger-ui.css" in html
    assert "http://" not in html and "https://" not in html


def test_the_docs_start_script_reads_this_services_openapi_document(make_service_app):
    client = make_service_app("scheduling").test_client()
    html = client.get("/docs").get_data(as_text=True)
    assert 'data-spec-url="/openapi.json"' in html
    assert client.get("/openapi.json").json["info"]["title"]


def test_an_unknown_docs_asset_is_a_404_problem(make_service_app):
    client = make_service_app("registration").test_client()
    for path in ("/docs/assets/nope.js", "/docs/assets/../../config.py"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
