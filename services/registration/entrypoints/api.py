"""HTTP resources of the registration service (/api/v1)."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.registration.domain.commands import CreateEvent, Participant, Quota, Register, Venue
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


def _event_out(event):
    app = _app()
    return views.event_view(app.uow(), event, app.urls, app.clock())


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
    return _event_out(handlers.create_event(command, app.uow(), app.clock))


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
    return _event_out(handlers.update_event(event_id, data, app.uow(), app.clock))


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


@participants_blp.post("/events/<event_id>/registrations")
@participants_blp.arguments(s.RegistrationInSchema)
@participants_blp.response(201, s.RegistrationCreatedSchema)
def register(data, event_id):
    """Register for an event: a seat, the waiting list, or pending approval."""
    app = _app()
    consent = data.pop("consent")
    command = Register(event_id=event_id, participant=Participant(**data), consent=consent)
    event, registration, position = app.desk.register(command)
    return {
        "id": registration.id,
        "event_id": event.id,
        "status": registration.status,
        "waitlist_position": position,
        "manage_url": app.urls.manage(registration.manage_token),
        "feed": subscription_links(app.urls.feed(registration.feed_token)),
    }


def _own(token: str) -> dict:
    return views.by_token(_app().uow(), token)


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
