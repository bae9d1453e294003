"""exchange.* messages → summary emails to visitor and host, and iMIP per timed agenda item."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.notifications.adapters.postman import Postman, Sender
from services.notifications.adapters.rendering import EXCHANGE_KINDS, render_email
from tests.notifications import factories as f

MEETING = {
    "item_id": "i-1",
    "title": "Kick-off",
    "kind": "meeting",
    "place": "EnerLab, Berlin",
    "notes": "",
    "start": datetime(2025, 6, 3, 8, tzinfo=UTC),
    "end": datetime(2025, 6, 3, 10, tzinfo=UTC),
    "first_day": None,
    "last_day": None,
    "sequence": 1,
    "status": "planned",
}
SITE_DAYS = MEETING | {
    "item_id": "i-2",
    "title": "Battery park",
    "kind": "site_visit",
    "start": None,
    "end": None,
    "first_day": date(2025, 6, 4),
    "last_day": date(2025, 6, 5),
}
CONTACTS = {
    "visitor": {"name": "Ana Silva", "email": "ana@bioeco.example"},
    "host": {"name": "Jonas Weber", "email": "jonas@enerlab.example"},
}


def exchange(status: str = "agreed", agenda=(MEETING, SITE_DAYS), **changes) -> dict:
    party = {"organisation": "EnerLab", "cluster": "Energy", "country": "DE", "sector": "energy"}
    return {
        "exchange_id": "x-1",
        "status": status,
        "visitor": party | {"organisation": "BioEco", "country": "PT", "sme": True},
        "host": party | {"sme": False},
        "goals": "Storage",
        "first_day": date(2025, 6, 2),
        "last_day": date(2025, 6, 6),
        "timezone": "Europe/Berlin",
        "working_days": 5,
        "attended_days": None,
        "sequence": 1,
        "updated_at": f.NOW,
        "agenda": list(agenda),
    } | changes


def message(kind: str, actor: str = "host", reason=None, **exchange_changes):
    payload = {"exchange": exchange(**exchange_changes), "actor": actor, "contacts": CONTACTS}
    if kind == "exchange.cancelled":
        payload["reason"] = reason
    return f.envelope(kind, payload)


def facts(stored) -> list[tuple]:
    return [
        (
            n.kind,
            n.recipient_email,
            n.calendar and (n.calendar.method, n.calendar.uid, n.calendar.sequence),
        )
        for n in stored()
    ]


def test_an_agreement_tells_both_parties_and_invites_them_to_each_timed_item(handle, stored):
    handle(message("exchange.agreed"))
    assert sorted(facts(stored)) == [
        ("exchange_agreed", "ana@bioeco.example", None),
        ("exchange_agreed", "jonas@enerlab.example", None),
        ("exchange_item", "ana@bioeco.example", ("REQUEST", "exchange-item-i-1", 1)),
        ("exchange_item", "jonas@enerlab.example", ("REQUEST", "exchange-item-i-1", 1)),
    ]
    summary = next(n for n in stored() if n.kind == "exchange_agreed")
    assert any("Battery park" in line and "all day" in line for line in summary.context["agenda"])


def test_the_same_message_delivered_twice_queues_nothing_more(handle, stored):
    agreed = message("exchange.agreed")
    handle(agreed, agreed)
    assert len(stored()) == 4


def test_a_changed_item_is_sent_again_with_a_higher_sequence_and_unchanged_ones_are_not(
    handle, stored
):
    handle(message("exchange.agreed"))
    moved = MEETING | {
        "start": datetime(2025, 6, 3, 12, tzinfo=UTC),
        "end": datetime(2025, 6, 3, 14, tzinfo=UTC),
        "sequence": 2,
    }
    handle(message("exchange.itinerary_changed", agenda=(moved, SITE_DAYS)))
    handle(message("exchange.itinerary_changed", agenda=(moved, SITE_DAYS)))
    updates = [x for x in facts(stored) if x[0] == "exchange_item"]
    assert ("exchange_item", "ana@bioeco.example", ("REQUEST", "exchange-item-i-1", 2)) in updates
    assert len(updates) == 4


def test_a_removed_item_is_cancelled_in_the_calendars_that_had_it(handle, stored):
    handle(message("exchange.agreed"))
    removed = MEETING | {"status": "cancelled", "sequence": 2}
    handle(message("exchange.itinerary_changed", agenda=(removed, SITE_DAYS)))
    cancels = [x for x in facts(stored) if x[0] == "exchange_item_cancelled"]
    assert sorted(cancels) == [
        ("exchange_item_cancelled", "ana@bioeco.example", ("CANCEL", "exchange-item-i-1", 2)),
        ("exchange_item_cancelled", "jonas@enerlab.example", ("CANCEL", "exchange-item-i-1", 2)),
    ]


def test_a_cancelled_exchange_sends_the_reason_and_cancels_invited_items(handle, stored):
    handle(message("exchange.agreed"))
    handle(
        message(
            "exchange.cancelled",
            status="cancelled",
            reason="illness",
            agenda=(MEETING | {"sequence": 2}, SITE_DAYS),
        )
    )
    news = [n for n in stored() if n.kind == "exchange_cancelled"]
    assert len(news) == 2 and news[0].context["reason"] == "illness"
    assert [x[2][0] for x in facts(stored) if x[0] == "exchange_item_cancelled"] == ["CANCEL"] * 2


def test_a_cancellation_before_any_invitation_cancels_no_calendar_item(handle, stored):
    handle(message("exchange.cancelled", status="cancelled"))
    assert sorted(x[0] for x in facts(stored)) == ["exchange_cancelled", "exchange_cancelled"]


@pytest.mark.parametrize("kind", sorted(EXCHANGE_KINDS))
def test_every_exchange_email_renders_without_registration_links(kind):
    context = {
        "recipient_name": "Ana Silva",
        "visitor_organisation": "BioEco (PT)",
        "host_organisation": "EnerLab (DE)",
        "first_day": "02 June 2025",
        "last_day": "06 June 2025",
        "agenda": ["Tue 03 June 2025, 10:00–12:00 CEST: Kick-off at EnerLab"],
        "reason": "illness",
        "item": "Tue 03 June 2025, 10:00–12:00 CEST: Kick-off at EnerLab",
        "manage_url": "",
        "feed_url": "",
        "certificate_url": "https://s.example/api/v1/exchanges/certificates/c-1",
        "attended_days": 4,
        "working_days": 5,
    }
    subject, text, html = render_email(kind, "en", context)
    assert subject and "\n" not in subject and "EnerLab" in subject + text
    assert text.startswith("Hello Ana Silva,") and "Manage your registration" not in text
    assert html.startswith("<!DOCTYPE html>") and "Kick-off" in html


def test_a_queued_item_invitation_becomes_an_email_with_a_request_in_the_hosts_zone(handle, stored):
    handle(message("exchange.agreed"))
    item = next(n for n in stored() if n.kind == "exchange_item")
    email = Postman(mailer=None, sender=Sender("x@cx.example.eu", "CX")).message(item)
    calendar = f.calendar_of(email)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "exchange-item-i-1" and event["SEQUENCE"] == 1
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert "Meeting: Kick-off" in str(event["SUMMARY"])


def test_a_completed_exchange_sends_both_parties_the_certificate_link(handle, stored):
    url = "https://s.example/api/v1/exchanges/certificates/c-1"
    completed = message("exchange.completed", "organiser", status="completed", attended_days=4)
    completed.payload["certificate_url"] = url
    handle(completed, completed)

    sent = [n for n in stored() if n.kind == "exchange_certificate"]
    assert sorted(n.recipient_email for n in sent) == [
        "ana@bioeco.example",
        "jonas@enerlab.example",
    ]
    assert all(n.context["certificate_url"] == url and n.calendar is None for n in sent)
    subject, text, _ = render_email(
        "exchange_certificate", "en", sent[0].context | {"recipient_name": "Ana Silva"}
    )
    assert "4 of 5 working days attended" in text and url in text


def test_a_completed_exchange_without_a_certificate_sends_nothing(handle, stored):
    payload = {"exchange": exchange("completed", attended_days=0), "actor": "organiser"}
    handle(f.envelope("exchange.completed", payload))
    assert stored() == []


LINKED = {
    side: contact | {"page_url": f"https://cx.example/exchange/{side}-token"}
    for side, contact in CONTACTS.items()
}


def linked(kind: str, **exchange_changes):
    payload = {"exchange": exchange(**exchange_changes), "actor": "host", "contacts": LINKED}
    return f.envelope(kind, payload)


def test_a_request_asks_only_the_host_and_links_to_the_hosts_own_page(handle, stored):
    handle(linked("exchange.requested", status="requested", agenda=()))
    (asked,) = stored()
    assert (asked.kind, asked.recipient_email) == ("exchange_requested", "jonas@enerlab.example")
    assert asked.context["manage_url"] == "https://cx.example/exchange/host-token"
    subject, text, html = render_email(asked.kind, "en", asked.context | {"recipient_name": "J"})
    assert "https://cx.example/exchange/host-token" in text and "visitor-token" not in text
    assert 'href="https://cx.example/exchange/host-token"' in html


def test_an_acceptance_tells_only_the_visitor_with_the_visitors_page(handle, stored):
    handle(linked("exchange.accepted", status="accepted_by_host", agenda=()))
    (told,) = stored()
    assert (told.kind, told.recipient_email) == ("exchange_accepted", "ana@bioeco.example")
    assert told.context["manage_url"] == "https://cx.example/exchange/visitor-token"


def test_agenda_news_links_each_party_to_its_own_page(handle, stored):
    handle(linked("exchange.itinerary_changed"))
    pages = {(n.recipient_email, n.context["manage_url"]) for n in stored()}
    assert ("ana@bioeco.example", "https://cx.example/exchange/visitor-token") in pages
    assert ("jonas@enerlab.example", "https://cx.example/exchange/host-token") in pages
    assert len({url for _, url in pages}) == 2


def test_a_request_published_without_contacts_emails_nobody(handle, stored):
    handle(f.envelope("exchange.requested", {"exchange": exchange(), "actor": "organiser"}))
    assert stored() == []


def test_hostile_names_in_a_request_email_are_escaped_in_its_html(handle, stored):
    hostile = '<img src=x onerror="alert(1)">'
    handle(
        linked(
            "exchange.requested",
            status="requested",
            agenda=(),
            visitor={**exchange()["visitor"], "organisation": hostile},
        )
    )
    (asked,) = stored()
    subject, text, html = render_email(
        asked.kind, "de", asked.context | {"recipient_name": hostile}
    )
    assert "<img" not in html and "&lt;img" in html
    assert "\n" not in subject and hostile in text  # plain text is shown as text


def test_a_changed_proposal_asks_both_parties_to_confirm_again_without_invitations(handle, stored):
    handle(linked("exchange.agenda_proposed", status="accepted_by_host"))
    assert sorted(facts(stored)) == [
        ("exchange_proposed", "ana@bioeco.example", None),
        ("exchange_proposed", "jonas@enerlab.example", None),
    ]
