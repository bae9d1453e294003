"""Organiser pages: endpoints (list, create, disable/enable) and each one's delivery log."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.notifications.webhooks.domain.errors import WebhookNotFound
from services.notifications.webhooks.entrypoints import schemas as s
from services.notifications.webhooks.service_layer import endpoints, views
from services.notifications.webhooks.service_layer.handlers import message_types
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page

webhook_pages = page_blueprint("webhook_pages", __name__)


def _hooks():
    return current_app.extensions["webhooks"]


def _list_page(values: dict, errors: dict, created=None, status: int = 200):
    rows = views.list_endpoints(_hooks().uow())
    page = render_template(
        "webhooks/endpoints.html",
        rows=rows,
        values=values,
        errors=errors,
        types=message_types(),
        created=created,
    )
    return page, status


@webhook_pages.get("/organiser/webhooks")
@organiser_page
def endpoint_list():
    """Endpoints and the form to add one."""
    return _list_page({}, {})


@webhook_pages.post("/organiser/webhooks")
@organiser_page
def create():
    """Register an endpoint and show its secret once (no redirect: it must not be stored)."""
    values = {
        "url": request.form.get("url", "").strip(),
        "description": request.form.get("description", "").strip(),
        "message_types": request.form.getlist("message_types"),
    }
    body, errors = form_errors(s.EndpointCreateSchema(), values)
    if errors:
        return _list_page(values, errors, status=422)
    hooks = _hooks()
    endpoint = endpoints.register(
        hooks.uow(), hooks.clock, body["url"], body["message_types"], body["description"]
    )
    return _list_page({}, {}, created=endpoint, status=201)


@webhook_pages.get("/organiser/webhooks/<endpoint_id>")
@organiser_page
def endpoint_log(endpoint_id):
    """One endpoint and its deliveries, newest first."""
    hooks = _hooks()
    endpoint = views.get_endpoint(hooks.uow(), endpoint_id)
    rows = views.deliveries(hooks.uow(), endpoint_id)
    return render_template("webhooks/log.html", endpoint=endpoint, rows=rows)


@webhook_pages.post("/organiser/webhooks/<endpoint_id>/<action>")
@organiser_page
def switch(endpoint_id, action):
    """Disable or enable an endpoint."""
    if action not in ("disable", "enable"):
        raise WebhookNotFound(f"no action {action}")
    hooks = _hooks()
    endpoints.set_active(hooks.uow(), hooks.clock, endpoint_id, action == "enable")
    flash(_("Endpoint enabled.") if action == "enable" else _("Endpoint disabled."))
    return redirect(url_for(".endpoint_log", endpoint_id=endpoint_id), 303)


@webhook_pages.post("/organiser/webhooks/<endpoint_id>/deliveries/<delivery_id>/resend")
@organiser_page
def resend(endpoint_id, delivery_id):
    """Send a delivery again now."""
    hooks = _hooks()
    endpoints.resend(hooks.uow(), hooks.clock, hooks.policy, endpoint_id, delivery_id)
    flash(_("Resend queued."))
    return redirect(url_for(".endpoint_log", endpoint_id=endpoint_id), 303)
