"""Pages of check-in: the organiser's desk (no camera, no script) and the participant's code.

A barcode scanner is a keyboard: it types the QR code's text into the focused field and
presses Enter, so the desk is one autofocused form that answers with the outcome at once.
"""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, render_template, request, url_for

from services.registration.attendance.domain import errors
from services.registration.attendance.entrypoints.api import (
    ERRORS,
    parse_day,
    pdf_response,
    sheet_download,
)
from services.registration.attendance.service_layer import handlers, views
from shared.exports import FORMATS
from shared.pages.layout import page_blueprint
from shared.pages.login import organiser_page, page_organiser

attendance_pages = page_blueprint("attendance_pages", __name__)
IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _app():
    return current_app.extensions["container"]


def _desk(event_id: str, day_text: str | None, feedback=None, status: int = 200):
    app = _app()
    day = parse_day(day_text) if day_text else None
    sheet = views.desk(app.uow(), event_id, day, app.clock())
    page = render_template("attendance/desk.html", sheet=sheet, feedback=feedback)
    return page, status


@attendance_pages.get("/organiser/events/<event_id>/check-in")
@organiser_page
def desk(event_id):
    """The check-in desk of one day (today by default), with who is in and who is not yet."""
    return _desk(event_id, request.args.get("day"))


@attendance_pages.post("/organiser/events/<event_id>/check-in")
@organiser_page
def check_in(event_id):
    """Check the code in and answer on the same page, the field focused for the next one."""
    app, day_text = _app(), request.form.get("day") or None
    organiser = page_organiser()
    try:
        day = parse_day(day_text) if day_text else None
        done = handlers.check_in(
            event_id,
            request.form.get("code", ""),
            day,
            app.uow(),
            app.clock,
            organiser.credential_id if organiser else None,
        )
    except errors.AttendanceError as exc:
        shown_day = None if isinstance(exc, errors.NotAnEventDay) else day_text
        return _desk(event_id, shown_day, {"outcome": exc.outcome}, ERRORS.get(type(exc), 409))
    feedback = {"outcome": "checked_in", "name": done.name, "organisation": done.organisation}
    return _desk(event_id, done.day.isoformat(), feedback, 201)


@attendance_pages.post("/organiser/events/<event_id>/check-in/undo")
@organiser_page
def undo(event_id):
    """Take a check-in back, then show the desk of the same day again."""
    app, day_text = _app(), request.form.get("day", "")
    handlers.undo_check_in(
        event_id, request.form.get("registration_id", ""), parse_day(day_text), app.uow(), app.clock
    )
    return redirect(url_for(".desk", event_id=event_id, day=day_text), 303)


@attendance_pages.get("/organiser/events/<event_id>/attendance-<day>.<fmt>")
@organiser_page
def sheet(event_id, day, fmt):
    """The day's attendance sheet: PDF for signatures, or the same rows as CSV/XLSX."""
    if fmt not in ("pdf", *FORMATS):
        abort(404)
    app = _app()
    page = views.desk(app.uow(), event_id, parse_day(day), app.clock())
    return sheet_download(page, f"attendance-{event_id}-{day}", fmt)


def _visit_desk(visit_id: str, feedback=None, status: int = 200):
    sheet = views.visit_desk(_app().uow(), visit_id)
    page = render_template("attendance/desk.html", sheet=sheet, feedback=feedback)
    return page, status


@attendance_pages.get("/organiser/visits/<visit_id>/check-in")
@organiser_page
def visit_desk(visit_id):
    """The check-in desk of one study visit: who is booked, who came."""
    return _visit_desk(visit_id)


@attendance_pages.post("/organiser/visits/<visit_id>/check-in")
@organiser_page
def check_in_visit(visit_id):
    """Check a booked participant in at the visit and answer on the same page."""
    app, organiser = _app(), page_organiser()
    by = organiser.credential_id if organiser else None
    try:
        done = handlers.check_in_visit(
            visit_id, request.form.get("code", ""), app.uow(), app.clock, by
        )
    except errors.AttendanceError as exc:
        return _visit_desk(visit_id, {"outcome": exc.outcome}, ERRORS.get(type(exc), 409))
    feedback = {"outcome": "checked_in", "name": done.name, "organisation": done.organisation}
    return _visit_desk(visit_id, feedback, 201)


@attendance_pages.post("/organiser/visits/<visit_id>/check-in/undo")
@organiser_page
def undo_visit(visit_id):
    app = _app()
    registration_id = request.form.get("registration_id", "")
    handlers.undo_visit_check_in(visit_id, registration_id, app.uow(), app.clock)
    return redirect(url_for(".visit_desk", visit_id=visit_id), 303)


@attendance_pages.get("/organiser/visits/<visit_id>/attendance.<fmt>")
@organiser_page
def visit_sheet(visit_id, fmt):
    """The visit's attendance sheet: PDF for signatures, or CSV/XLSX."""
    if fmt not in ("pdf", *FORMATS):
        abort(404)
    sheet = views.visit_desk(_app().uow(), visit_id)
    return sheet_download(sheet, f"attendance-visit-{visit_id}", fmt)


@attendance_pages.get("/manage/<token>/check-in.<fmt>")
def checkin_image(token, fmt):
    """The QR code of your check-in code, to show at the desk on a phone or on paper."""
    if fmt not in IMAGE_TYPES:
        abort(404)
    image = views.checkin_image(_app().uow(), token, fmt)
    return Response(image, mimetype=IMAGE_TYPES[fmt])


@attendance_pages.get("/manage/<token>/certificate.pdf")
def certificate(token):
    """Your certificate of attendance (once you were checked in)."""
    return pdf_response(views.certificate_pdf(_app().uow(), token), "certificate")
