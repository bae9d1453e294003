"""The exchange KPIs as XLSX from the API and as downloads linked from the planner page."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.scheduling.api.test_pages import logged_in  # noqa: F401 - fixture
from tests.scheduling.builders import EVENT_ID

pytestmark = pytest.mark.integration


def test_the_kpis_download_as_xlsx(exchange_client, organiser, agreed_exchange):
    response = exchange_client.get("/api/v1/exchanges/kpis?format=xlsx", headers=organiser)

    assert response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["metric", "key", "value"]
    assert [
        "exchanges",
        None,
        1,
    ] in rows  # an empty cell and ["visitor_countries", "PT", 1] in rows


def test_the_planner_links_the_kpi_downloads(client, logged_in, published_event):  # noqa: F811
    page = client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(as_text=True)

    for fmt in ("csv", "xlsx"):
        assert f"/organiser/exchanges/kpis.{fmt}" in page
        assert client.get(f"/organiser/exchanges/kpis.{fmt}").status_code == 200
    assert client.get("/organiser/exchanges/kpis.doc").status_code == 404
