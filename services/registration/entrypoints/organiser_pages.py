"""Organiser pages: events at a glance, create and edit, approvals, roster and EU report."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.registration.domain import errors
from services.registration.domain.commands import CreateEvent, Quota, Venue
from services.registration.entrypoints import confirmations
from services.registration.entrypoints import schemas as s
from services.registration.entrypoints.event_form import event_payload, form_values, quota_count
from services.registration.service_layer import handlers, views
from shared.exports import FORMATS, download
from shared.paged_api import page_request, streamed_csv
from shared.pages.confirm import confirmation_page, confirmed
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page, safe_next
from shared.pages.problem_text import problem_text
from shared.text import form_text

organiser_pages = page_blueprint("organiser_pages", __name__)
# what the roster's actions did, for the flashed message (name: the participant's)
ACTIONS = {
    "approve": lambda name: _("The registration of %(name)s is approved.", name=name),
    "reject": lambda name: _("The registration of %(name)s is rejected.", name=name),
    "promote": lambda name: _("%(name)s moved from the waiting list to a seat.", name=name),
    "cancel_registration": lambda name: _("The registration of %(name)s is cancelled.", name=name),
}
MAX_BULK = 500  # one roster page at most, with room to spare
BULK_ACTIONS = {
    "approve": lambda n: _("%(count)s registrations approved.", count=n),
    "reject": lambda n: _("%(count)s registrations rejected.", count=n),
}
CONFIRMED_ACTIONS = {
    "reject": confirmations.reject,
    "cancel_registration": confirmations.cancel_registration,
}


def _app():
    return current_app.extensions["container"]


def _codes_or_event(event, codes: dict[str, str]):
    """The claim codes of new partners, shown once on a page of their own; else the event."""
    if not codes:
        return redirect(url_for(".event", event_id=event.id), 303)
    links = {
        p: f"{_app().urls.registration}/events/{event.id}/register?partner_code={c}"
        for p, c in codes.items()
    }
    page = render_template("registration/claim_codes.html", event=event, codes=codes, links=links)
    return Response(page, headers={"Cache-Control": "no-store"}, mimetype="text/html")


def _event_form(event_id: str | None, values: dict, errs: dict, form_error=None, status=200):
    page = render_template(
        "registration/event_form.html",
        event_id=event_id,
        values=values,
        errors=errs,
        form_error=form_error,
        kinds=s.EVENT_KINDS,
        quota_count=quota_count(values),
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
    quotas = tuple(Quota(**q) for q in data.pop("quotas"))
    command = CreateEvent(**data, venue=venue, quotas=quotas)
    try:
        event, codes = handlers.create_event(command, app.uow(), app.clock, app.retention)
    except errors.InvalidEvent as exc:
        return _event_form(None, values, {}, str(exc), 422)
    flash(_("Draft “%(title)s” created. Publish it to open registration.", title=event.title))
    return _codes_or_event(event, codes)


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
    shown = _event(event_id)
    data["venue"] = Venue(**{**shown["venue"], **data["venue"]})
    data["quotas"] = tuple(Quota(**q) for q in data["quotas"])
    if data["quotas"] == tuple(Quota(**q) for q in shown["quotas"]):
        del data["quotas"]  # unchanged: no "quotas changed" news for the other services
    try:
        event, codes = handlers.update_event(event_id, data, app.uow(), app.clock, app.retention)
    except (errors.InvalidEvent, errors.InvalidTransition) as exc:
        return _event_form(event_id, values, {}, str(exc), 422)
    flash(_("Event saved."))
    return _codes_or_event(event, codes)


def _event(event_id: str) -> dict:
    app = _app()
    return views.get_event(app.uow(), event_id, True, app.urls, app.clock())


ROSTER_FILTERS = ("q", "status", "country", "role", "sort")


def _roster_query() -> dict:
    """The roster's search, filters, sort and page from the query string (bad ones: 400)."""
    given = {
        k: v for k, v in request.args.items() if v.strip() and k in {*ROSTER_FILTERS, "cursor"}
    }
    query, errs = form_errors(s.RosterQuerySchema(), given | {"limit": "25"})
    if errs:
        abort(400, description="; ".join(f"{k}: {v}" for k, v in errs.items()))
    query.pop("format")
    return query


@organiser_pages.get("/organiser/events/<event_id>")
@organiser_page
def event(event_id):
    """One event: actions, the roster (search, filter, sort, pages, bulk) and its figures."""
    app = _app()
    query = _roster_query()
    page = views.organiser_event(app.uow(), event_id, app.urls, app.clock())
    roster = views.roster(app.uow(), event_id, query, page_request(query))
    filters = {k: request.args.get(k, "") for k in ROSTER_FILTERS}
    following = {k: v for k, v in filters.items() if v} | {"cursor": roster.cursor}
    notifications = app.infrastructure.settings.public_urls["notifications"]
    return render_template(
        "registration/organiser_event.html",
        event=page["event"],
        rows=roster.items,
        count=roster.count,
        filters=filters,
        sorts=list(views.ROSTER_SORTS),
        statuses=s.STATUSES,
        roles=s.ROLES,
        next_page=url_for(".event", event_id=event_id, **following) if roster.cursor else None,
        report=page["report"],
        planner=f"{app.urls.scheduling}/organiser/events/{event_id}/visits",
        delivery_log=f"{notifications}/organiser/notifications?event_id={event_id}",
    )


@organiser_pages.post("/organiser/events/<event_id>/publish")
@organiser_page
def publish_event(event_id):
    """Publish a draft: registration opens."""
    app = _app()
    handlers.publish_event(event_id, app.uow(), app.clock)
    flash(_("Event published."))
    return redirect(url_for(".event", event_id=event_id), 303)


@organiser_pages.route("/organiser/events/<event_id>/cancel", methods=["GET", "POST"])
@organiser_page
def cancel_event(event_id):
    """Cancel an event, once confirmed on its confirmation page (with a reason for the email)."""
    if not confirmed():
        return confirmation_page(confirmations.cancel_event(_event(event_id)))
    app = _app()
    reason = form_text(request.form, "reason", multi_line=True)
    handlers.cancel_event(event_id, reason, app.uow(), app.clock)
    flash(_("Event cancelled."))
    return redirect(url_for(".event", event_id=event_id), 303)


@organiser_pages.route("/organiser/events/<event_id>/delete", methods=["GET", "POST"])
@organiser_page
def delete_draft(event_id):
    """Delete a draft, once confirmed; a published event is refused (it is cancelled instead)."""
    event = _event(event_id)
    if not confirmed():
        return confirmation_page(confirmations.delete_draft(event))
    try:
        handlers.delete_draft(event_id, _app().uow())
    except errors.InvalidTransition as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
        return redirect(url_for(".event", event_id=event_id), 303)
    flash(_("Draft “%(title)s” deleted.", title=event["title"]))
    return redirect(url_for(".events"), 303)


@organiser_pages.get("/organiser/registrations/<registration_id>/<action>")
@organiser_page
def confirm_registration_action(registration_id, action):
    """The confirmation page of rejecting or cancelling one registration."""
    if action not in CONFIRMED_ACTIONS:
        abort(404)
    row = views.organiser_registration(_app().uow(), registration_id)
    return confirmation_page(CONFIRMED_ACTIONS[action](row))


@organiser_pages.post("/organiser/registrations/<registration_id>/<action>")
@organiser_page
def registration_action(registration_id, action):
    """Approve, reject, promote or cancel one registration (the last two once confirmed)."""
    if action not in ACTIONS:
        abort(404)
    if action in CONFIRMED_ACTIONS and not confirmed():
        return confirm_registration_action(registration_id, action)
    app = _app()
    extra = (form_text(request.form, "reason", multi_line=True),) if action == "reject" else ()
    try:
        done = getattr(handlers, action)(registration_id, *extra, app.uow(), app.clock)
    except (errors.InvalidTransition, errors.EventFull) as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
        return redirect(safe_next(request.form.get("back"), url_for(".events")), 303)
    flash(ACTIONS[action](done.name or _("the participant")))
    return redirect(url_for(".event", event_id=done.event_id), 303)


@organiser_pages.post("/organiser/events/<event_id>/registrations/bulk")
@organiser_page
def bulk_action(event_id):
    """Approve the ticked registrations, or reject them once confirmed (with one reason)."""
    action, ids = request.form.get("action"), request.form.getlist("ids")[:MAX_BULK]
    if action not in BULK_ACTIONS:
        abort(400, description=_("Choose approve or reject."))
    if not ids:
        flash(_("Tick at least one registration first."))
        return redirect(url_for(".event", event_id=event_id), 303)
    app = _app()
    if action == "reject" and not confirmed():
        rows = [views.organiser_registration(app.uow(), i) for i in ids]
        return confirmation_page(confirmations.reject_many(event_id, rows))
    extra = (form_text(request.form, "reason", multi_line=True),) if action == "reject" else ()
    done, refused = 0, []
    for registration_id in ids:
        try:
            getattr(handlers, action)(registration_id, *extra, app.uow(), app.clock)
            done += 1
        except (errors.InvalidTransition, errors.EventFull, errors.NotFound) as exc:
            refused.append(problem_text(exc))
    flash(BULK_ACTIONS[action](done))
    if refused:
        flash(_("Not possible: %(reason)s", reason="; ".join(refused)))
    return redirect(url_for(".event", event_id=event_id), 303)


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
