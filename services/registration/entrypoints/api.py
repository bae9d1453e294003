"""HTTP resources of the registration service (/api/v1)."""

from __future__ import annotations

from flask import Response, current_app, g, jsonify
from flask_smorest import Blueprint

from services.registration.domain.commands import (
    CorrectEmail,
    CreateEvent,
    Participant,
    Quota,
    Register,
    Venue,
)
from services.registration.entrypoints import schemas as s
from services.registration.service_layer import handlers, views
from shared.calendar_links import subscription_links
from shared.conditional import conditional
from shared.exports import FORMATS, download
from shared.paged_api import envelope, page_request, page_schema, streamed_csv
from shared.web import current_organiser, organiser_required

events_blp = Blueprint("events", __name__, url_prefix="/api/v1", description="Events")
participants_blp = Blueprint(
    "participants", __name__, url_prefix="/api/v1", description="Registration and self-service"
)
roster_blp = Blueprint("roster", __name__, url_prefix="/api/v1", description="Organiser roster")
ORGANISER = [{"organiser": []}]


def _app():
    return current_app.extensions["container"]


def _event_out(event, claim_codes: dict[str, str] | None = None):
    """The event as organisers see it; new partner claim codes are shown this once."""
    app = _app()
    shown = views.event_view(app.uow(), event, app.urls, app.clock())
    return shown | ({"claim_codes": claim_codes} if claim_codes else {})


def _quotas(raw) -> tuple[Quota, ...]:
    return tuple(Quota(**q) for q in raw)


@events_blp.get("/events")
@events_blp.arguments(s.EventQuerySchema, location="query")
@events_blp.response(200, page_schema(s.EventOutSchema))
def list_events(query):
    """Published events in start order, a page at a time (organisers also see drafts and
    cancelled ones); filter by status, kind and start time."""
    app = _app()
    organiser = current_organiser() is not None
    page = page_request(query)
    return envelope(views.list_events(app.uow(), organiser, app.urls, app.clock(), query, page))


@events_blp.post("/events")
@events_blp.doc(security=ORGANISER)
@organiser_required
@events_blp.arguments(s.EventInSchema)
@events_blp.response(201, s.EventOutSchema)
def create_event(data):
    """Create a draft event."""
    app = _app()
    command = CreateEvent(
        **{k: v for k, v in data.items() if k not in {"venue", "quotas"}},
        venue=Venue(**data["venue"]),
        quotas=_quotas(data["quotas"]),
    )
    return _event_out(*handlers.create_event(command, app.uow(), app.clock, app.retention))


@events_blp.get("/events/<event_id>")
@conditional
@events_blp.response(200, s.EventOutSchema)
def get_event(event_id):
    """One event; drafts only for organisers."""
    app = _app()
    organiser = current_organiser() is not None
    return views.get_event(app.uow(), event_id, organiser, app.urls, app.clock())


@events_blp.patch("/events/<event_id>")
@events_blp.doc(security=ORGANISER)
@organiser_required
@events_blp.arguments(s.EventPatchSchema)
@events_blp.response(200, s.EventOutSchema)
def update_event(data, event_id):
    """Edit an event; a larger capacity promotes from the waiting list at once."""
    app = _app()
    if "venue" in data:
        data["venue"] = Venue(**data["venue"])
    if "quotas" in data:
        data["quotas"] = _quotas(data["quotas"])
    return _event_out(*handlers.update_event(event_id, data, app.uow(), app.clock, app.retention))


@events_blp.delete("/events/<event_id>")
@events_blp.doc(security=ORGANISER)
@organiser_required
@events_blp.response(204)
@events_blp.alt_response(409, description="Not a draft: a published event is cancelled instead")
def delete_event(event_id):
    """Delete a draft event (never published, so nobody registered); 409 for any other."""
    handlers.delete_draft(event_id, _app().uow())
    return Response(status=204)


@events_blp.post("/events/<event_id>/publish")
@events_blp.doc(security=ORGANISER)
@organiser_required
@events_blp.response(200, s.EventOutSchema)
def publish_event(event_id):
    """Open a draft for registration."""
    app = _app()
    return _event_out(handlers.publish_event(event_id, app.uow(), app.clock))


@events_blp.post("/events/<event_id>/cancel")
@events_blp.doc(security=ORGANISER)
@organiser_required
@events_blp.arguments(s.CancelSchema, required=False)
@events_blp.response(200, s.EventOutSchema)
def cancel_event(data, event_id):
    """Cancel the event and every registration in it."""
    app = _app()
    return _event_out(handlers.cancel_event(event_id, data.get("reason"), app.uow(), app.clock))


@events_blp.post("/events/<event_id>/quotas/<partner>/code")
@events_blp.doc(security=ORGANISER)
@organiser_required
@events_blp.response(200, s.PartnerCodeSchema)
def rotate_partner_code(event_id, partner):
    """A new claim code for a partner's quota, shown once; the old code stops working."""
    app = _app()
    code = handlers.rotate_partner_code(event_id, partner, app.uow(), app.clock)
    return {"partner": partner, "claim_code": code}


ACCEPTED = {
    "status": "accepted",
    "detail": "Check your inbox: we have sent you a link to confirm your registration.",
}


def accepted() -> Response:
    """The one answer to every public registration of an event that verifies addresses."""
    response = jsonify(ACCEPTED)
    response.status_code = 202
    return response


def created(registration, position) -> dict:
    """What an organiser (or an event without verification) learns of a new registration."""
    urls = _app().urls
    return {
        "id": registration.id,
        "event_id": registration.event_id,
        "status": registration.status,
        "waitlist_position": position,
        "manage_url": urls.manage(registration.manage_token),
        "feed": subscription_links(urls.feed(registration.feed_token)),
    }


@participants_blp.post("/events/<event_id>/registrations")
@participants_blp.arguments(s.RegistrationInSchema())  # instances: built once, not per request
@participants_blp.arguments(s.PartnerCodeQuerySchema(), location="query")
@participants_blp.response(201, s.RegistrationCreatedSchema)
@participants_blp.alt_response(202, schema=s.RegistrationAcceptedSchema)
def register(data, query, event_id):
    """Register for an event: a seat, the waiting list, or pending approval.

    The public registration of an event that verifies addresses answers 202 and the same
    body whatever happened (a new or a known address): the links arrive by email. An
    organiser (bearer) registers without verification and gets the manage link at once.
    """
    app = _app()
    consent = data.pop("consent")
    code = data.pop("partner_code") or query.get("partner_code")
    command = Register(
        event_id=event_id,
        participant=Participant(**data),
        consent=consent,
        by_organiser=current_organiser() is not None,
        partner_code=code,
    )
    _event, registration, position = app.desk.register(command)
    return accepted() if registration is None else created(registration, position)


@participants_blp.post("/verify/<token>")
@participants_blp.response(200, s.RegistrationCreatedSchema)
def verify(token):
    """Follow the single-use link of the verification email: the real state, and the links."""
    app = _app()
    return created(*handlers.verify(token, app.uow(), app.clock))


@participants_blp.post("/offers/<token>/accept")
@participants_blp.response(200, s.RegistrationCreatedSchema)
def accept_offer(token):
    """Take the seat a waiting-list offer holds for you (the link of the offer email).

    A used or declined offer answers 409, a lapsed one 410, an unknown link 404."""
    app = _app()
    return created(handlers.accept_offer(token, app.uow(), app.clock), None)


@participants_blp.post("/offers/<token>/decline")
@participants_blp.arguments(s.DeclineOfferSchema, required=False)
@participants_blp.response(200, s.RegistrationCreatedSchema)
def decline_offer(data, token):
    """Give the offered seat to the next person waiting; ``stay_on_waitlist`` keeps you on
    the list, at its end."""
    app = _app()
    stay = data.get("stay_on_waitlist", False)
    registration = handlers.decline_offer(token, stay, app.uow(), app.clock)
    own = views.own_registration(app.uow(), registration)
    return created(registration, own["waitlist_position"])


def _own(token: str) -> dict:
    return views.by_token(_app().uow(), token, _app().urls)


@participants_blp.get("/manage/<token>")
@participants_blp.response(200, s.OwnRegistrationSchema)
def view_own(token):
    """Your registration, by the private link you received."""
    return _own(token)


@participants_blp.patch("/manage/<token>")
@participants_blp.arguments(s.NeedsSchema)
@participants_blp.response(200, s.OwnRegistrationSchema)
def update_own_needs(data, token):
    """Update your dietary and accessibility needs."""
    app = _app()
    handlers.update_needs_by_token(token, data, app.uow(), app.clock)
    return _own(token)


@participants_blp.post("/manage/<token>/cancel")
@participants_blp.response(200, s.OwnRegistrationSchema)
def cancel_own(token):
    """Cancel your registration; your seat goes to the next person waiting."""
    app = _app()
    handlers.cancel_by_token(token, app.uow(), app.clock)
    return _own(token)


@participants_blp.post("/manage/<token>/erase")
@participants_blp.response(204)
def erase_own(token):
    """Erase your personal data here and in the other services; the link stops working."""
    app = _app()
    handlers.erase_by_token(token, app.uow(), app.clock)


@roster_blp.get("/events/<event_id>/registrations")
@roster_blp.doc(security=ORGANISER)
@organiser_required
@roster_blp.arguments(s.RosterQuerySchema, location="query")
@roster_blp.response(200, page_schema(s.OwnRegistrationSchema))
def roster(query, event_id):
    """The roster in queue order, a page at a time; filter by status, country, role,
    organisation or ``q`` (name or organisation). ``format=csv`` streams every matching row
    from the database; ``format=xlsx`` builds the workbook from the same row cursor."""
    page = page_request(query)
    fmt = query.pop("format")
    if fmt == "csv":
        return streamed_csv(
            views.roster_csv_chunks(views.roster_rows(_app().uow(), event_id, query)),
            f"roster-{event_id}.csv",
        )
    if fmt == "xlsx":
        rows = views.roster_rows(_app().uow(), event_id, query)
        return download(*views.roster_table(rows), f"roster-{event_id}", fmt)
    return envelope(views.roster(_app().uow(), event_id, query, page))


@roster_blp.get("/events/<event_id>/report")
@roster_blp.doc(security=ORGANISER)
@organiser_required
@roster_blp.arguments(s.ReportQuerySchema, location="query")
@roster_blp.response(200, s.ReportSchema)
def report(query, event_id):
    """Participant counts for EU programme reporting; ``format=csv`` or ``xlsx`` to download."""
    figures = views.report(_app().uow(), event_id)
    if query["format"] in FORMATS:
        return download(*views.report_table(figures), f"eu-report-{event_id}", query["format"])
    return figures


@roster_blp.get("/registrations/<registration_id>")
@roster_blp.doc(security=ORGANISER)
@organiser_required
@roster_blp.response(200, s.RegistrationDetailSchema)
def registration_detail(registration_id):
    """One registration with its history: what organisers changed, when, by whom and why."""
    return views.organiser_registration(_app().uow(), registration_id)


@roster_blp.post("/registrations/<registration_id>/email")
@roster_blp.doc(security=ORGANISER)
@organiser_required
@roster_blp.arguments(s.CorrectEmailSchema)
@roster_blp.response(200, s.RegistrationDetailSchema)
@roster_blp.alt_response(404, description="No such registration")
@roster_blp.alt_response(
    409,
    description="Another active registration of the event has the address, or it was "
    "never verified",
)
@roster_blp.alt_response(410, description="The registration's personal data was erased")
def correct_email(data, registration_id):
    """Correct the participant's address (say, after an email to it bounced).

    Recorded in the registration's history and announced as ``registration.email_corrected``:
    from then on emails go to the new address. Nothing is sent because of it, unless
    ``resend_failed``: the emails that failed to the old address then go to the new one. The
    same address again is a 422."""
    app = _app()
    organiser = g.organiser
    correction = CorrectEmail(**data, by_id=organiser.credential_id, by_name=organiser.name)
    handlers.correct_email(registration_id, correction, app.uow(), app.clock)
    return views.organiser_registration(app.uow(), registration_id)


def _organiser_action(name: str, summary: str, schema=None):
    """Register POST /registrations/<id>/<name> calling handlers.<name> (with a reason)."""

    def view(*args, registration_id):
        app = _app()
        extra = (args[0].get("reason"),) if schema else ()
        registration = getattr(handlers, name)(registration_id, *extra, app.uow(), app.clock)
        return views.own_registration(app.uow(), registration)

    view.__name__ = view.__qualname__ = f"{name}_registration"
    view.__doc__ = summary
    decorated = roster_blp.response(200, s.OwnRegistrationSchema)(view)
    if schema:
        decorated = roster_blp.arguments(schema, required=False)(decorated)
    decorated = organiser_required(decorated)
    decorated = roster_blp.doc(security=ORGANISER)(decorated)
    roster_blp.post(f"/registrations/<registration_id>/{name.replace('_registration', '')}")(
        decorated
    )


_organiser_action("approve", "Approve a pending registration (seat or waiting list).")
_organiser_action("reject", "Reject a pending registration.", s.RejectSchema)
_organiser_action("promote", "Move a waitlisted person to a free seat by hand.")
_organiser_action("cancel_registration", "Cancel a registration; the next in line moves up.")
_organiser_action("erase", "Erase a participant's personal data everywhere.")
