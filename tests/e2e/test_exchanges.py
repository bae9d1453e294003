"""The exchange coordinator, the host and the visitor run an exchange in a real browser, from
the request to the attendance, each party on the page its email links to (axe-audited)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.e2e.pages import Browser

pytestmark = pytest.mark.integration
_SOON = date.today() + timedelta(days=60)
MONDAY = _SOON + timedelta(days=-_SOON.weekday() % 7)
SATURDAY, LAST = MONDAY + timedelta(days=5), MONDAY + timedelta(days=11)


def request_exchange(web: Browser, site) -> None:
    """The coordinator goes from the organiser's home to the exchanges and fills the request
    form (logging in again only if scheduling asks: the same credential works there)."""
    web.open(f"{site.registration}/organiser/")
    web.login(site.credential)
    web.follow("#exchanges-link")
    if "/organiser/login" in web.driver.current_url:
        web.login(site.credential)
    web.until(lambda: web.text("h1") == "Exchanges")
    web.follow("a.button[href$='/organiser/exchanges/new']")
    for side, name, country in (("visitor", "Ana Silva", "PT"), ("host", "Jonas Weber", "DE")):
        web.fill(
            **{
                f"{side}__name": name,
                f"{side}__email": f"{name.split()[0].lower()}@{side}.example",
                f"{side}__organisation": "BioEco Lda" if side == "visitor" else "EnerLab GmbH",
                f"{side}__cluster": "Bioeconomy Portugal" if side == "visitor" else "Energy Berlin",
                f"{side}__country": country,
                f"{side}__sector": "bio-economy" if side == "visitor" else "energy",
            }
        )
    web.tick("visitor.sme")
    web.fill(
        goals="Learn grid-scale storage",
        first_day=MONDAY.isoformat(),
        last_day=LAST.isoformat(),
        timezone="Europe/Berlin",
    )
    web.press("Request the exchange")
    assert "requested" in web.text("#exchange-status")


def propose_agenda(web: Browser) -> None:
    """The host adds a timed meeting and an all-day item on the Saturday."""
    web.fill(
        title="Kick-off with the storage team",
        kind="meeting",
        place="EnerLab, Torstraße 1, Berlin",
        day=MONDAY.isoformat(),
        start_time="10:00",
        end_time="12:00",
    )
    web.press("Add to the agenda")
    web.fill(
        title="Battery park open day",
        kind="site_visit",
        place="Lausitz",
        first_day=SATURDAY.isoformat(),
        last_day=SATURDAY.isoformat(),
    )
    web.press("Add to the agenda")


def test_an_exchange_goes_from_request_to_attendance_on_the_pages(
    live_platform, browser, screenshot
):
    web, site = Browser(browser), live_platform
    request_exchange(web, site)
    detail = web.driver.current_url

    web.open(site.exchange_link("requested", "host"))
    assert "Will you host this exchange?" in web.text()
    web.press("Accept the exchange")
    propose_agenda(web)
    assert "non-working day" in web.text("#main table.agenda")
    assert web.find(".calendar-links a[href^='https://outlook.live.com/']")
    web.driver.execute_script("window.scrollTo(0, 0)")
    screenshot("exchange-host-page", 1280, 1500)
    web.press("Confirm this agenda")

    web.open(site.exchange_link("accepted", "visitor"))
    assert "You are the visitor" in web.text("#you-are")
    web.press("Confirm this agenda")
    assert "agreed" in web.text("#exchange-status")

    web.open(f"{site.scheduling}/organiser/exchanges")
    assert "Ana Silva" in web.text("#exchanges")
    screenshot("organiser-exchanges")
    web.open(detail)
    screenshot("organiser-exchange", 1280, 1600)
    web.follow("#cancel-exchange")
    assert "will be emailed" in web.text()
    web.follow("a[href$='" + detail.rsplit("/", 1)[1] + "']")
    web.press("Record attendance and complete")
    assert "completed" in web.text("#exchange-status")
    assert "10 of 10 working days" in web.text("#attendance")

    web.open(f"{site.scheduling}/organiser/exchanges/kpis")
    assert web.all("svg.chart rect") and "PT" in web.text("#table-visitor_countries")
    screenshot("exchange-kpis", 1280, 1400)
    assert len(web.audited) >= 12


def test_the_host_removes_an_agenda_item_only_through_its_confirmation_page(live_platform, browser):
    web, site = Browser(browser), live_platform
    request_exchange(web, site)
    web.open(site.exchange_link("requested", "host"))
    web.press("Accept the exchange")
    propose_agenda(web)

    web.follow("table.agenda tr:last-child form[action$='/remove'] button")
    assert web.text("h1") == "Remove “Battery park open day” from the agenda?"
    assert "Ana Silva (visitor) and Jonas Weber (host)" in web.text("#confirm-emailed")
    web.follow("#confirm-back")
    assert "Battery park open day" in web.text("table.agenda")
    web.follow("table.agenda tr:last-child form[action$='/remove'] button")
    web.press("Remove the item")

    assert "Agenda item removed." in web.text("p.notice")
    assert "Battery park open day" not in web.text("table.agenda")
    assert "Kick-off with the storage team" in web.text("table.agenda")


def test_the_host_declines_only_through_its_confirmation_page(live_platform, browser):
    web, site = Browser(browser), live_platform
    request_exchange(web, site)
    detail = web.driver.current_url
    web.open(site.exchange_link("requested", "host"))

    web.press("Decline the exchange…")
    assert web.text("h1") == "Decline the exchange of Ana Silva?"
    assert web.text("#confirm-emailed") == "Nobody: no email is sent."
    web.fill(reason="No staff in that week")
    web.press("Decline the exchange")

    assert "You declined the exchange." in web.text("p.notice")
    assert "rejected" in web.text("#exchange-status")
    web.open(detail)
    assert "No staff in that week" in web.text("#closed")
