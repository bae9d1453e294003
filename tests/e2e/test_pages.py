"""Participants and organisers use the pages in a real browser against the running platform."""

from __future__ import annotations

import urllib.request
from datetime import date, timedelta

import pytest

from tests.e2e.pages import Browser

pytestmark = pytest.mark.integration
DAY = (date.today() + timedelta(days=60)).isoformat()


def create_event(web: Browser, site, capacity: int) -> str:
    """The organiser logs in, creates a draft and publishes it; returns the event page URL."""
    web.open(f"{site.registration}/organiser/")
    web.login(site.credential)
    web.press("New event")
    web.fill(
        title="Smart grids joint learning workshop",
        kind="joint_learning_workshop",
        description="Two days of peer learning with study visits.",
        venue__name="Energy Campus",
        venue__address="Rue de la Loi 1",
        venue__city="Brussels",
        venue__country="BE",
        timezone="Europe/Brussels",
        capacity=str(capacity),
        start=f"{DAY}T09:00",
        end=f"{DAY}T18:00",
    )
    web.press("Create draft")
    assert "draft" in web.text("#event-status")
    web.press("Publish")
    assert "published" in web.text("#event-status")
    return web.driver.current_url


def register(web: Browser, site, name: str) -> str:
    """A participant registers from the list of open workshops, is asked to check their inbox,
    follows the emailed link and confirms; returns their manage link."""
    web.open(f"{site.registration}/")
    web.follow("article.event a.button")
    web.fill(
        name=name,
        email=f"{name.split()[0].lower()}@example.eu",
        organisation="Cluster Nord",
        organisation_type="sme",
        country="DE",
        role="sme",
    )
    web.tick("consent")
    web.press("Register")
    assert "Check your inbox" in web.text("h1")
    assert web.all("#manage-link") == []
    web.open(site.verification_link(f"{name.split()[0].lower()}@example.eu"))
    web.press("Confirm my registration")
    return web.find("#manage-link").get_attribute("href")


def test_participants_fill_the_event_wait_get_promoted_join_a_visit_and_get_the_feed(
    live_platform, browser, screenshot
):
    web, site = Browser(browser), live_platform
    event_page = create_event(web, site, capacity=2)
    web.open(f"{site.registration}/")
    assert "2 of 2 seats left" in web.text(".seats")
    screenshot("participant-events")
    screenshot("participant-events-phone", 390, 844)
    web.follow("article.event a.button")
    web.press("Register")  # empty form: errors next to the fields
    assert "Missing data for required field." in web.text("#f-name-error")
    assert "consent" in web.text("#f-consent-error")

    first = register(web, site, "Ada Lovelace")
    assert web.text("#status") == "confirmed"
    assert web.find(".calendar-links a[href^='webcal://']")
    screenshot("registration-confirmation")
    register(web, site, "Bo Nilsson")
    third = register(web, site, "Cleo Martin")
    assert web.text("#status") == "waitlisted" and web.text("#position") == "1"
    web.open(f"{site.registration}/")
    assert "waiting list" in web.text(".seats")

    web.open(f"{site.registration}/organiser/")
    assert "Smart grids" in web.text("table")
    screenshot("organiser-events")

    web.open(first)
    web.press("Cancel my registration…")  # asks first, on a page of its own
    assert "You, at ada@example.eu" in web.text("#confirm-emailed")
    web.press("Cancel my registration")
    assert web.text("#status") == "cancelled"
    web.open(third)
    assert web.text("#status") == "confirmed"  # promoted in the same transaction

    web.open(event_page)
    web.follow("#planner-link")  # one login: scheduling asks for none
    web.until(lambda: "Study-visit planner" in web.text(), reload=True)
    web.fill(
        title="Smart meter factory",
        host__organisation="Grid Works",
        host__contact_name="Hanna Host",
        host__contact_email="hanna@gridworks.example",
        location__name="Grid Works plant",
        location__address="Industrieweg 5",
        start=f"{DAY}T14:00",
        end=f"{DAY}T16:00",
        capacity="10",
    )
    web.press("Schedule visit")
    assert "Smart meter factory" in web.text(".slot")

    web.open(third)
    screenshot("manage-page")
    screenshot("manage-page-phone", 390, 844)
    web.follow("#my-visits")
    web.until(lambda: web.all("#not-confirmed") == [], reload=True)
    web.press("Join this visit")
    assert "joined" in web.text(".visit")
    feed_url = web.find("a.feed-download").get_attribute("href")
    with urllib.request.urlopen(feed_url, timeout=10) as response:
        feed = response.read().decode()
    assert "BEGIN:VCALENDAR" in feed
    assert "Smart meter factory" in feed and "Smart grids joint learning workshop" in feed


def test_one_login_serves_both_services_and_logging_out_on_one_ends_it_on_both(
    live_platform, browser
):
    web, site = Browser(browser), live_platform
    web.open(f"{site.registration}/organiser/")
    web.login(site.credential)
    planner = f"{site.scheduling}/organiser/events/00000000-0000-0000-0000-000000000000/visits"
    web.open(planner)
    assert "/organiser/login" not in web.driver.current_url
    assert "Log out (Tess Organiser)" in web.text("header")

    web.press("Log out (Tess Organiser)")  # on scheduling
    web.open(f"{site.registration}/organiser/")
    assert "/organiser/login" in web.driver.current_url


def test_an_organiser_cancels_an_event_only_after_confirming_with_a_reason(live_platform, browser):
    web, site = Browser(browser), live_platform
    event_page = create_event(web, site, capacity=5)
    web.press("Cancel event…")
    assert "cannot be undone" in web.text("#confirm-consequence")
    assert "no email is sent" in web.text("#confirm-emailed")  # nobody has registered
    web.press("Go back, change nothing")
    assert web.driver.current_url == event_page
    assert "published" in web.text("#event-status")

    web.press("Cancel event…")
    web.fill(reason="The venue is closed for repairs.")
    web.press("Cancel the event")
    assert "cancelled" in web.text("#event-status")


def test_organiser_login_refuses_a_wrong_credential_and_forms_need_their_csrf_token(
    live_platform, browser
):
    web, site = Browser(browser), live_platform
    web.open(f"{site.registration}/organiser/")
    web.login("cxo_not-a-real-credential")
    assert "not valid" in web.text("#credential-error")
    request = urllib.request.Request(
        f"{site.registration}/organiser/login", data=b"credential=x", method="POST"
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    refused.value.close()
    assert refused.value.code == 400
