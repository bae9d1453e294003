"""Participant pages: open workshops, registration, verification, confirmation and manage page."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.registration.domain import errors
from services.registration.domain.commands import Participant, Register
from services.registration.entrypoints import confirmations
from services.registration.entrypoints import schemas as s
from services.registration.service_layer import handlers, views
from shared.pages.confirm import confirmation_page, confirmed
from shared.pages.languages import page_language_tag
from shared.pages.layout import form_errors, page_blueprint

participant_pages = page_blueprint("participant_pages", __name__)
FORM_FIELDS = (
    "name",
    "email",
    "organisation",
    "organisation_type",
    "country",
    "role",
    "partner_code",
    "dietary_needs",
    "accessibility_needs",
)


def _app():
    return current_app.extensions["container"]


def _event(event_id: str) -> dict:
    app = _app()
    return views.get_event(app.uow(), event_id, False, app.urls, app.clock())


def _manage(token: str) -> dict:
    app = _app()
    return views.manage_view(app.uow(), token, app.urls, app.clock())


@participant_pages.get("/")
def events():
    """Open workshops with seats left or their waiting-list state."""
    app = _app()
    shown = views.list_events(app.uow(), False, app.urls, app.clock()).items
    return render_template("registration/events.html", events=shown)


def registration_form() -> dict:
    """The form's fields as the API's RegistrationInSchema expects them."""
    data: dict = {k: request.form.get(k, "").strip() for k in FORM_FIELDS}
    data = {k: v for k, v in data.items() if v}  # empty: "Missing data for required field."
    if "country" in data:
        data["country"] = data["country"].upper()
    data["consent"] = request.form.get("consent") == "true"
    data["language"] = page_language_tag()  # emails follow the language of the pages
    return data


@participant_pages.route("/events/<event_id>/register", methods=["GET", "POST"])
def register(event_id):
    """The registration form; errors are shown next to their fields."""
    event = _event(event_id)
    values, errs, form_error, status = {}, {}, None, 200
    if request.args.get("partner_code"):  # a partner's link fills in its code
        values["partner_code"] = request.args["partner_code"]
    if request.method == "POST":
        values = registration_form()
        data, errs = form_errors(s.RegistrationInSchema(), values)
        status = 422 if errs else 200
        if not errs:
            app = _app()
            consent, code = data.pop("consent"), data.pop("partner_code")
            command = Register(
                event_id=event_id,
                participant=Participant(**data),
                consent=consent,
                partner_code=code,
            )
            try:
                _, registration, _ = handlers.register(command, app.uow(), app.clock, app.hold)
            except (errors.EventNotOpen, errors.EventFull, errors.AlreadyRegistered) as exc:
                form_error, status = str(exc), 409
            except errors.InvalidEvent as exc:
                form_error, status = str(exc), 422
            else:
                if registration is None:  # held until the address is verified
                    return redirect(url_for(".check_inbox", event_id=event_id), 303)
                token = registration.manage_token
                return redirect(url_for(".confirmation", token=token), 303)
    page = render_template(
        "registration/register.html",
        event=event,
        values=values,
        errors=errs,
        form_error=form_error,
        organisation_types=s.ORGANISATION_TYPES,
        roles=s.ROLES,
    )
    return page, status


@participant_pages.get("/events/<event_id>/check-inbox")
def check_inbox(event_id):
    """After a public registration: the link is on its way (the same page for everyone)."""
    minutes = int(_app().hold.total_seconds() // 60)
    return render_template(
        "registration/check_inbox.html", event=_event(event_id), hold_minutes=minutes
    )


# status and the problem's key; verify.html words each one in the page's language
VERIFY_PROBLEMS = {
    errors.NotFound: (404, "unknown"),
    errors.LinkUsed: (409, "used"),
    errors.LinkExpired: (410, "expired"),
}


@participant_pages.get("/verify/<token>")
def verify_form(token):
    """The verification email's link: a button, so a mail scanner's GET confirms nothing."""
    return render_template("registration/verify.html", problem=None)


@participant_pages.post("/verify/<token>")
def verify(token):
    """Confirm the address: the real state and, only now, the manage link."""
    app = _app()
    try:
        registration, _position = handlers.verify(token, app.uow(), app.clock)
    except (errors.NotFound, errors.LinkUsed, errors.LinkExpired) as exc:
        status, problem = VERIFY_PROBLEMS[type(exc)]
        return render_template("registration/verify.html", problem=problem), status
    return redirect(url_for(".confirmation", token=registration.manage_token), 303)


# status and the problem's key; offer.html words each one in the page's language
OFFER_PROBLEMS = {
    errors.NotFound: (404, "unknown"),
    errors.LinkUsed: (409, "used"),
    errors.LinkExpired: (410, "expired"),
    errors.InvalidTransition: (409, "void"),
}
OFFER_CHOICES = ("accept", "decline")


def _offer_page(token: str, choice: str, problem=None, status: int = 200):
    if choice not in OFFER_CHOICES:
        abort(404)
    app = _app()
    try:
        offer = views.offer_view(app.uow(), token, app.clock())
    except errors.NotFound:
        offer, (status, problem) = None, OFFER_PROBLEMS[errors.NotFound]
    page = render_template("registration/offer.html", offer=offer, choice=choice, problem=problem)
    return page, status


@participant_pages.get("/offers/<token>/<choice>")
def offer_form(token, choice):
    """The offer email's links: a button, so a mail scanner's GET answers nothing."""
    return _offer_page(token, choice)


@participant_pages.post("/offers/<token>/<choice>")
def answer_offer(token, choice):
    """Accept the held seat, or decline it (staying on the list if asked)."""
    if choice not in OFFER_CHOICES:
        abort(404)
    app = _app()
    try:
        if choice == "accept":
            registration = handlers.accept_offer(token, app.uow(), app.clock)
        else:
            stay = request.form.get("stay_on_waitlist") == "true"
            registration = handlers.decline_offer(token, stay, app.uow(), app.clock)
    except tuple(OFFER_PROBLEMS) as exc:
        status, problem = OFFER_PROBLEMS[type(exc)]
        return _offer_page(token, choice, problem, status)
    flash(_("Your seat is confirmed.") if choice == "accept" else _("You declined the offer."))
    return redirect(url_for(".manage", token=registration.manage_token), 303)


@participant_pages.get("/manage/<token>/confirmation")
def confirmation(token):
    """Right after registering: the status, the private manage link and calendar links."""
    own = _manage(token)
    manage_url = _app().urls.manage(token)
    return render_template("registration/confirmation.html", own=own, manage_url=manage_url)


@participant_pages.get("/manage/<token>")
def manage(token):
    """Your registration: needs, study visits (on scheduling), cancellation and erasure."""
    return render_template("registration/manage.html", own=_manage(token), errors={}, token=token)


@participant_pages.post("/manage/<token>/needs")
def update_needs(token):
    """Save dietary and accessibility needs."""
    values = {k: request.form.get(k, "").strip() or None for k in s.NeedsSchema().fields}
    data, errs = form_errors(s.NeedsSchema(), values)
    if errs:
        own = {**_manage(token), **values}
        page = render_template("registration/manage.html", own=own, errors=errs, token=token)
        return page, 422
    app = _app()
    handlers.update_needs_by_token(token, data, app.uow(), app.clock)
    flash(_("Your needs are saved."))
    return redirect(url_for(".manage", token=token), 303)


@participant_pages.route("/manage/<token>/cancel", methods=["GET", "POST"])
def cancel(token):
    """Cancel, once confirmed; the seat goes to the next person waiting."""
    if not confirmed():
        return confirmation_page(confirmations.cancel_own(_manage(token), token))
    app = _app()
    handlers.cancel_by_token(token, app.uow(), app.clock)
    flash(_("Your registration is cancelled."))
    return redirect(url_for(".manage", token=token), 303)


@participant_pages.route("/manage/<token>/erase", methods=["GET", "POST"])
def erase(token):
    """Erase personal data here and in the other services, once confirmed."""
    if not confirmed():
        return confirmation_page(confirmations.erase_own(_manage(token), token))
    app = _app()
    handlers.erase_by_token(token, app.uow(), app.clock)
    return redirect(url_for(".erased"), 303)


@participant_pages.get("/erased")
def erased():
    """After erasure the manage link no longer works."""
    return render_template("registration/erased.html")
