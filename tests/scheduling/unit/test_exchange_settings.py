"""The exchange rules come from the environment, and malformed values are refused loudly."""

from datetime import date

import pytest

from services.scheduling.bootstrap import exchange_rules


def test_without_settings_the_programme_is_open_and_countries_must_differ():
    rules = exchange_rules({})
    assert (rules.programme_start, rules.programme_end, rules.holidays) == (None, None, frozenset())
    assert rules.require_different_countries is True


def test_period_holidays_and_country_rule_are_read():
    rules = exchange_rules(
        {
            "PROGRAMME_START": "2026-01-01",
            "PROGRAMME_END": "2027-06-30",
            "PUBLIC_HOLIDAYS": "2026-05-01, 2026-12-25,",
            "EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES": "false",
        }
    )
    assert (rules.programme_start, rules.programme_end) == (date(2026, 1, 1), date(2027, 6, 30))
    assert rules.holidays == {date(2026, 5, 1), date(2026, 12, 25)}
    assert rules.require_different_countries is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PROGRAMME_START": "1 May"}, "PROGRAMME_START must be an ISO date"),
        ({"PUBLIC_HOLIDAYS": "2026-05-01,soon"}, "PUBLIC_HOLIDAYS must be an ISO date"),
        ({"EXCHANGE_REQUIRE_DIFFERENT_COUNTRIES": "maybe"}, "true or false"),
        ({"PROGRAMME_START": "2027-01-01", "PROGRAMME_END": "2026-01-01"}, "not be before"),
    ],
)
def test_malformed_settings_are_refused(env, message):
    with pytest.raises(ValueError, match=message):
        exchange_rules(env)
