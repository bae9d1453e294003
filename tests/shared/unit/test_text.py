"""The shared text and date fields: what one-line and multi-line values may hold."""

from __future__ import annotations

import pytest
from marshmallow import Schema, ValidationError

from shared.text import AwareDateTime, Date, Email, MultiLine, SingleLine

HOSTILE_ONE_LINE = [
    "X\r\nATTENDEE:mailto:evil@x",
    "a\nb",
    "a\rb",
    "nul\x00",
    "bell\x07",
    "tab\tx",
    "del\x7f",
    "nel\x85",
    "sep\u2028",
    "\ud800",
    "lone \udfff low",
]


class Form(Schema):
    name = SingleLine()
    notes = MultiLine()
    email = Email()
    day = Date()
    at = AwareDateTime()


def errors_of(**data) -> dict:
    try:
        Form().load(data)
    except ValidationError as error:
        return error.messages
    return {}


@pytest.mark.parametrize("value", HOSTILE_ONE_LINE)
def test_a_one_line_field_refuses_breaks_controls_and_lone_surrogates(value):
    assert list(errors_of(name=value)) == ["name"]


def test_a_one_line_field_keeps_punctuation_non_ascii_and_emoji():
    value = "Ånna O'Brien; Müller, \\ 北京 🎉"
    assert Form().load({"name": value}) == {"name": value}


def test_a_multi_line_field_stores_every_line_break_as_lf():
    loaded = Form().load({"notes": "one\r\ntwo\rthree\nfour 🎉; ,\\"})
    assert loaded == {"notes": "one\ntwo\nthree\nfour 🎉; ,\\"}


@pytest.mark.parametrize("value", ["nul\x00", "bell\x07", "tab\tx", "esc\x1b[31m", "\ud800"])
def test_a_multi_line_field_refuses_other_controls_and_lone_surrogates(value):
    assert list(errors_of(notes=value)) == ["notes"]


@pytest.mark.parametrize("value", ["a@b.example\r\nBcc: c@d.example", "a\x00@b.example"])
def test_an_email_is_one_clean_line(value):
    assert list(errors_of(email=value)) == ["email"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("day", "9999-12-31"),
        ("day", "1899-12-31"),
        ("day", "2201-01-01"),
        ("at", "9999-12-31T23:59:59-05:00"),
        ("at", "0001-01-01T00:00:00+00:00"),
    ],
)
def test_dates_outside_1900_to_2200_are_refused(field, value):
    assert "between the years 1900 and 2200" in errors_of(**{field: value})[field][0]


def test_dates_at_the_edges_of_the_range_are_accepted():
    loaded = Form().load({"day": "1900-01-01", "at": "2200-12-31T23:00:00+00:00"})
    assert loaded["day"].year == 1900 and loaded["at"].year == 2200
