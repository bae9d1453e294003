"""Nested schemas shared by several contracts."""

from marshmallow import Schema, fields, validate

Id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class VenueSchema(Schema):
    """Where something happens; coordinates are optional."""

    name = fields.String(required=True)
    address = fields.String(required=True)
    city = fields.String(load_default=None, allow_none=True)
    country = fields.String(load_default=None, allow_none=True, validate=validate.Length(equal=2))
    lat = fields.Float(load_default=None, allow_none=True)
    lon = fields.Float(load_default=None, allow_none=True)


class EventSnapshotSchema(Schema):
    """What consumers need to know of a workshop to show and schedule around it."""

    event_id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    description = fields.String(load_default="", allow_none=True)
    venue = fields.Nested(VenueSchema, required=True)
    timezone = fields.String(required=True)
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["published", "cancelled"]))
    sequence = fields.Integer(required=True)
    updated_at = fields.AwareDateTime(required=True)
