"""HTTP resources of the notifications service (/api/v1): the delivery log and resends."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from services.notifications.entrypoints import schemas as s
from services.notifications.service_layer import delivery, views
from shared.exports import FORMATS, download
from shared.paged_api import envelope, page_request, page_schema
from shared.web import organiser_required

notifications_blp = Blueprint(
    "notifications", __name__, url_prefix="/api/v1", description="Delivery log (organisers)"
)
ORGANISER = [{"organiser": []}]


def _app():
    return current_app.extensions["container"]


@notifications_blp.get("/notifications")
@notifications_blp.doc(security=ORGANISER)
@organiser_required
@notifications_blp.arguments(s.NotificationQuerySchema, location="query")
@notifications_blp.response(200, page_schema(s.NotificationSchema))
def list_notifications(query):
    """Emails, newest first, a page at a time, with status (queued, sent, failed), attempts
    and last error.

    ``format=csv`` or ``xlsx`` downloads the same page of rows as a spreadsheet.
    """
    page = page_request(query)
    with _app().infrastructure.session_factory() as session:
        found = views.list_notifications(session, query, page)
    if query["format"] in FORMATS:
        return download(*views.delivery_table(found.items), "delivery-log", query["format"])
    return envelope(found)


@notifications_blp.get("/notifications/<notification_id>")
@notifications_blp.doc(security=ORGANISER)
@organiser_required
@notifications_blp.response(200, s.NotificationSchema)
def get_notification(notification_id):
    """One email and how its delivery went."""
    with _app().infrastructure.session_factory() as session:
        return views.get_notification(session, notification_id)


@notifications_blp.post("/notifications/<notification_id>/resend")
@notifications_blp.doc(security=ORGANISER)
@organiser_required
@notifications_blp.response(202, s.NotificationSchema)
def resend(notification_id):
    """Send again: a queued email becomes due now; a sent or failed one is copied (new id).

    Returns the notification that will carry the resend.
    """
    app = _app()
    again = delivery.resend(notification_id, app.uow(), app.clock)
    return views.notification_view(again)
