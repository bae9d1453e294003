"""A study visit's participant list for its host: registration's names and needs of those booked,
as JSON, CSV, XLSX, an organiser page and a printout; hostile text stays text everywhere."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from services.registration.attendance.service_layer.visit_list import PARTICIPANT_COLUMNS
from shared.exports import safe_row
from tests.registration.attendance.conftest import HOSTILE_ORGANISATION, register
from tests.registration.attendance.test_visits import deliver, visit_payload

pytestmark = pytest.mark.integration
FORMULA = '=HYPERLINK("http://evil.test","click")'
SCRIPT = "<script>alert(1)</script>"
LONG_NEEDS = ("Step-free access, a seat near the door.\n" * 26)[:1000]
LIST = "/api/v1/visits/visit-1/participants"
PAGE = "/organiser/visits/visit-1/participants"


def token_of(registration: dict) -> str:
    return registration["manage_url"].rsplit("/", 1)[1]


@pytest.fixture
def booked(app, client, published_event) -> dict:
    """Six confirmed, five booked: Zofia (hostile needs), ada (hostile organisation, long
    needs), Bo (no needs); Five erased and Six cancelled after booking. One is not booked."""
    event = published_event(capacity=10)
    event_id = event["id"]
    people = {
        "one": register(client, event_id, 1, dietary_needs="vegan"),
        "two": register(
            client,
            event_id,
            2,
            name="Zofia Nowak",
            dietary_needs=FORMULA,
            accessibility_needs=SCRIPT,
        ),
        "three": register(
            client,
            event_id,
            3,
            name="ada Lovelace",
            organisation=HOSTILE_ORGANISATION,
            accessibility_needs=LONG_NEEDS,
        ),
        "four": register(
            client, event_id, 4, name="Bo Nilsson", role="cluster_manager", country="PL"
        ),
        "five": register(client, event_id, 5, dietary_needs="halal"),
        "six": register(client, event_id, 6),
    }
    deliver(app, "visit.scheduled", {"visit": visit_payload(event_id)})
    for key in ("two", "three", "four", "five", "six"):
        body = {"visit": visit_payload(event_id), "registration_id": people[key]["id"]}
        deliver(app, "visit.participant_added", body)
    assert client.post(f"/api/v1/manage/{token_of(people['five'])}/erase").status_code == 204
    assert client.post(f"/api/v1/manage/{token_of(people['six'])}/cancel").status_code == 200
    return {"event": event, "people": people}


def test_the_list_holds_the_confirmed_booked_participants_by_name_with_their_needs(
    client, organiser, booked
):
    response = client.get(LIST, headers=organiser)

    assert response.status_code == 200
    listed = response.json["participants"]
    assert [p["name"] for p in listed] == ["ada Lovelace", "Bo Nilsson", "Zofia Nowak"]
    three, four, two = listed
    assert two["dietary_needs"] == FORMULA and two["accessibility_needs"] == SCRIPT
    assert three["organisation"] == HOSTILE_ORGANISATION
    assert three["accessibility_needs"] == LONG_NEEDS
    assert (four["role"], four["country"], four["dietary_needs"]) == ("cluster_manager", "PL", None)
    assert response.json["counts"] == {
        "participants": 3,
        "dietary_needs": 1,
        "accessibility_needs": 2,
    }


def test_the_list_names_the_visit_its_host_place_time_and_capacity(client, organiser, booked):
    page = client.get(LIST, headers=organiser).json

    visit = page["visit"]
    assert (visit["title"], visit["host_organisation"]) == ("Grid lab <b>tour</b>", "Elia & Co")
    assert (visit["location"], visit["timezone"]) == ("Elia, Brussels", "Europe/Brussels")
    assert visit["start"] == "2027-04-12T13:00:00+00:00" and visit["capacity"] == 10
    assert page["event"]["id"] == booked["event"]["id"]


def test_a_newer_visit_message_changes_the_capacity(app, client, organiser, booked):
    newer = visit_payload(booked["event"]["id"], capacity=4, sequence=3)
    deliver(app, "visit.updated", {"visit": newer, "changes": [], "participants": []})

    assert client.get(LIST, headers=organiser).json["visit"]["capacity"] == 4


def test_an_erased_participant_is_in_no_form_of_the_list(client, organiser, logged_in, booked):
    erased = booked["people"]["five"]
    for path, headers in (
        (LIST, organiser),
        (f"{LIST}?format=csv", organiser),
        (PAGE, {}),
        (f"{PAGE}/print", {}),
    ):
        body = client.get(path, headers=headers).get_data(as_text=True)
        assert "Participant F" not in body and "halal" not in body, path
        assert erased["id"] not in body and "erased" not in body.lower(), path


def test_the_csv_holds_the_json_rows_with_formulas_neutralised(client, organiser, booked):
    listed = client.get(LIST, headers=organiser).json["participants"]
    response = client.get(f"{LIST}?format=csv", headers=organiser)

    assert response.mimetype == "text/csv"
    assert 'filename="participants-visit-visit-1.csv"' in response.headers["Content-Disposition"]
    header, *rows = csv.reader(io.StringIO(response.get_data(as_text=True)))
    assert header == PARTICIPANT_COLUMNS
    assert rows == [safe_row([p[c] for c in PARTICIPANT_COLUMNS]) for p in listed]
    assert rows[2][4] == "'" + FORMULA and rows[0][5] == LONG_NEEDS


def test_the_xlsx_holds_the_json_rows_as_text_cells(client, organiser, booked):
    listed = client.get(LIST, headers=organiser).json["participants"]
    response = client.get(f"{LIST}?format=xlsx", headers=organiser)

    sheet = load_workbook(io.BytesIO(response.data)).active
    header, *rows = sheet.iter_rows()
    assert [cell.value for cell in header] == PARTICIPANT_COLUMNS
    values = [[cell.value or None for cell in row] for row in rows]
    assert values == [[p[c] for c in PARTICIPANT_COLUMNS] for p in listed]
    formula_cell = rows[2][4]
    assert formula_cell.value == FORMULA and formula_cell.data_type == "s"


def test_an_unknown_visit_or_format_is_a_problem(client, organiser, booked):
    for path, status in (
        ("/api/v1/visits/nope/participants", 404),
        ("/api/v1/visits/nope/participants?format=csv", 404),
        (f"{LIST}?format=pdf", 422),
    ):
        response = client.get(path, headers=organiser)
        assert response.status_code == status, path
        assert response.mimetype == "application/problem+json", path


def test_the_list_and_its_pages_need_an_organiser(client, booked):
    assert client.get(LIST).status_code == 401
    assert client.get(f"{LIST}?format=csv").status_code == 401
    for path in (PAGE, f"{PAGE}.csv", f"{PAGE}/print"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/organiser/login"), path


def test_the_page_shows_the_needs_escaped_and_links_the_exports_and_printout(
    client, logged_in, booked
):
    response = client.get(PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<font size=90>" not in html and "Grid lab &lt;b&gt;tour&lt;/b&gt;" in html
    assert "=HYPERLINK(&#34;http://evil.test&#34;,&#34;click&#34;)" in html
    assert LONG_NEEDS.split("\n")[0] in html
    assert 'id="seats">3 / 10<' in html
    for link in (
        f"{PAGE}.csv",
        f"{PAGE}.xlsx",
        f"{PAGE}/print",
        "/organiser/visits/visit-1/check-in",
    ):
        assert f'href="{link}"' in html, link


def test_the_page_exports_are_the_apis(client, organiser, logged_in, booked):
    for fmt in ("csv", "xlsx"):
        page = client.get(f"{PAGE}.{fmt}")
        api = client.get(f"{LIST}?format={fmt}", headers=organiser)
        assert page.status_code == 200 and page.mimetype == api.mimetype
        if fmt == "csv":
            assert page.data == api.data
    assert client.get(f"{PAGE}.pdf").status_code == 404


def test_the_printout_has_the_visit_header_a_notes_column_and_no_menu(client, logged_in, booked):
    response = client.get(f"{PAGE}/print")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<nav" not in html and 'class="top"' not in html and "style.css" not in html
    assert "print.css" in html and "Elia &amp; Co" in html and "Elia, Brussels" in html
    assert ">Notes</th>" in html and html.count('<td class="blank"></td>') == 3
    assert SCRIPT not in html and "&lt;script&gt;" in html


def test_an_unknown_visit_page_is_an_html_404(client, logged_in, booked):
    for path in (
        "/organiser/visits/nope/participants",
        "/organiser/visits/nope/participants/print",
    ):
        response = client.get(path)
        assert response.status_code == 404 and response.mimetype == "text/html", path


def test_the_visit_desk_links_the_participant_list(client, logged_in, booked):
    desk = client.get("/organiser/visits/visit-1/check-in").get_data(as_text=True)
    assert f'href="{PAGE}"' in desk
