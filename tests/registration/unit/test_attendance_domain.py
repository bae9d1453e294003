"""Check-in codes and event days: pure domain rules, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.registration.attendance.domain.codes import checkin_code, normalise, shown
from services.registration.attendance.domain.model import event_days, today_at


class Timed:
    """Just what the day rules read of an event."""

    def __init__(self, start: datetime, end: datetime, timezone: str = "Europe/Brussels"):
        self.start, self.end, self.timezone = start, end, timezone


def test_a_code_is_ten_unambiguous_characters_derived_from_the_token():
    code = checkin_code("token-a")
    assert len(code) == 10 and set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert code == checkin_code("token-a") != checkin_code("token-b")
    assert shown(code) == f"{code[:5]}-{code[5:]}"


@pytest.mark.parametrize("typed", ["abcde-fgh23", " ABCDE FGH23 ", "ABCDEFGH23", "abcde.fgh23"])
def test_case_spaces_and_separators_do_not_matter(typed):
    assert normalise(typed) == "ABCDEFGH23"


def test_digits_typed_for_look_alike_letters_are_read_as_the_letters():
    assert normalise("0BCDE-1GH23") == "OBCDEIGH23"
    assert normalise("8BCDE-FGH23") == "BBCDEFGH23"


@pytest.mark.parametrize(
    "typed", ["", "ABCDE", "ABCDE-FGH239", "ABCDE-FGH29", "ÄBCDE-FGH23", "<b>"]
)
def test_what_cannot_be_a_code_is_none(typed):
    assert normalise(typed) is None


def test_event_days_are_the_calendar_days_at_the_venue():
    # 23:30 UTC on the 11th is already the 12th in Brussels
    event = Timed(datetime(2027, 4, 11, 22, 30, tzinfo=UTC), datetime(2027, 4, 13, 15, tzinfo=UTC))
    assert event_days(event) == [date(2027, 4, 12), date(2027, 4, 13)]
    assert today_at(event, datetime(2027, 4, 12, 22, 30, tzinfo=UTC)) == date(2027, 4, 13)
