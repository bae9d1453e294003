"""Messages published by the scheduling service (exchange ``<ns>.scheduling.events``)."""

from marshmallow import Schema, fields, validate

from shared.contracts import register
from shared.contracts.common import VenueSchema


class VisitSnapshotSchema(Schema):
    """A study visit as it now stands (no personal data of participants)."""

    visit_id = fields.String(required=True)
    event_id = fields.String(required=True)
    title = fields.String(required=True)
    host_organisation = fields.String(required=True)
    location = fields.Nested(VenueSchema, required=True)
    meeting_point = fields.String(load_default=None, allow_none=True)
    requirements = fields.List(fields.String())
    timezone = fields.String(required=True)
    start = fields.AwareDateTime(required=True)
    end = fields.AwareDateTime(required=True)
    capacity = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["scheduled", "cancelled"]))
    sequence = fields.Integer(required=True)
    updated_at = fields.AwareDateTime(required=True)


class ChangeSchema(Schema):
    """One changed field of a visit, before and after, as text."""

    field = fields.String(required=True)
    old = fields.String(load_default=None, allow_none=True)
    new = fields.String(load_default=None, allow_none=True)


@register("visit.scheduled")
class VisitScheduled(Schema):
    """A study visit was added to an event."""

    visit = fields.Nested(VisitSnapshotSchema, required=True)


@register("visit.updated")
class VisitUpdated(Schema):
    """A visit was edited or rescheduled; ``changes`` says what changed; ``participants``
    lists who is booked (registration ids) so they can be told."""

    visit = fields.Nested(VisitSnapshotSchema, required=True)
    changes = fields.List(fields.Nested(ChangeSchema), required=True)
    participants = fields.List(fields.String(), required=True)


@register("visit.cancelled")
class VisitCancelled(Schema):
    """A visit was cancelled; the listed participants were booked on it."""

    visit = fields.Nested(VisitSnapshotSchema, required=True)
    participants = fields.List(fields.String(), required=True)
    reason = fields.String(load_default=None, allow_none=True)


@register("visit.participant_added")
class VisitParticipantAdded(Schema):
    """A confirmed participant joined a visit."""

    visit = fields.Nested(VisitSnapshotSchema, required=True)
    registration_id = fields.String(required=True)


@register("visit.participant_removed")
class VisitParticipantRemoved(Schema):
    """A participant left a visit (by choice, cancellation or erasure)."""

    visit = fields.Nested(VisitSnapshotSchema, required=True)
    registration_id = fields.String(required=True)
    reason = fields.String(required=True)
