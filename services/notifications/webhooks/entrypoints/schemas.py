"""Request and response schemas of the webhooks API (also used by the pages' forms)."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from services.notifications.webhooks.domain.errors import InvalidEndpoint
from services.notifications.webhooks.domain.model import (
    DELIVERY_STATUSES,
    ENDPOINT_STATUSES,
    MIN_SECRET_LENGTH,
    check_url,
)
from services.notifications.webhooks.service_layer.handlers import message_types


def _http_url(value: str) -> None:
    try:
        check_url(value)
    except InvalidEndpoint as exc:
        raise ValidationError(str(exc)) from exc


class EndpointCreateSchema(Schema):
    """A new endpoint: where, which message types, and optionally your own secret."""

    url = fields.String(required=True, validate=[validate.Length(max=2000), _http_url])
    message_types = fields.List(
        fields.String(validate=validate.OneOf(message_types())),
        required=True,
        validate=validate.Length(min=1, max=100),
    )
    description = fields.String(load_default="", validate=validate.Length(max=200))
    secret = fields.String(
        load_default=None,
        validate=validate.Length(min=MIN_SECRET_LENGTH, max=200),
        metadata={"description": "Omit to have a 256-bit secret generated (shown once)."},
    )


class EndpointSchema(Schema):
    """An endpoint as listed: never its secret."""

    id = fields.String()
    url = fields.String()
    message_types = fields.List(fields.String())
    description = fields.String()
    status = fields.String(validate=validate.OneOf(ENDPOINT_STATUSES))
    disabled_reason = fields.String(allow_none=True)
    consecutive_failures = fields.Integer()
    created_at = fields.AwareDateTime()


class CreatedEndpointSchema(EndpointSchema):
    """The answer to a registration: the only time the secret is shown."""

    secret = fields.String()


class DeliveryQuerySchema(Schema):
    """Paging of a delivery log."""

    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class DeliverySchema(Schema):
    """One thin event on its way to an endpoint, and how its attempts went."""

    id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    body = fields.String(metadata={"description": "The JSON event as it is sent."})
