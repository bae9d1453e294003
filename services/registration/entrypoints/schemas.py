"""Request and response schemas of the registration API."""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, validate, validates

from services.registration.service_layer.views import ROSTER_SORTS
from shared.exports import FORMATS
from shared.paged_api import PageQuerySchema
from shared.text import AwareDateTime, Email, MultiLine, SingleLine

EVENT_KINDS = [
    "joint_learning_workshop",
    "awareness_workshop",
    "cross_cluster_learning",
    "twinning_meeting",
    "other",
]
ORGANISATION_TYPES = [
    "cluster_organisation",
    "sme",
    "large_enterprise",
    "research",
    "university",
    "public_authority",
    "other",
]
ROLES = ["cluster_manager", "sme", "research", "public_authority", "investor", "other"]
STATUSES = ["confirmed", "waitlisted", "offered", "pending", "cancelled", "rejected"]

EVENT_STATUSES = ["draft", "published", "cancelled"]
Text = fields.String
Country = SingleLine(required=True, validate=validate.Regexp(r"^[A-Za-z]{2}\Z"))
NAME_MAX = 100
NAME_PUNCTUATION = frozenset(" '-.")


def person_name(value: str) -> None:
    """Letters, combining marks, spaces and ' - . only, so a name cannot carry a sentence,
    a URL or markup into an email sent in the platform's voice."""
    if not value.strip() or len(value) > NAME_MAX:
        raise ValidationError(f"a name has 1 to {NAME_MAX} characters")
    for char in value:
        if char not in NAME_PUNCTUATION and unicodedata.category(char)[0] not in "LM":
            raise ValidationError("a name may hold only letters, spaces and the marks ' - .")
    if not any(unicodedata.category(char)[0] == "L" for char in value):
        raise ValidationError("a name needs at least one letter")


class VenueSchema(Schema):
    name = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    address = SingleLine(required=True, validate=validate.Length(min=1, max=300))
    city = SingleLine(required=True, validate=validate.Length(min=1, max=100))
    country = Country
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))


class QuotaSchema(Schema):
    partner = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    seats = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    release_at = AwareDateTime(required=True)


class EventInSchema(Schema):
    """An event as an organiser creates it; datetimes must carry an offset."""

    title = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    kind = SingleLine(required=True, validate=validate.OneOf(EVENT_KINDS))
    description = MultiLine(load_default="", validate=validate.Length(max=10000))
    venue = fields.Nested(VenueSchema, required=True)
    timezone = SingleLine(required=True)
    start = AwareDateTime(required=True)
    end = AwareDateTime(required=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100000))
    registration_opens = AwareDateTime(load_default=None, allow_none=True)
    registration_closes = AwareDateTime(load_default=None, allow_none=True)
    waitlist_enabled = fields.Boolean(load_default=True)
    approval_required = fields.Boolean(load_default=False)
    verify_email = fields.Boolean(load_default=True)
    waitlist_offer_hours = fields.Integer(
        load_default=0,
        strict=True,
        validate=validate.Range(0, 720),
        metadata={
            "description": "hours a freed seat is held for the next person waiting, who "
            "accepts or declines it; 0 promotes them at once"
        },
    )
    retention_until = AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "when the personal data of the event's registrations is purged "
            "(at least its end); null: the end plus RETENTION_DAYS"
        },
    )
    quotas = fields.List(fields.Nested(QuotaSchema), load_default=list)

    @validates("timezone")
    def _known_timezone(self, value: str, **_kwargs) -> None:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError(f"unknown IANA timezone {value!r}") from exc


class EventPatchSchema(EventInSchema):
    """Any subset of the event's fields (defaults are not applied to absent ones)."""

    def __init__(self, **kwargs):
        super().__init__(partial=True, **kwargs)


class CancelSchema(Schema):
    reason = MultiLine(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class SeatsSchema(Schema):
    capacity = fields.Integer()
    confirmed = fields.Integer()
    waitlisted = fields.Integer()
    pending = fields.Integer()
    held = fields.Integer(metadata={"description": "seats held for unverified registrations"})
    offered = fields.Integer(metadata={"description": "seats held by open waiting-list offers"})
    reserved = fields.Integer(metadata={"description": "seats still kept for partner quotas"})
    seats_left = fields.Integer()


class LinksSchema(Schema):
    """The ways to subscribe to a feed: the https URL, webcal, Google and Outlook on the web."""

    https = Text()
    webcal = Text()
    google = Text()
    outlook = Text(metadata={"description": "Outlook on the web (personal accounts)"})
    office = Text(metadata={"description": "Outlook on the web (work or school accounts)"})


class EventOutSchema(EventInSchema):
    id = Text()
    status = Text()
    sequence = fields.Integer()
    seats = fields.Nested(SeatsSchema)
    feed = fields.Nested(LinksSchema)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    purged_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "when the personal data was purged"}
    )
    claim_codes = fields.Dict(
        keys=Text(),
        values=Text(),
        metadata={"description": "partner → claim code, only in the answer that created it"},
    )


class RegistrationInSchema(Schema):
    """What a participant fills in; consent to the privacy notice is required."""

    name = SingleLine(required=True, validate=person_name)
    email = Email(required=True, validate=validate.Length(max=320))
    organisation = SingleLine(required=True, validate=validate.Length(min=1, max=200))
    organisation_type = SingleLine(required=True, validate=validate.OneOf(ORGANISATION_TYPES))
    country = Country
    role = SingleLine(required=True, validate=validate.OneOf(ROLES))
    partner = SingleLine(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "honoured only when an organiser registers someone"},
    )
    partner_code = SingleLine(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "a partner's claim code: a seat of its quota"},
    )
    dietary_needs = MultiLine(
        load_default=None, allow_none=True, validate=validate.Length(max=1000)
    )
    accessibility_needs = MultiLine(
        load_default=None, allow_none=True, validate=validate.Length(max=1000)
    )
    # "de", "de-AT" or a script subtag: "sr-Latn"
    language = SingleLine(
        load_default="en", validate=validate.Regexp(r"^[a-z]{2}(-([A-Z]{2}|[A-Z][a-z]{3}))?\Z")
    )
    consent = fields.Boolean(required=True)

    @validates("consent")
    def _consented(self, value: bool, **_kwargs) -> None:
        if value is not True:
            raise ValidationError("consent to the privacy notice is required to register")


class NeedsSchema(Schema):
    dietary_needs = MultiLine(allow_none=True, validate=validate.Length(max=1000))
    accessibility_needs = MultiLine(allow_none=True, validate=validate.Length(max=1000))


class OwnRegistrationSchema(Schema):
    """A registration as its owner (manage link) or an organiser sees it."""

    id = Text()
    event_id = Text()
    event_title = Text()
    status = Text()
    waitlist_position = fields.Integer(allow_none=True)
    name = Text()
    email = Text()
    organisation = Text()
    organisation_type = Text()
    country = Text()
    role = Text()
    partner = Text(allow_none=True)
    dietary_needs = Text(allow_none=True)
    accessibility_needs = Text(allow_none=True)
    language = Text()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    erased = fields.Boolean()
    offer_expires_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "until when an open offer holds the seat"}
    )
    accept_url = Text(metadata={"description": "manage link only: accept the open offer"})
    decline_url = Text(metadata={"description": "manage link only: decline the open offer"})


class HistoryEntrySchema(Schema):
    """One change an organiser made; after erasure the values and the reason are null."""

    action = Text(metadata={"description": "what was changed: email_corrected"})
    at = fields.AwareDateTime()
    by_id = Text(allow_none=True, metadata={"description": "the organiser credential's id"})
    by_name = Text(allow_none=True)
    old_value = Text(allow_none=True)
    new_value = Text(allow_none=True)
    reason = Text(allow_none=True)


class RegistrationDetailSchema(OwnRegistrationSchema):
    """A registration as an organiser sees it, with its history."""

    verified = fields.Boolean(metadata={"description": "whether the address was verified"})
    history = fields.List(fields.Nested(HistoryEntrySchema))


class CorrectEmailSchema(Schema):
    """An organiser's correction of a participant's address."""

    email = Email(required=True, validate=validate.Length(max=320))
    reason = MultiLine(load_default=None, allow_none=True, validate=validate.Length(max=1000))
    resend_failed = fields.Boolean(
        load_default=False,
        metadata={"description": "send the emails that failed to the old address again, now"},
    )


class RegistrationCreatedSchema(Schema):
    id = Text()
    event_id = Text()
    status = Text()
    waitlist_position = fields.Integer(allow_none=True)
    manage_url = Text()
    feed = fields.Nested(LinksSchema)


class DeclineOfferSchema(Schema):
    stay_on_waitlist = fields.Boolean(
        load_default=False,
        metadata={"description": "stay on the waiting list, at its end, instead of leaving"},
    )


class RegistrationAcceptedSchema(Schema):
    """The same answer to every public registration: the rest comes by email."""

    status = Text()
    detail = Text()


class PartnerCodeQuerySchema(Schema):
    partner_code = Text(validate=validate.Length(min=1, max=100))


class PartnerCodeSchema(Schema):
    partner = Text()
    claim_code = Text()


class RosterQuerySchema(PageQuerySchema):
    """Roster filters; ``q`` searches names and organisations (any case, any part)."""

    status = SingleLine(validate=validate.OneOf(STATUSES))
    country = SingleLine(validate=validate.Regexp(r"^[A-Za-z]{2}\Z"))
    role = SingleLine(validate=validate.OneOf(ROLES))
    organisation = SingleLine(validate=validate.Length(min=1, max=200))
    q = SingleLine(validate=validate.Length(min=1, max=200))
    sort = SingleLine(validate=validate.OneOf(ROSTER_SORTS))
    format = SingleLine(load_default="json", validate=validate.OneOf(["json", *FORMATS]))


class ReportQuerySchema(Schema):
    format = SingleLine(load_default="json", validate=validate.OneOf(["json", *FORMATS]))


class EventQuerySchema(PageQuerySchema):
    """Event filters: status, kind, and start times from (inclusive) and before."""

    status = SingleLine(validate=validate.OneOf(EVENT_STATUSES))
    kind = SingleLine(validate=validate.OneOf(EVENT_KINDS))
    starts_from = AwareDateTime()
    starts_before = AwareDateTime()


class RejectSchema(Schema):
    reason = MultiLine(load_default=None, allow_none=True, validate=validate.Length(max=1000))


class ReportSchema(Schema):
    event_id = Text()
    title = Text()
    participants = fields.Integer()
    sme_count = fields.Integer()
    by_country = fields.Dict(keys=Text(), values=fields.Integer())
    by_role = fields.Dict(keys=Text(), values=fields.Integer())
    by_organisation_type = fields.Dict(keys=Text(), values=fields.Integer())
    by_status = fields.Dict(keys=Text(), values=fields.Integer())
    attendance = fields.Nested(
        "AttendanceReportSchema", metadata={"description": "Who was checked in, counted alike."}
    )


class AttendanceReportSchema(Schema):
    """Attendees: registrations checked in on at least one day of the event."""

    attendees = fields.Integer()
    sme_count = fields.Integer()
    by_country = fields.Dict(keys=Text(), values=fields.Integer())
    by_role = fields.Dict(keys=Text(), values=fields.Integer())
    by_organisation_type = fields.Dict(keys=Text(), values=fields.Integer())
