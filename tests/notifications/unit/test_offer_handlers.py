"""Waiting-list offer messages → emails: the offer with its Accept and Decline links, and what
became of it; never a calendar part, since the seat is not the person's until accepted."""

from __future__ import annotations

from datetime import timedelta

from services.notifications.adapters.rendering import render_email
from tests.notifications import factories as f

OFFER = {
    "accept_url": "https://cx.example.eu/offers/offer-1/accept",
    "decline_url": "https://cx.example.eu/offers/offer-1/decline",
    "offer_expires_at": f.NOW + timedelta(hours=24),
}


def test_an_offer_queues_one_email_with_both_links_and_no_calendar(handle, stored):
    handle(f.envelope("registration.offered", f.registration("offered") | OFFER))

    (queued,) = stored()
    assert queued.kind == "registration_offered" and queued.calendar is None
    assert queued.context["accept_url"] == OFFER["accept_url"]
    assert queued.context["offer_expires_at"].tzinfo.key == "Europe/Brussels"
    subject, text, html = render_email(queued.kind, "en", queued.context | {"recipient_name": "A"})
    assert OFFER["accept_url"] in text and OFFER["decline_url"] in text
    assert f'href="{OFFER["decline_url"]}"' in html
    assert subject.startswith("A seat is held for you")


def test_an_offer_email_speaks_the_participants_language(handle, stored):
    payload = f.registration("offered") | OFFER
    payload["participant"] = payload["participant"] | {"language": "de"}
    handle(f.envelope("registration.offered", payload))

    (queued,) = stored()
    subject, text, _html = render_email(queued.kind, "de", queued.context | {"recipient_name": "A"})
    assert "Platz" in subject and OFFER["accept_url"] in text


def test_a_declined_offer_tells_the_new_place_on_the_list(handle, stored):
    handle(
        f.envelope("registration.offer_declined", f.registration("waitlisted", waitlist_position=5))
    )

    (queued,) = stored()
    assert queued.kind == "registration_offer_declined" and queued.context["position"] == 5
    _subject, text, _html = render_email(
        queued.kind, "en", queued.context | {"recipient_name": "A"}
    )
    assert "number 5" in text


def test_a_declined_offer_without_staying_says_the_list_was_left(handle, stored):
    handle(f.envelope("registration.offer_declined", f.registration("cancelled")))

    (queued,) = stored()
    _subject, text, _html = render_email(
        queued.kind, "en", queued.context | {"recipient_name": "A"}
    )
    assert "left the waiting list" in text


def test_a_lapsed_offer_queues_its_email(handle, stored):
    handle(f.envelope("registration.offer_expired", f.registration("cancelled")))

    (queued,) = stored()
    assert queued.kind == "registration_offer_expired" and queued.calendar is None


def test_no_offer_email_goes_to_someone_erased(handle, stored):
    handle(f.erased())
    handle(f.envelope("registration.offered", f.registration("offered") | OFFER))

    assert [n.kind for n in stored()] == []
