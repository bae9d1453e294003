"""Request and response schemas of check-in and attendance."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.exports import FORMATS
from shared.text import SingleLine

SHEET_FORMATS = ["json", "pdf", *FORMATS]


class CheckInSchema(Schema):
    code = SingleLine(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "The check-in code as typed or scanned (ABCDE-FGH23)."},
    )
    day = fields.Date(
        load_default=None,
        metadata={"description": "The event day (in the event's timezone); today if left out."},
    )


class VisitCheckInSchema(Schema):
    code = CheckInSchema().fields["code"]


class CheckedInSchema(Schema):
    outcome = fields.String(metadata={"example": "checked_in"})
    registration_id = fields.String()
    name = fields.String()
    organisation = fields.String()
    day = fields.Date()
    checked_in_at = fields.AwareDateTime()


class SheetQuerySchema(Schema):
    day = fields.Date(
        load_default=None, metadata={"description": "An event day; today or the first."}
    )
    format = SingleLine(load_default="json", validate=validate.OneOf(SHEET_FORMATS))


class SheetRowSchema(Schema):
    registration_id = fields.String()
    name = fields.String()
    organisation = fields.String()
    country = fields.String()
    status = fields.String()
    checked_in_at = fields.AwareDateTime(allow_none=True)


class SheetEventSchema(Schema):
    id = fields.String()
    title = fields.String()
    timezone = fields.String()
    venue = fields.String()
    day = fields.Date()
    days = fields.List(fields.Date())


class VisitSchema(Schema):
    id = fields.String()
    title = fields.String()
    host_organisation = fields.String()
    location = fields.String()
    start = fields.AwareDateTime()
    timezone = fields.String()
    status = fields.String()
    day = fields.Date()


class SheetSchema(Schema):
    event = fields.Nested(SheetEventSchema)
    checked_in = fields.Integer()
    rows = fields.List(fields.Nested(SheetRowSchema))
    visits = fields.List(
        fields.Nested(VisitSchema), metadata={"description": "The event's visits."}
    )


class VisitSheetSchema(SheetSchema):
    visit = fields.Nested(VisitSchema)


class VisitSheetQuerySchema(Schema):
    format = SheetQuerySchema().fields["format"]


class OwnCheckInSchema(Schema):
    checkin_code = fields.String(allow_none=True, metadata={"description": "None without a seat."})
    qr_png_url = fields.String(allow_none=True)
    qr_svg_url = fields.String(allow_none=True)
    days_attended = fields.List(fields.Date())
    certificate_url = fields.String(allow_none=True)


class VisitParticipantsQuerySchema(Schema):
    format = SingleLine(load_default="json", validate=validate.OneOf(["json", *FORMATS]))


class VisitParticipantSchema(Schema):
    registration_id = fields.String()
    name = fields.String()
    organisation = fields.String()
    country = fields.String()
    role = fields.String()
    dietary_needs = fields.String(allow_none=True)
    accessibility_needs = fields.String(allow_none=True)


class ListedVisitSchema(VisitSchema):
    end = fields.AwareDateTime()
    capacity = fields.Integer(
        allow_none=True, metadata={"description": "Seats; null until the next visit message."}
    )


class VisitEventSchema(Schema):
    id = fields.String()
    title = fields.String()


class NeedsCountSchema(Schema):
    participants = fields.Integer()
    dietary_needs = fields.Integer(metadata={"description": "Participants stating some."})
    accessibility_needs = fields.Integer(metadata={"description": "Participants stating some."})


class VisitParticipantsSchema(Schema):
    visit = fields.Nested(ListedVisitSchema)
    event = fields.Nested(VisitEventSchema)
    participants = fields.List(fields.Nested(VisitParticipantSchema))
    counts = fields.Nested(NeedsCountSchema)
