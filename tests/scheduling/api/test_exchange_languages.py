"""Each party of an exchange has a language: chosen on request, carried to its emails, and
the one its own page speaks unless its reader switches."""

from __future__ import annotations

import pytest

from tests.scheduling.api import test_exchange_pages as exchange_pages
from tests.scheduling.api.test_exchange_pages import path, post, request_form, text
from tests.scheduling.exchange_builders import HOST, VISITOR, exchange_body, party_body

pytestmark = pytest.mark.integration
# the exchange pages' fixtures: the app, a logged-in organiser, a party's browser
app, organiser_page, party = exchange_pages.app, exchange_pages.organiser_page, exchange_pages.party


def spoken(host: str = "pl", visitor: str = "pt") -> dict:
    return exchange_body(
        host=party_body(HOST) | {"language": host},
        visitor=party_body(VISITOR) | {"language": visitor},
    )


def contacts(outbox_messages, kind: str) -> dict:
    return [p for k, p in outbox_messages() if k == kind][-1]["contacts"]


def test_each_partys_language_is_kept_and_carried_to_its_emails(client, organiser, outbox_messages):
    response = client.post("/api/v1/exchanges", json=spoken(), headers=organiser)

    assert response.status_code == 201, response.json
    assert (response.json["host"]["language"], response.json["visitor"]["language"]) == ("pl", "pt")
    told = contacts(outbox_messages, "exchange.requested")
    assert (told["host"]["language"], told["visitor"]["language"]) == ("pl", "pt")


def test_without_a_language_a_party_speaks_english(client, organiser):
    body = exchange_body()
    for side in ("visitor", "host"):
        del body[side]["language"]

    response = client.post("/api/v1/exchanges", json=body, headers=organiser)

    assert response.status_code == 201
    assert response.json["host"]["language"] == response.json["visitor"]["language"] == "en"


@pytest.mark.parametrize("language", ["xx", "sr_Latn", "de-AT", "", "Deutsch"])
def test_a_language_the_platform_does_not_speak_is_refused(client, organiser, language):
    response = client.post("/api/v1/exchanges", json=spoken(host=language), headers=organiser)

    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert "language" in response.json["errors"]["json"]["host"]


def test_the_request_form_offers_the_coordinators_language_for_both_parties(client, organiser_page):
    client.set_cookie("cx_language", "hu")

    page = text(client.get("/organiser/exchanges/new"))

    for side in ("visitor", "host"):
        choice = page.split(f'id="f-{side}-language" name="{side}.language"')[1]
        assert '<option value="hu" lang="hu" selected>' in choice.split("</select>")[0]


def test_the_request_form_keeps_the_chosen_languages(client, organiser_page, outbox_messages):
    form = request_form(organiser_page, **{"host.language": "pl", "visitor.language": "sr-Latn"})

    assert client.post("/organiser/exchanges", data=form).status_code == 303
    told = contacts(outbox_messages, "exchange.requested")
    assert (told["host"]["language"], told["visitor"]["language"]) == ("pl", "sr-Latn")


def test_a_bad_language_on_the_form_is_shown_next_to_its_field(client, organiser_page):
    form = request_form(organiser_page, **{"host.language": "xx"})

    response = client.post("/organiser/exchanges", data=form)

    assert response.status_code == 422
    assert 'id="f-host-language-error"' in text(response)


@pytest.fixture
def pages(client, organiser, outbox_messages) -> dict[str, str]:
    assert client.post("/api/v1/exchanges", json=spoken(), headers=organiser).status_code == 201
    return {
        side: path(c["page_url"])
        for side, c in contacts(outbox_messages, "exchange.requested").items()
    }


def test_a_partys_page_speaks_the_partys_language(party, pages):
    host = text(party.get(pages["host"], headers={"Accept-Language": "de"}))
    visitor = text(party.get(pages["visitor"]))

    assert '<html lang="pl">' in host and "Czy przyjmiesz tę wymianę?" in host
    assert '<html lang="pt">' in visitor


def test_the_language_switch_wins_over_the_partys_language(party, pages):
    party.set_cookie("cx_language", "fr")

    assert '<html lang="fr">' in text(party.get(pages["host"]))


def test_what_a_party_did_is_confirmed_in_its_language(party, pages):
    response = post(party, f"{pages['host']}/accept")

    assert "Przyjęto wymianę. Zaproponuj program." in text(party.get(response.headers["Location"]))


def test_an_unknown_token_is_explained_in_the_readers_language(party):
    response = party.get(
        "/exchange/unknown-token-xxxxxxxxxxxxxxxxxxxx", headers={"Accept-Language": "es"}
    )

    assert response.status_code == 404
    assert "Este enlace es desconocido o ya no es válido." in text(response)


def test_a_german_coordinator_runs_the_exchanges_in_german(client, organiser_page, party):
    client.set_cookie("cx_language", "de")
    created = client.post("/organiser/exchanges", data=request_form(organiser_page))
    detail = text(client.get(created.headers["Location"]))

    listed = text(client.get("/organiser/exchanges"))
    figures = text(client.get("/organiser/exchanges/kpis"))

    assert "Austausch angefragt." in detail and "Programmpunkt hinzufügen" not in detail
    assert "<h1>Austausche</h1>" in listed and ">angefragt<" in listed
    assert "Kennzahlen der Austausche" in figures
    assert "Exchanges" not in listed and ">requested<" not in listed
