"""Eligibility of exchanges: working days, length, countries, one at a time, programme period."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.scheduling.domain.errors import ActiveExchangeExists, Ineligible
from services.scheduling.exchanges.domain.rules import ExchangeRules, one_month_after, working_days
from tests.scheduling.exchange_builders import RULES

PT, DE = "PT", "DE"


def test_working_days_skip_weekends():
    # Friday 8 May to Tuesday 12 May 2026: Fri, Mon, Tue
    assert working_days(date(2026, 5, 8), date(2026, 5, 12)) == 3


def test_working_days_skip_configured_public_holidays():
    # Wednesday 13 to Friday 15 May 2026, Ascension on Thursday the 14th
    assert working_days(date(2026, 5, 13), date(2026, 5, 15), {date(2026, 5, 14)}) == 2


def test_one_month_after_the_31st_is_the_last_day_of_a_shorter_month():
    assert one_month_after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert one_month_after(date(2026, 12, 15)) == date(2027, 1, 15)


def test_three_working_days_are_enough():
    assert RULES.check(date(2026, 5, 4), date(2026, 5, 6), PT, DE) == 3


def test_fewer_than_three_working_days_are_refused_and_say_how_many_there_are():
    with pytest.raises(Ineligible, match="at least 3 working days.*has 2"):
        RULES.check(date(2026, 5, 8), date(2026, 5, 11), PT, DE)


def test_a_holiday_can_make_a_three_day_span_too_short():
    # Wednesday 13 to Friday 15 May 2026 includes Ascension
    with pytest.raises(Ineligible, match="has 2"):
        RULES.check(date(2026, 5, 13), date(2026, 5, 15), PT, DE)


def test_a_span_over_a_weekend_counts_only_working_days():
    with pytest.raises(Ineligible, match="has 2"):
        RULES.check(date(2026, 5, 7), date(2026, 5, 10), PT, DE)


def test_one_whole_month_is_allowed():
    assert RULES.check(date(2026, 6, 1), date(2026, 6, 30), PT, DE) == 22


def test_longer_than_one_month_is_refused_with_the_latest_last_day():
    with pytest.raises(Ineligible, match="at most one month.*2026-06-30"):
        RULES.check(date(2026, 6, 1), date(2026, 7, 1), PT, DE)


def test_a_last_day_before_the_first_is_refused():
    with pytest.raises(Ineligible, match="cannot be before"):
        RULES.check(date(2026, 5, 8), date(2026, 5, 4), PT, DE)


def test_visitor_and_host_in_the_same_country_are_refused():
    with pytest.raises(Ineligible, match="different countries.*DE"):
        RULES.check(date(2026, 5, 4), date(2026, 5, 8), DE, DE)


def test_the_country_rule_can_be_switched_off():
    rules = replace(RULES, require_different_countries=False)
    assert rules.check(date(2026, 5, 4), date(2026, 5, 8), DE, DE) == 5


def test_a_visitor_with_an_active_exchange_is_refused():
    with pytest.raises(ActiveExchangeExists, match="already has an active exchange"):
        RULES.check(date(2026, 5, 4), date(2026, 5, 8), PT, DE, active_exchanges=1)


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2025, 12, 29), date(2026, 1, 9)), (date(2026, 12, 21), date(2027, 1, 8))],
)
def test_dates_outside_the_programme_period_are_refused(first, last):
    with pytest.raises(Ineligible, match="programme period.*2026-01-01 to 2026-12-31"):
        RULES.check(first, last, PT, DE)


def test_without_a_configured_period_any_dates_are_allowed():
    assert ExchangeRules().check(date(2030, 1, 7), date(2030, 1, 9), PT, DE) == 3
