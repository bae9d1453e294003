from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from jinja2 import UndefinedError

from services.notifications.adapters.rendering import KINDS, render_email

BRUSSELS = ZoneInfo("Europe/Brussels")
BASE = {
    "recipient_name": "Anna Müller",
    "event_title": "Smart Mobility Cluster Matchmaking 2025",
    "event_start": datetime(2025, 5, 14, 9, 30, tzinfo=BRUSSELS),
    "manage_url": "https://clusterxchange.eu/registrations/r-81f2?token=ab&lang=en",
    "feed_url": "webcal://clusterxchange.eu/feeds/p-3c9d.ics",
}
EXTRA = {
    "registration_waitlisted": {"position": 4},
    "registration_rejected": {"reason": "The workshop is reserved for cluster managers."},
    "event_cancelled": {"reason": "The venue is unavailable."},
    "visit_joined": {
        "visit_title": "Port of Antwerp-Bruges",
        "visit_start": datetime(2025, 5, 15, 13, 0, tzinfo=BRUSSELS),
        "visit_location": "Zaha Hadidplein 1, Antwerpen",
    },
    "visit_rescheduled": {
        "visit_title": "Port of Antwerp-Bruges",
        "old_start": datetime(2025, 5, 15, 13, 0, tzinfo=BRUSSELS),
        "new_start": datetime(2025, 5, 15, 14, 30, tzinfo=BRUSSELS),
        "old_location": "Zaha Hadidplein 1, Antwerpen",
        "new_location": "Havenhuis, Antwerpen",
    },
    "visit_left": {
        "visit_title": "Port of Antwerp-Bruges",
        "visit_start": datetime(2025, 5, 15, 13, 0, tzinfo=BRUSSELS),
    },
    "event_rescheduled": {
        "old_start": datetime(2025, 5, 14, 9, 30, tzinfo=BRUSSELS),
        "new_start": datetime(2025, 5, 14, 10, 30, tzinfo=BRUSSELS),
        "old_location": "Square Brussels, Mont des Arts",
        "new_location": "Square Brussels, Mont des Arts",
    },
    "visit_cancelled": {
        "visit_title": "Port of Antwerp-Bruges",
        "visit_start": datetime(2025, 5, 15, 13, 0, tzinfo=BRUSSELS),
        "reason": None,
    },
    "reminder_visit": {
        "visit_title": "Port of Antwerp-Bruges",
        "visit_start": datetime(2025, 5, 15, 13, 0, tzinfo=BRUSSELS),
        "visit_location": "Zaha Hadidplein 1, Antwerpen",
    },
    "reminder_event": {"event_location": "Square Brussels, Mont des Arts"},
    "attendance_certificate": {
        "certificate_url": "https://clusterxchange.eu/manage/t-1/certificate.pdf",
        "days": 2,
    },
    "registration_verify": {
        "verify_url": "https://clusterxchange.eu/verify/v-1a2b",
        "expires_at": datetime(2025, 5, 1, 10, 0, tzinfo=BRUSSELS),
    },
    "registration_offered": {
        "accept_url": "https://clusterxchange.eu/offers/o-1a2b/accept",
        "decline_url": "https://clusterxchange.eu/offers/o-1a2b/decline",
        "offer_expires_at": datetime(2025, 5, 2, 10, 0, tzinfo=BRUSSELS),
        "position": None,
    },
    "registration_offer_declined": {"position": 3},
    "registration_offer_expired": {"position": None},
}


ADDRESS_ONLY = {"registration_verify", "registration_already"}


def context(kind: str, **overrides: object) -> dict[str, object]:
    return {**BASE, **EXTRA.get(kind, {}), **overrides}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_a_subject_a_text_and_an_html_body_in_english(kind):
    subject, text, html = render_email(kind, "en", context(kind))

    assert subject and "\n" not in subject
    assert text.startswith("Hello Anna Müller,")
    if kind not in ADDRESS_ONLY:  # sent before (or besides) a verified registration
        assert BASE["manage_url"] in text and BASE["feed_url"] in text
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert f"<title>{subject}</title>" in html
    if kind not in ADDRESS_ONLY:
        assert "https://clusterxchange.eu/registrations/r-81f2?token=ab&amp;lang=en" in html


def test_the_waiting_list_email_states_the_position():
    subject, text, html = render_email(
        "registration_waitlisted", "en", context("registration_waitlisted")
    )

    assert subject == "Waiting list: Smart Mobility Cluster Matchmaking 2025"
    assert "number 4 on the waiting list" in text
    assert "Wednesday, 14 May 2025, 09:30 CEST" in text


def test_a_reschedule_lists_old_and_new_time_and_place():
    _, text, html = render_email("visit_rescheduled", "en", context("visit_rescheduled"))

    assert "When: Thursday, 15 May 2025, 13:00 CEST → Thursday, 15 May 2025, 14:30 CEST" in text
    assert "Where: Zaha Hadidplein 1, Antwerpen → Havenhuis, Antwerpen" in text
    assert html.count("<li>") == 2


def test_a_moved_workshop_says_when_it_now_starts():
    _, text, _ = render_email("event_rescheduled", "en", context("event_rescheduled"))

    assert "When: Wednesday, 14 May 2025, 09:30 CEST → Wednesday, 14 May 2025, 10:30 CEST" in text
    assert "Where:" not in text


def test_a_reschedule_lists_only_what_changed():
    unchanged_place = context("visit_rescheduled", new_location="Zaha Hadidplein 1, Antwerpen")

    _, text, html = render_email("visit_rescheduled", "en", unchanged_place)

    assert "When:" in text and "Where:" not in text
    assert html.count("<li>") == 1


@pytest.mark.parametrize("language", ["de", "de-AT", "de_DE"])
def test_german_is_used_when_requested(language):
    subject, text, html = render_email(
        "registration_confirmed", language, context("registration_confirmed")
    )

    assert subject == "Anmeldung bestätigt: Smart Mobility Cluster Matchmaking 2025"
    assert text.startswith("Hallo Anna Müller,")
    assert "am Mittwoch, 14. Mai 2025, 09:30 MESZ ist bestätigt" in text
    assert '<html lang="de">' in html


def test_the_german_waiting_list_email_states_the_position():
    subject, text, _ = render_email(
        "registration_waitlisted", "de", context("registration_waitlisted")
    )

    assert subject.startswith("Warteliste:")
    assert "Platz 4 der Warteliste" in text


@pytest.mark.parametrize("language", ["xx", "", "zh-CN"])
def test_english_is_the_fallback_for_a_language_without_a_catalogue(language):
    subject, text, html = render_email("reminder_event", language, context("reminder_event"))

    assert subject == "Reminder: Smart Mobility Cluster Matchmaking 2025"
    assert text.startswith("Hello Anna Müller,")
    assert '<html lang="en">' in html


def test_html_escapes_a_malicious_name_while_text_keeps_it_verbatim():
    evil = '<script>alert("x")</script> & Co'
    kind = "registration_confirmed"

    _, text, html = render_email(kind, "en", context(kind, recipient_name=evil, event_title=evil))

    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in html
    assert f"Hello {evil}," in text


def test_a_missing_variable_is_an_error_not_a_blank():
    incomplete = {key: value for key, value in BASE.items() if key != "event_title"}

    with pytest.raises(UndefinedError, match="event_title"):
        render_email("registration_confirmed", "en", incomplete)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="newsletter"):
        render_email("newsletter", "en", BASE)


def test_the_verification_email_holds_the_link_and_no_manage_or_feed_link():
    subject, text, html = render_email("registration_verify", "en", context("registration_verify"))
    assert "confirm" in subject.lower()
    assert "https://clusterxchange.eu/verify/v-1a2b" in text and "/verify/v-1a2b" in html
    for private in (BASE["manage_url"], BASE["feed_url"]):
        assert private not in text and private not in html


def test_the_verification_email_escapes_the_name_in_html():
    name = "<a href='http://evil.test'>Ana</a>"
    _, _, html = render_email(
        "registration_verify", "en", context("registration_verify", recipient_name=name)
    )
    assert "<a href='http://evil.test'>" not in html and "&lt;a href=" in html


def test_the_already_registered_email_gives_the_manage_link():
    subject, text, _ = render_email("registration_already", "en", context("registration_already"))
    assert "already registered" in subject.lower()
    assert BASE["manage_url"] in text


@pytest.mark.parametrize("kind", ["registration_confirmed", "registration_promoted"])
def test_a_seat_email_shows_the_check_in_code_and_its_qr_image(kind):
    qr = "https://clusterxchange.eu/manage/t-1/check-in.png"
    extra = {"checkin_code": "ABCDE-FGH23", "checkin_qr_url": qr}
    _, text, html = render_email(kind, "en", context(kind, **extra))

    assert "Your check-in code: ABCDE-FGH23" in text and qr in text
    assert f'<img src="{qr}"' in html


def test_a_seat_email_queued_before_check_in_codes_existed_still_renders():
    _, text, _ = render_email("registration_confirmed", "en", context("registration_confirmed"))
    assert "check-in code" not in text


def test_the_certificate_email_links_the_pdf_and_counts_the_days():
    subject, text, html = render_email(
        "attendance_certificate", "de", context("attendance_certificate")
    )
    assert "Smart Mobility Cluster Matchmaking 2025" in subject
    assert "https://clusterxchange.eu/manage/t-1/certificate.pdf" in text
    assert "2" in text.split("Smart Mobility Cluster Matchmaking 2025")[1]
