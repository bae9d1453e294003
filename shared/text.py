"""Input fields every service's schemas share: text a feed, mail header and database can carry.

A name with CR or LF never reaches its owner (mail headers refuse it), a NUL is refused by
PostgreSQL, a lone surrogate cannot be encoded as UTF-8, and a year beyond what calendar
software handles breaks every feed. So each is refused at the edge, as a 422 on its field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime

from marshmallow import ValidationError, fields
from werkzeug.exceptions import UnprocessableEntity

FIRST_YEAR, LAST_YEAR = 1900, 2200

_SURROGATE = re.compile("[\ud800-\udfff]")
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_BREAK_OR_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_NEWLINE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def single_line_error(text: str) -> str | None:
    """Why text cannot be a one-line value (name, title, organisation), or None."""
    if _SURROGATE.search(text):
        return "must be valid Unicode (no lone surrogates)"
    if _BREAK_OR_CONTROL.search(text):
        return "must be one line, without control characters"
    return None


def multi_line_error(text: str) -> str | None:
    """Why text cannot be a multi-line value (description, needs, notes), or None."""
    if _SURROGATE.search(text):
        return "must be valid Unicode (no lone surrogates)"
    if _CONTROL_BUT_NEWLINE.search(normalise_newlines(text)):
        return "must not contain control characters other than line breaks"
    return None


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR as LF: iCalendar TEXT and the databases keep one kind of line break."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class SingleLine(fields.String):
    """A one-line string: no line breaks, control characters or lone surrogates."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if (error := single_line_error(text)) is not None:
            raise ValidationError(error)
        return text


class MultiLine(fields.String):
    """A multi-line string; line breaks are stored as LF, other control characters refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if (error := multi_line_error(text)) is not None:
            raise ValidationError(error)
        return normalise_newlines(text)


class Email(fields.Email):
    """An email address that is also one clean line."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if (error := single_line_error(text)) is not None:
            raise ValidationError(error)
        return text


def _check_year(moment: date) -> None:
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValidationError(f"must lie between the years {FIRST_YEAR} and {LAST_YEAR}")


class AwareDateTime(fields.AwareDateTime):
    """A datetime with an offset, between 1900 and 2200 (what calendar software handles)."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        _check_year(moment)
        return moment


class Date(fields.Date):
    """A calendar date between 1900 and 2200."""

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        _check_year(day)
        return day


def form_text(form: Mapping[str, str], name: str, *, multi_line: bool = False) -> str | None:
    """A page form's trimmed text field, or None; text no field may hold answers 422."""
    value = (form.get(name) or "").strip() or None
    check = multi_line_error if multi_line else single_line_error
    if value is not None and (error := check(value)) is not None:
        raise UnprocessableEntity(f"{name}: {error}")
    return normalise_newlines(value) if value is not None else None
