"""Organiser pages: the delivery log with filters and resend."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.notifications.domain.errors import NotResendable
from services.notifications.domain.notification import DELIVERY_STATUSES
from services.notifications.entrypoints import schemas as s
from services.notifications.service_layer import delivery, views
from shared.exports import FORMATS, download
from shared.paged_api import page_request
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page, safe_next
from shared.pages.problem_text import problem_text

delivery_pages = page_blueprint("delivery_pages", __name__)
FILTERS = ("recipient", "event_id", "status")


def _app():
    return current_app.extensions["container"]


@delivery_pages.get("/organiser/notifications")
@organiser_page
def delivery_log():
    """Emails, newest first, filtered by recipient, event and status."""
    values = {k: request.args[k].strip() for k in FILTERS if request.args.get(k, "").strip()}
    query, errs = form_errors(s.NotificationQuerySchema(), values)
    rows = []
    if not errs:
        with _app().infrastructure.session_factory() as session:
            rows = views.list_notifications(session, query, page_request(query)).items
    page = render_template(
        "notifications/log.html",
        rows=rows,
        values=values,
        errors=errs,
        statuses=DELIVERY_STATUSES,
    )
    return page, 422 if errs else 200


@delivery_pages.get("/organiser/notifications.<fmt>")
@organiser_page
def delivery_export(fmt):
    """The filtered delivery log as a spreadsheet (CSV or XLSX)."""
    values = {k: request.args[k].strip() for k in FILTERS if request.args.get(k, "").strip()}
    query, errs = form_errors(s.NotificationQuerySchema(), values)
    if fmt not in FORMATS or errs:
        abort(404 if fmt not in FORMATS else 422)
    with _app().infrastructure.session_factory() as session:
        rows = views.list_notifications(session, query, page_request(query)).items
    return download(*views.delivery_table(rows), "delivery-log", fmt)


@delivery_pages.post("/organiser/notifications/<notification_id>/resend")
@organiser_page
def resend(notification_id):
    """Send an email again."""
    app = _app()
    try:
        again = delivery.resend(notification_id, app.uow(), app.clock)
        flash(_("Resend queued (%(id)s).", id=again.id))
    except NotResendable as exc:
        flash(_("Not possible: %(reason)s", reason=problem_text(exc)))
    return redirect(safe_next(request.form.get("back"), url_for(".delivery_log")), 303)
