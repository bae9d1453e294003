"""The delivery log as CSV and XLSX, from the API and the organiser's page, formula-safe."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.notifications import factories as f
from tests.notifications.api.test_pages import logged_in  # noqa: F401 - fixture
from tests.notifications.harness import apply, deliver

pytestmark = pytest.mark.integration
HOSTILE_NAME = "=HYPERLINK(evil);Anna"


@pytest.fixture
def logged_email(service) -> None:
    payload = f.registration("confirmed", number=1)
    payload["participant"] |= {"name": HOSTILE_NAME}
    apply(service, f.envelope("registration.confirmed", payload))
    deliver(service)


def test_the_log_downloads_as_quoted_formula_safe_csv(client, auth, logged_email):
    response = client.get("/api/v1/notifications?format=csv&status=sent", headers=auth)

    assert response.mimetype == "text/csv"
    assert 'filename="delivery-log.csv"' in response.headers["Content-Disposition"]
    header, row = csv.reader(io.StringIO(response.get_data(as_text=True)))
    assert header[:6] == ["id", "created_at", "kind", "status", "attempts", "recipient_email"]
    assert dict(zip(header, row, strict=True))["recipient_name"] == "'" + HOSTILE_NAME
    assert response.get_data(as_text=True).count('"sent"') == 1


def test_the_log_downloads_as_xlsx_with_text_cells(client, auth, logged_email):
    response = client.get("/api/v1/notifications?format=xlsx", headers=auth)

    assert response.mimetype.endswith("spreadsheetml.sheet")
    header, row = load_workbook(io.BytesIO(response.data)).active.iter_rows()
    cells = {title.value: cell for title, cell in zip(header, row, strict=True)}
    assert (cells["recipient_name"].value, cells["recipient_name"].data_type) == (HOSTILE_NAME, "s")
    assert cells["recipient_email"].value == "anna1@example.eu"


def test_the_log_page_links_its_filtered_downloads(client, logged_in, logged_email):  # noqa: F811
    page = client.get("/organiser/notifications?status=sent").get_data(as_text=True)

    assert "/organiser/notifications.csv?status=sent" in page
    assert "/organiser/notifications.xlsx?status=sent" in page
    body = client.get("/organiser/notifications.csv?status=sent").get_data(as_text=True)
    assert "anna1@example.eu" in body
    assert client.get("/organiser/notifications.pdf").status_code == 404
