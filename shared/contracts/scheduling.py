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


class ExchangePartySchema(Schema):
    """A visitor's or host's organisation, without personal data."""

    organisation = fields.String(required=True)
    cluster = fields.String(required=True)
    country = fields.String(required=True, validate=validate.Length(equal=2))
    sector = fields.String(required=True)
    sme = fields.Boolean(required=True)


class AgendaItemSchema(Schema):
    """A site visit or meeting: timed (start/end) or all-day (first/last day, inclusive)."""

    item_id = fields.String(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True)
    place = fields.String(required=True)
    notes = fields.String(load_default="")
    start = fields.AwareDateTime(load_default=None, allow_none=True)
    end = fields.AwareDateTime(load_default=None, allow_none=True)
    first_day = fields.Date(load_default=None, allow_none=True)
    last_day = fields.Date(load_default=None, allow_none=True)
    sequence = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf(["planned", "cancelled"]))


class ExchangeSnapshotSchema(Schema):
    """An exchange as it now stands, with its agenda (removed items as cancelled)."""

    exchange_id = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(
            ["requested", "accepted_by_host", "agreed", "completed", "cancelled", "rejected"]
        ),
    )
    visitor = fields.Nested(ExchangePartySchema, required=True)
    host = fields.Nested(ExchangePartySchema, required=True)
    goals = fields.String(required=True)
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    timezone = fields.String(required=True)
    working_days = fields.Integer(required=True)
    attended_days = fields.Integer(load_default=None, allow_none=True)
    sequence = fields.Integer(required=True)
    updated_at = fields.AwareDateTime(required=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema), required=True)


class ContactSchema(Schema):
    """A party's name and address, the link to its own page (its token is in it) and the
    language its emails speak (BCP 47: ``pl``, ``sr-Latn``; English when absent)."""

    name = fields.String(required=True)
    email = fields.Email(required=True)
    page_url = fields.Url(load_default=None, allow_none=True, require_tld=False)
    language = fields.String(load_default="en", validate=validate.Length(min=2, max=8))


class ContactsSchema(Schema):
    """Who to email about an exchange (only in the messages that cause emails)."""

    visitor = fields.Nested(ContactSchema, required=True)
    host = fields.Nested(ContactSchema, required=True)


class ExchangeMessage(Schema):
    """Common body: the exchange and who acted (organiser, visitor or host)."""

    exchange = fields.Nested(ExchangeSnapshotSchema, required=True)
    actor = fields.String(required=True, validate=validate.OneOf(["organiser", "visitor", "host"]))


@register("exchange.requested")
class ExchangeRequested(ExchangeMessage):
    """An organiser requested an exchange on behalf of a visitor; the host is asked."""

    contacts = fields.Nested(ContactsSchema, load_default=None, allow_none=True)


@register("exchange.accepted")
class ExchangeAccepted(ExchangeMessage):
    """The host accepted the request; the agenda can now be drawn up."""

    contacts = fields.Nested(ContactsSchema, load_default=None, allow_none=True)


@register("exchange.rejected")
class ExchangeRejected(ExchangeMessage):
    """The host turned the exchange down."""

    reason = fields.String(load_default=None, allow_none=True)


@register("exchange.agenda_proposed")
class ExchangeAgendaProposed(ExchangeMessage):
    """The agenda changed before the agreement: confirmations given are void, both look again."""

    contacts = fields.Nested(ContactsSchema, required=True)


@register("exchange.agreed")
class ExchangeAgreed(ExchangeMessage):
    """Visitor and host both confirmed the agenda."""

    contacts = fields.Nested(ContactsSchema, required=True)


@register("exchange.itinerary_changed")
class ExchangeItineraryChanged(ExchangeMessage):
    """The agreed agenda changed (items' SEQUENCE raised; removed items are cancelled)."""

    contacts = fields.Nested(ContactsSchema, required=True)


@register("exchange.cancelled")
class ExchangeCancelled(ExchangeMessage):
    """An organiser, the visitor or the host called the exchange off."""

    reason = fields.String(load_default=None, allow_none=True)
    contacts = fields.Nested(ContactsSchema, required=True)


@register("exchange.completed")
class ExchangeCompleted(ExchangeMessage):
    """The exchange took place; ``attended_days`` records the attendance. With at least one
    day attended it carries the ``certificate_url`` (a link that downloads the certificate
    only) and the ``contacts`` to email it to; otherwise both are null."""

    certificate_url = fields.String(load_default=None, allow_none=True)
    contacts = fields.Nested(ContactsSchema, load_default=None, allow_none=True)
