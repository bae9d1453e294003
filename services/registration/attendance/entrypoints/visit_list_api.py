"""The participant list of a study visit (/api/v1), for organisers to pass on to its host."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.registration.attendance.entrypoints import schemas as s
from services.registration.attendance.service_layer import visit_list
from shared.exports import download
from shared.web import organiser_required

visit_list_blp = Blueprint(
    "visit_participants",
    __name__,
    url_prefix="/api/v1",
    description="Who comes on a study visit, with their needs, for its host",
)
ORGANISER = [{"organiser": []}]


def participants_download(page: dict, fmt: str):
    """The list as JSON, or its rows as a CSV or XLSX attachment."""
    if fmt == "json":
        return page
    name = f"participants-visit-{page['visit']['id']}"
    return download(*visit_list.participants_table(page), name, fmt)


@visit_list_blp.get("/visits/<visit_id>/participants")
@visit_list_blp.doc(security=ORGANISER)
@organiser_required
@visit_list_blp.arguments(s.VisitParticipantsQuerySchema, location="query")
@visit_list_blp.response(200, s.VisitParticipantsSchema)
@visit_list_blp.alt_response(
    200, description="The list; with format=csv or xlsx its participants' rows as a spreadsheet"
)
@visit_list_blp.alt_response(404, description="No such study visit (or not announced yet)")
def visit_participants(query, visit_id):
    """The participant list of a study visit, with dietary and accessibility needs.

    Everyone booked on it with a confirmed seat (erased people left out), by name: organisation,
    country, role and needs; the visit's host, place, time and capacity (null until a visit
    message after this version); how many state needs. For organisers only, to pass on to the
    host. ``format=csv`` (formula-safe) or ``xlsx`` gives the participants' rows as a sheet."""
    page = visit_list.visit_participants(current_app.extensions["container"].uow(), visit_id)
    return participants_download(page, query["format"])
