"""The certificate of a completed exchange: for its parties, only once attended, text as typed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.scheduling.exchange_builders import VISITOR, as_, exchange_body, party_body

pytestmark = pytest.mark.integration


def pdf_text(body: bytes) -> str:
    pages = PdfReader(io.BytesIO(body)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def complete(client, organiser, exchange, days: int):
    path = f"/api/v1/exchanges/{exchange['id']}/complete"
    response = client.post(path, json={"attended_days": days}, headers=organiser)
    assert response.status_code == 200


def certificate(client, exchange, headers):
    return client.get(f"/api/v1/exchanges/{exchange['id']}/certificate", headers=headers)


def test_a_completed_exchange_certifies_visitor_host_and_working_days(
    exchange_client, organiser, agreed_exchange
):
    complete(exchange_client, organiser, agreed_exchange, 4)

    for headers in (as_("visitor", agreed_exchange), as_("host", agreed_exchange), organiser):
        response = certificate(exchange_client, agreed_exchange, headers)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Ana Silva" in text and "BioEco Lda" in text
    assert "Jonas Weber" in text and "EnerLab GmbH" in text
    assert "from 2026-05-04 to 2026-05-08, attending 4 of 5 working days" in text


def test_no_certificate_before_completion_or_without_a_day_attended(
    exchange_client, organiser, agreed_exchange
):
    before = certificate(exchange_client, agreed_exchange, organiser)
    assert before.status_code == 409 and before.mimetype == "application/problem+json"
    complete(exchange_client, organiser, agreed_exchange, 0)
    assert certificate(exchange_client, agreed_exchange, organiser).status_code == 409


def test_the_certificate_is_only_for_the_exchanges_parties(exchange_client, agreed_exchange):
    assert certificate(exchange_client, agreed_exchange, {}).status_code == 401
    wrong = certificate(exchange_client, agreed_exchange, {"X-Exchange-Token": "nope"})
    assert wrong.status_code == 403
    unknown = exchange_client.get(
        "/api/v1/exchanges/nope/certificate", headers=as_("host", agreed_exchange)
    )
    assert unknown.status_code == 404


def test_hostile_organisation_text_prints_as_typed(exchange_client, organiser):
    from tests.scheduling.exchange_builders import act, meeting_body

    visitor = party_body(VISITOR) | {"organisation": "<font size=80>Bio</font> & <b>Eco</b>"}
    created = exchange_client.post(
        "/api/v1/exchanges", json=exchange_body(visitor=visitor), headers=organiser
    ).json
    act(exchange_client, created, "accept", "host")
    act(exchange_client, created, "agenda", "host", **meeting_body())
    act(exchange_client, created, "confirm", "visitor")
    act(exchange_client, created, "confirm", "host")
    complete(exchange_client, organiser, created, 5)

    text = pdf_text(certificate(exchange_client, created, organiser).data)
    assert "<font size=80>Bio</font> & <b>Eco</b>" in text


def test_completion_sends_the_certificate_link_to_both_parties(
    exchange_client, organiser, agreed_exchange, outbox_messages
):
    complete(exchange_client, organiser, agreed_exchange, 4)

    [completed] = [p for kind, p in outbox_messages() if kind == "exchange.completed"]
    assert completed["contacts"]["visitor"]["email"] == "ana@bioeco.example"
    link = completed["certificate_url"]
    assert link.startswith("https://calendar.example.eu/scheduling/api/v1/exchanges/certificates/")
    assert (
        agreed_exchange["visitor_token"] not in link and agreed_exchange["host_token"] not in link
    )
    response = exchange_client.get(link.removeprefix("https://calendar.example.eu/scheduling"))
    assert response.mimetype == "application/pdf" and "Ana Silva" in pdf_text(response.data)
    assert response.headers["Cache-Control"] == "no-store"


def test_completion_without_a_day_attended_sends_no_link(
    exchange_client, organiser, agreed_exchange, outbox_messages
):
    complete(exchange_client, organiser, agreed_exchange, 0)
    [completed] = [p for kind, p in outbox_messages() if kind == "exchange.completed"]
    assert completed["certificate_url"] is None and completed["contacts"] is None


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00"])
def test_an_unknown_certificate_link_is_a_404_problem(exchange_client, token):
    response = exchange_client.get(f"/api/v1/exchanges/certificates/{token}")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
