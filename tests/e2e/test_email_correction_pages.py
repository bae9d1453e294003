"""An organiser corrects a participant's address in a real browser: from the roster to the
registration's page, through the confirmation page, to the history; axe-core audits each."""

from __future__ import annotations

import pytest

from tests.e2e.accessibility import violations
from tests.e2e.pages import Browser
from tests.e2e.test_accessibility import notifications_site  # noqa: F401
from tests.e2e.test_pages import create_event, register
from tests.notifications import factories as f
from tests.notifications.harness import apply

pytestmark = pytest.mark.integration


def test_an_organiser_corrects_an_address_after_a_confirmation_naming_both(live_platform, browser):
    web, site = Browser(browser), live_platform
    event_page = create_event(web, site, capacity=2)
    register(web, site, "Ada Lovelace")  # ada@example.eu
    web.open(event_page)

    web.follow("#roster a[href*='/organiser/registrations/']")
    assert web.text("#current-email") == "ada@example.eu"
    assert web.find('input[name="resend_failed"]').is_selected()
    web.fill(email="ada.lovelace@example.eu", reason="The confirmation bounced: a typo")
    web.press("Correct the email address…")

    consequence = web.text("#confirm-consequence")
    assert "ada@example.eu is replaced by ada.lovelace@example.eu" in consequence
    assert "ada.lovelace@example.eu" in web.text("#confirm-emailed")
    web.press("Correct the email address")

    assert "The address of Ada Lovelace is now ada.lovelace@example.eu." in web.text()
    assert web.text("#current-email") == "ada.lovelace@example.eu"
    history = web.text("#history")
    assert "ada@example.eu → ada.lovelace@example.eu" in history
    assert "Tess Organiser" in history and "a typo" in history


def test_the_delivery_log_naming_a_corrected_address_has_no_violation_at_all(
    browser,
    notifications_site,  # noqa: F811
    tmp_path,
):
    from services.notifications.bootstrap import bootstrap

    site, credential = notifications_site
    env = {
        "NOTIFICATIONS_DATABASE_URL": f"sqlite:///{tmp_path / 'notifications.db'}",
        "DATA_DIR": str(tmp_path),
        "ORGANISER_CREDENTIALS_FILE": str(tmp_path / "organisers.json"),
    }
    service = bootstrap(env)  # the site's database: its worker side applies the messages
    apply(service, f.envelope("registration.confirmed", f.registration("confirmed")))
    with service.uow() as uow:
        (bounced,) = uow.notifications.of_registration("reg-1")
        bounced.refused_for_good("550 5.1.1 <anna1@example.eu>: no such mailbox", f.NOW)
        uow.commit()
    person = {"name": "Anna Müller 1", "email": "anna@example.eu", "language": "en"}
    payload = f.registration("confirmed", participant=person, resend_failed=False)
    apply(service, f.envelope("registration.email_corrected", payload))
    service.infrastructure.engine.dispose()

    web = Browser(browser)
    web.open(f"{site}/organiser/notifications")
    web.login(credential)
    web.until(lambda: "a resend goes to anna@example.eu" in web.text("table"))
    assert violations(browser) == []
