"""Days and agenda lines of exchange emails, as readers of the recipient's language write them.

The templates are translated when an email is rendered; these parts are written into its
context when it is queued: dates by Babel, the connecting words from the catalogue.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.domain.exchange_items import AgendaItemSnapshot
from shared.i18n import format_day, format_when, supported_language, translations


class Words:
    """Days and agenda lines as a reader of one language writes them (Babel, the catalogue)."""

    def __init__(self, language: str):
        self.language = supported_language(language)
        self._ = translations(self.language).gettext

    def day(self, value: date | str) -> str:
        return format_day(
            date.fromisoformat(value) if isinstance(value, str) else value, self.language
        )

    def line(self, item: dict[str, Any], zone: ZoneInfo) -> str:
        """One agenda line: when (in the host's time zone), what, where."""
        _ = self._
        if item["start"] is None:
            first, last = self.day(item["first_day"]), self.day(item["last_day"])
            when = _("%(first)s to %(last)s (all day)") % {"first": first, "last": last}
        else:
            when = self.span(item["start"].astimezone(zone), item["end"].astimezone(zone))
        return self.what(when, item["title"], item["place"])

    def item(self, item: AgendaItemSnapshot) -> str:
        """A timed item's line, for the email that carries its invitation."""
        when = self.span(item.zoned(item.start), item.zoned(item.end))
        return self.what(when, item.title, item.location)

    def what(self, when: str, title: str, place: str) -> str:
        _ = self._
        return _("%(when)s: %(title)s at %(place)s") % {
            "when": when,
            "title": title,
            "place": place,
        }

    def span(self, start: datetime, end: datetime) -> str:
        """The day with both times, or both moments in full when it ends on another day."""
        if start.date() == end.date():
            return format_when(start, self.language, until=end)
        _ = self._
        ends = {"start": format_when(start, self.language), "end": format_when(end, self.language)}
        return _("%(start)s to %(end)s") % ends
