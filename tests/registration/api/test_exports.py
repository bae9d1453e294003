"""Roster and EU report as CSV and XLSX, from the API and the organiser's pages, formula-safe."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.registration.api.test_pages import logged_in  # noqa: F401 - fixture
from tests.registration.conftest import person

pytestmark = pytest.mark.integration
# hostile cells ride in the organisation: names hold letters only (issue #11)
NAMES = ["Anna;=1+2", "=HYPERLINK(evil)", "-2+3", "@SUM(A1)"]


@pytest.fixture
def event_id(client, published_event) -> str:
    event = published_event(capacity=10)
    for n, name in enumerate(NAMES, start=1):
        response = client.post(
            f"/api/v1/events/{event['id']}/registrations", json=person(n, organisation=name)
        )
        assert response.status_code == 201
    return event["id"]


def xlsx_rows(body: bytes) -> list[list[tuple]]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]


def test_the_roster_csv_quotes_every_cell_and_neutralises_formulas(client, organiser, event_id):
    response = client.get(f"/api/v1/events/{event_id}/registrations?format=csv", headers=organiser)
    text = response.get_data(as_text=True)

    assert '"Anna;=1+2"' in text  # one quoted cell, whatever separator a spreadsheet guesses
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[rows[0].index("organisation")] for row in rows[1:]]
    assert names == ["Anna;=1+2", "'=HYPERLINK(evil)", "'-2+3", "'@SUM(A1)"]


def test_the_roster_xlsx_holds_the_names_as_text_cells(client, organiser, event_id):
    response = client.get(f"/api/v1/events/{event_id}/registrations?format=xlsx", headers=organiser)

    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="roster-' in response.headers["Content-Disposition"]
    rows = xlsx_rows(response.data)
    column = [value for value, _ in rows[0]].index("organisation")
    assert [row[column] for row in rows[1:]] == [(name, "s") for name in NAMES]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_eu_report_downloads_from_the_api(client, organiser, event_id, fmt):
    response = client.get(f"/api/v1/events/{event_id}/report?format={fmt}", headers=organiser)

    assert response.status_code == 200
    assert f'eu-report-{event_id}.{fmt}"' in response.headers["Content-Disposition"]
    if fmt == "xlsx":
        assert [("total", "s"), ("participants", "s"), (4, "n")] in xlsx_rows(response.data)
    else:
        assert '"total","participants","4"' in response.get_data(as_text=True)


def test_the_organiser_page_links_csv_and_xlsx_downloads(client, logged_in, event_id):  # noqa: F811
    page = client.get(f"/organiser/events/{event_id}").get_data(as_text=True)

    for path in ("roster.csv", "roster.xlsx", "report.csv", "report.xlsx"):
        assert f"/organiser/events/{event_id}/{path}" in page
        assert client.get(f"/organiser/events/{event_id}/{path}").status_code == 200
    assert client.get(f"/organiser/events/{event_id}/roster.exe").status_code == 404
