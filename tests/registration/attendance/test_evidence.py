"""Attendance evidence: sheets (PDF, CSV, XLSX), report counts, certificates and their pass."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from services.registration.adapters.orm import outbox
from services.registration.attendance.service_layer.handlers import issue_certificates
from tests.registration.attendance.conftest import DAY_ONE, DAY_TWO, HOSTILE_ORGANISATION, check_in

pytestmark = pytest.mark.integration


def pdf_text(body: bytes) -> str:
    """The PDF's text with its line wrapping undone."""
    pages = PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def token_of(registration: dict) -> str:
    return registration["manage_url"].rsplit("/", 1)[1]


@pytest.fixture
def attended(client, organiser, workshop) -> dict:
    """A checked in on both days, B (hostile organisation) on the first only."""
    event_id, (a, b, _) = workshop["event"]["id"], workshop["codes"]
    for code, day in ((a, DAY_ONE), (a, DAY_TWO), (b, DAY_ONE)):
        assert check_in(client, organiser, event_id, code, day).status_code == 201
    return workshop


def test_the_pdf_sheet_names_programme_date_venue_and_every_confirmed_participant(
    client, organiser, attended
):
    event_id = attended["event"]["id"]
    response = client.get(
        f"/api/v1/events/{event_id}/attendance?day={DAY_TWO}&format=pdf", headers=organiser
    )

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert f'attendance-{event_id}-{DAY_TWO}.pdf"' in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "Joint learning workshop: smart energy grids" in text
    assert DAY_TWO in text and "Energy Campus, Brussels, BE" in text
    assert "Signature" in text
    assert "Participant B" in text and "Participant C" in text  # B signs though not checked in
    assert "Participant D" not in text  # waitlisted


def test_hostile_text_prints_as_typed_in_the_pdf_sheet(client, organiser, published_event):
    event = published_event(title="<para>Grids & <b>bold</b> </para>")
    client.post(
        f"/api/v1/events/{event['id']}/registrations",
        json={
            "name": "Zoë O'Brien-Łukasz",
            "email": "z@example.org",
            "organisation": HOSTILE_ORGANISATION,
            "organisation_type": "sme",
            "country": "PL",
            "role": "sme",
            "consent": True,
        },
    )
    response = client.get(
        f"/api/v1/events/{event['id']}/attendance?day={DAY_ONE}&format=pdf", headers=organiser
    )

    text = pdf_text(response.data)
    assert "<para>Grids & <b>bold</b> </para>" in text
    assert HOSTILE_ORGANISATION in text
    assert "Zoë O'Brien-Łukasz" in text


def test_the_sheet_downloads_as_csv_and_xlsx_with_formulas_neutralised(client, organiser, attended):
    base = f"/api/v1/events/{attended['event']['id']}/attendance?day={DAY_ONE}"
    text = client.get(f"{base}&format=csv", headers=organiser).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "organisation", "country", "checked_in_at", "signature"]
    assert [row[0] for row in rows[1:]] == ["Participant B", "Participant C"]
    assert all(row[3] for row in rows[1:])

    body = client.get(f"{base}&format=xlsx", headers=organiser).data
    sheet = load_workbook(io.BytesIO(body)).active
    organisations = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert HOSTILE_ORGANISATION in organisations


@pytest.mark.parametrize("query", ["day=2027-04-20", "day=nope", "format=exe"])
def test_a_bad_sheet_query_is_a_422_problem(client, organiser, attended, query):
    response = client.get(
        f"/api/v1/events/{attended['event']['id']}/attendance?{query}", headers=organiser
    )
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_the_eu_report_counts_attendees_beside_registrations(client, organiser, attended):
    report = client.get(f"/api/v1/events/{attended['event']['id']}/report", headers=organiser)
    assert report.status_code == 200, report.get_data(as_text=True)

    assert report.json["participants"] == 2
    assert report.json["attendance"] == {
        "attendees": 2,
        "sme_count": 2,
        "by_country": {"DE": 1, "PL": 1},
        "by_role": {"sme": 2},
        "by_organisation_type": {"sme": 2},
    }
    table = client.get(
        f"/api/v1/events/{attended['event']['id']}/report?format=csv", headers=organiser
    ).get_data(as_text=True)
    assert '"attended","attendees","2"' in table
    assert '"attended_country","PL","1"' in table


def test_an_undone_check_in_no_longer_counts_as_attendance(client, organiser, attended):
    event_id, b = attended["event"]["id"], attended["people"][1]
    client.delete(f"/api/v1/events/{event_id}/check-ins/{DAY_ONE}/{b['id']}", headers=organiser)
    report = client.get(f"/api/v1/events/{event_id}/report", headers=organiser)
    assert report.json["attendance"]["attendees"] == 1


def test_a_participant_who_attended_downloads_a_certificate_naming_their_days(client, attended):
    a, b = attended["people"][:2]
    mine = client.get(f"/api/v1/manage/{token_of(a)}/check-in").json
    assert mine["days_attended"] == [DAY_ONE, DAY_TWO]
    assert mine["certificate_url"].endswith(f"/manage/{token_of(a)}/certificate.pdf")

    response = client.get(f"/api/v1/manage/{token_of(a)}/certificate")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Certificate of attendance" in text and "Participant B" in text
    assert f"on {DAY_ONE}, {DAY_TWO} (2 days)" in text
    assert f"on {DAY_ONE} (1 day)" in pdf_text(
        client.get(f"/manage/{token_of(b)}/certificate.pdf").data
    )


def test_no_certificate_for_someone_who_did_not_attend(client, attended):
    waiting = attended["people"][2]
    assert (
        client.get(f"/api/v1/manage/{token_of(waiting)}/check-in").json["certificate_url"] is None
    )
    response = client.get(f"/api/v1/manage/{token_of(waiting)}/certificate")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert "instance" not in response.json  # the token stays out of the body
    assert client.get("/api/v1/manage/no-such-token/certificate").status_code == 404


def certificate_messages(app) -> list[dict]:
    with app.extensions["container"].infrastructure.engine.connect() as connection:
        query = select(outbox.c.body).where(
            outbox.c.message_type == "attendance.certificate_issued"
        )
        return [json.loads(body)["payload"] for (body,) in connection.execute(query)]


def test_the_certificate_pass_waits_for_the_end_then_issues_each_once(app, clock, attended):
    container = app.extensions["container"]
    assert issue_certificates(container.uow(), container.clock) == 0  # before the event ends
    clock.advance(days=44)  # 2027-04-14: the workshop has ended

    assert issue_certificates(container.uow(), container.clock) == 2
    assert issue_certificates(container.uow(), container.clock) == 0
    issued = certificate_messages(app)
    a, b, c = attended["people"]
    assert sorted(m["registration_id"] for m in issued) == sorted([a["id"], b["id"]])
    of_a = next(m for m in issued if m["registration_id"] == a["id"])
    assert of_a["days"] == [DAY_ONE, DAY_TWO]
    assert of_a["participant"]["email"] == "p1@example.org"
    assert (
        of_a["certificate_url"] == f"https://reg.example.test/manage/{token_of(a)}/certificate.pdf"
    )


def test_the_certificate_pass_skips_erased_attendees(app, client, clock, attended):
    container = app.extensions["container"]
    client.post(f"/api/v1/manage/{token_of(attended['people'][0])}/erase")
    clock.advance(days=44)
    assert issue_certificates(container.uow(), container.clock) == 1
    assert issue_certificates(container.uow(), container.clock) == 0


def test_the_qr_code_of_a_confirmed_seat_is_an_image_and_none_without_a_seat(client, attended):
    a, _, waiting = attended["people"]
    png = client.get(f"/manage/{token_of(a)}/check-in.png")
    svg = client.get(f"/manage/{token_of(a)}/check-in.svg")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert png.headers["Cache-Control"] == "no-store"
    assert client.get(f"/manage/{token_of(waiting)}/check-in.png").status_code == 404
    assert client.get(f"/manage/{token_of(a)}/check-in.gif").status_code == 404
