"""Organiser pages: events at a glance, create and edit, approvals, roster and EU report."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from services.registration.domain import errors
from services.registration.domain.commands import CreateEvent, Venue
from services.registration.entrypoints import schemas as s
from services.registration.service_layer import handlers, views
from shared.exports import FORMATS, download
from shared.paged_api import streamed_csv
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page, safe_next
from shared.text import form_text

organiser_pages = page_blueprint("organiser_pages", __name__)
EVENT_TEXT = ("title", "kind", "description", "timezone")
VENUE_TEXT = ("name", "address", "city", "country")
ACTIONS = {"approve": "approved", "reject": "rejected", "promote": "promoted"}
ACTIONS["cancel_registration"] = "cancelled"


def _app():
    return current_app.extensions["container"]


def _local(value: str, timezone: str) -> str:
    """A datetime-local field as an ISO time with the event's offset (left as is if invalid)."""
    try:
        naive = datetime.fromisoformat(value)
        return naive.replace(tzinfo=ZoneInfo(timezone)).isoformat()
    except (ValueError, KeyError):
        return value


def event_payload(form) -> dict:
    """The event form as the API's EventInSchema expects it (nested venue, aware times)."""
    data: dict = {k: form.get(k, "").strip() for k in EVENT_TEXT if form.get(k, "").strip()}
    data["venue"] = {k: form.get(f"venue.{k}", "").strip() for k in VENUE_TEXT}
    data["venue"] = {k: v for k, v in data["venue"].items() if v}
    for key in ("start", "end"):
        if form.get(key):
            data[key] = _local(form[key], data.get("timezone", "UTC"))
    capacity = form.get("capacity", "").strip()
    if capacity:
        data["capacity"] = int(capacity) if capacity.isdigit() else capacity
    data["waitlist_enabled"] = form.get("waitlist_enabled") == "true"
    data["approval_required"] = form.get("approval_required") == "true"
    return data


def form_values(event: dict) -> dict:
    """An event view as flat form values."""
    values = {k: event[k] for k in (*EVENT_TEXT, "capacity", "waitlist_enabled")}
    values["approval_required"] = event["approval_required"]
    values.update({f"venue.{k}": event["venue"][k] for k in VENUE_TEXT})
    for key in ("start", "end"):
        values[key] = event[key].astimezone(ZoneInfo(event["timezone"])).strftime("%Y-%m-%dT%H:%M")
    return values


def _event_form(event_id: str | None, values: dict, errs: dict, form_error=None, status=200):
    page = render_template(
        "registration/event_form.html",
        event_id=event_id,
        values=values,
        errors=errs,
        form_error=form_error,
        kinds=s.EVENT_KINDS,
    )
    return page, status


@organiser_pages.get("/organiser/")
@organiser_page
def events():
    """Every event with capacity, confirmed, waitlisted and pending at a glance."""
    app = _app()
    shown = views.list_events(app.uow(), True, app.urls, app.clock()).items
    exchanges = f"{app.urls.scheduling}/organiser/exchanges"  # ClusterXchange, on scheduling
    return render_template("registration/organiser_events.html", events=shown, exchanges=exchanges)


@organiser_pages.route("/organiser/events/new", methods=["GET", "POST"])
@organiser_page
def create_event():
    """Create a draft event."""
    if request.method == "GET":
        return _event_form(None, {"timezone": "Europe/Brussels", "waitlist_enabled": True}, {})
    values = request.form.to_dict()
    data, errs = form_errors(s.EventInSchema(), event_payload(request.form))
    if errs:
        return _event_form(None, values, errs, status=422)
    app = _app()
    venue = Venue(**data.pop("venue"))
    command = CreateEvent(**{k: v for k, v in data.items() if k != "quotas"}, venue=venue)
    try:
        event, _codes = handlers.create_event(command, app.uow(), app.clock)
    except errors.InvalidEvent as exc:
        return _event_form(None, values, {}, str(exc), 422)
    flash(f"Draft “{event.title}” created. Publish it to open registration.")
    return redirect(url_for(".event", event_id=event.id), 303)


@organiser_pages.route("/organiser/events/<event_id>/edit", methods=["GET", "POST"])
@organiser_page
def edit_event(event_id):
    """Edit an event; a larger capacity promotes from the waiting list at once."""
    app = _app()
    if request.method == "GET":
        return _event_form(event_id, form_values(_event(event_id)), {})
    values = request.form.to_dict()
    data, errs = form_errors(s.EventPatchSchema(), event_payload(request.form))
    if errs:
        return _event_form(event_id, values, errs, status=422)
    data["venue"] = Venue(**{**_event(event_id)["venue"], **data["venue"]})
    try:
        handlers.update_event(event_id, data, app.uow(), app.clock)
    except (errors.InvalidEvent, errors.InvalidTransition) as exc:
        return _event_form(event_id, values, {}, str(exc), 422)
    flash("Event saved.")
    return redirect(url_for(".event", event_id=event_id), 303)


def _event(event_id: str) -> dict:
    app = _app()
    return views.get_event(app.uow(), event_id, True, app.urls, app.clock())


@organiser_pages.get("/organiser/events/<event_id>")
@organiser_page
def event(event_id):
    """One event: actions, approval queue, roster and reporting figures."""
    app = _app()
    page = views.organiser_event(app.uow(), event_id, app.urls, app.clock())
    notifications = app.infrastructure.settings.public_urls["notifications"]
    return render_template(
        "registration/organiser_event.html",
        event=page["event"],
        rows=page["rows"],
        report=page["report"],
        planner=f"{app.urls.scheduling}/organiser/events/{event_id}/visits",
        delivery_log=f"{notifications}/organiser/notifications?event_id={event_id}",
    )


@organiser_pages.post("/organiser/events/<event_id>/<action>")
@organiser_page
def event_action(event_id, action):
    """Publish or cancel an event."""
    app = _app()
    if action == "publish":
        handlers.publish_event(event_id, app.uow(), app.clock)
    elif action == "cancel":
        reason = form_text(request.form, "reason", multi_line=True)
        handlers.cancel_event(event_id, reason, app.uow(), app.clock)
    else:
        return Response("unknown action", 404)
    flash(f"Event {action}{'ed' if action == 'publish' else 'led'}.")
    return redirect(url_for(".event", event_id=event_id), 303)


@organiser_pages.post("/organiser/registrations/<registration_id>/<action>")
@organiser_page
def registration_action(registration_id, action):
    """Approve, reject, promote or cancel one registration."""
    if action not in ACTIONS:
        return Response("unknown action", 404)
    app = _app()
    extra = (form_text(request.form, "reason", multi_line=True),) if action == "reject" else ()
    try:
        done = getattr(handlers, action)(registration_id, *extra, app.uow(), app.clock)
    except (errors.InvalidTransition, errors.EventFull) as exc:
        flash(f"Not possible: {exc}")
        return redirect(safe_next(request.form.get("back"), url_for(".events")), 303)
    flash(f"{done.name or 'The registration'} {ACTIONS[action]}.")
    return redirect(url_for(".event", event_id=done.event_id), 303)


@organiser_pages.get("/organiser/events/<event_id>/roster.<fmt>")
@organiser_page
def roster_export(event_id, fmt):
    """The roster as a spreadsheet: CSV streamed from the database, or XLSX built from the
    same row cursor."""
    if fmt not in FORMATS:
        abort(404)
    rows = views.roster_rows(_app().uow(), event_id, {})
    if fmt == "csv":
        return streamed_csv(views.roster_csv_chunks(rows), f"roster-{event_id}.csv")
    return download(*views.roster_table(rows), f"roster-{event_id}", fmt)


@organiser_pages.get("/organiser/events/<event_id>/report.<fmt>")
@organiser_page
def report_export(event_id, fmt):
    """EU reporting counts as a spreadsheet (CSV or XLSX)."""
    if fmt not in FORMATS:
        abort(404)
    report = views.report(_app().uow(), event_id)
    return download(*views.report_table(report), f"eu-report-{event_id}", fmt)
