"""The organiser's page of one registration: who, its history, and correcting the address."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.registration.domain import errors
from services.registration.domain.commands import CorrectEmail
from services.registration.entrypoints import confirmations
from services.registration.entrypoints import schemas as s
from services.registration.service_layer import handlers, views
from shared.pages.confirm import confirmation_page, confirmed
from shared.pages.layout import form_errors, page_blueprint
from shared.pages.login import organiser_page, page_organiser

registration_page = page_blueprint("registration_page", __name__)
# what a refused correction answers, as the API would (the form is shown again with it)
REFUSED = {
    errors.AlreadyRegistered: 409,
    errors.InvalidTransition: 409,
    errors.Erased: 410,
    errors.InvalidCorrection: 422,
}


def _app():
    return current_app.extensions["container"]


def _page(registration_id: str, values: dict, errs: dict, form_error=None, status=200):
    app = _app()
    shown = views.organiser_registration(app.uow(), registration_id)
    notifications = app.infrastructure.settings.public_urls["notifications"]
    page = render_template(
        "registration/organiser_registration.html",
        r=shown,
        values=values,
        errors=errs,
        form_error=form_error,
        delivery_log=f"{notifications}/organiser/notifications?event_id={shown['event_id']}",
    )
    return page, status


@registration_page.get("/organiser/registrations/<registration_id>")
@organiser_page
def registration(registration_id):
    """One registration: the person, the form correcting the address, the history."""
    return _page(registration_id, {"resend_failed": "true"}, {})


def _correction_form() -> dict:
    form = request.form
    payload = {"email": form.get("email", "").strip(), "reason": form.get("reason", "").strip()}
    payload["resend_failed"] = form.get("resend_failed") == "true"
    return payload | {"reason": payload["reason"] or None}


@registration_page.post("/organiser/registrations/<registration_id>/email")
@organiser_page
def correct_email(registration_id):
    """Correct the address once the confirmation page says from which to which."""
    values = request.form.to_dict()
    data, errs = form_errors(s.CorrectEmailSchema(), _correction_form())
    if errs:
        return _page(registration_id, values, errs, status=422)
    app = _app()
    if not confirmed():
        shown = views.organiser_registration(app.uow(), registration_id)
        return confirmation_page(confirmations.correct_email(shown, data))
    organiser = page_organiser()
    by = {"by_id": organiser.credential_id, "by_name": organiser.name} if organiser else {}
    try:
        done = handlers.correct_email(
            registration_id, CorrectEmail(**data, **by), app.uow(), app.clock
        )
    except tuple(REFUSED) as exc:
        reason = _("Not possible: %(reason)s", reason=str(exc))
        return _page(registration_id, values, {}, reason, REFUSED[type(exc)])
    flash(_("The address of %(name)s is now %(email)s.", name=done.name, email=done.email))
    return redirect(url_for(".registration", registration_id=registration_id), 303)
