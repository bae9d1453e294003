"""Request and response schemas of the exchanges API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.scheduling.entrypoints.schemas import LinksSchema, Text
from services.scheduling.exchanges.domain.agenda import ITEM_KINDS
from services.scheduling.exchanges.domain.model import STATUSES
from shared.exports import FORMATS
from shared.i18n import language_tags
from shared.text import AwareDateTime, Date, Email, MultiLine

Name = Text(required=True, validate=validate.Length(min=1, max=200))


class PartySchema(Schema):
    """A visitor (the person travelling) or host (the contact person at the host)."""

    name = Name
    email = Email(required=True, validate=validate.Length(max=320))
    organisation = Name
    cluster = Name
    country = Text(
        required=True,
        validate=validate.Regexp(r"^[A-Z]{2}\Z", error="an ISO 3166 country code, e.g. DE"),
    )
    sector = Text(required=True, validate=validate.Length(min=1, max=100))
    sme = fields.Boolean(required=True)
    language = Text(
        load_default="en",
        validate=validate.OneOf(language_tags()),
        metadata={"description": "the language of this party's emails and pages (BCP 47)"},
    )


class ExchangeInSchema(Schema):
    """An exchange request; first and last day are inclusive local dates at the host."""

    visitor = fields.Nested(PartySchema, required=True)
    host = fields.Nested(PartySchema, required=True)
    goals = MultiLine(required=True, validate=validate.Length(min=1, max=5000))
    first_day = Date(required=True)
    last_day = Date(required=True)
    timezone = Text(load_default="Europe/Brussels", validate=validate.Length(min=1, max=64))


class AttendanceSchema(Schema):
    """Attendance: working days the visitor was actually present."""

    attended_days = fields.Integer(required=True, strict=True, validate=validate.Range(0, 31))
    note = MultiLine(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class ItemInSchema(Schema):
    """A timed item (start, end with offsets) or an all-day one (first_day, last_day)."""

    title = Name
    kind = Text(required=True, validate=validate.OneOf(ITEM_KINDS))
    place = Text(required=True, validate=validate.Length(min=1, max=300))
    notes = MultiLine(load_default="", validate=validate.Length(max=5000))
    start = AwareDateTime(load_default=None, allow_none=True)
    end = AwareDateTime(load_default=None, allow_none=True)
    first_day = Date(load_default=None, allow_none=True)
    last_day = Date(load_default=None, allow_none=True)


class ItemOutSchema(ItemInSchema):
    item_id = Text()
    sequence = fields.Integer()
    status = Text()


class ExchangeOutSchema(Schema):
    """An exchange; tokens appear only in the answer to its creation."""

    id = Text()
    exchange_id = Text()
    status = Text(validate=validate.OneOf(STATUSES))
    visitor = fields.Nested(PartySchema)
    host = fields.Nested(PartySchema)
    goals = Text()
    first_day = fields.Date()
    last_day = fields.Date()
    timezone = Text()
    working_days = fields.Integer()
    attended_days = fields.Integer(allow_none=True)
    attendance_note = Text(allow_none=True)
    sequence = fields.Integer()
    agenda = fields.List(fields.Nested(ItemOutSchema))
    visitor_confirmed_at = fields.AwareDateTime(allow_none=True)
    host_confirmed_at = fields.AwareDateTime(allow_none=True)
    closed_reason = Text(allow_none=True)
    closed_by = Text(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    visitor_feed = fields.Nested(LinksSchema)
    host_feed = fields.Nested(LinksSchema)
    visitor_token = Text()
    host_token = Text()


class KpiQuerySchema(Schema):
    format = Text(load_default="json", validate=validate.OneOf(["json", *FORMATS]))


class KpiSchema(Schema):
    exchanges = fields.Integer()
    by_status = fields.Dict(keys=Text(), values=fields.Integer())
    visitor_countries = fields.Dict(keys=Text(), values=fields.Integer())
    host_countries = fields.Dict(keys=Text(), values=fields.Integer())
    country_pairs = fields.Dict(keys=Text(), values=fields.Integer())
    sectors = fields.Dict(keys=Text(), values=fields.Integer())
    sme_visitors = fields.Integer()
    sme_hosts = fields.Integer()
    days_abroad_planned = fields.Integer()
    days_abroad_completed = fields.Integer()
