"""Exchange page forms as the API's schemas expect them: parties nested, agenda times zoned."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from marshmallow import Schema, validate

from services.scheduling.entrypoints.schemas import Text
from services.scheduling.exchanges.domain.model import STATUSES
from shared.text import Date

PARTY_FIELDS = ("name", "email", "organisation", "cluster", "country", "sector", "language")
EXCHANGE_FIELDS = ("goals", "first_day", "last_day", "timezone")
ITEM_FIELDS = ("title", "kind", "place", "notes")


class FilterSchema(Schema):
    """The organiser's list filters: a status, a country on either side, a period."""

    status = Text(load_default=None, validate=validate.OneOf(STATUSES))
    country = Text(
        load_default=None,
        validate=validate.Regexp(r"^[A-Z]{2}\Z", error="an ISO 3166 country code, e.g. DE"),
    )
    start = Date(load_default=None)
    end = Date(load_default=None)


def filled(form) -> dict:
    """The non-empty fields of a form or query, stripped."""
    return {key: value.strip() for key, value in form.items() if value.strip()}


def exchange_payload(form) -> dict:
    """The request form as ExchangeInSchema expects it."""
    data = {key: form[key].strip() for key in EXCHANGE_FIELDS if form.get(key, "").strip()}
    for side in ("visitor", "host"):
        party = {key: form.get(f"{side}.{key}", "").strip() for key in PARTY_FIELDS}
        party = {key: value for key, value in party.items() if value}
        party["sme"] = form.get(f"{side}.sme") == "true"
        data[side] = party
    return data


def item_payload(form, timezone: str) -> dict:
    """The agenda item form as ItemInSchema expects it: a day with times, or first/last day."""
    data = {key: form[key].strip() for key in ITEM_FIELDS if form.get(key, "").strip()}
    day, start, end = (form.get(key, "").strip() for key in ("day", "start_time", "end_time"))
    if day or start or end:
        data["start"], data["end"] = (_zoned(day, at, timezone) for at in (start, end))
    else:
        for key in ("first_day", "last_day"):
            if form.get(key, "").strip():
                data[key] = form[key].strip()
    return data


def item_values(item: dict) -> dict:
    """An agenda item's fields as the form shows them for editing."""
    values = {key: item[key] for key in ITEM_FIELDS}
    if item["start"] is not None:
        values |= {
            "day": item["start"].date().isoformat(),
            "start_time": item["start"].strftime("%H:%M"),
            "end_time": item["end"].strftime("%H:%M"),
        }
    else:
        values |= {"first_day": item["first_day"], "last_day": item["last_day"]}
    return values


def attendance_days(form) -> tuple[list[date], str | None]:
    """The ticked days of presence; (days, None) or ([], the problem) for a forged value."""
    days = []
    for value in form.getlist("days"):
        try:
            days.append(date.fromisoformat(value))
        except ValueError:
            return [], _("An attendance day is not a date.")
    return days, None


def _zoned(day: str, at: str, timezone: str) -> str:
    """An ISO time in the exchange's zone, or the raw text for the schema to refuse."""
    try:
        naive = datetime.fromisoformat(f"{day}T{at}")
    except ValueError:
        return f"{day} {at}".strip()
    return naive.replace(tzinfo=ZoneInfo(timezone)).isoformat()
