"""Pages of a study visit's participant list: the organiser's table and the host's printout."""

from __future__ import annotations

from flask import abort, current_app, render_template

from services.registration.attendance.entrypoints.visit_list_api import participants_download
from services.registration.attendance.service_layer import visit_list
from shared.exports import FORMATS
from shared.pages.layout import page_blueprint
from shared.pages.login import organiser_page

visit_list_pages = page_blueprint("visit_list_pages", __name__)


def _page(visit_id: str) -> dict:
    return visit_list.visit_participants(current_app.extensions["container"].uow(), visit_id)


@visit_list_pages.get("/organiser/visits/<visit_id>/participants")
@organiser_page
def participants(visit_id):
    """Who is booked on the visit, with their needs; links to the exports and the printout."""
    return render_template("attendance/participants.html", page=_page(visit_id))


@visit_list_pages.get("/organiser/visits/<visit_id>/participants.<fmt>")
@organiser_page
def export(visit_id, fmt):
    """The list as CSV or XLSX, the same rows as the API's."""
    if fmt not in FORMATS:
        abort(404)
    return participants_download(_page(visit_id), fmt)


@visit_list_pages.get("/organiser/visits/<visit_id>/participants/print")
@organiser_page
def printout(visit_id):
    """The list to print for the host: the visit, the table and a blank notes column, no menu."""
    return render_template("attendance/participants_print.html", page=_page(visit_id))
