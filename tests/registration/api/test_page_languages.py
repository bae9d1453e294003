"""Pages in nine languages: Accept-Language decides, the language switch's cookie wins."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shared.i18n import format_when
from tests.registration.api.test_pages import csrf, form
from tests.registration.conftest import person

pytestmark = pytest.mark.integration


def language_of(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def switch(client, language: str, next_path: str = "/"):
    token = csrf(client, "/")
    data = {"language": language, "next": next_path, "csrf_token": token}
    return client.post("/language", data=data)


def test_a_page_asked_for_in_polish_is_in_polish_with_polish_dates(client, published_event):
    event = published_event(capacity=3)
    start = datetime.fromisoformat(event["start"]).astimezone(ZoneInfo(event["timezone"]))

    page = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"})

    text = page.get_data(as_text=True)
    assert language_of(text) == "pl"
    assert "Otwarte warsztaty" in text and "Wolne miejsca: 3 z 3" in text
    assert "Open workshops" not in text
    assert format_when(start, "pl") in text and format_when(start, "pl") != format_when(start, "en")


def test_without_a_choice_or_a_known_accept_language_pages_are_in_english(client):
    text = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)

    assert language_of(text) == "en" and "Open workshops" in text


def test_the_language_switch_is_remembered_and_wins_over_accept_language(client):
    response = switch(client, "hu", "/?from=switch")

    assert response.status_code == 303 and response.headers["Location"] == "/?from=switch"
    assert "cx_language=hu" in response.headers["Set-Cookie"]
    text = client.get("/", headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert language_of(text) == "hu" and "Nyitott workshopok" in text


def test_the_serbian_choice_is_latin_script(client):
    switch(client, "sr_Latn")

    text = client.get("/").get_data(as_text=True)
    assert language_of(text) == "sr-Latn" and "Otvorene radionice" in text


@pytest.mark.parametrize("language", ["xx", "", "<script>"])
def test_an_unknown_language_choice_changes_nothing(client, language):
    response = switch(client, language)

    assert response.status_code == 303
    assert "cx_language" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_switch_never_redirects_off_the_site(client, target):
    assert switch(client, "de", target).headers["Location"] == "/"


def test_the_switch_needs_the_forms_csrf_token(client):
    response = client.post("/language", data={"language": "de", "next": "/"})

    assert response.status_code == 400
    assert "cx_language" not in response.headers.get("Set-Cookie", "")


def test_registering_on_a_page_sends_the_pages_language(client, published_event):
    event = published_event()
    switch(client, "sr_Latn")

    response = client.post(f"/events/{event['id']}/register", data=form(1, csrf(client, "/")))

    token = response.headers["Location"].split("/manage/")[1].split("/")[0]
    assert client.get(f"/api/v1/manage/{token}").json["language"] == "sr-Latn"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Hvala Vam, Participant B" in page


@pytest.mark.parametrize("language", ["de", "de-AT", "sr-Latn", "pt"])
def test_the_api_accepts_the_languages_of_the_pages(client, published_event, language):
    event = published_event()
    body = person(1, language=language)

    response = client.post(f"/api/v1/events/{event['id']}/registrations", json=body)

    assert response.status_code == 201


@pytest.mark.parametrize("language", ["sr_Latn", "sr-latn", "deutsch", "sr-Latn-RS"])
def test_the_api_refuses_a_malformed_language_tag(client, published_event, language):
    event = published_event()

    response = client.post(
        f"/api/v1/events/{event['id']}/registrations", json=person(1, language=language)
    )

    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")


def test_a_hostile_name_in_a_translated_sentence_stays_escaped(client, published_event):
    event = published_event()
    switch(client, "de")
    hostile = "O'Brien-Müller"  # the most HTML a name may hold under issue #11's rule
    data = {**form(1, csrf(client, "/")), "name": hostile}

    response = client.post(f"/events/{event['id']}/register", data=data)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vielen Dank, O&#39;Brien-Müller" in page
    assert "O'Brien" not in page


def test_form_problems_are_shown_in_the_pages_language(client, published_event):
    event = published_event()
    token = csrf(client, "/")
    switch(client, "de")
    data = {**form(1, token), "email": "not-an-email", "name": "", "consent": ""}

    response = client.post(f"/events/{event['id']}/register", data=data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Keine gültige E-Mail-Adresse." in page and "Pflichtfeld: Bitte ausfüllen." in page
    assert "Not a valid email address." not in page and "Missing data" not in page


def test_a_domain_problem_on_a_page_is_in_the_pages_language(client, published_event):
    event = published_event()
    token = csrf(client, "/")
    client.post(f"/events/{event['id']}/register", data=form(1, token))

    response = client.post(
        f"/events/{event['id']}/register",
        data=form(1, token),
        headers={"Accept-Language": "fr"},
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "cette adresse e-mail est déjà inscrite à l&#39;événement" in page
    assert "already registered" not in page


def test_the_manage_page_words_the_status_in_the_pages_language(client, published_event):
    event = published_event()
    switch(client, "pl")
    response = client.post(f"/events/{event['id']}/register", data=form(1, csrf(client, "/")))

    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert re.search(r'id="status">potwierdzona<', page)


def test_the_check_inbox_and_verification_pages_are_in_the_pages_language(client, published_event):
    event = published_event()
    switch(client, "es")

    inbox = client.get(f"/events/{event['id']}/check-inbox").get_data(as_text=True)
    token = csrf(client, "/verify/unknown-token")
    verify = client.post("/verify/unknown-token", data={"csrf_token": token})

    assert "Revise su bandeja de entrada" in inbox and "Check your inbox" not in inbox
    assert verify.status_code == 404
    assert "Este enlace es desconocido." in verify.get_data(as_text=True)
