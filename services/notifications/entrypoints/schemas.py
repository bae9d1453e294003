"""Request and response schemas of the notifications API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from services.notifications.domain.notification import DELIVERY_STATUSES
from shared.exports import FORMATS
from shared.paged_api import PageQuerySchema
from shared.text import Email, SingleLine


class NotificationQuerySchema(PageQuerySchema):
    """Filters of the delivery log, and the page."""

    recipient = Email(validate=validate.Length(max=320))
    event_id = SingleLine(validate=validate.Length(min=1, max=64))
    status = SingleLine(validate=validate.OneOf(DELIVERY_STATUSES))
    format = SingleLine(load_default="json", validate=validate.OneOf(["json", *FORMATS]))


class RecipientSchema(Schema):
    email = fields.String()
    name = fields.String()


class CalendarSchema(Schema):
    method = fields.String()
    uid = fields.String()
    sequence = fields.Integer()


class NotificationSchema(Schema):
    """One email: what, to whom, and how its delivery went."""

    id = fields.String()
    kind = fields.String()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    recipient = fields.Nested(RecipientSchema)
    resend_to = fields.String(
        allow_none=True,
        metadata={
            "description": "the address a resend goes to: the recipient's corrected one if "
            "it changed since (registration.email_corrected); null once erased"
        },
    )
    registration_id = fields.String()
    event_id = fields.String(allow_none=True)
    source_message_id = fields.String()
    resend_of = fields.String(allow_none=True)
    calendar = fields.Nested(CalendarSchema, allow_none=True)
    created_at = fields.AwareDateTime()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    erased = fields.Boolean()
