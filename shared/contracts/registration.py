"""Messages published by the registration service (exchange ``<ns>.registration.events``)."""

from marshmallow import Schema, fields, validate

from shared.contracts import register
from shared.contracts.common import EventSnapshotSchema

REGISTRATION_STATUSES = ["confirmed", "waitlisted", "offered", "pending", "cancelled", "rejected"]


@register("event.published")
class EventPublished(EventSnapshotSchema):
    """An event was opened for registration."""


@register("event.updated")
class EventUpdated(EventSnapshotSchema):
    """A published event changed; ``changes`` names the fields that did."""

    changes = fields.List(fields.String(), required=True)


@register("event.cancelled")
class EventCancelled(EventSnapshotSchema):
    """A published event was cancelled (its registrations are cancelled one by one too)."""

    reason = fields.String(load_default=None, allow_none=True)


class ParticipantSchema(Schema):
    """Personal data a consumer needs to reach the participant; erased on request."""

    name = fields.String(required=True)
    email = fields.Email(required=True)
    language = fields.String(load_default="en", validate=validate.Length(min=2, max=8))


class RegistrationChange(Schema):
    """Shape of every registration.* message: the registration as it now stands."""

    registration_id = fields.String(required=True)
    event = fields.Nested(EventSnapshotSchema, required=True)
    status = fields.String(required=True, validate=validate.OneOf(REGISTRATION_STATUSES))
    waitlist_position = fields.Integer(load_default=None, allow_none=True)
    participant = fields.Nested(ParticipantSchema, required=True)
    manage_url = fields.String(required=True)
    feed_token = fields.String(required=True)
    feed_url = fields.String(required=True)
    reason = fields.String(load_default=None, allow_none=True)
    # a confirmed seat's check-in code (XXXXX-XXXXX) and its QR image; None otherwise
    checkin_code = fields.String(load_default=None, allow_none=True)
    checkin_qr_url = fields.String(load_default=None, allow_none=True)


for _type in (
    "registration.confirmed",
    "registration.waitlisted",
    "registration.pending",
    "registration.promoted",
    "registration.cancelled",
    "registration.rejected",
    "registration.offer_declined",
    "registration.offer_expired",
):
    register(_type)(RegistrationChange)


@register("registration.offered")
class RegistrationOffered(RegistrationChange):
    """A seat freed up and is held for this waitlisted person until ``offer_expires_at``.

    ``accept_url`` and ``decline_url`` lead to pages with a button (single use). Accepting
    is announced as ``registration.promoted``; declining as ``registration.offer_declined``
    (status ``waitlisted`` with its new position when the person stays on the list, else
    ``cancelled``); an offer left unanswered as ``registration.offer_expired`` (cancelled).
    """

    accept_url = fields.String(required=True)
    decline_url = fields.String(required=True)
    offer_expires_at = fields.AwareDateTime(required=True)


@register("registration.email_corrected")
class EmailCorrected(RegistrationChange):
    """An organiser corrected the participant's address (an email to it bounced, say):
    ``participant.email`` is the new one, from now on the only one to write to.

    The correction emails nobody by itself: with ``resend_failed`` the emails that failed to
    reach the old address are sent again, to the new one; else an organiser resends them.
    """

    resend_failed = fields.Boolean(load_default=False)


@register("registration.verification_requested")
class VerificationRequested(Schema):
    """Someone registered publicly: email them the single-use link that verifies the address.

    The registration holds its place until ``expires_at``; no other registration.* message
    is sent about it before it is verified.
    """

    registration_id = fields.String(required=True)
    event = fields.Nested(EventSnapshotSchema, required=True)
    participant = fields.Nested(ParticipantSchema, required=True)
    verify_url = fields.String(required=True)
    expires_at = fields.AwareDateTime(required=True)


@register("registration.already_registered")
class AlreadyRegistered(Schema):
    """A verified address was registered again: remind its owner of the manage link
    (at most once per address, event and hour)."""

    registration_id = fields.String(required=True)
    event = fields.Nested(EventSnapshotSchema, required=True)
    participant = fields.Nested(ParticipantSchema, required=True)
    manage_url = fields.String(required=True)


@register("registration.expired")
class RegistrationExpired(Schema):
    """An unverified registration lapsed: its place was released and its personal data purged.

    Consumers never heard of the person, so this carries no personal data.
    """

    registration_id = fields.String(required=True)
    event_id = fields.String(required=True)
    expired_at = fields.AwareDateTime(required=True)


@register("participant.erased")
class ParticipantErased(Schema):
    """A participant asked to be forgotten: every service erases its copy of their data."""

    registration_id = fields.String(required=True)
    event_id = fields.String(required=True)
    erased_at = fields.AwareDateTime(required=True)


class AttendanceChange(Schema):
    """Shape of attendance.recorded / attendance.undone: no personal data, only the ids.

    ``visit_id`` is null for a check-in to an event day, else the study visit's id."""

    registration_id = fields.String(required=True)
    event_id = fields.String(required=True)
    day = fields.Date(required=True)  # the event day (or the visit's), in its timezone
    visit_id = fields.String(load_default=None, allow_none=True)  # a study visit's check-in
    at = fields.AwareDateTime(required=True)


@register("attendance.recorded")
class AttendanceRecorded(AttendanceChange):
    """A confirmed participant was checked in on one day of the event."""


@register("attendance.undone")
class AttendanceUndone(AttendanceChange):
    """An organiser took back a check-in made by mistake."""


@register("attendance.certificate_issued")
class CertificateIssued(Schema):
    """The event ended: a participant who attended may download their certificate (emailed)."""

    registration_id = fields.String(required=True)
    event = fields.Nested(EventSnapshotSchema, required=True)
    participant = fields.Nested(ParticipantSchema, required=True)
    certificate_url = fields.String(required=True)
    days = fields.List(fields.Date(), required=True)
    issued_at = fields.AwareDateTime(required=True)
