"""JSON columns that keep zoned datetimes (templates and calendars need the event's own zone)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, TypeDecorator

from services.notifications.domain.notification import CalendarPart

_DATETIME = "$datetime"


def encode(value: Any) -> Any:
    """Datetimes become {"$datetime": iso, "tz": zone key}; dicts and lists are walked."""
    if isinstance(value, datetime):
        zone = value.tzinfo.key if isinstance(value.tzinfo, ZoneInfo) else None
        return {_DATETIME: value.isoformat(), "tz": zone}
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    return value


def decode(value: Any) -> Any:
    """The inverse of encode."""
    if isinstance(value, dict) and _DATETIME in value:
        moment = datetime.fromisoformat(value[_DATETIME])
        return moment.astimezone(ZoneInfo(value["tz"])) if value["tz"] else moment
    if isinstance(value, dict):
        return {key: decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode(item) for item in value]
    return value


class ZonedJson(TypeDecorator):
    """A JSON document whose datetimes come back in their own time zone."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> Any:
        return encode(value)

    def process_result_value(self, value: Any, dialect) -> Any:
        return decode(value)


class CalendarJson(TypeDecorator):
    """A CalendarPart stored as a JSON document (or NULL)."""

    impl = JSON(none_as_null=True)
    cache_ok = True

    def process_bind_param(self, value: CalendarPart | None, dialect) -> Any:
        return None if value is None else encode(dataclasses.asdict(value))

    def process_result_value(self, value: Any, dialect) -> CalendarPart | None:
        return None if value is None else CalendarPart(**decode(value))
