"""Organisers come from the consortia's countries too: their pages speak their language."""

from __future__ import annotations

import re

import pytest

from tests.registration.api import test_pages
from tests.registration.api.test_pages import csrf, form

pytestmark = pytest.mark.integration
logged_in = test_pages.logged_in  # the fixture: an organiser's page session
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def page(client, path: str, headers=GERMAN) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_a_german_organiser_sees_the_events_in_german(client, logged_in, published_event):
    published_event()

    text = page(client, "/organiser/")

    assert '<html lang="de">' in text
    assert "<h1>Veranstaltungen</h1>" in text and "Neue Veranstaltung" in text
    assert ">veröffentlicht<" in text and "Belegte Plätze" in text
    assert "New event" not in text and ">published<" not in text


def test_the_event_page_its_roster_and_report_are_german(client, logged_in, published_event):
    event = published_event()
    client.post(f"/events/{event['id']}/register", data=form(1, csrf(client, "/")))

    text = page(client, f"/organiser/events/{event['id']}")

    assert "1 von 3 Plätzen belegt" in text and "0 auf der Warteliste" in text
    for german in (
        "Teilnehmerliste",
        "EU-Berichterstattung",
        "Planer für Studienbesuche",
        "Reihenfolge der Anmeldung",
        ">bestätigt<",
        "Veranstaltung absagen",
    ):
        assert german in text, german
    for english in ("Roster", "EU reporting", "Study-visit planner", "Cancel event", ">confirmed<"):
        assert english not in text, english


def test_the_event_form_and_its_kinds_are_german(client, logged_in):
    text = page(client, "/organiser/events/new", headers={})  # the language switch, not the browser
    assert "New event" in text

    client.set_cookie("cx_language", "de")
    text = page(client, "/organiser/events/new", headers={})

    assert "<h1>Neue Veranstaltung</h1>" in text and "Entwurf anlegen" in text
    assert ">Gemeinsamer Lernworkshop<" in text and "Bei Ausbuchung eine Warteliste führen" in text


def test_an_action_on_the_roster_is_confirmed_in_german(client, logged_in, published_event):
    event = published_event(approval_required=True)
    client.post(f"/events/{event['id']}/register", data=form(1, csrf(client, "/")))
    roster = page(client, f"/organiser/events/{event['id']}")
    (approve,) = re.findall(r'action="(/organiser/registrations/[^"]+/approve)"', roster)

    done = client.post(approve, data={"csrf_token": logged_in}, headers=GERMAN)

    assert "ist genehmigt." in page(client, done.headers["Location"])


def test_the_login_page_and_its_error_are_german(client):
    text = page(client, "/organiser/login")
    assert "Anmeldung für Veranstalter" in text

    token = csrf(client, "/organiser/login")
    refused = client.post(
        "/organiser/login", data={"credential": "nope", "csrf_token": token}, headers=GERMAN
    )

    assert refused.status_code == 401
    assert "Dieser Zugangsschlüssel ist ungültig" in refused.get_data(as_text=True)
