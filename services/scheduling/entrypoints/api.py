"""HTTP resources for study visits and the participants who join them (/api/v1)."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.scheduling.domain.commands import HostDetails, Location, ScheduleVisit
from services.scheduling.entrypoints import schemas as s
from services.scheduling.entrypoints.auth import ORGANISER, PARTICIPANT_OR_ORGANISER, acting_for
from services.scheduling.service_layer import handlers, views
from shared.web import current_organiser, organiser_required

visits_blp = Blueprint("visits", __name__, url_prefix="/api/v1", description="Study visits")
participants_blp = Blueprint(
    "visit participants", __name__, url_prefix="/api/v1", description="Joining and leaving visits"
)


def _app():
    return current_app.extensions["container"]


def _visit_out(visit_id: str) -> dict:
    app = _app()
    return views.visit(app.uow(), visit_id, app.feeds, current_organiser() is not None)


def _values(data: dict) -> dict:
    """Request fields as domain values."""
    if "host" in data:
        data["host"] = HostDetails(**data["host"])
    if "location" in data:
        data["location"] = Location(**data["location"])
    return data


@visits_blp.get("/events/<event_id>/visits")
@visits_blp.response(200, s.VisitOutSchema(many=True))
def list_visits(event_id):
    """The event's visits, cancelled ones included (organisers also see who is booked)."""
    app = _app()
    return views.visits(app.uow(), event_id, app.feeds, current_organiser() is not None)


@visits_blp.post("/events/<event_id>/visits")
@visits_blp.doc(security=ORGANISER)
@organiser_required
@visits_blp.arguments(s.VisitInSchema)
@visits_blp.response(201, s.VisitOutSchema)
def schedule_visit(data, event_id):
    """Schedule a study visit within the event's days; the host must be free then."""
    app = _app()
    values = _values(data)
    values["requirements"] = tuple(values["requirements"])
    visit = handlers.schedule_visit(
        ScheduleVisit(event_id=event_id, **values), app.uow(), app.clock, app.policy
    )
    return _visit_out(visit.id)


@visits_blp.get("/visits/<visit_id>")
@visits_blp.response(200, s.VisitOutSchema)
def get_visit(visit_id):
    """One visit (organisers also see the host contact, host feed and who is booked)."""
    return _visit_out(visit_id)


@visits_blp.patch("/visits/<visit_id>")
@visits_blp.doc(security=ORGANISER)
@organiser_required
@visits_blp.arguments(s.VisitPatchSchema(partial=True))
@visits_blp.response(200, s.VisitOutSchema)
def edit_visit(data, visit_id):
    """Reschedule or edit; a change of time or place raises the calendar SEQUENCE."""
    app = _app()
    handlers.edit_visit(visit_id, _values(data), app.uow(), app.clock, app.policy)
    return _visit_out(visit_id)


@visits_blp.post("/visits/<visit_id>/cancel")
@visits_blp.doc(security=ORGANISER)
@organiser_required
@visits_blp.arguments(s.ReasonSchema, required=False)
@visits_blp.response(200, s.VisitOutSchema)
def cancel_visit(data, visit_id):
    """Cancel a visit; it stays in feeds as cancelled for the retention window."""
    app = _app()
    handlers.cancel_visit(visit_id, data.get("reason"), app.uow(), app.clock)
    return _visit_out(visit_id)


@visits_blp.get("/events/<event_id>/feed")
@visits_blp.response(200, s.LinksSchema)
def event_feed(event_id):
    """Ways to subscribe to the event's public programme feed."""
    app = _app()
    return views.event_feed_links(app.uow(), event_id, app.feeds)


@visits_blp.get("/events/<event_id>/hosts")
@visits_blp.doc(security=ORGANISER)
@organiser_required
@visits_blp.response(200, s.HostOutSchema(many=True))
def list_hosts(event_id):
    """The event's hosts with their contacts and private feed links."""
    app = _app()
    return views.hosts(app.uow(), event_id, app.feeds)


@participants_blp.post("/visits/<visit_id>/participants")
@participants_blp.doc(**PARTICIPANT_OR_ORGANISER)
@participants_blp.arguments(s.JoinSchema)
@participants_blp.response(201, s.JoinedSchema)
def join_visit(data, visit_id):
    """Join a visit: a confirmed participant, with a free seat, and no clash with their day."""
    app = _app()
    actor = acting_for(data.get("registration_id"))
    handlers.join_visit(
        visit_id, actor.registration_id, app.uow(), app.clock, app.policy, not actor.organiser
    )
    return views.joined(app.uow(), visit_id, actor.registration_id, app.feeds)


@participants_blp.delete("/visits/<visit_id>/participants/<registration_id>")
@participants_blp.doc(**PARTICIPANT_OR_ORGANISER)
@participants_blp.response(204)
def leave_visit(visit_id, registration_id):
    """Leave a visit (or, as an organiser, take someone off it); the seat is free again."""
    app = _app()
    actor = acting_for(registration_id)
    reason = "removed_by_organiser" if actor.organiser else "left"
    handlers.leave_visit(visit_id, registration_id, reason, app.uow(), app.clock)
