"""Scheduling's pages follow the visitor's language, like every service's pages."""

from __future__ import annotations

import pytest

from shared.credentials import CredentialStore
from tests.scheduling.api.test_pages import TOKEN, csrf

pytestmark = pytest.mark.integration


def test_my_visits_asked_for_in_french_is_in_french(client, visit_id):
    page = client.get(f"/my/{TOKEN}", headers={"Accept-Language": "fr-BE,fr;q=0.9"})

    text = page.get_data(as_text=True)
    assert '<html lang="fr">' in text
    assert "Vos visites d'étude" in text and "Rejoindre cette visite" in text
    assert "Textile recycling lab" in text  # data stays as entered


def test_the_language_cookie_of_the_site_is_honoured_by_scheduling(client, visit_id):
    client.set_cookie("cx_language", "ro")

    text = client.get(f"/my/{TOKEN}", headers={"Accept-Language": "de"}).get_data(as_text=True)

    assert '<html lang="ro">' in text and "Vizitele dumneavoastră de studiu" in text


def test_a_refusal_and_the_visit_times_are_in_the_pages_language(client, visit_id):
    token = csrf(client)
    client.set_cookie("cx_language", "de")
    client.post(f"/my/{TOKEN}/visits/{visit_id}/join", data={"csrf_token": token})

    refused = client.post(f"/my/{TOKEN}/visits/{visit_id}/join", data={"csrf_token": token})

    page = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Nicht möglich: die teilnehmende Person ist bereits für diesen Besuch gebucht" in page
    assert "Di., 12. Mai, 14:00–16:00" in page  # Babel's German, not strftime's English


def test_an_unknown_link_is_explained_in_the_pages_language(client, published_event):
    response = client.get("/my/feed-nobody-xxxxxxxxxxxxxxxxxxxx", headers={"Accept-Language": "hu"})

    assert response.status_code == 404
    assert "Ez a link ismeretlen vagy már nem érvényes." in response.get_data(as_text=True)


def test_a_german_organiser_plans_visits_in_german(client, env, visit_id):
    from tests.scheduling.api.test_pages import EVENT_ID, visit_form

    _, credential = CredentialStore(env["ORGANISER_CREDENTIALS_FILE"]).mint("Tess")
    token = csrf(client)
    client.post("/organiser/login", data={"credential": credential, "csrf_token": token})
    client.set_cookie("cx_language", "de")

    text = client.get(f"/organiser/events/{EVENT_ID}/visits").get_data(as_text=True)
    refused = client.post(
        f"/organiser/events/{EVENT_ID}/visits", data=visit_form(token, capacity="0")
    ).get_data(as_text=True)

    assert "<h1>Planer für Studienbesuche</h1>" in text and "Studienbesuch hinzufügen" in text
    assert "0 / 12 gebucht" in text and "Di., 12. Mai, 14:00–16:00" in text
    assert "Study-visit planner" not in text and "booked" not in text
    assert "Muss zwischen 1 und 10000 liegen." in refused
