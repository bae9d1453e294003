"""A participant picks a language on the pages, in a real browser; it sticks and is registered."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.e2e.pages import Browser
from tests.e2e.test_pages import create_event

pytestmark = pytest.mark.integration


def test_a_participant_switches_to_german_and_registers_in_german(live_platform, browser):
    web, site = Browser(browser), live_platform
    create_event(web, site, capacity=2)
    web.open(f"{site.registration}/")
    assert web.find("html").get_attribute("lang") == "en"

    web.fill(language="de")
    web.press("Change")
    assert web.text("h1") == "Offene Workshops"
    assert web.find("html").get_attribute("lang") == "de"
    web.follow("article.event a.button")  # the choice is remembered on the next page
    web.fill(
        name="Greta Weber",
        email="greta@example.eu",
        organisation="Cluster Süd",
        organisation_type="sme",
        country="DE",
        role="sme",
    )
    web.tick("consent")
    web.press("Anmelden")
    assert web.all("#manage-link") == []  # the address is verified first (issue #11)
    web.open(site.verification_link("greta@example.eu"))
    web.press("Meine Anmeldung bestätigen")  # the verification page speaks German too

    assert web.text("h1") == "Vielen Dank, Greta Weber"
    token = web.find("#manage-link").get_attribute("href").rsplit("/", 1)[1]
    with urllib.request.urlopen(f"{site.registration}/api/v1/manage/{token}") as response:
        assert json.load(response)["language"] == "de"
