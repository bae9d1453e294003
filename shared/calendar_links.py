"""Subscription links for calendar apps: webcal://, Google Calendar's "add by URL" and Outlook's
"add from web" (outlook.live.com for personal accounts, outlook.office.com for work ones)."""

from __future__ import annotations

from urllib.parse import quote


def webcal(feed_url: str) -> str:
    """The same feed with the webcal:// scheme that desktop and phone calendars open."""
    scheme, _, rest = feed_url.partition("://")
    return f"webcal://{rest}" if scheme in {"http", "https"} else feed_url


def google_add_by_url(feed_url: str) -> str:
    """A link that opens Google Calendar's subscribe dialog for the feed."""
    return "https://calendar.google.com/calendar/r?cid=" + quote(webcal(feed_url), safe="")


def outlook_add_from_web(feed_url: str, host: str = "outlook.live.com") -> str:
    """A link that opens Outlook on the web's subscribe dialog for the (https) feed."""
    return f"https://{host}/calendar/0/addfromweb?url=" + quote(feed_url, safe="")


def subscription_links(feed_url: str) -> dict[str, str]:
    """The ways to subscribe, for API responses, pages and emails."""
    return {
        "https": feed_url,
        "webcal": webcal(feed_url),
        "google": google_add_by_url(feed_url),
        "outlook": outlook_add_from_web(feed_url),
        "office": outlook_add_from_web(feed_url, "outlook.office.com"),
    }


def my_visits_url(feed_url: str) -> str:
    """The "my study visits" page of a participant's feed: both are keyed by its token.

    ``…/feeds/participants/<token>.ics`` -> ``…/my/<token>``; any other URL gives "".
    """
    base, marker, rest = feed_url.partition("/feeds/participants/")
    return f"{base}/my/{rest.removesuffix('.ics')}" if marker and rest.endswith(".ics") else ""
