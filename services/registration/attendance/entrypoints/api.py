"""HTTP resources of check-in and attendance (/api/v1), for organisers and participants."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask import Response, current_app, g
from flask_smorest import Blueprint

from services.registration.attendance.domain import errors
from services.registration.attendance.entrypoints import schemas as s
from services.registration.attendance.service_layer import handlers, views
from shared.exports import download
from shared.problems import problem
from shared.web import organiser_required

attendance_blp = Blueprint(
    "attendance", __name__, url_prefix="/api/v1", description="Check-in and attendance evidence"
)
ORGANISER = [{"organiser": []}]
PDF = "application/pdf"
# Statuses of the desk's refusals; each problem also names its ``outcome``.
ERRORS: dict[type[Exception], int] = {
    errors.InvalidCode: 422,
    errors.NotAnEventDay: 422,
    errors.UnknownCode: 404,
    errors.NotCheckedIn: 404,
    errors.WrongEvent: 409,
    errors.NotConfirmed: 409,
    errors.AlreadyCheckedIn: 409,
    errors.NotOnVisit: 409,
    errors.VisitCancelled: 409,
}


def _app():
    return current_app.extensions["container"]


@attendance_blp.errorhandler(errors.AttendanceError)
def refused(exc: errors.AttendanceError) -> Response:
    """A refusal as problem+json with the desk's ``outcome`` (unknown_code, wrong_event …)."""
    return problem(ERRORS.get(type(exc), 409), str(exc), outcome=exc.outcome)


def parse_day(text: str) -> date:
    """A day from a path segment (ISO date), or the desk's 422."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.NotAnEventDay(f"{text[:20]!r} is not a date (YYYY-MM-DD)") from None


def pdf_response(body: bytes, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}.pdf"'
    return Response(body, mimetype=PDF, headers={"Content-Disposition": disposition})


@attendance_blp.post("/events/<event_id>/check-ins")
@attendance_blp.doc(security=ORGANISER)
@organiser_required
@attendance_blp.arguments(s.CheckInSchema)
@attendance_blp.response(201, s.CheckedInSchema)
def check_in(data, event_id):
    """Check a participant in by the code they show (typed or scanned), for a day.

    Refusals are problems naming their ``outcome``: ``invalid_code`` (422), ``unknown_code``
    (404), ``wrong_event``, ``not_confirmed`` or ``already_checked_in`` (409),
    ``not_an_event_day`` (422)."""
    app = _app()
    done = handlers.check_in(
        event_id, data["code"], data["day"], app.uow(), app.clock, g.organiser.credential_id
    )
    return {"outcome": "checked_in", **asdict(done)}


@attendance_blp.delete("/events/<event_id>/check-ins/<day>/<registration_id>")
@attendance_blp.doc(security=ORGANISER)
@organiser_required
@attendance_blp.response(204)
def undo_check_in(event_id, day, registration_id):
    """Undo a check-in made by mistake (announced as ``attendance.undone``)."""
    app = _app()
    handlers.undo_check_in(event_id, registration_id, parse_day(day), app.uow(), app.clock)


@attendance_blp.get("/events/<event_id>/attendance")
@attendance_blp.doc(security=ORGANISER)
@organiser_required
@attendance_blp.arguments(s.SheetQuerySchema, location="query")
@attendance_blp.response(200, s.SheetSchema)
@attendance_blp.alt_response(200, description="format=pdf, csv or xlsx: the attendance sheet")
def attendance_sheet(query, event_id):
    """A day's attendance: every confirmed participant with their check-in, if any.

    ``format=pdf`` is the sheet for EU evidence (programme, date, venue, a signature column);
    ``csv`` and ``xlsx`` the same rows as a spreadsheet."""
    app = _app()
    sheet = views.desk(app.uow(), event_id, query["day"], app.clock())
    name = f"attendance-{event_id}-{sheet['event']['day'].isoformat()}"
    return sheet_download(sheet, name, query["format"])


def sheet_download(sheet: dict, name: str, fmt: str) -> Response | dict:
    """The sheet in the format asked for: PDF, CSV, XLSX, or the JSON document itself."""
    if fmt == "pdf":
        return pdf_response(views.sheet_pdf(sheet), name)
    if fmt != "json":
        return download(*views.sheet_table(sheet["rows"]), name, fmt)
    return sheet


@attendance_blp.post("/visits/<visit_id>/check-ins")
@attendance_blp.doc(security=ORGANISER)
@organiser_required
@attendance_blp.arguments(s.VisitCheckInSchema)
@attendance_blp.response(201, s.CheckedInSchema)
def check_in_visit(data, visit_id):
    """Check a participant in at a study visit: only someone booked on it is admitted
    (``not_on_visit``, 409); a cancelled visit admits nobody (``visit_cancelled``, 409)."""
    app = _app()
    done = handlers.check_in_visit(
        visit_id, data["code"], app.uow(), app.clock, g.organiser.credential_id
    )
    return {"outcome": "checked_in", **asdict(done)}


@attendance_blp.delete("/visits/<visit_id>/check-ins/<registration_id>")
@attendance_blp.doc(security=ORGANISER)
@organiser_required
@attendance_blp.response(204)
def undo_visit_check_in(visit_id, registration_id):
    """Undo a study visit's check-in (announced as ``attendance.undone`` with the visit)."""
    app = _app()
    handlers.undo_visit_check_in(visit_id, registration_id, app.uow(), app.clock)


@attendance_blp.get("/visits/<visit_id>/attendance")
@attendance_blp.doc(security=ORGANISER)
@organiser_required
@attendance_blp.arguments(s.VisitSheetQuerySchema, location="query")
@attendance_blp.response(200, s.VisitSheetSchema)
@attendance_blp.alt_response(200, description="format=pdf, csv or xlsx: the attendance sheet")
def visit_attendance_sheet(query, visit_id):
    """A study visit's attendance: everyone booked, with their check-in; ``format=pdf`` is the
    visit's sheet for EU evidence (``csv``, ``xlsx`` the same rows)."""
    sheet = views.visit_desk(_app().uow(), visit_id)
    return sheet_download(sheet, f"attendance-visit-{visit_id}", query["format"])


@attendance_blp.get("/manage/<token>/check-in")
@attendance_blp.response(200, s.OwnCheckInSchema)
def own_check_in(token):
    """Your check-in code (with a confirmed seat) and its QR code; your certificate once you
    have attended."""
    app = _app()
    mine = views.checkin_of(app.uow(), token)
    seated = mine["checkin_code"] is not None
    base = f"{app.urls.registration}/manage/{token}"
    return {
        **mine,
        "qr_png_url": f"{base}/check-in.png" if seated else None,
        "qr_svg_url": f"{base}/check-in.svg" if seated else None,
        "certificate_url": app.urls.certificate(token) if mine["certificate"] else None,
    }


@attendance_blp.get("/manage/<token>/certificate")
@attendance_blp.response(200, description="The certificate of attendance (application/pdf)")
def own_certificate(token):
    """Your certificate of attendance as PDF; 404 unless you were checked in."""
    return pdf_response(views.certificate_pdf(_app().uow(), token), "certificate")
