"""Scheduling's pages follow the visitor's language, like every service's pages."""

from __future__ import annotations

import pytest

from tests.scheduling.api.test_pages import TOKEN

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
