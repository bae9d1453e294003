"""Who may go on an exchange, and when: working days, length, countries, programme period."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.scheduling.domain.errors import ActiveExchangeExists, Ineligible

MIN_WORKING_DAYS = 3


def working_days(first: date, last: date, holidays: Collection[date] = ()) -> int:
    """Days from first to last (both included) that are neither weekend nor public holiday."""
    return len(working_dates(first, last, holidays))


def working_dates(first: date, last: date, holidays: Collection[date] = ()) -> list[date]:
    """Those days themselves, in order."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5 and day not in holidays]


def non_working_days(first: date, last: date, holidays: Collection[date] = ()) -> list[date]:
    """The weekend days and public holidays from first to last (both included)."""
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() >= 5 or day in holidays]


def one_month_after(day: date) -> date:
    """The same day of the next month (the month's last day when it has no such day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class ExchangeRules:
    """The programme's eligibility rules, configured by the operator."""

    programme_start: date | None = None
    programme_end: date | None = None
    holidays: frozenset[date] = field(default_factory=frozenset)
    require_different_countries: bool = True

    def check(
        self,
        first: date,
        last: date,
        visitor_country: str,
        host_country: str,
        active_exchanges: int = 0,
    ) -> int:
        """Refuse an ineligible exchange with a clear reason; returns its working days."""
        if last < first:
            raise Ineligible("the last day of an exchange cannot be before its first day")
        self._check_period(first, last)
        days = working_days(first, last, self.holidays)
        if days < MIN_WORKING_DAYS:
            raise Ineligible(
                f"an exchange lasts at least {MIN_WORKING_DAYS} working days; {first} to {last} "
                f"has {days} (weekends and public holidays do not count)"
            )
        if last >= one_month_after(first):
            raise Ineligible(
                f"an exchange lasts at most one month: starting {first}, "
                f"the last day is {one_month_after(first) - timedelta(days=1)} at the latest"
            )
        if self.require_different_countries and visitor_country == host_country:
            raise Ineligible(
                f"visitor and host must be in different countries (both are in {host_country})"
            )
        if active_exchanges:
            raise ActiveExchangeExists(
                "the visitor already has an active exchange; it must be completed, cancelled "
                "or rejected before another is requested"
            )
        return days

    def _check_period(self, first: date, last: date) -> None:
        start, end = self.programme_start, self.programme_end
        if (start is not None and first < start) or (end is not None and last > end):
            raise Ineligible(
                f"an exchange must lie within the programme period "
                f"({start or 'open'} to {end or 'open'})"
            )
