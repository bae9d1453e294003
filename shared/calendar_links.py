"""Subscription links for calendar apps: webcal://, Google Calendar's and Outlook's "add by URL"."""

from __future__ import annotations

from urllib.parse import quote


def webcal(feed_url: str) -> str:
    """The same feed with the webcal:// scheme that desktop and phone calendars open."""
    scheme, _, rest = feed_url.partition("://")
    return f"webcal://{rest}" if scheme in {"http", "https"} else feed_url


def google_add_by_url(feed_url: str) -> str:
    """A link that opens Google Calendar's subscribe dialog for the feed."""
    return "https://calendar.google.com/calendar/r?cid=" + quote(webcal(feed_url), safe="")


def outlook_add_by_url(feed_url: str) -> str:
    """A link that opens Outlook on the web's "subscribe from web" dialog for the feed."""
    return "https://outlook.live.com/calendar/0/addfromweb?url=" + quote(feed_url, safe="")


def subscription_links(feed_url: str) -> dict[str, str]:
    """The ways to subscribe, for API responses and pages."""
    return {
        "https": feed_url,
        "webcal": webcal(feed_url),
        "google": google_add_by_url(feed_url),
        "outlook": outlook_add_by_url(feed_url),
    }
