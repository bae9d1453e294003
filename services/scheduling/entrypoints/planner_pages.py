"""Organiser pages: the study-visit planner of an event (time blocks, capacity, conflicts)."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.scheduling.domain import errors
from services.scheduling.domain.commands import HostDetails, Location, ScheduleVisit
from services.scheduling.entrypoints import schemas as s
from services.scheduling.exchanges.service_layer import views as exchange_views
from services.scheduling.service_layer import handlers, views
from shared.exports import FORMATS, download
from shared.pages.confirm import Confirmation, confirmation_page, confirmed
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page
from shared.pages.problem_text import problem_text
from shared.text import form_text

planner_pages = page_blueprint("planner_pages", __name__)
TEXT = ("title", "description", "meeting_point")
NESTED = {
    "host": ("organisation", "contact_name", "contact_email"),
    "location": ("name", "address"),
}
REFUSALS = (errors.Conflict, errors.InvalidVisit, errors.NotFound)


def _app():
    return current_app.extensions["container"]


def visit_payload(form, timezone: str) -> dict:
    """The visit form as the API's VisitInSchema expects it (nested host and place, aware times)."""
    data: dict = {k: form[k].strip() for k in TEXT if form.get(k, "").strip()}
    for group, keys in NESTED.items():
        data[group] = {k: form.get(f"{group}.{k}", "").strip() for k in keys}
        data[group] = {k: v for k, v in data[group].items() if v}
    for key in ("start", "end"):
        if form.get(key):
            try:
                naive = datetime.fromisoformat(form[key])
                data[key] = naive.replace(tzinfo=ZoneInfo(timezone)).isoformat()
            except ValueError:
                data[key] = form[key]
    capacity = form.get("capacity", "").strip()
    if capacity:
        data["capacity"] = int(capacity) if capacity.isdigit() else capacity
    return data


def conflicts(visits: list[dict]) -> dict[str, list[str]]:
    """Visits whose times overlap without being the same slot: nobody can attend both."""
    found: dict[str, list[str]] = {}
    live = [v for v in visits if v["status"] != "cancelled"]
    for a in live:
        for b in live:
            same_slot = (a["start"], a["end"]) == (b["start"], b["end"])
            if a is not b and not same_slot and a["start"] < b["end"] and b["start"] < a["end"]:
                found.setdefault(a["id"], []).append(b["title"])
    return found


def _planner(event_id: str, values: dict, errs: dict, form_error=None, status=200):
    app = _app()
    planned = views.planner(app.uow(), event_id, app.feeds)
    programme, visits, blocks = planned.programme, planned.visits, planned.blocks
    registration = app.infrastructure.settings.public_urls["registration"]
    ordered = sorted(visits, key=lambda v: (v["start"], v["end"], v["title"]))
    slots = [
        (slot, list(group)) for slot, group in groupby(ordered, lambda v: (v["start"], v["end"]))
    ]
    page = render_template(
        "scheduling/planner.html",
        programme=programme,
        slots=slots,
        conflicts=conflicts(visits),
        blocks=blocks,
        by_id={v["id"]: v for v in visits},
        values=values,
        errors=errs,
        form_error=form_error,
        registration=registration,
        organiser_event=f"{registration}/organiser/events/{event_id}",
    )
    return page, status


@planner_pages.get("/organiser/events/<event_id>/visits")
@organiser_page
def planner(event_id):
    """Visits per time block with capacity bars and conflicts; forms to add visits and blocks."""
    return _planner(event_id, {}, {})


@planner_pages.post("/organiser/events/<event_id>/visits")
@organiser_page
def schedule_visit(event_id):
    """Add a study visit (times in the event's timezone)."""
    app = _app()
    timezone = views.timezone(app.uow(), event_id)
    values = request.form.to_dict()
    data, errs = form_errors(s.VisitInSchema(), visit_payload(request.form, timezone))
    if errs:
        return _planner(event_id, values, errs, status=422)
    data |= {"host": HostDetails(**data["host"]), "location": Location(**data["location"])}
    data["requirements"] = tuple(data["requirements"])
    try:
        visit = handlers.schedule_visit(
            ScheduleVisit(event_id=event_id, **data), app.uow(), app.clock, app.policy
        )
    except REFUSALS as exc:
        return _planner(event_id, values, {}, str(exc), 409)
    flash(_("Visit “%(title)s” scheduled.", title=visit.title))
    return redirect(url_for(".planner", event_id=event_id), 303)


def _cancel_visit_confirmation(visit: dict) -> Confirmation:
    booked = visit["seats_taken"]
    emailed = _("Everyone booked on it (%(count)s).", count=booked) if booked else ""
    return Confirmation(
        title=_("Cancel the visit “%(title)s”?", title=visit["title"]),
        consequence=_(
            "The visit is cancelled: its bookings end, its reminders stop and the calendars of "
            "those booked drop it. This cannot be undone."
        ),
        emailed=emailed,
        button=_("Cancel the visit"),
        back=url_for(".planner", event_id=visit["event_id"]),
        reason_label=_("Reason, quoted in the email"),
    )


@planner_pages.route("/organiser/visits/<visit_id>/cancel", methods=["GET", "POST"])
@organiser_page
def cancel_visit(visit_id):
    """Cancel a visit, once confirmed on its confirmation page (with a reason for the email)."""
    app = _app()
    if not confirmed():
        shown = views.visit(app.uow(), visit_id, app.feeds, True)
        return confirmation_page(_cancel_visit_confirmation(shown))
    visit = handlers.cancel_visit(
        visit_id, form_text(request.form, "reason", multi_line=True), app.uow(), app.clock
    )
    flash(_("Visit “%(title)s” cancelled.", title=visit.title))
    return redirect(url_for(".planner", event_id=visit.event_id), 303)


def visit_values(visit: dict) -> dict:
    """A visit view as the form's flat values, its times in the event's timezone."""
    values = {k: visit.get(k) or "" for k in TEXT}
    for group, keys in NESTED.items():
        values.update({f"{group}.{k}": visit[group].get(k, "") for k in keys})
    values.update({k: visit[k].strftime("%Y-%m-%dT%H:%M") for k in ("start", "end")})
    return values | {"capacity": visit["capacity"]}


def _place(visit: dict, form: dict) -> Location:
    """The form's place; the map position, not on the form, is kept while the address is."""
    kept = visit["location"]
    same = form["address"] == kept["address"]
    position = {"lat": kept["lat"], "lon": kept["lon"]} if same else {}
    return Location(name=form["name"], address=form["address"], **position)


def _visit_form(visit: dict, values: dict, errs: dict, form_error=None, status=200):
    page = render_template(
        "scheduling/visit_edit.html", visit=visit, values=values, errors=errs, form_error=form_error
    )
    return page, status


@planner_pages.route("/organiser/visits/<visit_id>/edit", methods=["GET", "POST"])
@organiser_page
def edit_visit(visit_id):
    """Edit or reschedule a visit; a new time or place reaches the calendars of those booked."""
    app = _app()
    visit = views.visit(app.uow(), visit_id, app.feeds, True)
    if request.method == "GET":
        return _visit_form(visit, visit_values(visit), {})
    values = request.form.to_dict()
    data, errs = form_errors(s.VisitInSchema(), visit_payload(request.form, visit["timezone"]))
    if errs:
        return _visit_form(visit, values, errs, status=422)
    data |= {"host": HostDetails(**data["host"]), "location": _place(visit, data["location"])}
    data.pop("requirements")  # not on the form: the visit keeps its own
    try:
        handlers.edit_visit(visit_id, data, app.uow(), app.clock, app.policy)
    except REFUSALS as exc:
        return _visit_form(visit, values, {}, str(exc), 409)
    flash(_("Visit “%(title)s” saved.", title=data["title"]))
    return redirect(url_for(".planner", event_id=visit["event_id"]), 303)


@planner_pages.post("/organiser/events/<event_id>/blocks")
@organiser_page
def create_block(event_id):
    """Group parallel visits into a block that participants rank."""
    app = _app()
    title = form_text(request.form, "block_title") or _("Parallel visits")
    try:
        handlers.create_block(
            event_id, title, request.form.getlist("visit_ids"), app.uow(), app.clock
        )
        flash(_("Block “%(title)s” opened for ranking.", title=title))
    except REFUSALS as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
    return redirect(url_for(".planner", event_id=event_id), 303)


@planner_pages.post("/organiser/blocks/<block_id>/close")
@organiser_page
def close_block(block_id):
    """Allocate the block's seats from the ranked preferences."""
    app = _app()
    try:
        handlers.close_block(block_id, app.uow(), app.clock, app.policy)
        flash(_("Seats allocated from the ranked preferences."))
    except REFUSALS as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
    event_id = views.block_event(app.uow(), block_id)
    return redirect(url_for(".planner", event_id=event_id), 303)


@planner_pages.get("/organiser/exchanges/kpis.<fmt>")
@organiser_page
def kpi_export(fmt):
    """The exchange programme's KPIs as a spreadsheet (CSV or XLSX)."""
    if fmt not in FORMATS:
        abort(404)
    figures = exchange_views.kpis(_app().uow())
    return download(*exchange_views.kpi_table(figures), "exchange-kpis", fmt)
