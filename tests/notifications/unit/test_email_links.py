"""Participant emails carry the ways to subscribe (webcal, Google, Outlook) and their
"my study visits" page; emails to people without a registration carry none of them."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from services.notifications.adapters.rendering import render_email
from shared.calendar_links import my_visits_url, subscription_links

FEED = "https://sched.example.eu/feeds/participants/tok-123.ics"
CONTEXT = {
    "recipient_name": "Anna Müller",
    "event_title": "Smart grids",
    "event_start": datetime(2026, 5, 14, 9, 30, tzinfo=ZoneInfo("Europe/Brussels")),
    "manage_url": "https://reg.example.eu/manage/m-1",
    "feed_url": FEED,
}


def test_outlook_links_open_the_add_from_web_dialog_with_the_https_feed():
    links = subscription_links(FEED)
    for key, host in (("outlook", "outlook.live.com"), ("office", "outlook.office.com")):
        parts = urlsplit(links[key])
        assert (parts.scheme, parts.netloc, parts.path) == ("https", host, "/calendar/0/addfromweb")
        assert parse_qs(parts.query)["url"] == [FEED]


def test_the_my_visits_page_shares_the_feed_s_token():
    assert my_visits_url(FEED) == "https://sched.example.eu/my/tok-123"
    assert my_visits_url("https://sched.example.eu/feeds/events/e-1.ics") == ""
    assert my_visits_url("") == ""


@pytest.mark.parametrize("language", ["en", "de", "pl"])
def test_a_confirmation_email_carries_every_subscribe_link_and_my_visits(language):
    _subject, text, html = render_email("registration_confirmed", language, CONTEXT)
    links = subscription_links(FEED)
    for body in (text, html.replace("&amp;", "&")):
        assert links["webcal"] in body and links["google"] in body
        assert links["outlook"] in body and links["office"] in body
        assert "https://sched.example.eu/my/tok-123" in body


def test_an_email_without_a_feed_carries_no_calendar_links():
    _subject, text, html = render_email("registration_cancelled", "en", CONTEXT | {"feed_url": ""})
    assert "outlook" not in text.lower() and "webcal" not in html
    assert "/my/" not in text


def test_a_hostile_feed_url_is_escaped_in_the_html():
    hostile = CONTEXT | {"feed_url": 'https://x.eu/feeds/participants/"><script>x</script>.ics'}
    _subject, _text, html = render_email("registration_confirmed", "en", hostile)
    assert "<script>" not in html
