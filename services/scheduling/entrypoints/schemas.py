"""Request and response schemas of the scheduling API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.text import AwareDateTime, Email, MultiLine, SingleLine

Text = SingleLine  # every text field is one line unless it is declared MultiLine


Id = Text(required=True, validate=validate.Length(min=1, max=64))


class HostInSchema(Schema):
    organisation = Text(required=True, validate=validate.Length(min=1, max=200))
    contact_name = Text(required=True, validate=validate.Length(min=1, max=200))
    contact_email = Email(required=True, validate=validate.Length(max=320))


class LocationSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=200))
    address = Text(required=True, validate=validate.Length(min=1, max=300))
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))


class VisitInSchema(Schema):
    """A study visit as an organiser schedules it; times must carry an offset."""

    title = Text(required=True, validate=validate.Length(min=1, max=200))
    description = MultiLine(load_default="", validate=validate.Length(max=10000))
    host = fields.Nested(HostInSchema, required=True)
    location = fields.Nested(LocationSchema, required=True)
    start = AwareDateTime(required=True)
    end = AwareDateTime(required=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10000))
    meeting_point = Text(load_default=None, allow_none=True, validate=validate.Length(max=300))
    requirements = fields.List(
        Text(validate=validate.Length(min=1, max=200)),
        load_default=list,
        validate=validate.Length(max=20),
    )


class VisitPatchSchema(VisitInSchema):
    """Any subset of a visit's fields (load with ``partial=True``)."""


class ReasonSchema(Schema):
    reason = MultiLine(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class LinksSchema(Schema):
    """The ways to subscribe to a feed: the https URL, webcal, Google and Outlook on the web."""

    https = Text()
    webcal = Text()
    google = Text()
    outlook = Text(metadata={"description": "Outlook on the web (personal accounts)"})
    office = Text(metadata={"description": "Outlook on the web (work or school accounts)"})


class HostOutSchema(Schema):
    id = Text()
    organisation = Text()
    contact_name = Text()
    contact_email = Text()
    feed = fields.Nested(LinksSchema, allow_none=True)


class BookingSchema(Schema):
    registration_id = Text()
    booked_at = fields.AwareDateTime()


class VisitOutSchema(VisitInSchema):
    """A visit; ``participants`` and the host's contact and feed only for organisers."""

    id = Text()
    event_id = Text()
    host = fields.Nested(HostOutSchema)
    timezone = Text()
    status = Text()
    sequence = fields.Integer()
    seats_taken = fields.Integer()
    seats_left = fields.Integer()
    block_id = Text(allow_none=True)
    cancel_reason = MultiLine(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    event_feed = fields.Nested(LinksSchema)
    participants = fields.List(fields.Nested(BookingSchema))


class JoinSchema(Schema):
    """Organisers name the registration; a participant's token already says who they are."""

    registration_id = Text(validate=validate.Length(min=1, max=64))


class JoinedSchema(Schema):
    visit_id = Text()
    registration_id = Text()
    seats_left = fields.Integer()
    feed = fields.Nested(LinksSchema, allow_none=True)


class FeedOutSchema(Schema):
    registration_id = Text()
    event_id = Text()
    feed = fields.Nested(LinksSchema, allow_none=True)


class BlockInSchema(Schema):
    """Parallel visits of one time block, to be ranked by participants."""

    title = Text(required=True, validate=validate.Length(min=1, max=200))
    visit_ids = fields.List(Id, required=True, validate=validate.Length(min=1, max=50))


class AllocatedSchema(Schema):
    registration_id = Text()
    visit_id = Text(allow_none=True)
    rank = fields.Integer(allow_none=True)


class BlockOutSchema(Schema):
    id = Text()
    event_id = Text()
    title = Text()
    status = Text()
    visit_ids = fields.List(Text())
    created_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)
    preferences = fields.Integer()
    seed = fields.Integer(allow_none=True)
    allocation = fields.List(fields.Nested(AllocatedSchema))


class RankingSchema(Schema):
    """Visits of the block, best first; organisers also name the registration."""

    ranking = fields.List(Id, required=True, validate=validate.Length(min=1, max=50))
    registration_id = Text(validate=validate.Length(min=1, max=64))


class PreferenceSchema(Schema):
    block_id = Text()
    registration_id = Text()
    ranking = fields.List(Text())
    submitted_at = fields.AwareDateTime()


class AllocationSchema(Schema):
    block = fields.Nested(BlockOutSchema)
    placed = fields.Integer()
    unplaced = fields.List(Text())
    ranks = fields.Dict(keys=Text(), values=fields.Integer())
